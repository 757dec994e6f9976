"""`assistant export DRAFT.md -o OUT.docx`: a Markdown draft to .docx in the official layout."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import InputError


def export_cmd(
    draft: Annotated[Path, typer.Argument(help="The Markdown draft (UTF-8), e.g. from `assistant draft`.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The .docx to write (default: the draft's name with .docx)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUT if it exists.")] = False,
    char_grid: Annotated[
        bool,
        typer.Option(
            "--char-grid/--no-char-grid",
            help="28 characters per line via Word's character grid (Word and WPS honour it; LibreOffice "
            "does not). Default: a line grid with characters condensed to fit 28, which every program renders.",
        ),
    ] = False,
) -> None:
    """Export a draft to .docx in the GB/T 9704-2012 layout (A4, 3号仿宋, 22 lines × 28 characters)."""
    from assistant.document import parse_draft
    from assistant.draft.pipeline import strip_sources
    from assistant.export import export_docx  # python-docx is slow to import

    doc = parse_draft(strip_sources(read_draft(draft)))  # a --sources appendix is not part of the document
    target = out or draft.with_suffix(".docx")
    written = export_docx(doc, target, force=force, char_grid=char_grid, source=str(draft))
    typer.echo(f"wrote {written}", err=True)


def read_draft(path: Path) -> str:
    """The draft's text; InputError naming the file when it is missing or not UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a draft") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
