"""`assistant eval check` and `assistant eval run`: outline-compliance scores for drafts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.cli.common import IndexOpt
from assistant.i18n import N_, _

if TYPE_CHECKING:
    from assistant.evaluation.compliance import ComplianceReport
    from assistant.evaluation.scoring import Finding
    from assistant.evaluation.similarity import Similarity

JsonOpt = Annotated[bool, typer.Option("--json", help=_("以 JSON 输出到标准输出（只输出 JSON）。"))]
SimOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder",
        metavar="EMBEDDER",
        help=_("用这个嵌入模型（如 e5-small）计算标题相似度，默认用字符二元组。"),
    ),
]

# The checks' names as the tables show them (JSON keeps the identifiers).
CHECK_WORDS = {
    "parts": N_("部分"),
    "headings": N_("标题层级"),
    "numbering": N_("序号"),
    "facts": N_("事实"),
    "fidelity": N_("忠实"),
    "hygiene": N_("文面"),
    "form": N_("体例"),
}
DETAIL_WORDS = {
    "present": N_("齐全"),
    "in_order": N_("顺序对"),
    "recall": N_("召回"),
    "precision": N_("精确"),
    "similarity": N_("相似度"),
    "numbered": N_("有序号"),
    "covered": N_("用到"),
    "traced": N_("数字可溯源"),
}


def check_word(name: str) -> str:
    return _(CHECK_WORDS[name]) if name in CHECK_WORDS else name


def _similarity(embedder: str | None) -> Similarity:
    from assistant.evaluation.similarity import bigram_similarity, embedder_similarity

    return embedder_similarity(embedder) if embedder else bigram_similarity()


def check_cmd(
    draft: Annotated[
        Path,
        typer.Argument(metavar="DRAFT", help=_("Markdown 草稿（# 标题，## 一、…，### （一）…）。")),
    ],
    facts: Annotated[
        Path | None, typer.Option("--facts", metavar="FACTS", help=_("起草这份草稿所用的事实文件。"))
    ] = None,
    outline: Annotated[
        Path | None,
        typer.Option(
            "--outline", metavar="OUTLINE", help=_("目标提纲（每行一个标题）；默认用事实文件的提纲。")
        ),
    ] = None,
    embedder: SimOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from assistant.corpus.loader import decode_bytes
    from assistant.draft.facts import load_facts
    from assistant.draft.outline import build_outline, load_outline_file
    from assistant.draft.pipeline import strip_sources
    from assistant.errors import InputError
    from assistant.evaluation.compliance import evaluate

    if not draft.is_file():
        raise InputError(_("{path}：找不到这个草稿文件", path=draft))
    text, _encoding = decode_bytes(draft.read_bytes(), str(draft))
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


CHECK_HELP = _("给一份草稿打分：部分、标题、序号、事实、忠实、文面、体例，以及总分。")


def _detail_text(detail: dict[str, Any]) -> str:
    return "  ".join(f"{_(DETAIL_WORDS[k]) if k in DETAIL_WORDS else k} {v}" for k, v in detail.items())


def where(f: Finding) -> str:
    return _("第 {line} 行", line=f.line) if f.line else _("全文")


def _print_report(name: str, report: ComplianceReport) -> None:
    from rich.console import Console
    from rich.table import Table

    from assistant.evaluation.compliance import WEIGHTS

    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 120)
    t = Table(title=name, title_justify="left")
    for col, justify in (
        (_("检查项"), "left"),
        (_("权重"), "right"),
        (_("得分"), "right"),
        (_("问题数"), "right"),
        ("", "left"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for c in report.checks:
        score = f"{c.score:.3f}" if c.ran else "—"
        note = c.skipped or _detail_text(c.detail)
        t.add_row(
            check_word(c.name), f"{WEIGHTS[c.name]:.2f}", score, str(len(c.findings)) if c.ran else "", note
        )
    t.add_row(_("总分"), "", f"{report.total:.3f}", str(len(report.findings)), "", style="bold")
    console.print(t)
    for note in report.notes:
        console.print(_("说明：{note}", note=note), style="yellow")
    for f in report.findings:
        console.print(f"  {where(f):>9}  [{check_word(f.check)}/{f.kind}] {f.message}", markup=False)


RUN_HELP = _(
    "用每个评测用例的事实（按事实自身的提纲）起草，再对照用例的 outline.txt 打分；每个用例一行，最后是平均总分。"
)


def run_cmd(
    cases: Annotated[Path, typer.Argument(metavar="CASES", help=_("评测用例文件夹（eval/cases）。"))],
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            metavar="BACKEND",
            help=_("offline（离线起草）或 openai（已配置的接口）。"),
        ),
    ] = "offline",
    index: IndexOpt = None,
    embedder: SimOpt = None,
    as_json: JsonOpt = False,
) -> None:
    from assistant.errors import UsageError
    from assistant.evaluation.cases import run_cases

    if backend not in ("offline", "openai"):
        raise UsageError(_("--backend 只能是 offline 或 openai，不能是 {value}", value=backend))
    llm, searcher = None, None
    if backend == "openai":
        from assistant.draft.run import open_searcher
        from assistant.llm import make_backend

        llm = make_backend()
        if llm is None:
            raise UsageError(
                _(
                    "--backend openai 需要模型接口：请设置 OPENAI_BASE_URL（以及 ASSISTANT_MODEL、OPENAI_API_KEY），"
                    "或用 `assistant config set` 保存"
                )
            )
        searcher = open_searcher(index, None, build_default=False)
    results = run_cases(cases, backend=llm, retriever=searcher, similarity=_similarity(embedder))
    mean = sum(r.report.total for r in results) / len(results)
    if as_json:
        payload = {"backend": backend, "cases": [r.to_dict() for r in results], "mean_total": round(mean, 4)}
        print(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    from rich.box import SIMPLE_HEAD
    from rich.console import Console
    from rich.table import Table

    from assistant.evaluation.compliance import WEIGHTS

    title = (
        _("{count} 个用例，离线起草", count=len(results))
        if backend == "offline"
        else _("{count} 个用例，由 {backend} 起草", count=len(results), backend=backend)
    )
    t = Table(
        title=title,
        title_justify="left",
        box=SIMPLE_HEAD,
    )
    t.add_column(_("用例"), no_wrap=True)
    for name in [*(check_word(n) for n in WEIGHTS), _("总分"), _("问题数")]:
        t.add_column(name, justify="right", no_wrap=True)
    for r in results:
        s = r.report.scores()
        t.add_row(
            r.name,
            *(f"{s[n]:.2f}" if s[n] is not None else "—" for n in WEIGHTS),
            f"{r.report.total:.3f}",
            str(len(r.report.findings)),
        )
    t.add_row(_("平均"), *([""] * len(WEIGHTS)), f"{mean:.3f}", "", style="bold")
    console = Console(highlight=False)
    if not console.is_terminal:  # piped: do not squeeze the table into 80 columns
        console.width = max(console.width, 120)
    console.print(t)
    for r in results:
        for f in r.report.findings:
            console.print(f"{r.name}  {where(f)}  [{check_word(f.check)}/{f.kind}] {f.message}", markup=False)
