"""`assistant eval …`: score retrieval and drafts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import App, IndexOpt, index_dir
from assistant.i18n import _

app = App(help="Evaluate retrieval and drafts.")

SetOpt = Annotated[
    Path | None,
    typer.Option(
        "--set", help="Judged dev set folder (default: eval/retrieval of this checkout).", show_default=False
    ),
]


def _default_set() -> Path:
    here = Path("eval") / "retrieval"
    if here.is_dir():
        return here
    from assistant.paths import REPO_DIR

    return REPO_DIR / "eval" / "retrieval"


@app.command("retrieval")
def retrieval(
    index: IndexOpt = None,
    set_dir: SetOpt = None,
    roles: Annotated[
        str,
        typer.Option(
            "--roles", help="Use each query's section role as a filter (as drafting does), a boost, or none."
        ),
    ] = "filter",
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON on stdout.")] = False,
    per_query: Annotated[
        bool, typer.Option("--per-query", help="With --json: include each query's figures.")
    ] = False,
) -> None:
    """Score lexical, dense and hybrid search on the judged dev set: nDCG@5, Recall@10, MRR.

    Uses an existing index and builds nothing (build one with `assistant index build`)."""
    from assistant.evaluation.retrieval import evaluate_index

    report = evaluate_index(index_dir(index), set_dir or _default_set(), roles=roles)
    for qid, key in report.unresolved:
        print(f"warning: {qid}: judged chunk {key.file} «{key.prefix}» is not in the index", file=sys.stderr)
    if as_json:
        print(json.dumps(report.to_dict(per_query), ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{report.queries} judged queries, role as {report.roles}", title_justify="left")
    t.add_column("run", no_wrap=True)
    for name in ("nDCG@5", "nDCG@10", "Recall@10", "MRR", "MRR g2", "queries"):
        t.add_column(name, justify="right")
    for s in report.scores:
        t.add_row(
            s.name, *(f"{v:.3f}" for v in (s.ndcg5, s.ndcg10, s.recall10, s.mrr, s.mrr2)), str(s.queries)
        )
    console = Console(highlight=False)
    console.print(t)
    console.print(
        f"index {report.index} ({report.embedder}); {report.judged} judged pairs; "
        f"unresolved keys: {len(report.unresolved)}; ambiguous keys: {len(report.ambiguous)}"
    )
    if report.skipped:
        console.print(
            f"not run (the index has no dense vectors): {', '.join(report.skipped)}", style="yellow"
        )


from assistant.cli.eval_drafts import check_cmd, run_cmd  # noqa: E402

app.command("check")(check_cmd)
app.command("run")(run_cmd)

from assistant.cli.eval_fidelity import fidelity_cmd  # noqa: E402

app.command("fidelity", help=_("核对器在保真开发集上的精确率和召回率（按分组、按类型）。"))(fidelity_cmd)
