"""The draft document model shared by drafting, checking, chat and export.

A draft is Markdown of this shape (see ``parse_draft``)::

    # 市工业园区2024年第三季度意识形态工作总结
    导语……现将有关工作情况总结如下：
    ## 一、工作开展情况          (## → level 1, ### → 2, #### → 3, ##### → 4)
    ### （一）落实意识形态工作责任制
    正文……
    市工业园区党工委            (signature: optional short unit line)
    2024年9月30日               (date: the final line)

Parsing rules worth knowing:

* Every non-blank line is its own block. Chinese prose is not hard-wrapped, and one block per line
  keeps ``Block.line`` precise for checkers that point at problems.
* HTML comments (``<!-- … -->``, possibly multi-line) are notes, not content: they are dropped, and
  line numbers still refer to the original text. So are YAML front matter (``---`` … ``---`` at the
  top) and thematic breaks (a line of ``---``): neither is ever the title.
* A leading ``>`` (quote marker seen in the wild) is removed.
* Emphasis markers ``**x**`` and ``*x*`` are stripped from the text and ``Block.emphasis`` is set.
  Masks such as ``***`` or ``202_`` are left untouched so that placeholder checks still see them.
* Headings may also be written without ``#``: a short line that starts with a numbering token
  (``一、``, ``（一）``/``(一)``, ``1.``/``1、``, ``（1）``/``(1)``/``⑴``/``①``) and has no sentence after
  it. A line such as ``（一）加强组织领导。局党组……`` stays a paragraph; ``split_run_in`` finds the
  run-in heading in it.
* The title may be written without ``#`` when the first content line is short and has no sentence
  punctuation.
* ``Block.line`` and ``Block.emphasis`` are not part of equality, so ``parse_draft(render_markdown(d))``
  compares equal to ``d``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["title", "heading", "paragraph", "signature", "date"]

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_THEMATIC_BREAK = re.compile(r"^-{3,}$")
_FRONT_MATTER_CLOSE = ("---", "...")
# What a facts file's front matter names (assistant.draft.facts.META_KEYS); a draft never has it.
_FACTS_META = re.compile(r"^(?:unit|period|topic)[ \t]*:")
# A fact line as `assistant draft` reads it: "- 召开专题会议2次" (also *, +, •, ·).
_FACT_ITEM = re.compile(r"^(?:[-*+][ \t]+|[•·][ \t]*)\S")
# "#" runs must be followed by a space or a non-ASCII-letter, so web noise like ##paidbegin## is text.
_ATX = re.compile(r"^(#{1,6})(?![#A-Za-z])[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
_QUOTE = re.compile(r"^(?:>[ \t]?)+")
_BOLD = re.compile(r"\*\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*\*")
_ITALIC = re.compile(r"(?<!\*)\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?!\*)")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
# Punctuation that means "this is a sentence", not a title, heading or unit name.
_SENTENCE_PUNCT = re.compile(r"[。！？；：，,;:!?]")
# A unit name (发文机关署名) is CJK, letters and digits only: no punctuation, no web-noise symbols.
_UNIT_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z0-9·]+$")

MAX_TITLE_CHARS = 40
MAX_HEADING_CHARS = 30
MAX_SIGNATURE_CHARS = 25


@dataclass
class Block:
    """One line of a draft.

    kind: "title", "heading", "paragraph", "signature" (issuing unit) or "date".
    level: 1–4 for headings (一、 → 1, （一） → 2, 1. → 3, （1） → 4), 0 otherwise.
    number: the heading's numbering token as written (``一、``, ``(一)``, ``1.``); text excludes it.
    line: 1-based line in the Markdown it was parsed from (0 when built in code).
    emphasis: the line had ``**``/``*`` markers, which were stripped from ``text``.
    """

    kind: BlockKind
    text: str
    level: int = 0
    number: str = ""
    line: int = field(default=0, compare=False)
    emphasis: bool = field(default=False, compare=False)

    @property
    def full_text(self) -> str:
        """The text as printed: number and heading text together."""
        return f"{self.number}{self.text}"


@dataclass
class Part:
    """A top-level part of the body: a level-1 heading (None for the lead before the first one)
    and every block up to the next level-1 heading."""

    heading: Block | None
    blocks: list[Block]

    @property
    def title(self) -> str:
        return self.heading.text if self.heading else ""


@dataclass
class DraftDoc:
    blocks: list[Block]

    @property
    def title(self) -> str:
        """The first title's text, or "" when the draft has none."""
        block = self.title_block
        return block.text if block else ""

    @property
    def title_block(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "title"), None)

    @property
    def signature(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "signature"), None)

    @property
    def date(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "date"), None)

    def headings(self, level: int | None = None) -> list[Block]:
        return [b for b in self.blocks if b.kind == "heading" and (level is None or b.level == level)]

    def body(self) -> list[Block]:
        """Headings and paragraphs: everything but the title, signature and date."""
        return [b for b in self.blocks if b.kind in ("heading", "paragraph")]

    def sections(self) -> list[Part]:
        """The body grouped by level-1 heading. The lead (导语) before the first level-1 heading
        is a Part with heading None, present only when non-empty. A closing paragraph after the
        last part cannot be told apart from that part's text, so it stays in the last part."""
        parts: list[Part] = []
        for block in self.body():
            if block.kind == "heading" and block.level == 1:
                parts.append(Part(block, []))
            elif parts:
                parts[-1].blocks.append(block)
            else:
                parts.append(Part(None, [block]))
        return parts

    def to_markdown(self) -> str:
        return render_markdown(self)


def split_number(text: str) -> tuple[int, str, str] | None:
    """(level, number token, rest) when text starts with a heading numbering token, else None.
    The one recogniser of GB/T 9704 numbering and its variants lives in assistant.genre.numbering."""
    from assistant.genre.numbering import match_number

    num = match_number(text)
    return (num.level, num.token, num.rest) if num is not None else None


def split_run_in(text: str) -> tuple[str, str] | None:
    """Split a run-in heading off a line: ``（一）加强组织领导。局党组……`` → (``（一）加强组织领导。``,
    ``局党组……``). Returns None when the line does not start with a number or has no short first
    sentence followed by more text."""
    numbered = split_number(text)
    if numbered is None:
        return None
    _, number, rest = numbered
    end = rest.find("。")
    if end <= 0 or end + 1 >= len(rest) or end > MAX_HEADING_CHARS:
        return None
    return f"{number}{rest[: end + 1]}", rest[end + 1 :]


def strip_emphasis(text: str) -> tuple[str, bool]:
    """Remove ``**x**`` and ``*x*`` markers; report whether there were any."""
    plain = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))
    return plain, plain != text


def _is_heading_line(text: str) -> tuple[int, str, str] | None:
    """A line written without # that is still a heading: number token plus a short label."""
    numbered = split_number(text)
    if numbered is None:
        return None
    rest = numbered[2]
    label = rest[:-1] if rest.endswith(("。", "：", ":")) else rest
    if not label or len(label) > MAX_HEADING_CHARS or _SENTENCE_PUNCT.search(label):
        return None
    return numbered


def _is_bare_title(text: str) -> bool:
    return (
        len(text) <= MAX_TITLE_CHARS
        and not _SENTENCE_PUNCT.search(text)
        and split_number(text) is None
        and not _DATE.match(text)
    )


def _front_matter_end(lines: list[str]) -> int:
    """The index of the line closing a YAML front matter block opened on the first line, or -1."""
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return -1
    return next((i for i in range(1, len(lines)) if lines[i].strip() in _FRONT_MATTER_CLOSE), -1)


def _content_lines(markdown: str) -> list[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; comments, front matter and thematic breaks
    removed (keeping the line count)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), markdown.replace("\r\n", "\n"))
    raw_lines = text.split("\n")
    skip = _front_matter_end(raw_lines) + 1  # 0 when there is none
    lines = []
    for number, raw in enumerate(raw_lines[skip:], start=skip + 1):
        stripped = _QUOTE.sub("", raw.strip().lstrip("\ufeff")).strip()
        if stripped and not _THEMATIC_BREAK.match(stripped):
            lines.append((number, stripped))
    return lines


def looks_like_facts(markdown: str) -> bool:
    """Whether a text given as a draft is in fact a facts file for `assistant draft`: front matter
    naming the unit, period or topic; or no title and nothing but headings and ``- `` fact lines;
    or (a plain-text facts file) several lines with no heading and not one full stop."""
    lines = markdown.replace("\r\n", "\n").split("\n")
    end = _front_matter_end(lines)
    if end > 0 and any(_FACTS_META.match(line.strip()) for line in lines[1:end]):
        return True
    content = [text for _, text in _content_lines(markdown)]
    atx = [_ATX.match(text) for text in content]
    if not content or any(m is not None and len(m.group(1)) == 1 for m in atx):
        return False  # a "# " title line is a draft's
    items = sum(1 for text in content if _FACT_ITEM.match(text))
    headings = sum(1 for m in atx if m is not None)
    if items and items + headings == len(content):
        return True
    return (
        len(content) >= 3
        and not headings
        and not any("。" in text or _is_heading_line(strip_emphasis(text)[0]) for text in content)
        and not _DATE.match(content[-1])
    )


def _parse_line(raw: str, line: int, first: bool) -> Block:
    atx = _ATX.match(raw)
    if atx:
        depth, heading = len(atx.group(1)), atx.group(2)
        text, emphasis = strip_emphasis(heading)
        if depth == 1:
            return Block("title", text, line=line, emphasis=emphasis)
        numbered = split_number(text)
        number, rest = (numbered[1], numbered[2]) if numbered else ("", text)
        return Block("heading", rest, min(depth - 1, 4), number, line, emphasis)
    text, emphasis = strip_emphasis(raw)
    numbered = _is_heading_line(text)
    if numbered:
        return Block("heading", numbered[2], numbered[0], numbered[1], line, emphasis)
    if first and _is_bare_title(text):
        return Block("title", text, line=line, emphasis=emphasis)
    return Block("paragraph", text, line=line, emphasis=emphasis)


def _mark_signature(blocks: list[Block]) -> None:
    """Turn the trailing date line (and a short unit name just before it) into signature blocks."""
    if not blocks or blocks[-1].kind != "paragraph" or not _DATE.match(blocks[-1].text):
        return
    blocks[-1].kind = "date"
    if len(blocks) < 2:
        return
    unit = blocks[-2]
    if (
        unit.kind == "paragraph"
        and len(unit.text) <= MAX_SIGNATURE_CHARS
        and _UNIT_NAME.match(unit.text)
        and not _DATE.match(unit.text)
    ):
        unit.kind = "signature"


def parse_draft(markdown: str) -> DraftDoc:
    """Parse a Markdown draft (see the module docstring for the accepted shapes)."""
    blocks = [_parse_line(raw, line, i == 0) for i, (line, raw) in enumerate(_content_lines(markdown))]
    _mark_signature(blocks)
    return DraftDoc(blocks)


def _render_block(block: Block) -> str:
    if block.kind == "title":
        return f"# {block.text}"
    if block.kind == "heading":
        # "1. 标题" keeps Markdown's space after an ASCII dot; the printed form has none.
        gap = " " if block.number.endswith(".") else ""
        return f"{'#' * (min(max(block.level, 1), 4) + 1)} {block.number}{gap}{block.text}"
    return block.text


def render_markdown(doc: DraftDoc) -> str:
    """Markdown for a draft: blocks separated by blank lines, signature and date on adjacent lines."""
    out: list[str] = []
    for i, block in enumerate(doc.blocks):
        if i and not (block.kind == "date" and doc.blocks[i - 1].kind == "signature"):
            out.append("")
        out.append(_render_block(block))
    return "\n".join(out) + "\n" if out else ""
