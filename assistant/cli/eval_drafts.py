"""`assistant eval check` and `assistant eval run`: outline-compliance scores for drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import IndexOpt

if TYPE_CHECKING:
    from assistant.evaluation.compliance import ComplianceReport
    from assistant.evaluation.similarity import Similarity

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON on stdout (and nothing else).")
]
SimOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder", help="Heading similarity by this embedder (e.g. e5-small) instead of character bigrams."
    ),
]


SHORT = {"headings": "heads", "numbering": "numbers", "fidelity": "fidelity", "hygiene": "hygiene"}


def _similarity(embedder: str | None) -> Similarity:
    from assistant.evaluation.similarity import bigram_similarity, embedder_similarity

    return embedder_similarity(embedder) if embedder else bigram_similarity()


def check_cmd(
    draft: Annotated[Path, typer.Argument(help="A Markdown draft (# title, ## 一、…, ### （一）…).")],
    facts: Annotated[
        Path | None, typer.Option("--facts", help="The facts file the draft was written from.")
    ] = None,
    outline: Annotated[
        Path | None,
        typer.Option(
            "--outline", help="The target outline (one heading a line); default: the facts' outline."
        ),
    ] = None,
    embedder: SimOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score one draft: parts, headings, numbering, facts, fidelity, hygiene, form, and the total."""
    from assistant.corpus.loader import decode_bytes
    from assistant.draft.facts import load_facts
    from assistant.draft.outline import build_outline, load_outline_file
    from assistant.draft.pipeline import strip_sources
    from assistant.errors import InputError
    from assistant.evaluation.compliance import evaluate

    if not draft.is_file():
        raise InputError(f"{draft}: no such draft file")
    text, _ = decode_bytes(draft.read_bytes(), str(draft))
    sheet = load_facts(facts) if facts is not None else None
    target = None
    if outline is not None:
        target = load_outline_file(outline)
    elif sheet is not None:
        target = build_outline(sheet).parts
    report = evaluate(strip_sources(text), outline=target, facts=sheet, similarity=_similarity(embedder))
    if as_json:
        print(json.dumps({"draft": str(draft), **report.to_dict()}, ensure_ascii=False, indent=1))
        return
    _print_report(str(draft), report)


def _print_report(name: str, report: ComplianceReport) -> None:
    from rich.console import Console
    from rich.table import Table

    from assistant.evaluation.compliance import WEIGHTS

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    t = Table(title=name, title_justify="left")
    for col, justify in (
        ("check", "left"),
        ("weight", "right"),
        ("score", "right"),
        ("findings", "right"),
        ("", "left"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for c in report.checks:
        score = f"{c.score:.3f}" if c.ran else "—"
        note = c.skipped or "  ".join(f"{k} {v}" for k, v in c.detail.items())
        t.add_row(c.name, f"{WEIGHTS[c.name]:.2f}", score, str(len(c.findings)) if c.ran else "", note)
    t.add_row("total", "", f"{report.total:.3f}", str(len(report.findings)), "", style="bold")
    console.print(t)
    for note in report.notes:
        console.print(f"note: {note}", style="yellow")
    for f in report.findings:
        where = f"line {f.line}" if f.line else "draft"
        console.print(f"  {where:>9}  [{f.check}/{f.kind}] {f.message}", markup=False)


def run_cmd(
    cases: Annotated[Path, typer.Argument(help="The eval cases folder (eval/cases).")],
    backend: Annotated[
        str,
        typer.Option(
            "--backend", help="offline (the deterministic drafter) or openai (the configured endpoint)."
        ),
    ] = "offline",
    index: IndexOpt = None,
    embedder: SimOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Draft every case from its facts (with the facts' own outline) and score the draft against the
    case's outline.txt. Prints one row per case and the mean total."""
    from assistant.errors import UsageError
    from assistant.evaluation.cases import run_cases

    if backend not in ("offline", "openai"):
        raise UsageError(f"--backend must be offline or openai, not {backend!r}")
    llm, searcher = None, None
    if backend == "openai":
        from assistant.draft.run import DraftOptions, make_backend, open_searcher

        llm = make_backend(DraftOptions())
        if llm is None:
            raise UsageError(
                "--backend openai needs an endpoint: set OPENAI_BASE_URL (and ASSISTANT_MODEL, OPENAI_API_KEY)"
            )
        searcher = open_searcher(index, None, build_default=False)
    results = run_cases(cases, backend=llm, searcher=searcher, similarity=_similarity(embedder))
    mean = sum(r.report.total for r in results) / len(results)
    if as_json:
        payload = {"backend": backend, "cases": [r.to_dict() for r in results], "mean_total": round(mean, 4)}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    from rich.box import SIMPLE_HEAD
    from rich.console import Console
    from rich.table import Table

    from assistant.evaluation.compliance import WEIGHTS

    t = Table(title=f"{len(results)} cases, {backend} drafts", title_justify="left", box=SIMPLE_HEAD)
    t.add_column("case", no_wrap=True)
    for name in [*(SHORT.get(n, n) for n in WEIGHTS), "total", "finds"]:
        t.add_column(name, justify="right", no_wrap=True)
    for r in results:
        s = r.report.scores()
        t.add_row(
            r.name,
            *(f"{s[n]:.2f}" if s[n] is not None else "—" for n in WEIGHTS),
            f"{r.report.total:.3f}",
            str(len(r.report.findings)),
        )
    t.add_row("mean", *([""] * len(WEIGHTS)), f"{mean:.3f}", "", style="bold")
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console.width = max(console.width, 120)
    console.print(t)
    for r in results:
        for f in r.report.findings:
            where = f"line {f.line}" if f.line else "draft"
            console.print(f"{r.name}  {where}  [{f.check}/{f.kind}] {f.message}", markup=False)
