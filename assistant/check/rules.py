"""The draft-wide rules of the check that are not about one fact: the writer's self-counts match the
points that follow; no example text (another unit's) is copied; no instruction of the prompt is written
into the draft. Text matching is by character n-gram sets: linear in the draft and the references."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.check.particulars import normalise, self_counts
from assistant.genre.numerals import parse_number
from assistant.genre.stock import FORMULAS

COPY_MIN = 20  # characters of another unit's example text that count as copying
LEAK_MIN = 8  # characters of the prompt's own instructions that count as a leak
_GRAM = 8
_ORDINAL = re.compile(r"(?P<n>[一二三四五六七八九十]+)(?:是|要|要抓)|(?:首先|其次|再次|最后)")
_SPACE = re.compile(r"[\s“”‘’\"']+")  # spacing and quotation marks do not hide a copy


@dataclass(frozen=True)
class Span:
    line: int
    text: str


def grams(text: str, k: int = _GRAM) -> set[str]:
    text = _SPACE.sub("", normalise(text))
    return {text[i : i + k] for i in range(len(text) - k + 1)}


class TextIndex:
    """The n-grams of a set of texts, to find the spans of a line shared with them."""

    def __init__(self, texts: list[str], k: int = _GRAM) -> None:
        self.k = k
        self.grams: set[str] = set()
        for t in texts:
            self.grams |= grams(t, k)

    def shared_runs(self, line: str, mask: set[int] | None = None, minimum: int = COPY_MIN) -> list[str]:
        """Maximal runs of line (whitespace removed) at least `minimum` long whose every k-gram is in
        the index, leaving out positions in mask."""
        text = _SPACE.sub("", normalise(line))
        k = self.k
        hits: list[int] = []
        for i in range(len(text) - k + 1):
            if text[i : i + k] in self.grams and not (mask and any(j in mask for j in range(i, i + k))):
                hits.append(i)
        runs: list[str] = []
        start: int | None = None
        prev: int | None = None
        for i in [*hits, -1]:
            if i >= 0 and prev is not None and i == prev + 1:
                prev = i
                continue
            if start is not None and prev is not None and prev + k - start >= minimum:
                runs.append(text[start : prev + k])
            start = prev = i if i >= 0 else None
        return runs


@lru_cache(maxsize=32)
def index_of(texts: tuple[str, ...]) -> TextIndex:
    """The n-gram index of texts, built once: every section check of a draft shares the prompts' wording."""
    return TextIndex(list(texts))


def fact_mask(line: str, facts: TextIndex, k: int = _GRAM) -> set[int]:
    """Positions of line (whitespace removed) covered by the user's own fact text or a stock formula:
    those are the user's words or everyone's, never a copy."""
    text = _SPACE.sub("", normalise(line))
    masked: set[int] = set()
    for i in range(len(text) - k + 1):
        if text[i : i + k] in facts.grams:
            masked.update(range(i, i + k))
    for formula in FORMULAS:
        for m in re.finditer(re.escape(formula), text):
            masked.update(range(m.start(), m.end()))
    return masked


def shared_spans(lines: list[str], facts: TextIndex, *against: tuple[TextIndex, int]) -> list[list[Span]]:
    """For each (index, minimum) — the references with COPY_MIN, the prompts' wording with LEAK_MIN —
    the runs of each line shared with it, the user's own words and stock formulas left out (that
    mask is computed once per line for all of them)."""
    found: list[list[Span]] = [[] for _ in against]
    for n, line in enumerate(lines):
        mask = fact_mask(line, facts)
        for out, (index, minimum) in zip(found, against, strict=True):
            out += [Span(n, run) for run in index.shared_runs(line, mask, minimum)]
    return found


@dataclass(frozen=True)
class CountMismatch:
    line: int
    phrase: str
    said: int
    found: int


def self_count_mismatches(parts: list[list[tuple[int, str, bool]]]) -> list[CountMismatch]:
    """A self-count (以下两个方面) checked against the points that follow it in its part: the 一是/二是
    points after it, or else the subsections. parts: per part, its (line, text, is_subheading) lines."""
    out = []
    for lines in parts:
        for pos, (number, text, _sub) in enumerate(lines):
            for said, m in self_counts(text):
                rest = [text[m.end() :]] + [t for _, t, _ in lines[pos + 1 :]]
                found = _points(rest, lines[pos + 1 :])
                if found and found != said:
                    out.append(CountMismatch(number, m.group(), said, found))
    return out


def _points(rest: list[str], following: list[tuple[int, str, bool]]) -> int:
    first = rest[0]
    ordinals = [_ordinal(m) for m in _ORDINAL.finditer(first)]
    if not ordinals:  # the points are the next paragraphs or the subsections
        subs = sum(1 for _, _, sub in following if sub)
        if subs:
            return subs
        ordinals = [_ordinal(m) for t in rest[1:2] for m in _ORDINAL.finditer(t)]
    return max(ordinals, default=0)


def _ordinal(m: re.Match[str]) -> int:
    if m.group("n"):
        value = parse_number(m.group("n"))
        return int(value) if value else 0
    return {"首先": 1, "其次": 2, "再次": 3}.get(m.group(), 0)
