"""`assistant export DRAFT -o OUT.docx`: a Markdown draft to .docx in the official layout.

``-`` as DRAFT reads the draft from stdin; ``-o -`` writes the .docx bytes to stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.errors import InputError, UsageError
from assistant.i18n import _

STDIO = "-"

EXPORT_HELP = _("把 Markdown 草稿导出为 GB/T 9704-2012 公文格式的 .docx（A4，3号仿宋，每页22行、每行28字）。")


def export_cmd(
    draft: Annotated[
        Path,
        typer.Argument(
            metavar="DRAFT",
            help=_("Markdown 草稿（如 `assistant draft` 的输出）；用 - 从标准输入读取。"),
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="OUT",
            help=_("要写出的 .docx（默认：与草稿同名，扩展名改为 .docx）；用 - 写到标准输出。"),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_("OUT 已存在时覆盖。"))] = False,
    char_grid: Annotated[
        bool,
        typer.Option(
            "--char-grid/--no-char-grid",
            show_default=False,  # the help says what the default is
            help=_(
                "用 Word 的字符网格排成每行28字（Word、WPS 支持，LibreOffice 不支持）。"
                "默认用行网格并略微紧缩字距排满28字，各软件显示一致。"
            ),
        ),
    ] = False,
) -> None:
    from assistant.check.fidelity import has_open_findings
    from assistant.document import looks_like_facts, parse_draft
    from assistant.draft.pipeline import strip_sources
    from assistant.errors import CheckFailed

    from_stdin = str(draft) == STDIO
    target = _target(draft, out, from_stdin)  # None: stdout
    if from_stdin and sys.stdin.isatty():
        typer.echo(_("请输入或粘贴草稿，结束时按 Ctrl-D。"), err=True)
    source = _("标准输入") if from_stdin else str(draft)
    text = read_stdin_draft() if from_stdin else read_draft(draft)
    text = strip_sources(text)  # a --sources appendix is not part of the document
    if looks_like_facts(text):
        raise InputError(_facts_given(source, draft if not from_stdin else None, out))
    if has_open_findings(text) and not force:
        raise CheckFailed(
            _("{path}：草稿的核对尚未通过（见首行说明），处理后再导出；确需导出请加 --force", path=source)
        )
    doc = parse_draft(text)

    from assistant.export import docx_bytes, export_docx  # python-docx is slow to import

    if target is None:
        data = docx_bytes(doc, char_grid=char_grid, source=source)
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        typer.echo(_("已把 .docx 写到标准输出（{size} 字节）", size=len(data)), err=True)
        return
    written = export_docx(doc, target, force=force, char_grid=char_grid, source=source)
    typer.echo(_("已导出：{path}", path=written), err=True)


def _target(draft: Path, out: Path | None, from_stdin: bool) -> Path | None:
    """The .docx to write, None for stdout; UsageError for a combination that cannot work."""
    if from_stdin and out is None:
        raise UsageError(_("从标准输入读取草稿时，请用 -o 指定 .docx 文件（-o - 写到标准输出）"))
    if out is not None and str(out) == STDIO:
        if sys.stdout.isatty():
            raise UsageError(_("标准输出是终端，不能写入 .docx；请用 -o 指定文件，或把输出重定向到文件"))
        return None
    target = out or draft.with_suffix(".docx")
    if not from_stdin and _same_file(target, draft):
        raise UsageError(_("{path}：输出文件不能是草稿本身", path=target))
    return target


def _facts_given(source: str, path: Path | None, out: Path | None) -> str:
    """The one line refusing a facts file, with the command that drafts it and exports the .docx."""
    facts = str(path) if path is not None else "FACTS"
    if out is not None and str(out) != STDIO:
        target = str(out)
    else:
        target = str(path.with_suffix(".docx")) if path is not None else "OUT.docx"
    return _(
        "{source}：这是事实文件，不是草稿；请用 `assistant draft {facts} --docx {out}` 起草并导出",
        source=source,
        facts=facts,
        out=target,
    )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def read_draft(path: Path) -> str:
    """The draft's text, decoded as example reports and facts are (UTF-8, UTF-16 with a BOM,
    GB18030); InputError naming the file when it is missing or unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(_("{path}：找不到这个文件", path=path)) from None
    except IsADirectoryError:
        raise InputError(_("{path}：是文件夹，不是草稿", path=path)) from None
    except OSError as exc:
        raise InputError(_("无法读取 {path}：{reason}", path=path, reason=exc.strerror or exc)) from None
    if data.startswith(b"PK\x03\x04"):  # a zip: most likely a .docx given where its source belongs
        raise InputError(_("{path}：这是 Word 等二进制文件，不是 Markdown 草稿", path=path))
    return _decode(data, str(path))


def read_stdin_draft() -> str:
    return _decode(sys.stdin.buffer.read(), _("标准输入"))


def _decode(data: bytes, name: str) -> str:
    from assistant.corpus.loader import decode_bytes, normalize_newlines

    try:
        text, _encoding = decode_bytes(data, name)
    except InputError:
        raise InputError(
            _("{name}：不是可读的文本草稿（应为 UTF-8、UTF-16 或 GB18030 编码的 Markdown）", name=name)
        ) from None
    return normalize_newlines(text)
