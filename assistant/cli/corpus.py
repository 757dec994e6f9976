"""`assistant corpus …`: look at how example reports are read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import App

app = App(help="Read example reports and show how they are split and chunked.")

ROLE_STYLE = {
    "opening": "cyan",
    "achievements": "green",
    "problems": "red",
    "plans": "blue",
    "closing": "magenta",
    "other": "white",
}


@app.command("inspect")
def inspect(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders of example reports (.txt, .md, .docx).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full parse as JSON on stdout.")] = False,
    show_chunks: Annotated[
        bool, typer.Option("--chunks", help="List every chunk under its heading.")
    ] = False,
) -> None:
    """Show each report as a tree: title, headings with level and role, chunk counts, duplicates."""
    from assistant.corpus import parse_paths
    from assistant.errors import InputError

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    result = parse_paths(paths)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_tree(result, show_chunks)
    for err in result.errors:
        print(f"warning: {err.message}", file=sys.stderr)
    if not result.reports:
        raise InputError("no report text found in " + ", ".join(str(p) for p in paths))


def _print_tree(result, show_chunks: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.tree import Tree

    console = Console(highlight=False)
    for r in result.reports:
        dup = f" [yellow](duplicate of {r.duplicate_of})[/]" if r.duplicate_of else ""
        title = r.title or f"(untitled) {r.text[:24]}…"
        root = Tree(f"[bold]{title}[/] [dim]{r.id} · {Path(r.source).name} #{r.ordinal} · {r.kind}[/]{dup}")
        by_path: dict[tuple[str, ...], int] = {}
        for c in r.chunks:
            by_path[tuple(c.heading_path)] = by_path.get(tuple(c.heading_path), 0) + 1
        lead = [c for c in r.chunks if not c.heading_path]

        def add_lead(roles: tuple[str, ...], lead=lead, root=root) -> None:  # type: ignore[no-untyped-def]
            for role in roles:
                n = sum(1 for c in lead if c.role == role)
                if n:
                    root.add(f"[{ROLE_STYLE[role]}]{role}[/] [dim]{n} chunk(s)[/]")

        add_lead(("opening",))

        def add(node, heading, path, r=r, by_path=by_path):  # type: ignore[no-untyped-def]
            p = path + (heading.text,)
            roles = "+".join(heading.roles or [heading.role])
            style = ROLE_STYLE.get(heading.roles[0] if heading.roles else heading.role, "white")
            n = by_path.get(p, 0)
            branch = node.add(
                f"{heading.number}{heading.text} [dim]L{heading.level}[/] [{style}]{roles}[/] [dim]{n} chunk(s)[/]"
            )
            if show_chunks:
                for c in r.chunks:
                    if tuple(c.heading_path) == p:
                        flags = f" [yellow]{','.join(c.flags)}[/]" if c.flags else ""
                        branch.add(f"[dim]{c.id}[/] {c.text[:40]}…{flags}")
            for child in heading.children:
                add(branch, child, p)

        for h in r.headings:
            add(root, h, ())
        add_lead(("other", "closing"))
        console.print(root)
    c = result.to_dict()["counts"]
    console.print(
        f"[bold]{c['reports']}[/] reports ({c['duplicate_reports']} duplicates), "
        f"[bold]{c['chunks']}[/] unique chunks ({c['duplicate_chunks']} duplicate chunks dropped)"
    )
