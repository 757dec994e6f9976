"""`assistant eval fidelity`: the check's precision and recall on the fidelity dev set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from assistant.i18n import _


def fidelity_cmd(
    root: Annotated[
        Path | None, typer.Argument(metavar="FOLDER", help=_("开发集目录（默认：eval/fidelity）。"))
    ] = None,
    split: Annotated[str | None, typer.Option("--split", help=_("只看 dev 或 heldout。"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("以 JSON 输出全部结果。"))] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help=_("不列出误判的变体。"))] = False,
) -> None:
    from assistant.evaluation.fidelity_set import evaluate, load_cases, render
    from assistant.paths import REPO_DIR

    cases = load_cases(root or REPO_DIR / "eval" / "fidelity")
    if split:
        cases = [c for c in cases if c.split == split]
    report = evaluate(cases)
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(render(report, show_misclassified=not quiet))
