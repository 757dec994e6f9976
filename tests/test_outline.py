"""Outlines: from the facts' headings, from a file, or proposed; numbering per GB/T 9704."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.draft.facts import load_facts, parse_facts
from assistant.draft.outline import build_outline, parse_outline
from assistant.errors import InputError
from tests.helpers import EXAMPLES, REPO


def test_outline_from_the_facts_headings() -> None:
    o = build_outline(load_facts(EXAMPLES / "facts" / "park-2024q3.md"))
    assert o.render() == (
        "一、工作开展情况\n  （一）落实责任制\n  （二）理论学习\n  （三）阵地管理和舆情应对\n二、存在的问题\n三、下一步打算\n"
    )
    assert [p.role for p in o.parts] == ["achievements", "problems", "plans"]
    assert sum(len(s.all_facts()) for s in o.parts) == 12


def test_proposed_outline_for_facts_without_headings() -> None:
    o = build_outline(load_facts(EXAMPLES / "facts" / "school-2024h1.txt"))
    assert [p.heading for p in o.parts] == ["一、工作开展情况", "二、存在的问题", "三、下一步工作打算"]
    assert o.source == "proposed" and not o.parts[0].children  # five facts: no need for subsections
    many = parse_facts(
        "党委会议研究意识形态工作4次\n签订意识形态责任书19份\n开展专项督查2次\n中心组学习6次\n举办读书班3期\n"
        "公众号发布稿件85篇\n处置网络舆情3起\n开展志愿服务活动12场\n评选表彰文明家庭15户\n"
    )
    groups = build_outline(many).parts[0].children
    assert [c.number for c in groups] == ["（一）", "（二）", "（三）", "（四）"]
    assert all(len(c.facts) >= 2 for c in groups)


def test_parts_without_facts_are_left_out_not_invented() -> None:
    o = build_outline(parse_facts("- 召开专题会议3次\n- 举办讲座2期\n"))
    assert [p.title for p in o.parts] == ["工作开展情况"]
    assert any("该部分不写，以免编造" in n for n in o.notes)


def test_outline_file_places_facts_under_the_users_headings(tmp_path: Path) -> None:
    f = tmp_path / "outline.txt"
    f.write_text(
        "一、主要做法及成效\n（一）压实责任\n（二）理论武装\n（三）阵地建设\n二、存在的不足\n三、下一步措施\n",
        encoding="utf-8",
    )
    o = build_outline(load_facts(EXAMPLES / "facts" / "park-2024q3.md"), f)
    assert o.source == "file"
    sub = {c.title: [x.id for x in c.facts] for c in o.parts[0].children}
    assert sub["压实责任"] == ["F1", "F2", "F3"]
    assert sub["理论武装"] == ["F4", "F5", "F6"]
    assert sub["阵地建设"] == ["F7", "F8"]
    assert [x.id for x in o.parts[1].facts] == ["F9", "F10"]
    assert [x.id for x in o.parts[2].facts] == ["F11", "F12"]


def test_every_eval_case_outline_matches_the_expected_one() -> None:
    for case in sorted((REPO / "eval" / "cases").iterdir()):
        if not case.is_dir():
            continue
        facts = next(case.glob("facts.*"))
        expected = [
            line.strip() for line in (case / "outline.txt").read_text("utf-8").splitlines() if line.strip()
        ]
        got = [line.strip() for line in build_outline(load_facts(facts)).render().splitlines()]
        if facts.suffix == ".txt" or "（" not in "".join(expected):
            got = [g for g in got if not g.startswith("（")]  # proposed subsections are extra detail
        assert got == expected, case.name


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "没有标题"), ("工作开展情况\n", ":1：不是提纲标题"), ("（一）落实\n", "之前")],
)
def test_bad_outline_files(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_outline(text, "o.txt")
