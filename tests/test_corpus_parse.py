"""Parsing the real example corpus: reports, headings, roles, chunks, duplicates, noise."""

from __future__ import annotations

import re
from functools import cache

import pytest

from assistant.corpus import ParseResult, parse_paths
from tests.helpers import CORPUS, corpus_file

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the checkout")


@cache
def parsed(prefix: str | None = None) -> ParseResult:
    return parse_paths([corpus_file(prefix) if prefix else CORPUS])


def test_file_004_has_eleven_reports_and_the_second_and_eleventh_are_duplicates() -> None:
    reports = parsed("004").reports
    assert len(reports) == 11
    assert all(r.title == "2023第四季度意识形态工作总结" for r in reports)
    second, eleventh = reports[1], reports[10]
    assert second.duplicate_of is None
    assert eleventh.duplicate_of == second.id
    assert [r.ordinal for r in reports if r.duplicate_of] == [11]


def test_no_web_noise_survives_in_any_chunk() -> None:
    noise = re.compile(
        r"##paid|预览结束|Copyright|ICP|版权所有|http|www\.|范文网|首页\s*>|联系老师|欢迎品鉴|所在栏目"
    )
    for chunk in parsed().chunks(include_duplicates=True):
        assert not noise.search(chunk.text), (chunk.id, chunk.text[:60])
    for report in parsed().reports:
        assert not noise.search(report.text), report.id


def test_report_000_parts_roles_and_heading_with_sentence() -> None:
    (report,) = parsed("000").reports
    assert report.title == "市工业园区2024年第三季度意识形态工作总结"
    assert [(h.number, h.text, h.role) for h in report.headings] == [
        ("一、", "工作开展情况", "achievements"),
        ("二、", "工作中存在的主要问题", "problems"),
    ]
    first_sub = report.headings[0].children[0]
    # `（一）及时部署，落实意识形态工作责任制。一是……` is a heading plus body text.
    assert first_sub.text == "及时部署，落实意识形态工作责任制"
    assert first_sub.level == 2
    body = [c for c in report.chunks if c.heading_path == ["工作开展情况", first_sub.text]]
    assert body and body[0].text.startswith("一是组织召开党组会议")
    assert report.chunks[0].role == "opening" and report.chunks[0].text.startswith("今年以来")
    assert [h.text for h in report.headings[1].children] == [
        "意识形态工作经验不足",
        "部分党员干部理论学习不够深入",
        "宣传思想工作队伍需进一步壮大",
    ]
    # The paywall elision `……略……` is cut out and the paragraph is marked truncated.
    assert any("truncated" in c.flags for c in report.chunks)
    assert "略" not in report.text.replace("战略", "")


def test_file_001_splits_on_restarted_numbering_and_records_duplicates() -> None:
    reports = parsed("001").reports
    assert len(reports) == 16
    openings = [r.text[:6] for r in reports]
    assert openings[0] == "为响应市委、"
    assert openings[1] == "年初以来，在"
    assert openings[8].startswith("> 一、主要") or openings[8].startswith(">一、主要")  # no opening paragraph
    dups = {r.ordinal: r.duplicate_of for r in reports if r.duplicate_of}
    by_ordinal = {r.ordinal: r.id for r in reports}
    assert dups == {6: by_ordinal[2], 14: by_ordinal[4], 15: by_ordinal[3]}
    # The report numbered only from （一） with mistyped (3)/(6) keeps six level-2 parts in order.
    r7 = reports[6]
    assert [h.number for h in r7.headings] == [
        "（一）",
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（五）",
        "（六）",
    ]
    assert all(h.role == "achievements" for h in r7.headings)


def test_reports_repeated_across_files_are_duplicates() -> None:
    result = parsed()
    r001_7 = next(r for r in result.reports if r.source.endswith(corpus_file("001").name) and r.ordinal == 7)
    r004_8 = next(r for r in result.reports if r.source.endswith(corpus_file("004").name) and r.ordinal == 8)
    assert r004_8.duplicate_of == r001_7.id
    assert len(result.reports) == 30 and len(result.unique_reports) == 25


def test_speech_002_title_once_roles_and_closing() -> None:
    (report,) = parsed("002").reports
    assert report.kind == "speech"
    assert report.text.count("某市交通运输局党委书记在意识形态工作总结会上的讲话") == 1
    assert [h.role for h in report.headings] == ["achievements", "problems", "plans"]
    assert report.chunks[-1].role == "closing" and report.chunks[-1].text.startswith("同志们，意识形态工作")
    assert report.chunks[0].role == "opening" and report.chunks[0].text.startswith("同志们：")


def test_merged_part_in_003_is_split_into_problems_then_plans() -> None:
    (report,) = parsed("003").reports
    assert report.title == "在全区基层思想政治工作进展情况汇报"
    last = report.headings[-1]
    assert last.number == "五、" and last.roles == ["problems", "plans"]
    part = [c for c in report.chunks if c.heading_path == [last.text]]
    assert [c.role for c in part] == ["problems", "plans"]
    assert part[1].text.startswith("下一步")
    assert report.chunks[-1].role == "closing" and report.chunks[-1].text.startswith("总之")


def test_merged_heading_roles_in_004() -> None:
    reports = parsed("004").reports
    assert reports[8].headings[-1].text == "存在的问题及下步打算"
    assert reports[8].headings[-1].roles == ["problems", "plans"]
    assert [h.role for h in reports[3].headings] == [
        "achievements",
        "achievements",
        "achievements",
        "problems",
        "plans",
    ]
    assert reports[2].chunks[-1].role == "closing"


def test_points_are_not_headings() -> None:
    for report in parsed().reports:
        for h in report.walk_headings():
            assert not re.match(r"^[一二三四五六七八九十][是要]", h.text), h.text


def test_chunk_offsets_point_into_the_report_text() -> None:
    for report in parsed().reports:
        for c in report.chunks:
            assert report.text[c.start : c.end].strip() == c.text
            assert c.report_id == report.id and c.id.startswith(report.id)


def test_placeholders_are_kept_and_flagged() -> None:
    chunks = parsed("001").chunks(include_duplicates=True)
    masked = [c for c in chunks if "202_" in c.text or "20XX" in c.text or "***" in c.text]
    assert masked and all(c.has_placeholders for c in masked)
    clean = [c for c in chunks if not re.search(r"_|XX|xx|\*\*|--|某某|[xX](?=[\u4e00-\u9fff《])", c.text)]
    assert clean and not any(c.has_placeholders for c in clean)


def test_long_paragraphs_split_at_points_and_stay_bounded() -> None:
    for c in parsed().chunks():
        assert len(c.text) <= 700, (c.id, len(c.text))
    split = [c for c in parsed("004").chunks() if "split" in c.flags]
    assert split and any(re.match(r"[一二三四五六七八九十]是", c.text) for c in split)


def test_ids_are_stable_across_runs() -> None:
    a = parse_paths([corpus_file("004")])
    b = parse_paths([corpus_file("004")])
    assert [c.id for c in a.chunks()] == [c.id for c in b.chunks()]
    assert len({r.id for r in a.reports}) == len(a.reports)
