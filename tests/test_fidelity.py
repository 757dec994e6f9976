"""The fidelity check catches what a draft must never do, and passes what it may."""

from __future__ import annotations

from assistant.check.fidelity import check_draft
from assistant.check.figures import find_figures
from assistant.draft.facts import parse_facts
from assistant.draft.offline import draft_offline
from assistant.draft.outline import build_outline

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
    assert "missed_fact" in kinds(md)  # the real 260人次 is now missing


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
