"""The offline drafter on every facts file we have: complete, numbered, every fact, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.check.fidelity import check_draft
from assistant.check.figures import allowed_values, is_allowed
from assistant.corpus import parse_paths
from assistant.document import parse_draft
from assistant.draft.facts import load_facts
from assistant.draft.offline import draft_offline
from assistant.draft.outline import build_outline
from assistant.genre.figures import find_figures
from tests.helpers import CORPUS, EXAMPLES, REPO

FACT_FILES = sorted(
    p for p in (EXAMPLES / "facts").glob("*") if p.suffix in (".md", ".txt", ".docx")
) + sorted((REPO / "eval" / "cases").glob("*/facts.*"))


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: p.parent.name + "/" + p.name)
def test_offline_draft_is_complete_numbered_and_honest(path: Path) -> None:
    sheet = load_facts(path)
    outline = build_outline(sheet)
    md = draft_offline(sheet, outline)
    assert md == draft_offline(load_facts(path), build_outline(load_facts(path)))  # deterministic
    assert "离线草稿" in md.splitlines()[0]
    doc = parse_draft(md)
    assert doc.title == (sheet.title or "工作总结")
    tops = [b for b in doc.headings() if b.level == 1]
    assert [b.number for b in tops] == [f"{'一二三四五六'[i]}、" for i in range(len(outline.parts))]
    for part in outline.parts:
        subs = [c.number for c in part.children]
        assert subs == [f"（{'一二三四五六七八'[i]}）" for i in range(len(subs))]
    assert "现将有关工作情况总结如下" in md
    report = check_draft(md, sheet, part_roles={p.title: p.roles for p in outline.parts})
    assert report.ok, report.render()
    if sheet.meta.get("date"):
        assert md.rstrip().endswith(sheet.meta["date"])


def _example_only_figures() -> set[str]:
    """Particulars that appear in the example reports and corpus but in no facts file."""
    sources = [EXAMPLES / "reports"] + ([CORPUS] if CORPUS.exists() else [])
    texts = [c.text for c in parse_paths(sources).chunks(include_duplicates=True)]
    facts = allowed_values([t for f in FACT_FILES for t in load_facts(f).allowed_texts()])
    return {f.value for t in texts for f in find_figures(t) if f.value not in facts and f.kind != "date"}


def test_no_particular_of_an_example_report_reaches_a_draft() -> None:
    leaks = _example_only_figures()
    assert len(leaks) > 50  # the examples are full of other units' particulars
    for path in FACT_FILES:
        sheet = load_facts(path)
        md = draft_offline(sheet, build_outline(sheet))
        allowed = allowed_values(sheet.allowed_texts())
        for fig in find_figures(md):
            assert is_allowed(fig, allowed), (path.name, fig)
            assert fig.value not in leaks or fig.value in allowed


def test_no_placeholder_or_markdown_artefact_in_offline_drafts() -> None:
    for path in FACT_FILES:
        sheet = load_facts(path)
        body = re.sub(r"<!--.*?-->", "", draft_offline(sheet, build_outline(sheet)), flags=re.S)
        assert not re.search(r"XX|\*\*|202_|\{|\}|\$", body), path
