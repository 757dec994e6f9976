"""Real reports as drafts for validating the compliance score: each report in the draft Markdown
shape, its own outline as the target, and "facts" derived from its own figure-carrying sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.check.fidelity import sentences_of
from assistant.corpus.model import Report
from assistant.corpus.segment import split_heading_text
from assistant.draft.facts import Fact
from assistant.draft.outline import Section
from assistant.genre.figures import find_figures
from assistant.genre.numbering import match_number
from assistant.genre.placeholders import MASK


@dataclass
class DBlock:
    """One line of a draft under construction (rendered one block a line, blank lines between)."""

    kind: str  # title | heading | paragraph
    text: str
    level: int = 0
    token: str = ""
    ordinal: int = 0
    role: str = ""  # the role of the part it sits in (paragraphs)

    def render(self) -> str:
        if self.kind == "title":
            return f"# {self.text}"
        if self.kind == "heading":
            gap = " " if self.token.endswith(".") else ""
            return f"{'#' * (self.level + 1)} {self.token}{gap}{self.text}"
        return self.text


def render(blocks: list[DBlock]) -> str:
    return "\n\n".join(b.render() for b in blocks) + "\n"


def line_of(index: int) -> int:
    """The Markdown line of blocks[index] as `render` lays them out."""
    return 2 * index + 1


@dataclass
class DerivedFacts:
    """A report's own particulars as a facts sheet: every sentence with a number, percentage or date is a fact
    (placed in its part's role); every figure anywhere in the report is allowed."""

    facts_: list[Fact]
    allowed: list[str]
    meta: dict[str, str] = field(default_factory=dict)

    def facts(self) -> list[Fact]:
        return self.facts_

    def allowed_texts(self) -> list[str]:
        return self.allowed


@dataclass
class Original:
    id: str
    source: str
    title: str
    blocks: list[DBlock]
    outline: list[Section]
    facts: DerivedFacts
    flags: list[str] = field(default_factory=list)  # the corpus parser's: has_placeholders, truncated

    @property
    def clean(self) -> bool:
        """Free of the masks and paywall cuts a good draft never has, by the parser's own flags."""
        return not {"has_placeholders", "truncated"} & set(self.flags)

    @property
    def markdown(self) -> str:
        return render(self.blocks)


def to_blocks(report: Report) -> list[DBlock]:
    by_start = {h.start: h for h in report.walk_headings()}
    role_of = {id(h): (h.roles[0] if h.roles else "") for h in report.headings}
    blocks: list[DBlock] = []
    role = "other"
    offset = 0
    for i, line in enumerate(report.text.split("\n")):
        start, offset = offset, offset + len(line) + 1
        if not line.strip():
            continue
        if i == 0 and report.title and line == report.title:
            blocks.append(DBlock("title", line))
            continue
        h = by_start.get(start)
        num = match_number(line) if h is not None else None
        if h is None or num is None:
            blocks.append(DBlock("paragraph", line, role=role))
            continue
        if h.level == 1:
            role = role_of.get(id(h), "")
        # The token as written (the parser's Heading.number is normalised): 1、 stays 1、.
        blocks.append(DBlock("heading", h.text, h.level, num.token, num.ordinal or h.ordinal))
        body = split_heading_text(num.rest)[1]
        if body:  # a run-in heading: its first sentence is the heading, the rest a paragraph
            blocks.append(DBlock("paragraph", body, role=role))
    return blocks


def to_outline(report: Report) -> list[Section]:
    parts = [h for h in report.headings if h.level == 1]
    return [
        Section(
            1,
            p.ordinal,
            p.text,
            list(p.roles),
            children=[Section(2, c.ordinal, c.text, list(p.roles)) for c in p.children if c.level == 2],
        )
        for p in parts
    ]


def derive_facts(blocks: list[DBlock], report: Report) -> DerivedFacts:
    facts: list[Fact] = []
    for i, b in enumerate(blocks):
        if b.kind != "paragraph":
            continue
        for s in sentences_of(b.text):
            s = s.strip()
            # Numbers, percentages, dates; a masked one (202_年) is no particular anyone can check.
            if any(f.kind != "quote" for f in find_figures(s)) and not MASK.search(s):
                role = b.role if b.role in ("achievements", "problems", "plans") else "other"
                facts.append(Fact(f"F{len(facts) + 1}", s, line_of(i), role, ""))
    return DerivedFacts(facts, report.text.split("\n"), {"title": report.title} if report.title else {})


def original_of(report: Report) -> Original:
    blocks = to_blocks(report)
    return Original(
        report.id,
        report.source,
        report.title,
        blocks,
        to_outline(report),
        derive_facts(blocks, report),
        list(report.flags),
    )


def load_originals(paths: list[Path], min_parts: int = 2) -> list[Original]:
    """Unique reports (not speeches) with at least min_parts 一、 parts, in file order."""
    from assistant.corpus.parse import parse_paths

    parsed = parse_paths([p for p in paths if p.exists()])
    out = []
    for r in parsed.unique_reports:
        if r.kind != "report" or sum(1 for h in r.headings if h.level == 1) < min_parts:
            continue
        out.append(original_of(r))
    return out


def strip_sentence(text: str, sentence: str) -> str:
    """text without one sentence (and without the space it leaves)."""
    return re.sub(r"\s{2,}", " ", text.replace(sentence, "", 1)).strip()
