"""`assistant corpus …`: look at how example reports are read."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import App
from assistant.i18n import _

app = App(help=_("读取范文，查看它们如何被切分成部分和段落。"))

ROLE_STYLE = {
    "opening": "cyan",
    "achievements": "green",
    "problems": "red",
    "plans": "blue",
    "closing": "magenta",
    "other": "white",
}


@app.command("inspect", help=_("把每篇范文显示成树：标题、各级标题及其层级和角色、段落数、重复情况。"))
def inspect(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help=_("范文所在的文件或文件夹（.txt、.md、.docx）。"), metavar="PATH", show_default=False
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help=_("在标准输出上以 JSON 打印完整的解析结果。"))
    ] = False,
    show_chunks: Annotated[bool, typer.Option("--chunks", help=_("在各标题下列出每个段落。"))] = False,
) -> None:
    from assistant.corpus import parse_paths
    from assistant.errors import InputError

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(_("{path}：找不到这个文件或文件夹", path=missing[0]))
    result = parse_paths(paths)
    if as_json:
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_tree(result, show_chunks)
    for err in result.errors:
        print(_("跳过 {path}：{reason}", path=err.path, reason=err.reason), file=sys.stderr)
    if result.errors:
        print(_("共跳过 {n} 个文件", n=len(result.errors)), file=sys.stderr)
    if not result.reports:
        raise InputError(_("{paths} 中没有找到报告正文", paths="、".join(str(p) for p in paths)))


def _print_tree(result, show_chunks: bool) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    console = Console(highlight=False)
    for r in result.reports:
        dup = " [yellow]" + escape(_("（与 {id} 重复）", id=r.duplicate_of)) + "[/]" if r.duplicate_of else ""
        title = escape(r.title or _("（无标题）{start}…", start=r.text[:24]))
        where = escape(f"{r.id} · {Path(r.source).name} #{r.ordinal} · {r.kind}")
        root = Tree(f"[bold]{title}[/] [dim]{where}[/]{dup}")
        by_path: dict[tuple[str, ...], int] = {}
        for c in r.chunks:
            by_path[tuple(c.heading_path)] = by_path.get(tuple(c.heading_path), 0) + 1
        lead = [c for c in r.chunks if not c.heading_path]

        def add_lead(roles: tuple[str, ...], lead=lead, root=root) -> None:  # type: ignore[no-untyped-def]
            for role in roles:
                n = sum(1 for c in lead if c.role == role)
                if n:
                    root.add(f"[{ROLE_STYLE[role]}]{role}[/] [dim]{_('{n} 个段落', n=n)}[/]")

        add_lead(("opening",))

        def add(node, heading, path, r=r, by_path=by_path):  # type: ignore[no-untyped-def]
            p = path + (heading.text,)
            roles = "+".join(heading.roles or [heading.role])
            style = ROLE_STYLE.get(heading.roles[0] if heading.roles else heading.role, "white")
            n = by_path.get(p, 0)
            branch = node.add(
                f"{escape(heading.number + heading.text)} [dim]L{heading.level}[/] [{style}]{roles}[/] "
                f"[dim]{_('{n} 个段落', n=n)}[/]"
            )
            if show_chunks:
                for c in r.chunks:
                    if tuple(c.heading_path) == p:
                        flags = f" [yellow]{','.join(c.flags)}[/]" if c.flags else ""
                        branch.add(f"[dim]{c.id}[/] {escape(c.text[:40])}…{flags}")
            for child in heading.children:
                add(branch, child, p)

        for h in r.headings:
            add(root, h, ())
        add_lead(("other", "closing"))
        console.print(root)
    c = result.to_dict()["counts"]
    console.print(
        _(
            "{reports} 篇报告（{dup_reports} 篇重复），{chunks} 个不重复的段落（去掉 {dup_chunks} 个重复段落）",
            reports=c["reports"],
            dup_reports=c["duplicate_reports"],
            chunks=c["chunks"],
            dup_chunks=c["duplicate_chunks"],
        ),
        markup=False,
    )
