"""`assistant index …` and `assistant search`: build the index and query it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import App, EmbedderOpt, IndexOpt, index_dir

app = App(help="Build and inspect the retrieval index.")


@app.command("build")
def build(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of example reports.")],
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    tokenizer: Annotated[str, typer.Option(help="BM25 tokens: bigram (default) or jieba.")] = "bigram",
    dense: Annotated[
        str, typer.Option(help="FAISS index: auto, flat or hnsw (auto: hnsw above 20,000 chunks).")
    ] = "auto",
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild even if up to date or built with another embedder.")
    ] = False,
) -> None:
    """Parse example reports, embed their chunks (cached by content) and write the index."""
    from rich.console import Console

    from assistant.index.store import IndexStore

    err = Console(stderr=True, highlight=False)
    store = IndexStore(index_dir(index))
    report = _build_with_progress(store, paths, embedder, tokenizer, dense, rebuild, err)
    for e in report.errors:
        err.print(f"[yellow]warning:[/] {e}")
    m = report.manifest
    if report.up_to_date:
        err.print(
            f"index at {store.root} is up to date ({m['counts']['chunks']} chunks, {m['embedder']['id']})"
        )
        return
    t = report.timings
    err.print(
        f"indexed {m['counts']['chunks']} chunks from {m['counts']['unique_reports']} reports "
        f"({m['counts']['reports'] - m['counts']['unique_reports']} duplicate reports skipped) into {store.root}\n"
        f"embedder {m['embedder']['id']}: {report.embedded} embedded, {report.cached} from cache; "
        f"parse {t['parse']:.2f}s, embed {t['embed']:.2f}s, index {t['index']:.2f}s"
    )


def _build_with_progress(store, paths, embedder, tokenizer, dense, rebuild, err):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("embed", total=None)
        return store.build(
            paths,
            embedder=embedder,
            tokenizer=tokenizer,
            dense=dense,
            rebuild=rebuild,
            on_parsed=lambda n: bar.update(task, total=n),
            progress=lambda n: bar.advance(task, n),
        )


@app.command("info")
def info(
    index: IndexOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Show what the index holds: embedder, counts, sources, build time."""
    from assistant.errors import IndexError_
    from assistant.index.store import IndexStore

    store = IndexStore(index_dir(index))
    m = store.manifest()
    if m is None:
        raise IndexError_(f"no index at {store.root}; build one with: assistant index build PATH...")
    if as_json:
        print(json.dumps(m, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(show_header=False, box=None)
    t.add_row("folder", str(store.current_dir()))
    t.add_row("embedder", f"{m['embedder']['id']} (dim {m['embedder']['dim']})")
    t.add_row("dense / lexical", f"{m['dense']} / BM25 over {m['tokenizer']} tokens")
    c = m["counts"]
    t.add_row(
        "counts",
        f"{c['files']} files, {c['reports']} reports ({c['unique_reports']} unique), {c['chunks']} chunks",
    )
    t.add_row("built", f"{m['built_at']} in {m.get('timings', {}).get('total', '?')}s")
    t.add_row("fingerprint", m["corpus_fingerprint"])
    Console(highlight=False).print(t)


def search(
    text: Annotated[str, typer.Argument(help="What to look for, e.g. your facts for one section.")],
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=100, help="How many hits.")] = 5,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role", help="Only chunks of this role (opening, achievements, problems, plans, closing)."
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="hybrid, lexical or dense.")] = "hybrid",
    per_report: Annotated[
        int, typer.Option("--per-report", min=1, help="At most this many hits from one report.")
    ] = 2,
    title: Annotated[
        str | None, typer.Option("--title", help="Only reports whose title contains this.")
    ] = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the hits as a JSON list on stdout.")] = False,
) -> None:
    """Find example paragraphs analogous to TEXT (hybrid BM25 + dense search)."""
    from assistant.errors import UsageError
    from assistant.index.embedders import ROLES_ALLOWED, load_embedder
    from assistant.index.search import Query, Searcher
    from assistant.index.store import IndexStore

    if not text.strip():
        raise UsageError("empty query: give some text to search for")
    for r in role or []:
        if r not in ROLES_ALLOWED:
            raise UsageError(f"unknown role {r!r}: use one of {', '.join(ROLES_ALLOWED)}")
    loaded = IndexStore(index_dir(index)).load()
    emb = load_embedder(embedder) if embedder else None
    hits = Searcher(loaded, emb).search(
        Query(text, k=k, roles=role or None, mode=mode, max_per_report=per_report, title_contains=title)
    )
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.panel import Panel

    console = Console(highlight=False)
    if not hits:
        console.print("no hits", style="dim")
    for n, h in enumerate(hits, 1):
        ranks = f"bm25 #{h.lexical_rank or '-'} · dense #{h.dense_rank or '-'}"
        path = " > ".join(h.heading_path) or "(no heading)"
        console.print(
            Panel(
                h.text,
                title=f"{n}. {h.report_title or h.report_id} · {path}",
                subtitle=f"{h.role} · {ranks} · {h.chunk_id}",
                title_align="left",
                subtitle_align="right",
            )
        )
    print(f"{len(hits)} hit(s)", file=sys.stderr)
