"""`assistant eval …`: score retrieval and drafts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import App, IndexOpt, index_dir
from assistant.i18n import _

app = App(help=_("评测检索和草稿。"))

SetOpt = Annotated[
    Path | None,
    typer.Option(
        "--set",
        metavar="DIR",
        help=_("已标注的开发集文件夹（默认：本仓库的 eval/retrieval）。"),
        show_default=False,
    ),
]


def _default_set() -> Path:
    here = Path("eval") / "retrieval"
    if here.is_dir():
        return here
    from assistant.paths import REPO_DIR

    return REPO_DIR / "eval" / "retrieval"


@app.command(
    "retrieval",
    short_help=_("在已标注的开发集上为检索打分：nDCG@5、Recall@10、MRR。"),
    help=_(
        "在已标注的开发集上为关键词、向量和混合检索打分：nDCG@5、Recall@10、MRR。"
        "只用现有索引，不建索引（用 `assistant index build` 建）。"
    ),
)
def retrieval(
    index: IndexOpt = None,
    set_dir: SetOpt = None,
    roles: Annotated[
        str,
        typer.Option(
            "--roles",
            metavar="USE",
            help=_(
                "查询所属部分的角色如何使用：filter（过滤，与起草时相同）、boost（加权）或 none（不用）。"
            ),
        ),
    ] = "filter",
    as_json: Annotated[
        bool, typer.Option("--json", help=_("以 JSON 输出到标准输出（只输出 JSON）。"))
    ] = False,
    per_query: Annotated[
        bool, typer.Option("--per-query", help=_("与 --json 同用：列出每个查询的分数。"))
    ] = False,
) -> None:
    from assistant.evaluation.retrieval import evaluate_index

    report = evaluate_index(index_dir(index), set_dir or _default_set(), roles=roles)
    for qid, key in report.unresolved:
        print(
            _(
                "注意：{query}：标注的段落 {file}«{prefix}» 不在索引里",
                query=qid,
                file=key.file,
                prefix=key.prefix,
            ),
            file=sys.stderr,
        )
    if as_json:
        print(json.dumps(report.to_dict(per_query), ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(
        title=_("{count} 个已标注查询，角色用法 {roles}", count=report.queries, roles=report.roles),
        title_justify="left",
    )
    t.add_column(_("检索方式"), no_wrap=True)
    for name in ("nDCG@5", "nDCG@10", "Recall@10", "MRR", "MRR g2", _("查询数")):
        t.add_column(name, justify="right")
    for s in report.scores:
        t.add_row(
            s.name, *(f"{v:.3f}" for v in (s.ndcg5, s.ndcg10, s.recall10, s.mrr, s.mrr2)), str(s.queries)
        )
    console = Console(highlight=False)
    console.print(t)
    console.print(
        _(
            "索引 {index}（{embedder}）；{judged} 个标注对；找不到的标注 {unresolved} 个；有歧义的标注 {ambiguous} 个",
            index=report.index,
            embedder=report.embedder,
            judged=report.judged,
            unresolved=len(report.unresolved),
            ambiguous=len(report.ambiguous),
        ),
        markup=False,
    )
    if report.skipped:
        console.print(
            _("未运行（索引没有向量）：{runs}", runs="、".join(report.skipped)), style="yellow", markup=False
        )


from assistant.cli.eval_drafts import CHECK_HELP, RUN_HELP, check_cmd, run_cmd  # noqa: E402

app.command("check", help=CHECK_HELP)(check_cmd)
app.command("run", help=RUN_HELP, short_help=_("起草每个评测用例并对照提纲打分。"))(run_cmd)

from assistant.cli.eval_fidelity import fidelity_cmd  # noqa: E402

app.command("fidelity", help=_("核对器在保真开发集上的精确率和召回率（按分组、按类型）。"))(fidelity_cmd)
