"""Outline-compliance checks: each check on small hand-made drafts, the validation on real reports
(every defect lowers the score and is named; AUC), and `assistant eval run/check` end to end."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.draft.facts import parse_facts
from assistant.draft.outline import parse_outline
from assistant.evaluation.compliance import WEIGHTS, ComplianceReport, evaluate
from assistant.evaluation.similarity import bigram_similarity, soft_cardinality, soft_recall_precision
from assistant.evaluation.validate import auc
from tests.helpers import CORPUS, REPO

FACTS = """---
unit: 县财政局党组
period: 2024年第三季度
topic: 意识形态工作
---
## 工作开展情况
### 落实意识形态工作责任制
- 党组会议专题研究意识形态工作3次
### 加强理论学习
- 中心组学习4次
## 存在的问题
- 公众号原创内容少，阅读量低
## 下一步工作打算
- 组织信息员参加舆情应对培训
"""
OUTLINE = (
    "一、工作开展情况\n（一）落实意识形态工作责任制\n（二）加强理论学习\n二、存在的问题\n三、下一步工作打算\n"
)

DRAFT = """# 县财政局党组2024年第三季度意识形态工作总结

2024年第三季度，县财政局党组认真贯彻落实上级关于意识形态工作的决策部署，扎实推进各项工作。现将有关工作情况总结如下：

## 一、工作开展情况

### （一）落实意识形态工作责任制

党组会议专题研究意识形态工作3次。

### （二）加强理论学习

中心组学习4次。

## 二、存在的问题

工作中还存在一些不足：公众号原创内容少，阅读量低。

## 三、下一步工作打算

下一步，党组将组织信息员参加舆情应对培训。
"""

PART2 = "## 二、存在的问题\n\n工作中还存在一些不足：公众号原创内容少，阅读量低。\n\n"
PART3 = "## 三、下一步工作打算\n\n下一步，党组将组织信息员参加舆情应对培训。\n"


def score(markdown: str) -> ComplianceReport:
    return evaluate(markdown, outline=parse_outline(OUTLINE), facts=parse_facts(FACTS))


def line_of(markdown: str, text: str) -> int:
    return next(n for n, line in enumerate(markdown.split("\n"), 1) if text in line)


def kinds(report: ComplianceReport) -> set[str]:
    return {f.kind for f in report.findings}


def test_a_draft_that_follows_its_outline_scores_full() -> None:
    report = score(DRAFT)
    assert report.total == pytest.approx(1.0)
    assert report.findings == []
    assert set(report.scores()) == set(WEIGHTS) and sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_a_skipped_level_is_caught_at_its_line() -> None:
    md = DRAFT.replace("### （一）落实意识形态工作责任制", "#### 1. 落实意识形态工作责任制")
    report = score(md)
    skips = [f for f in report.findings if f.kind == "skipped_level"]
    assert [f.line for f in skips] == [line_of(md, "1. 落实")]
    assert report.check("numbering").score < 1


def test_yishi_written_as_a_heading_is_caught() -> None:
    md = DRAFT.replace("### （二）加强理论学习", "### 一是加强理论学习")
    report = score(md)
    found = [f for f in report.findings if f.kind == "point_as_heading"]
    assert [f.line for f in found] == [line_of(md, "一是加强理论学习")]


def test_repeated_number_gap_and_mixed_style() -> None:
    repeated = score(DRAFT.replace("（二）加强理论学习", "（一）加强理论学习"))
    assert "repeated_number" in kinds(repeated)
    gap = score(DRAFT.replace("## 三、下一步", "## 四、下一步"))
    assert "number_gap" in kinds(gap)
    mixed = score(DRAFT.replace("（二）加强理论学习", "(二)加强理论学习"))
    assert "mixed_style" in kinds(mixed)


def test_swapped_parts_lower_the_order_score() -> None:
    swapped = DRAFT.replace(
        PART2 + PART3, PART3.replace("三、", "二、") + "\n" + PART2.replace("二、", "三、")
    )
    report = score(swapped)
    assert report.check("parts").score < 1
    out_of_order = [f for f in report.findings if f.kind == "part_out_of_order"]
    assert len(out_of_order) == 1 and out_of_order[0].line in (
        line_of(swapped, "二、下一步"),
        line_of(swapped, "三、存在"),
    )
    assert report.check("numbering").score == 1  # renumbered: only the order is wrong


def test_a_dropped_part_is_missing() -> None:
    report = score(DRAFT.replace(PART2, "").replace("三、下一步", "二、下一步"))
    assert [f.message for f in report.findings if f.kind == "missing_part"] == ["缺少“二、存在的问题”部分"]
    assert report.check("parts").score < 1 and report.check("headings").detail["recall"] < 1


def test_parts_match_by_role_and_similar_wording_not_exact_strings() -> None:
    md = DRAFT.replace("一、工作开展情况", "一、主要做法及成效").replace("二、存在的问题", "二、存在的不足")
    report = score(md)
    assert report.check("parts").score == 1
    assert report.check("headings").score < 1  # the wording did change


def test_soft_heading_recall_and_precision() -> None:
    sim = bigram_similarity()
    heads = ["工作开展情况", "落实意识形态工作责任制", "加强理论学习", "存在的问题", "下一步工作打算"]
    assert soft_recall_precision(heads, heads, sim) == (1.0, 1.0)
    recall, precision = soft_recall_precision(heads, heads[:2] + heads[3:], sim)
    assert recall < 1 and precision == 1.0
    recall, precision = soft_recall_precision(heads, [*heads, "开展文化活动"], sim)
    assert recall == 1.0 and precision < 1
    # Soft cardinality: distinct items count 1 each, exact duplicates count once together.
    assert soft_cardinality([[1, 0], [0, 1]]) == 2
    assert soft_cardinality([[1, 1], [1, 1]]) == 1


def test_facts_placement_fidelity_hygiene_and_form_findings() -> None:
    misplaced = DRAFT.replace("中心组学习4次。", "中心组学习4次。公众号原创内容少，阅读量低。").replace(
        "工作中还存在一些不足：公众号原创内容少，阅读量低。", "工作中还存在一些不足。"
    )
    assert "misplaced_fact" in kinds(score(misplaced))
    dirty = DRAFT.replace(
        "中心组学习4次。", "**中心组**学习4次,覆盖`全员`。\n\n- 一条列表\n\n首页 > 范文 > 总结"
    )
    found = kinds(score(dirty))
    assert {"markdown", "halfwidth_punctuation", "web_noise"} <= found
    no_form = score(DRAFT.replace("# 县财政局党组2024年第三季度意识形态工作总结\n", "").split("\n", 2)[2])
    assert {"no_title", "no_opening"} <= kinds(no_form)
    bad_title = score(DRAFT.replace("# 县财政局党组2024年第三季度意识形态工作总结", "# 意识形态"))
    assert [f.kind for f in bad_title.check("form").findings] == ["title"] * 4  # no 总结, unit, period, 工作


DEFECTS = {
    "missing_part": lambda md: md.replace(PART2, "").replace("三、下一步", "二、下一步"),
    "part_out_of_order": lambda md: md.replace(
        PART2 + PART3, PART3.replace("三、", "二、") + "\n" + PART2.replace("二、", "三、")
    ),
    "skipped_level": lambda md: md.replace("### （一）落实", "#### 1. 落实").replace(
        "### （二）加强", "#### 2. 加强"
    ),
    "repeated_number": lambda md: md.replace("（二）加强", "（一）加强"),
    "invented_figure": lambda md: md.replace("中心组学习4次。", "中心组学习4次，参学干部137人次。"),
    "partial_fact": lambda md: md.replace("中心组学习4次。", "中心组认真组织学习。"),  # its figure dropped
    "placeholder": lambda md: md.replace("2024年第三季度，", "20XX年第三季度，"),
    "web_noise": lambda md: md + "\n版权所有 © 范文网 未经许可不得转载\n",
    "point_as_heading": lambda md: md.replace("### （二）加强理论学习", "### 一是加强理论学习"),
    "markdown": lambda md: md.replace("中心组学习4次。", "**中心组学习4次。**"),
    "halfwidth_punctuation": lambda md: md.replace("不足：", "不足:"),
    "no_title": lambda md: md.replace("# 县财政局党组2024年第三季度意识形态工作总结\n", ""),
}


@pytest.mark.parametrize("kind", sorted(DEFECTS))
def test_the_total_drops_for_each_defect_and_the_finding_names_it(kind: str) -> None:
    md = DEFECTS[kind](DRAFT)
    assert md != DRAFT
    report = score(md)
    assert report.total < score(DRAFT).total
    assert kind in kinds(report)


def test_without_facts_or_outline_those_checks_are_skipped_and_said() -> None:
    report = evaluate(DRAFT)
    skipped = {c.name: c.skipped for c in report.checks if not c.ran}
    assert set(skipped) == {"parts", "headings", "facts", "fidelity"}
    assert all(skipped.values()) and len(report.notes) == 2
    assert report.total == pytest.approx(1.0)  # the checks that ran are clean; weights renormalised


def test_auc_is_the_mann_whitney_statistic() -> None:
    assert auc([1.0, 0.9], [0.5, 0.4]) == 1.0
    assert auc([0.5], [0.5]) == 0.5
    assert auc([0.9, 0.3], [0.5]) == 0.5
    assert auc([0.6, 0.8], [0.7, 0.5, 0.9]) == pytest.approx(3 / 6)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
@pytest.mark.slow  # perturbs and scores every bundled report
def test_validation_on_real_reports_every_defect_lowers_the_score_and_is_named() -> None:
    from assistant.evaluation.validate import default_sources, run

    t0 = time.perf_counter()
    result = run(default_sources())
    elapsed = time.perf_counter() - t0
    stats = {s.kind: s for s in result.kinds()}
    assert set(stats) == {
        "part_dropped", "parts_swapped", "skipped_level", "repeated_number",
        "invented_figure", "fact_removed", "placeholder", "web_noise",
    }  # fmt: skip
    assert len(result.originals) >= 30 and all(s.n >= 25 for s in stats.values())
    assert result.failures == []
    for s in stats.values():
        assert s.lowered == 1.0 and s.right == 1.0, s
    assert result.auc_clean >= 0.95
    # Masked web copies among the originals pull this one down (see validate.py); it is reported, not a goal.
    assert 0.5 < result.auc_all <= 1.0
    assert elapsed < 20


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_eval_run_offline_scores_every_case_high() -> None:
    """The offline drafts follow the facts' outline by construction. 03 and 11 (plain .txt facts)
    lose a little on headings: the drafter proposes topic subsections the expected outline has not."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    res = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "run", "eval/cases", "--backend", "offline", "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert len(data["cases"]) == 12
    assert data["mean_total"] >= 0.98
    assert all(c["total"] >= 0.95 for c in data["cases"])
    assert all(c["scores"]["parts"] == 1 and c["scores"]["fidelity"] == 1 for c in data["cases"])
    table = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "run", "eval/cases"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert table.returncode == 0 and "平均" in table.stdout and "01-county-bureau" in table.stdout


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_eval_check_cli(tmp_path: Path) -> None:
    facts = tmp_path / "facts.md"
    facts.write_text(FACTS, "utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text(DEFECTS["skipped_level"](DRAFT), "utf-8")
    run = [sys.executable, "-m", "assistant", "eval", "check", str(draft)]
    res = subprocess.run([*run, "--facts", str(facts), "--json"], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["total"] < 1 and data["scores"]["facts"] == 1
    assert any(f["kind"] == "skipped_level" and f["line"] == 7 for c in data["checks"] for f in c["findings"])
    res = subprocess.run(run, cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0 and "没有给出事实文件" in res.stdout and "第 7 行" in res.stdout
    assert "总分" in res.stdout and "序号" in res.stdout  # the table speaks Chinese too
    en = subprocess.run(
        run, cwd=REPO, capture_output=True, text=True, env={**os.environ, "ASSISTANT_LANG": "en"}
    )
    assert en.returncode == 0 and "no facts given" in en.stdout and "line 7" in en.stdout
    assert "comes with no" in en.stdout  # the finding itself, in English
    missing = subprocess.run([*run[:-1], str(tmp_path / "nope.md")], cwd=REPO, capture_output=True, text=True)
    assert (
        missing.returncode == 3
        and missing.stderr.strip() == f"错误：{tmp_path / 'nope.md'}：找不到这个草稿文件"
    )


@pytest.mark.slow
def test_embedder_similarity_gives_full_recall_for_identical_headings() -> None:
    from assistant.evaluation.similarity import embedder_similarity

    sim = embedder_similarity("e5-small")
    heads = ["工作开展情况", "存在的问题", "下一步工作打算"]
    assert soft_recall_precision(heads, heads, sim) == (1.0, 1.0)
    assert soft_recall_precision(heads, heads[:2], sim)[0] < 1


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_eval_run_openai_drafts_through_the_configured_endpoint(fake_llm: Any, tmp_path: Path) -> None:
    """The usual env (OPENAI_BASE_URL, ASSISTANT_MODEL) reaches llm.make_backend; a figure the model
    keeps inventing, repair or not, is caught by the fidelity check at its line."""

    def model(body: dict[str, Any]) -> str:
        prompt = body["messages"][-1]["content"]
        block = (
            prompt.split("【本节可用的事实】", 1)[1].split("【", 1)[0]
            if "【本节可用的事实】" in prompt
            else ""
        )
        facts = re.findall(r"^- (.+)$", block, re.M)
        section = (
            prompt.split("【本节】")[1][:12] if "【本节】" in prompt else prompt.split("一节的草稿")[0][-12:]
        )
        padding = "另外开展警示教育99场。" if "工作开展情况" in section else ""
        return "".join(f"{'一二三四五六七八九十'[i % 10]}是{f}。" for i, f in enumerate(facts)) + padding

    fake_llm.responder = model
    cases = tmp_path / "cases"
    for name in ("04-community-2024-party-building", "06-township-2024q4-propaganda-short"):
        shutil.copytree(REPO / "eval" / "cases" / name, cases / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env.update(
        OPENAI_BASE_URL=fake_llm.base_url,
        ASSISTANT_MODEL="fake-model",
        OPENAI_API_KEY="sk-test",
        ASSISTANT_HOME=str(tmp_path),
    )
    res = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "run", str(cases), "--backend", "openai", "--json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "这次起草不参考范文段落" in res.stderr  # no index here: said, not fatal
    data = json.loads(res.stdout)
    assert data["backend"] == "openai" and len(data["cases"]) == 2 and fake_llm.chat_requests
    assert all(c["scores"]["parts"] == 1 for c in data["cases"])
    invented = [
        f
        for c in data["cases"]
        for check in c["checks"]
        for f in check["findings"]
        if f["kind"] == "invented_figure"
    ]
    assert invented and all("99场" in f["message"] and f["line"] > 0 for f in invented)
    assert min(c["scores"]["fidelity"] for c in data["cases"]) < 1


def test_a_lopsided_or_empty_part_is_a_form_finding() -> None:
    lopsided = DRAFT.replace("中心组学习4次。", "中心组学习4次。" + "认真组织学习研讨，" * 120)
    assert "unbalanced_part" in kinds(score(lopsided))
    empty = DRAFT.replace("下一步，党组将组织信息员参加舆情应对培训。", "")
    assert "thin_part" in kinds(score(empty)) and "missed_fact" in kinds(score(empty))
