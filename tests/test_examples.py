"""The bundled example reports parse into the reports and parts they were written with."""

from __future__ import annotations

from assistant.corpus import parse_paths
from assistant.corpus.loader import load_file
from tests.helpers import EXAMPLES


def test_bundled_examples_parse_cleanly() -> None:
    result = parse_paths([EXAMPLES / "reports"])
    assert not result.errors
    assert len(result.reports) == 11 and len(result.unique_reports) == 11
    for r in result.reports:
        assert r.title.endswith("总结"), r.title
        roles = [role for h in r.headings for role in h.roles]
        assert roles[0] == "achievements", r.title
        assert "problems" in roles and roles[-1] == "plans", (r.title, roles)
        assert r.chunks[0].role == "opening"
    # No web noise from the one noisy example reaches a chunk.
    assert not any("Copyright" in c.text or "首页" in c.text for c in result.chunks())


def test_gb18030_docx_and_two_report_files() -> None:
    gb = next((EXAMPLES / "reports").glob("*gb18030*"))
    assert load_file(gb).encoding == "gb18030"
    docx = next((EXAMPLES / "reports").glob("*.docx"))
    (report,) = parse_paths([docx]).reports
    assert len(report.headings) == 5
    two = next((EXAMPLES / "reports").glob("09_*"))
    reports = parse_paths([two]).reports
    assert len(reports) == 2 and reports[1].title.startswith("县市场监督管理局")


def test_merged_problems_and_plans_part() -> None:
    f = next((EXAMPLES / "reports").glob("04_*"))
    (report,) = parse_paths([f]).reports
    last = report.headings[-1]
    assert last.roles == ["problems", "plans"]
    roles = [c.role for c in report.chunks if c.heading_path[:1] == [last.text]]
    assert roles[0] == "problems" and roles[-1] == "plans"
    assert roles == sorted(roles, key=["problems", "plans"].index)
