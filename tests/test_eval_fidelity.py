"""`assistant eval fidelity`: variants are applied as labelled, flagged only by findings the faithful
draft does not have, and scored per split and kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.evaluation.fidelity_set import evaluate, load_cases
from tests.helpers import REPO

FACTS = """---
unit: 县文化馆党支部
period: 2024年第二季度
topic: 意识形态工作
---
## 工作开展情况
- 支部会议专题研究意识形态工作2次
- 举办“文化进万家”演出6场，观众1800人次
## 存在的问题
- 年轻讲解员不足
## 下一步打算
- 招募志愿讲解员
"""

DRAFT = """# 县文化馆党支部2024年第二季度意识形态工作总结

2024年第二季度，县文化馆党支部认真落实意识形态工作责任制。现将有关情况总结如下：

## 一、工作开展情况

一是压实工作责任，支部会议专题研究意识形态工作2次。二是丰富群众文化生活，举办“文化进万家”演出6场，观众1800人次。

## 二、存在的问题

年轻讲解员不足。

## 三、下一步打算

招募志愿讲解员，充实讲解力量。

县文化馆党支部
"""

VARIANTS = """split: dev
variants:
  - {id: t-L01, label: legit, kind: numeral_form, find: "意识形态工作2次", replace: "意识形态工作两次", why: 2次=两次}
  - {id: t-D01, label: defect, kind: changed_figure, find: "演出6场", replace: "演出8场", why: 6→8}
  - {id: t-D02, label: defect, kind: placeholder, find: "招募志愿讲解员", replace: "招募XX名志愿讲解员", why: 占位符}
"""


def make_case(root: Path, name: str = "t-case", variants: str = VARIANTS) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "facts.md").write_text(FACTS, "utf-8")
    (folder / "draft.md").write_text(DRAFT, "utf-8")
    (folder / "variants.yaml").write_text(variants, "utf-8")
    return folder


def test_variants_are_scored_against_the_faithful_draft(tmp_path: Path) -> None:
    make_case(tmp_path)
    report = evaluate(load_cases(tmp_path))
    assert report.base_findings == {"t-case": []}
    flagged = {o.variant.id: o.flagged for o in report.outcomes}
    assert flagged == {"t-L01": False, "t-D01": True, "t-D02": True}
    s = report.summary("dev")
    assert s["legit_pass_rate"] == 1.0 and s["defect_recall"] == 1.0 and s["precision"] == 1.0
    assert s["per_kind"]["defect:changed_figure"]["rate"] == 1.0
    assert report.misclassified() == []


def test_a_find_that_is_not_unique_is_an_input_error(tmp_path: Path) -> None:
    make_case(
        tmp_path,
        variants='variants:\n  - {id: x, label: legit, kind: rephrase, find: "工作", replace: "事"}\n',
    )
    with pytest.raises(InputError, match="exactly once"):
        evaluate(load_cases(tmp_path))


def test_the_cli_prints_json(tmp_path: Path) -> None:
    make_case(tmp_path)
    res = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "fidelity", str(tmp_path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["summaries"][-1]["defects"] == 2


def test_every_variant_of_the_dev_set_applies() -> None:
    root = REPO / "eval" / "fidelity"
    if not any(root.glob("*/variants.yaml")):
        pytest.skip("no fidelity dev set yet")
    for case in load_cases(root):
        assert case.split in ("dev", "heldout")
        ids = [v.id for v in case.variants]
        assert len(ids) == len(set(ids))
        for v in case.variants:
            assert v.label in ("legit", "defect")
            case.apply(v)
