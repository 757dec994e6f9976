"""The fidelity check catches what a draft must never do, and passes what it may."""

from __future__ import annotations

import re

import pytest

from assistant.check.fidelity import check_draft
from assistant.draft.facts import parse_facts
from assistant.draft.offline import draft_offline
from assistant.draft.outline import build_outline
from assistant.genre.figures import find_figures

FACTS = parse_facts(
    """---
unit: 县档案馆党支部
period: 2024年上半年
topic: 意识形态工作
date: 2024年6月28日
---
## 工作开展情况
- 支部会议研究意识形态工作10次
- 举办“兰台讲堂”4期，参加干部职工260人次
- 5月18日开展档案开放日活动
## 存在的问题
- 讲解员平均年龄52岁
## 下一步打算
- 下半年招募青年志愿讲解员
"""
)


def clean_draft() -> str:
    return draft_offline(FACTS, build_outline(FACTS))


def kinds(md: str, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.kind for f in check_draft(md, FACTS, **kw).findings]


def test_the_offline_draft_is_clean() -> None:
    report = check_draft(clean_draft(), FACTS)
    assert report.ok, report.render()
    assert report.facts_covered == report.facts_total == 5


def test_chinese_and_arabic_numerals_compare_equal() -> None:
    md = clean_draft().replace("研究意识形态工作10次", "研究意识形态工作十次")
    assert check_draft(md, FACTS).ok
    assert [f.value for f in find_figures("百分之六十二，两批，二十余万元")] == ["62%", "2批", "20万元"]


def test_an_invented_figure_is_caught_with_its_sentence() -> None:
    md = clean_draft().replace("参加干部职工260人次", "参加干部职工280人次")
    report = check_draft(md, FACTS)
    invented = report.of_kind("invented_figure")
    assert len(invented) == 1 and "280人次" in invented[0].message and invented[0].line > 0
    assert "280人次" in invented[0].sentence
    assert "partial_fact" in kinds(md)  # the real 260人次 is now missing from its fact's sentence


def test_ten_times_written_for_two_is_caught() -> None:
    md = clean_draft().replace("研究意识形态工作10次", "研究意识形态工作两次")
    assert "invented_figure" in kinds(md)


def test_invented_date_name_and_percentage() -> None:
    md = clean_draft().replace("5月18日", "5月19日")
    assert "invented_figure" in kinds(md)
    md = clean_draft().replace("档案开放日活动。", "档案开放日活动，组织“红色家书”诵读会，覆盖率达95%。")
    report = check_draft(md, FACTS)
    assert {f.detail["figure"] for f in report.of_kind("invented_figure")} == {"“红色家书”", "95%"}


def test_a_missed_fact_is_reported() -> None:
    md = clean_draft().replace("讲解员平均年龄52岁", "")
    report = check_draft(md, FACTS)
    assert [f.detail.get("fact") for f in report.of_kind("missed_fact")] == ["F4"]


def test_a_fact_in_the_wrong_part() -> None:
    md = clean_draft()
    md = md.replace("一是讲解员平均年龄52岁。", "").replace("讲解员平均年龄52岁。", "")
    md = md.replace("档案开放日活动。", "档案开放日活动。讲解员平均年龄52岁。")
    assert "misplaced_fact" in kinds(md)


def test_placeholders_and_web_noise() -> None:
    md = (
        clean_draft().replace("档案开放日活动。", "档案开放日活动，20XX年继续开展，由***负责。")
        + "\n首页 > 范文大全 > 工作总结\n"
    )
    k = kinds(md)
    assert k.count("placeholder") >= 2 and "web_noise" in k


def test_copied_example_text_is_reported() -> None:
    example = (
        "坚持把意识形态工作纳入党建工作责任制，与业务工作同部署、同落实、同检查、同考核，形成齐抓共管格局"
    )
    md = clean_draft().replace(
        "档案开放日活动。",
        "档案开放日活动。坚持把意识形态工作纳入党建工作责任制，与业务工作同部署、同落实、同检查。",
    )
    assert "copied" in kinds(md, references=[example])
    assert "copied" not in kinds(clean_draft(), references=[example])


def test_genre_set_phrases_are_not_figures() -> None:
    text = "增强“四个意识”，落实“三会一课”，学习党的二十届三中全会精神，一是加强，第一议题"
    assert find_figures(text) == []


# --- what the user reads ---------------------------------------------------------------------


def test_the_clean_summary_line() -> None:
    assert check_draft(clean_draft(), FACTS).render() == "核对：已用事实 5/5 条，数字有据 9/9 处——未发现问题"


def test_findings_name_the_sentence_and_the_fact_in_the_users_words() -> None:
    md = clean_draft().replace("参加干部职工260人次", "参加干部职工280人次")
    md = md.replace("一是讲解员平均年龄52岁。", "").replace("讲解员平均年龄52岁。", "")
    md = md.replace("档案开放日活动。", "档案开放日活动。讲解员平均年龄52岁。")
    report = check_draft(md, FACTS)
    by_kind = {f.kind: f for f in report.findings}
    assert by_kind["invented_figure"].message == (
        "数字“280人次”在事实中没有：“二是举办‘兰台讲堂’4期，参加干部职工280人次。”；"
        "对应的事实是“举办‘兰台讲堂’4期，参加干部职工260人次”"
    )
    assert by_kind["partial_fact"].message == (
        "事实只用了一部分，缺少“260人次”：“举办‘兰台讲堂’4期，参加干部职工260人次”"
    )
    assert by_kind["misplaced_fact"].message == (
        "事实“讲解员平均年龄52岁”应写在“存在的问题”部分，却写在了“一、工作开展情况”下：“讲解员平均年龄52岁。”"
    )
    assert not any(re.search(r"\bF\d+\b", f.message) for f in report.findings)  # no internal ids
    assert by_kind["partial_fact"].detail == {"fact": "F2"}  # …which stay in the machine-readable part
    lines = report.render().split("\n")
    assert lines[0] == "核对：已用事实 4/5 条，数字有据 8/9 处——发现 3 处问题："
    assert lines[1].startswith("  [无出处] 第 ") and "行：数字“280人次”在事实中没有" in lines[1]
    assert report.to_dict()["findings"][0]["kind"] == "invented_figure"


def test_an_invented_figure_with_no_fact_behind_it_names_only_the_sentence() -> None:
    md = clean_draft().replace("档案开放日活动。", "档案开放日活动。组织“红色家书”诵读会，覆盖率达95%。")
    messages = {f.detail["figure"]: f.message for f in check_draft(md, FACTS).of_kind("invented_figure")}
    assert messages["95%"] == "百分比“95%”在事实中没有：“组织‘红色家书’诵读会，覆盖率达95%。”"
    assert messages["“红色家书”"].startswith("名称“红色家书”在事实中没有：")


def test_placeholders_noise_copies_and_empty_sections_in_chinese() -> None:
    md = clean_draft().replace("档案开放日活动。", "档案开放日活动，由***负责。")
    md += "\n首页 > 范文大全 > 工作总结\n\n## 四、其他工作\n\n<!-- 待补充：本部分没有对应的事实。 -->\n"
    example = "坚持把意识形态工作纳入党建工作责任制，与业务工作同部署、同落实、同检查"
    md = md.replace("下半年招募", "坚持把意识形态工作纳入党建工作责任制，与业务工作同部署。下半年招募")
    report = check_draft(md, FACTS, references=[example])
    by_kind = {f.kind: f.message for f in report.findings}
    assert by_kind["placeholder"] == "留有占位符“***”：“三是5月18日开展档案开放日活动，由***负责。”"
    assert by_kind["web_noise"] == "混入了网页上的无关文字：“首页 > 范文大全 > 工作总结”"
    assert by_kind["copied"] == "有 27 个字照抄范文：“坚持把意识形态工作纳入党建工作责任制，与业务工作同部署”"
    assert by_kind["empty_section"] == "“四、其他工作”没有对应的事实，留空待补充"


def test_findings_in_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_LANG", "en")
    assert check_draft(clean_draft(), FACTS).render() == (
        "check: 5/5 facts used, 9/9 figures traced to the facts — clean"
    )
    md = clean_draft().replace("参加干部职工260人次", "参加干部职工280人次")
    report = check_draft(md, FACTS)
    (invented,) = report.of_kind("invented_figure")
    assert invented.message == (
        "the figure “280人次” is not in the facts: “二是举办‘兰台讲堂’4期，参加干部职工280人次。”; "
        "the fact it should match: “举办‘兰台讲堂’4期，参加干部职工260人次”"
    )
    head, first, *_ = report.render().split("\n")
    assert head == "check: 4/5 facts used, 8/9 figures traced to the facts — 2 problem(s):"
    assert first.startswith("  [invented_figure] line ")


def test_a_figure_the_parser_cannot_read_is_a_finding_not_a_pass() -> None:
    md = clean_draft().replace("参加干部职工260人次", "参加干部职工260人次，九九八十一场")
    (unreadable,) = check_draft(md, FACTS).of_kind("unreadable_figure")
    assert "九九八十一场" in unreadable.message and "无法核对" in unreadable.message


@pytest.mark.slow  # long inputs, timed
@pytest.mark.parametrize(
    "junk",
    ["1" * 4000, "三" * 4000, "3次" * 2000, "“工友微讲堂”" * 500, "您" * 4000, "全覆盖" * 1500, "×" * 4000],
)
def test_the_check_is_linear_in_a_hostile_line(junk: str) -> None:
    """One long line with no sentence end (a web copy, a model gone wrong) costs twice as much when it
    is twice as long — not four times."""
    import time

    def cost(n: int) -> float:
        md = clean_draft().replace("档案开放日活动。", "档案开放日活动。" + junk * n)
        t0 = time.perf_counter()
        check_draft(md, FACTS)
        return time.perf_counter() - t0

    cost(1)  # warm
    small, big = min(cost(2) for _ in range(2)), min(cost(8) for _ in range(2))
    assert big < small * 6 + 0.05, (small, big)  # 4x the input: linear is ~4x, quadratic ~16x
