"""assistant/genre is the one place for the genre's vocabulary: it stands on its own (imports no stage
of the pipeline), the corpus's masks include every placeholder shape of the drafts, web noise is
recognised as before, and the corpus cleaner stays linear on pathological web copies."""

from __future__ import annotations

import ast
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.corpus.clean import clean_text
from assistant.genre.noise import cut_trailing_ellipsis, is_noise_line
from assistant.genre.placeholders import find_masks, find_slots
from assistant.genre.roles import ROLES
from assistant.index.embedders import ROLES_ALLOWED

GENRE = Path(__file__).resolve().parent.parent / "assistant" / "genre"
STAGES = ("corpus", "draft", "check", "chat", "evaluation", "index", "llm", "cli", "export")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, at the top or inside a function."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", sorted(GENRE.glob("*.py")), ids=lambda p: p.name)
def test_genre_imports_no_stage_of_the_pipeline(path: Path) -> None:
    ours = [n for n in _imports(path) if n.startswith("assistant.")]
    assert all(n.startswith("assistant.genre.") for n in ours), (path.name, ours)
    assert not any(n.split(".")[1] in STAGES for n in ours)


def test_the_index_accepts_the_genres_roles() -> None:
    assert ROLES_ALLOWED == ROLES == ("opening", "achievements", "problems", "plans", "closing", "other")


@pytest.mark.parametrize(
    "text", ["党的_大", "202_年", "20XX年", "***单位", "--社区", "x日报", "（）", "某某街道", "----"]
)
def test_corpus_masks(text: str) -> None:
    assert find_masks(text), text


def test_one_underscore_is_a_mask_of_the_corpus_not_a_placeholder_of_a_draft() -> None:
    assert find_masks("党的_大精神") == ["_"]
    assert find_slots("党的_大精神") == []


@pytest.mark.parametrize(
    "text", ["共开展XX次", "发布信息××条", "〇〇镇", "□□同志", "于【具体日期】召开", "{单位}"]
)
def test_every_placeholder_of_a_draft_is_a_mask_of_the_corpus(text: str) -> None:
    assert find_slots(text) and find_masks(text), text


@pytest.mark.parametrize("text", ["二〇二四年工作总结", "（一）加强组织领导", "某单位", "3×4米", "——"])
def test_ordinary_text_is_no_mask(text: str) -> None:
    assert find_masks(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "首页 > 范文大全 > 工作总结 >",
        "当前位置 > 首页 > 工作总结",
        "您的位置 > 工作总结",
        "版权所有 © 某某范文网",
        "京ICP备12345678号",
        "投稿邮箱 tougao@fanwen.com",
        "来源：人民网",
        "来源：来源： 新华网",  # the second 来源：'s name is the next word
        "http://www.example.com/a.html",
        "相关文章：",
        "2024-09-30 10:21",
        "发布时间：2024年9月30日",
    ],
)
def test_noise_lines(line: str) -> None:
    assert is_noise_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "一是压实责任。党支部会议专题研究意识形态工作2次。",
        "A > B",  # no arrow at the end: not a breadcrumb
        "栏目 > " + "很长的一段不是栏目名称的文字" * 3 + " > 尾 >",  # a step too long to be a menu
        "来源：本单位统计",
        "我们将继续发布时间表和路线图，推动各项工作落到实处，确保取得实效。",  # long: prose
    ],
)
def test_report_text_is_no_noise(line: str) -> None:
    assert not is_noise_line(line)


@pytest.mark.parametrize(
    ("line", "cut"),
    [
        ("全年开展宣讲活动12场 ……", "全年开展宣讲活动12场"),
        ("全年开展宣讲活动12场 …", "全年开展宣讲活动12场"),
        ("全年开展宣讲活动12场 ......", "全年开展宣讲活动12场"),
        ("全年开展宣讲活动12场……", None),  # no space before it: the writer's own ellipsis
        ("全年开展宣讲活动12场 ………", None),
        ("全年开展宣讲活动12场 ..", None),
    ],
)
def test_trailing_ellipsis(line: str, cut: str | None) -> None:
    assert cut_trailing_ellipsis(line) == cut


def test_elisions_are_cut_and_flagged() -> None:
    (line,) = clean_text("开展专题学习3次，……略……  组织宣讲5场 ...").lines
    assert line.text == "开展专题学习3次，组织宣讲5场" and line.flags == {"truncated"}


PATHOLOGICAL: list[Callable[[int], str]] = [
    lambda n: "> 栏目 " * (n // 5) + "正文",  # many arrows, no arrow at the end
    lambda n: "甲>" + " " * n + "乙",  # a long run of spaces after an arrow
    lambda n: "." * n + "略",
    lambda n: "甲" + " " * n + "…略",
    lambda n: "a" * n + "@",
    lambda n: "来源：" * (n // 3),
    lambda n: "-" * n + "a",
]


@pytest.mark.parametrize("make", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_the_corpus_cleaner_is_linear(make: Callable[[int], str]) -> None:
    def cost(n: int) -> float:
        text = make(n)
        t0 = time.perf_counter()
        clean_text(text)
        find_masks(text)
        return time.perf_counter() - t0

    small, big = cost(20_000), cost(80_000)
    assert big < small * 12 + 0.05  # 4x input: linear is ~4x; quadratic would be ~16x
