"""The genre's lexicons: stock phrases are not names, placeholders of every shape are caught (and
二〇二四 is not one), and a model's chatter is stripped without touching the body."""

from __future__ import annotations

import time

import pytest

from assistant.genre.chatter import chatter_lines, strip_chatter
from assistant.genre.placeholders import find_slots
from assistant.genre.stock import is_stock_phrase


@pytest.mark.parametrize(
    "text", ["“关键少数”", "最后一公里", "“指挥棒”", "两个维护", "“把方向、管大局、保落实”"]
)
def test_stock_phrases(text: str) -> None:
    assert is_stock_phrase(text)


@pytest.mark.parametrize(
    "text", ["“工友微讲堂”", "《意识形态工作责任制实施细则》", "产业园微讯", "“关键少数、工友微讲堂”"]
)
def test_a_units_own_names_are_not_stock_phrases(text: str) -> None:
    assert not is_stock_phrase(text)


@pytest.mark.parametrize(
    "text",
    [
        "共开展XX次",
        "发布信息××条",
        "ＸＸ社区",
        "〇〇镇",
        "□□同志",
        "202_年",
        "20XX年",
        "***单位",
        "于【具体日期】召开",
        "[社区名称]党委",
        "［单位名称］",
        "{单位}",
        "某某街道",
        "x日报",
        "＿＿名",
    ],
)
def test_every_placeholder_shape_is_caught(text: str) -> None:
    slots = find_slots(text)
    assert slots and not slots[0].marker, text


@pytest.mark.parametrize(
    "text",
    ["二〇二四年工作总结", "【参考范文】", "[1]", "（一）加强组织领导", "X光机", "某单位", "3×4米", "——"],
)
def test_ordinary_text_is_not_a_placeholder(text: str) -> None:
    assert [s.text for s in find_slots(text) if not s.marker] == []


def test_the_tools_marker_is_a_slot_of_its_own() -> None:
    (slot,) = find_slots("签订责任书〔待补充：家数〕份")
    assert slot.marker and slot.text == "〔待补充：家数〕"


def test_placeholder_search_is_linear() -> None:
    def cost(n: int) -> float:
        text = ("【具体" * n) + ("×" * n) + ("[单位" * n)
        t0 = time.perf_counter()
        find_slots(text)
        return time.perf_counter() - t0

    small, big = cost(20_000), cost(80_000)
    assert big < small * 12 + 0.05  # 4x input: linear is ~4x; quadratic would be ~16x


def test_chatter_is_stripped_and_the_body_kept() -> None:
    answer = (
        "好的，以下是本节正文：\n\n"
        "一是压实责任。党支部会议专题研究意识形态工作2次。\n"
        "当然，工作中也还存在一些不足。\n\n"
        "以上内容供参考，如需调整请告知。\n修改说明：补充了过渡句。"
    )
    out = strip_chatter(answer)
    assert out.text == "一是压实责任。党支部会议专题研究意识形态工作2次。\n当然，工作中也还存在一些不足。"
    assert out.removed[0] == "好的，以下是本节正文：" and len(out.removed) == 3


@pytest.mark.parametrize(
    "line",
    [
        "好的，以下是本节正文：",
        "以下是修改后的内容：",
        "根据您提供的事实，撰写如下：",
        "以上内容仅供参考。",
        "修改说明：删去了数字。",
        "如需调整请告知。",
    ],
)
def test_chatter_lines(line: str) -> None:
    assert chatter_lines("一是压实责任。\n" + line) == [line]


def test_body_lines_are_not_chatter() -> None:
    body = "当然，成绩的取得离不开上级的指导。\n以上工作取得了阶段性成效。\n好的作风带来好的成效。"
    assert chatter_lines(body) == []
