"""A draft as the compliance checks see it: its headings (with the level their numbering token says,
run-in headings included) and its top-level parts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.document import Block, DraftDoc, parse_draft, split_number, split_run_in
from assistant.genre.numbering import cn_to_int, match_number

_OFFICIAL_SHAPE = {1: "N、", 2: "（N）", 3: "N.", 4: "（N）"}


@dataclass
class Heading:
    line: int
    level: int  # from the numbering token when there is one, else from the Markdown depth
    depth: int  # from the Markdown # count (0: a bare or run-in heading)
    token: str  # the numbering token as written ("" when unnumbered)
    ordinal: int
    text: str  # without the token
    run_in: bool = False  # （一）加强组织领导。局党组…… written as one paragraph

    @property
    def shape(self) -> str:
        """The token with its number replaced by N: （N） vs (N), N. vs N、."""
        return re.sub(r"[一二三四五六七八九十百零〇]+|\d+|[⑴-⒇①-⑳]", "N", self.token.replace(" ", ""))

    @property
    def official(self) -> bool:
        return self.shape == _OFFICIAL_SHAPE.get(self.level)


@dataclass
class Part:
    heading: Heading | None  # None: the lead before the first 一、
    children: list[Heading] = field(default_factory=list)
    paragraphs: list[Block] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.heading.text if self.heading else ""

    @property
    def body(self) -> str:
        # Run-in headings are already in their paragraph's text.
        return "\n".join([c.text for c in self.children if not c.run_in] + [p.text for p in self.paragraphs])


@dataclass
class DraftView:
    doc: DraftDoc
    headings: list[Heading]  # headings proper: Markdown or bare heading lines, and run-in headings
    numbered: list[Heading]  # every numbered line in order: headings and paragraphs opening with 1、 etc.
    parts: list[Part]  # parts[0] is the lead when the draft has one

    @property
    def lead(self) -> Part | None:
        return self.parts[0] if self.parts and self.parts[0].heading is None else None

    @property
    def top(self) -> list[Part]:
        return [p for p in self.parts if p.heading is not None]


def _ordinal(token: str) -> int:
    core = re.sub(r"[（()）、.．\s]", "", token)
    if re.fullmatch(r"[0-9]+", core):  # not str.isdigit: ⑵ and ③ are digits to Python
        return int(core)
    for first, last in (("⑴", "⒇"), ("①", "⑳")):
        if len(core) == 1 and first <= core <= last:
            return ord(core) - ord(first) + 1
    return cn_to_int(core) or 0


def _heading(block: Block) -> Heading:
    """A heading's level is the one its token says (as parse_draft reads tokens), else its depth."""
    numbered = split_number(block.full_text) if block.number else None
    if numbered is not None:
        return Heading(block.line, numbered[0], block.level, block.number, _ordinal(block.number), block.text)
    return Heading(block.line, block.level, block.level, block.number, 0, block.text)


def view(markdown: str) -> DraftView:
    doc = parse_draft(markdown)
    headings: list[Heading] = []
    numbered: list[Heading] = []
    parts: list[Part] = []
    for block in doc.body():
        h: Heading | None = None
        if block.kind == "heading":
            h = _heading(block)
        else:
            num = match_number(block.text)
            run_in = split_run_in(block.text) if num is not None else None
            if num is not None and run_in is not None:
                head = run_in[0][len(num.token) :].rstrip("。").strip()
                h = Heading(block.line, num.level, 0, num.token, num.ordinal, head, run_in=True)
            elif num is not None:  # a numbered item (1、抓好……): not a heading, but its number counts
                numbered.append(
                    Heading(block.line, num.level, 0, num.token, num.ordinal, num.rest[:20], run_in=True)
                )
        if h is not None:
            headings.append(h)
            numbered.append(h)
        if h is not None and h.level == 1 and not h.run_in:
            parts.append(Part(h))
            continue
        if not parts:
            parts.append(Part(None))
        if h is not None:
            parts[-1].children.append(h)
        if h is None or h.run_in:
            parts[-1].paragraphs.append(block)
    return DraftView(doc, headings, numbered, parts)
