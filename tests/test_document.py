"""The draft model: parsing the Markdown drafts, tolerant reading of un-marked headings, round trips."""

from __future__ import annotations

import pytest

from assistant.document import (
    Block,
    DraftDoc,
    looks_like_facts,
    parse_draft,
    render_markdown,
    split_number,
    split_run_in,
)
from tests.helpers import EXAMPLES

DRAFT = """\
<!-- 离线草稿：根据用户事实生成，未经模型润色 -->
# 市工业园区2024年第三季度意识形态工作总结

2024年第三季度，市工业园区党工委在市委的坚强领导下，深入贯彻落实党的二十届三中全会精神，认真落实意识形态工作责任制。现将有关工作情况总结如下：

## 一、工作开展情况

### （一）落实意识形态工作责任制

园区党工委始终把意识形态工作摆在重要位置。一是召开党工委会议2次，专题研究意识形态工作。二是开展专项督查1次，发现并整改问题3个。

#### 1. 健全工作机制

制定《意识形态工作责任清单》，明确班子成员“一岗双责”。

##### （1）细化责任分工

将责任分解到各部门，形成齐抓共管格局。

### （二）加强理论学习

党工委理论学习中心组开展集中学习4次，交流研讨2次。

## 二、存在的问题

一是理论学习的深度还不够。二是网络阵地管理还需加强。

## 三、下一步工作打算

一是持续深化理论武装。二是加强网络阵地管理。

下一步，园区党工委将继续压紧压实意识形态工作责任。

市工业园区党工委
2024年9月30日
"""


def _kinds(doc: DraftDoc) -> list[str]:
    return [b.kind for b in doc.blocks]


def test_parses_the_draft_shape() -> None:
    doc = parse_draft(DRAFT)
    assert doc.title == "市工业园区2024年第三季度意识形态工作总结"
    assert doc.blocks[0] == Block("title", "市工业园区2024年第三季度意识形态工作总结")
    assert doc.blocks[0].line == 2  # the comment line is dropped, numbering is kept
    levels = [(h.level, h.number, h.text) for h in doc.headings()]
    assert levels == [
        (1, "一、", "工作开展情况"),
        (2, "（一）", "落实意识形态工作责任制"),
        (3, "1.", "健全工作机制"),
        (4, "（1）", "细化责任分工"),
        (2, "（二）", "加强理论学习"),
        (1, "二、", "存在的问题"),
        (1, "三、", "下一步工作打算"),
    ]
    assert [h.full_text for h in doc.headings(1)] == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步工作打算",
    ]
    assert doc.signature == Block("signature", "市工业园区党工委")
    assert doc.date == Block("date", "2024年9月30日")
    assert _kinds(doc)[-2:] == ["signature", "date"]
    assert not any("离线草稿" in b.text for b in doc.blocks)


def test_sections_group_parts_with_their_blocks() -> None:
    parts = parse_draft(DRAFT).sections()
    assert [p.title for p in parts] == ["", "工作开展情况", "存在的问题", "下一步工作打算"]
    assert parts[0].heading is None and parts[0].blocks[0].text.startswith("2024年第三季度")
    assert [b.kind for b in parts[1].blocks].count("heading") == 4
    # signature and date belong to no part; the closing sentence stays with the last one
    assert parts[3].blocks[-1].text.startswith("下一步，园区党工委")
    assert all(b.kind in ("heading", "paragraph") for p in parts for b in p.blocks)


def test_round_trip_is_stable() -> None:
    doc = parse_draft(DRAFT)
    markdown = render_markdown(doc)
    assert markdown == DRAFT.split("\n", 1)[1]  # identical but for the dropped comment
    assert parse_draft(markdown) == doc
    assert render_markdown(parse_draft(markdown)) == markdown
    assert doc.to_markdown() == markdown


def test_tolerates_unmarked_headings_and_title() -> None:
    text = """\
XX社区2024年上半年党建工作总结
今年以来，社区党支部认真落实上级部署。现将有关情况汇报如下：
一、主要做法及成效
(一)加强组织建设
1、完善制度
（1）建立台账
⑵ 定期通报
> 二、存在的不足
（一）加强组织领导。局党组高度重视，专题研究部署。
一是学习不够深入。
2024年6月30日
"""
    doc = parse_draft(text)
    assert doc.title == "XX社区2024年上半年党建工作总结"
    headings = [(h.level, h.number, h.text) for h in doc.headings()]
    assert headings == [
        (1, "一、", "主要做法及成效"),
        (2, "(一)", "加强组织建设"),
        (3, "1、", "完善制度"),
        (4, "（1）", "建立台账"),
        (4, "⑵", "定期通报"),
        (1, "二、", "存在的不足"),
    ]
    run_in = doc.blocks[-3]  # a heading with its first sentence is read as a paragraph
    assert run_in.kind == "paragraph"
    assert split_run_in(run_in.text) == ("（一）加强组织领导。", "局党组高度重视，专题研究部署。")
    assert doc.blocks[-2].kind == "paragraph"  # 一是 … is a point, not a heading
    assert doc.date is not None and doc.signature is None
    # written back with # marks, the same document comes out
    assert parse_draft(render_markdown(doc)) == doc


def test_title_without_marker_needs_a_short_plain_line() -> None:
    doc = parse_draft("今年以来，我们做了很多工作。\n\n## 一、工作开展情况\n")
    assert doc.title == "" and doc.title_block is None
    assert doc.blocks[0].kind == "paragraph"


def test_signature_detection() -> None:
    closing = "# 标题\n\n正文。\n\n{tail}\n"
    doc = parse_draft(closing.format(tail="中共某某县委宣传部\n2024年12月31日"))
    assert _kinds(doc) == ["title", "paragraph", "signature", "date"]
    # a sentence before the date is not a unit name
    doc = parse_draft(closing.format(tail="特此报告。\n2024年12月31日"))
    assert _kinds(doc) == ["title", "paragraph", "paragraph", "date"]
    # a date that is not the last line is text; web noise is not a signature
    doc = parse_draft(closing.format(tail="2024年12月31日\n附件略"))
    assert _kinds(doc)[-1] == "paragraph" and doc.date is None
    doc = parse_draft(closing.format(tail="##paidend##\n2024年1月5日"))
    assert _kinds(doc)[-2:] == ["paragraph", "date"]
    # a masked date (2024年X月) is not a date
    doc = parse_draft(closing.format(tail="某某单位\n2024年X月X日"))
    assert doc.date is None and doc.signature is None


def test_emphasis_is_stripped_but_flagged_and_masks_survive() -> None:
    doc = parse_draft("# **总结**\n\n## **一、工作开展情况**\n\n正文**重点**内容，姓名***，日期202_年。\n")
    assert doc.title == "总结" and doc.blocks[0].emphasis
    assert doc.headings()[0].number == "一、" and doc.headings()[0].text == "工作开展情况"
    body = doc.blocks[2]
    assert body.text == "正文重点内容，姓名***，日期202_年。" and body.emphasis


def test_multiline_comments_keep_line_numbers() -> None:
    doc = parse_draft("<!-- 注释\n跨两行 -->\n# 标题\n\n正文<!-- 行内注释 -->。\n")
    assert [(b.kind, b.text, b.line) for b in doc.blocks] == [
        ("title", "标题", 3),
        ("paragraph", "正文。", 5),
    ]


def test_split_number() -> None:
    assert split_number("一、总体情况") == (1, "一、", "总体情况")
    assert split_number("（十二）其他") == (2, "（十二）", "其他")
    assert split_number("3. 三级") == (3, "3.", "三级")
    assert split_number("1.5亿元投资") is None
    assert split_number("2024年工作") is None
    assert split_number("一是加强学习") is None
    assert split_number("(3)四级") == (4, "(3)", "四级")


def test_front_matter_and_thematic_breaks_are_not_content() -> None:
    doc = parse_draft("---\nauthor: 办公室\n---\n<!-- 草稿 -->\n# 标题\n\n---\n\n正文。\n")
    assert [(b.kind, b.text, b.line) for b in doc.blocks] == [
        ("title", "标题", 5),
        ("paragraph", "正文。", 9),
    ]
    # a front matter never closed is not skipped: the draft's text is not swallowed
    assert parse_draft("---\n# 标题\n\n正文。\n").title == "标题"


@pytest.mark.parametrize("path", sorted((EXAMPLES / "facts").iterdir()), ids=lambda p: p.name)
def test_the_bundled_facts_files_look_like_facts(path: object) -> None:
    from assistant.corpus.loader import load_file

    assert looks_like_facts(load_file(path).text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "---\nunit: 县档案馆党支部\nperiod: 2024年上半年\n---\n- 召开会议2次\n",
        "## 工作开展情况\n- 召开会议2次\n### 学习\n* 集中学习4次\n## 存在的问题\n- 讲解员年龄偏大\n",
        "召开会议2次\n集中学习4次，交流研讨2次\n讲解员年龄偏大\n",
    ],
)
def test_facts_shapes(text: str) -> None:
    assert looks_like_facts(text)


@pytest.mark.parametrize(
    "text",
    [
        DRAFT,
        "# 标题\n\n- 召开会议2次\n- 集中学习4次\n",  # a titled list is a (poor) draft, not facts
        "市工业园区工作总结\n\n一、工作情况\n\n召开会议2次\n\n市工业园区党工委\n2024年9月30日\n",
        "---\ntitle: 工作总结\n---\n# 工作总结\n\n正文。\n",
        "",
    ],
)
def test_drafts_do_not_look_like_facts(text: str) -> None:
    assert not looks_like_facts(text)


def test_offline_drafts_do_not_look_like_facts() -> None:
    from assistant.draft.facts import load_facts
    from assistant.draft.offline import draft_offline
    from assistant.draft.outline import build_outline

    for path in sorted((EXAMPLES / "facts").iterdir()):
        sheet = load_facts(path)
        assert not looks_like_facts(draft_offline(sheet, build_outline(sheet)))
