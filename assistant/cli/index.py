"""`assistant index …` and `assistant search`: build the index, add to it, inspect it, query it.

The default index is one per user (assistant.paths.user_index_dir), seeded with the bundled
example reports on first use; `--index DIR` and ASSISTANT_INDEX choose another."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import App, EmbedderOpt, IndexOpt, index_dir
from assistant.i18n import _

app = App(help=_("建立、追加和查看检索用的范文索引。"))

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help=_("范文所在的文件或文件夹（.txt、.md、.docx）。"), metavar="PATH", show_default=False
    ),
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help=_("索引将减少一半以上的段落时，不再询问，直接执行。"))
]
JsonOpt = Annotated[bool, typer.Option("--json", help=_("在标准输出上打印 JSON 结果。"))]


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _keeps_previous_index(root: Path, existed: bool) -> Iterator[None]:
    """Ctrl-C (or a refused prompt) mid-change: the live index is untouched, the build is atomic."""
    from assistant.errors import Interrupted

    try:
        yield
    except (KeyboardInterrupt, typer.Abort):
        if existed:
            raise Interrupted(_("已中断，原有索引 {root} 保持不变。", root=root)) from None
        raise Interrupted(_("已中断，没有建立索引（{root}）。", root=root)) from None


def _confirm(force: bool) -> Callable[[int, int], bool] | None:
    """Ask on a terminal whether to shrink the index; elsewhere there is no one to ask."""
    if force:
        return lambda now, after: True
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None

    def ask(now: int, after: int) -> bool:
        return typer.confirm(
            _(
                "这样会把索引从 {now} 个段落减到 {after} 个，原有内容过半将被替换。确定替换吗？",
                now=now,
                after=after,
            ),
            default=False,
            err=True,
        )

    return ask


class _EmbedProgress:
    """A transient bar on stderr, started only once the reports are parsed: the skipped-file lines
    and a shrink question come before it, never under it."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.task: Any = None

    def on_parsed(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        console = Console(stderr=True)
        if not console.is_terminal:  # a log or a pipe gets the summary lines only
            return
        self.bar = Progress(
            TextColumn(_("嵌入")),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("embed", total=total)

    def progress(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _run_with_progress(work: Callable[..., Any]) -> Any:
    """work(on_parsed=…, progress=…) with an embedding progress bar."""
    bar = _EmbedProgress()
    try:
        return work(on_parsed=bar.on_parsed, progress=bar.progress)
    finally:
        bar.close()


def _print_skipped(skipped: list[Any]) -> None:
    """One line per file not read, as soon as they are known (before any question)."""
    for e in skipped:
        _err(_("跳过 {path}：{reason}", path=e.path, reason=e.reason))


def _timings_line(report: Any) -> str:
    t = report.timings
    return _(
        "嵌入模型 {embedder}：新算 {embedded} 个，取自缓存 {cached} 个；读取 {parse} 秒，嵌入 {embed} 秒，写入 {write} 秒",
        embedder=report.manifest["embedder"]["id"],
        embedded=report.embedded,
        cached=report.cached,
        parse=f"{t.get('parse', 0):.2f}",
        embed=f"{t.get('embed', 0):.2f}",
        write=f"{t.get('index', 0):.2f}",
    )


@app.command("build", help=_("用 PATH 下的范文重建索引（替换现有内容；只想追加请用 index add）。"))
def build(
    paths: PathsArg,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    tokenizer: Annotated[
        str, typer.Option(help=_("关键词检索的分词：bigram（默认，双字）或 jieba。"))
    ] = "bigram",
    dense: Annotated[
        str, typer.Option(help=_("向量索引：auto、flat 或 hnsw（auto：超过 20000 个段落用 hnsw）。"))
    ] = "auto",
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help=_("即使已是最新或换了嵌入模型，也重新建立。"))
    ] = False,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from assistant.index.store import IndexStore

    store = IndexStore(index_dir(index))
    existed = store.exists()
    with _keeps_previous_index(store.root, existed):
        report = _run_with_progress(
            lambda **kw: store.build(
                paths,
                embedder=embedder,
                tokenizer=tokenizer,
                dense=dense,
                rebuild=rebuild,
                force=force,
                confirm=_confirm(force),
                on_skip=_print_skipped,
                **kw,
            )
        )
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    c = report.manifest["counts"]
    if report.up_to_date:
        _err(
            _(
                "索引 {root} 已是最新（{chunks} 个段落，嵌入模型 {embedder}；跳过 {skipped} 个文件）",
                root=store.root,
                chunks=c["chunks"],
                embedder=report.manifest["embedder"]["id"],
                skipped=len(report.skipped),
            )
        )
        return
    _err(
        _(
            "已建立索引 {root}：{files} 个文件、{reports} 篇报告、{chunks} 个段落；{dups} 篇重复报告未收录，跳过 {skipped} 个文件",
            root=store.root,
            files=c["files"],
            reports=c["unique_reports"],
            chunks=c["chunks"],
            dups=c["reports"] - c["unique_reports"],
            skipped=len(report.skipped),
        )
    )
    _err(_timings_line(report))


@app.command("add", help=_("把 PATH 下的范文追加到索引，保留已有内容（同一文件再次追加则更新它）。"))
def add(
    paths: PathsArg,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from assistant.errors import InputError
    from assistant.index.default import seed_paths
    from assistant.index.store import IndexStore

    for path in paths:  # a missing input is said before anything is built
        if not path.exists():
            raise InputError(_("{path}：找不到这个文件或文件夹", path=path))
    store = IndexStore(index_dir(index))
    existed = store.exists()
    todo = seed_paths(store, index, paths)
    if len(todo) > len(paths):
        _err(_("默认索引还没有建立：这次连同自带范文（{src}）一起建立。", src=todo[0]))
    with _keeps_previous_index(store.root, existed):
        report = _run_with_progress(
            lambda **kw: store.add(todo, embedder=embedder, on_skip=_print_skipped, **kw)
        )
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    c = report.manifest["counts"]
    if report.up_to_date:
        _err(
            _(
                "这些文件都已在索引 {root} 中，没有变化（共 {chunks} 个段落；跳过 {skipped} 个文件）",
                root=store.root,
                chunks=c["chunks"],
                skipped=len(report.skipped),
            )
        )
        return
    _err(
        _(
            "已向索引 {root} 追加 {added} 个段落（现共 {chunks} 个，来自 {files} 个文件）；跳过 {skipped} 个文件",
            root=store.root,
            added=report.added,
            chunks=c["chunks"],
            files=c["files"],
            skipped=len(report.skipped),
        )
    )
    _err(_timings_line(report))


@app.command("remove", help=_("从索引中删除来自 PATH 的范文（文件不必还在）；--examples 删除自带范文。"))
def remove(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=_("要删除的文件，或其下全部文件都删除的文件夹。"), metavar="PATH", show_default=False
        ),
    ] = None,
    examples: Annotated[bool, typer.Option("--examples", help=_("删除自带的范文。"))] = False,
    index: IndexOpt = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from assistant.errors import UsageError
    from assistant.index.default import bundled_reports
    from assistant.index.store import IndexStore

    targets = list(paths or [])
    if examples:
        targets.append(bundled_reports())
    if not targets:
        raise UsageError(_("请给出要删除的文件或文件夹，或加 --examples 删除自带范文"))
    store = IndexStore(index_dir(index))
    with _keeps_previous_index(store.root, store.exists()):
        report = store.remove(targets, force=force, confirm=_confirm(force))
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    c = report.manifest["counts"]
    _err(
        _(
            "已从索引 {root} 删除 {removed} 个段落（还剩 {chunks} 个，来自 {files} 个文件）",
            root=store.root,
            removed=report.removed,
            chunks=c["chunks"],
            files=c["files"],
        )
    )


@app.command("info", help=_("查看索引的内容：嵌入模型、数量、来源文件、建立时间。"))
def info(
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("以 JSON 打印索引清单。"))] = False,
) -> None:
    from assistant.errors import IndexError_
    from assistant.index.store import IndexStore
    from assistant.paths import is_user_index

    store = IndexStore(index_dir(index))
    m = store.manifest()
    if m is None:
        if is_user_index(index):
            raise IndexError_(
                _(
                    "默认索引 {root} 还没有建立：第一次起草或检索时会用自带范文自动建立，也可以用 assistant index build PATH... 自建",
                    root=store.root,
                )
            )
        raise IndexError_(_("{root} 还没有索引；请用 assistant index build PATH... 建立", root=store.root))
    if as_json:
        print(json.dumps({"index": str(store.root), **m}, ensure_ascii=False, indent=1))
        return
    _print_info(store, m)


def _print_info(store: Any, m: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    from assistant.index.default import bundled_reports

    c = m["counts"]
    t = Table(show_header=False, box=None)
    t.add_row(_("目录"), str(store.current_dir()))
    t.add_row(_("嵌入模型"), _("{id}（{dim} 维）", id=m["embedder"]["id"], dim=m["embedder"]["dim"]))
    t.add_row(
        _("检索"), _("向量 {dense}，关键词 BM25（{tokenizer}）", dense=m["dense"], tokenizer=m["tokenizer"])
    )
    t.add_row(
        _("数量"),
        _(
            "{files} 个文件，{reports} 篇报告（不重复的 {unique} 篇），{chunks} 个段落",
            files=c["files"],
            reports=c["reports"],
            unique=c["unique_reports"],
            chunks=c["chunks"],
        ),
    )
    t.add_row(
        _("建立时间"),
        _("{at}，用时 {total} 秒", at=m["built_at"], total=m.get("timings", {}).get("total", "?")),
    )
    t.add_row(_("指纹"), m["corpus_fingerprint"])
    Console(highlight=False).print(t)
    bundled = bundled_reports().resolve()
    files = m.get("files") or [{"path": p, "chunks": None} for p in m.get("sources", [])]
    # Plain lines: a path is never wrapped, so it can be copied into `index remove`.
    print(_("来源（{n} 个文件）：", n=len(files)))
    for e in files:
        mark = _("（自带范文）") if bundled in Path(e["path"]).parents else ""
        n = "?" if e.get("chunks") is None else e["chunks"]
        print(_("  {n:>4} 段  {path}{mark}", n=n, path=e["path"], mark=mark))
    for e in m.get("skipped", []):
        print(_("  跳过 {path}：{reason}", path=e["path"], reason=e["reason"]))


SEARCH_HELP = _("查找与 TEXT 相近的范文段落（关键词 BM25 与向量混合检索）。")


def search(
    text: Annotated[str, typer.Argument(help=_("要查找的内容，例如某一部分的事实。"), metavar="TEXT")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help=_("返回多少条。"))] = 5,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help=_("只要这种角色的段落（opening、achievements、problems、plans、closing）。"),
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help=_("检索方式：hybrid、lexical 或 dense。"))] = "hybrid",
    per_report: Annotated[int, typer.Option("--per-report", min=1, help=_("同一篇报告最多返回几条。"))] = 2,
    title: Annotated[str | None, typer.Option("--title", help=_("只查标题含这些字的报告。"))] = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("在标准输出上以 JSON 列表打印结果。"))] = False,
) -> None:
    from assistant.errors import UsageError
    from assistant.index.default import ensure_default_index
    from assistant.index.embedders import ROLES_ALLOWED, load_embedder
    from assistant.index.search import Query, Searcher

    if not text.strip():
        raise UsageError(_("检索内容为空：请给出要查找的文字"))
    for r in role or []:
        if r not in ROLES_ALLOWED:
            raise UsageError(_("未知的角色 {role}：可选 {roles}", role=r, roles="、".join(ROLES_ALLOWED)))
    store, _seeded = ensure_default_index(index, embedder, _err)
    loaded = store.load()
    emb = load_embedder(embedder) if embedder else None
    hits = Searcher(loaded, emb).search(
        Query(text, k=k, roles=role or None, mode=mode, max_per_report=per_report, title_contains=title)
    )
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return
    _print_hits(hits)


def _print_hits(hits: list[Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    console = Console(highlight=False)
    if not hits:
        console.print(_("没有找到相近的段落。"), style="dim", markup=False)
    for n, h in enumerate(hits, 1):
        ranks = f"bm25 #{h.lexical_rank or '-'} · dense #{h.dense_rank or '-'}"
        console.print(
            Panel(
                escape(h.text),
                title=escape(f"{n}. {h.source_label}"),
                subtitle=escape(f"{h.role} · {ranks} · {h.chunk_id}"),
                title_align="left",
                subtitle_align="right",
            )
        )
    _err(_("共 {n} 条", n=len(hits)))
