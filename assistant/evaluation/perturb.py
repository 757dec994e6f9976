"""Defects a bad draft has, made one at a time in a copy of a good one.

Each perturbation changes as little as it can: numbering tokens stay positional (the copy with a part
dropped keeps 一、二、… in place, quirks of the original included) so that only the intended check
has reason to fire. Each returns the copy, the finding kind that must name the defect, and the lines
that finding should point at (None when the defect has no line of its own, e.g. a missing part)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.check.figures import allowed_values
from assistant.evaluation.reports import DBlock, Original, line_of, strip_sentence
from assistant.genre.numbering import match_number, number_token


@dataclass
class Perturbed:
    kind: str
    blocks: list[DBlock]
    expect: str  # the finding kind that names the defect
    lines: set[int] | None  # lines that finding should point at


def _copy(blocks: list[DBlock]) -> list[DBlock]:
    return [DBlock(b.kind, b.text, b.level, b.token, b.ordinal, b.role) for b in blocks]


def _parts(blocks: list[DBlock]) -> list[tuple[int, int]]:
    """(start, end) block ranges of the 一、 parts; a closing after the last part stays with it."""
    starts = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1]
    return [(s, starts[k + 1] if k + 1 < len(starts) else len(blocks)) for k, s in enumerate(starts)]


def _retoken(blocks: list[DBlock], tokens: list[tuple[str, int]]) -> None:
    """Give the 一、 headings, in their new order, the tokens the original had in that position."""
    heads = [b for b in blocks if b.kind == "heading" and b.level == 1]
    for b, (token, ordinal) in zip(heads, tokens, strict=False):
        b.token, b.ordinal = token, ordinal


def _tokens(blocks: list[DBlock]) -> list[tuple[str, int]]:
    return [(b.token, b.ordinal) for b in blocks if b.kind == "heading" and b.level == 1]


def _body(blocks: list[DBlock], part: int = 0) -> int | None:
    """The first paragraph inside a part (by index), else the first paragraph anywhere after a part."""
    parts = _parts(blocks)
    if part < len(parts):
        s, e = parts[part]
        hit = next((i for i in range(s, e) if blocks[i].kind == "paragraph"), None)
        if hit is not None:
            return hit
    return next(
        (i for i in range(parts[0][0] if parts else 0, len(blocks)) if blocks[i].kind == "paragraph"), None
    )


def drop_part(o: Original, n: int) -> Perturbed | None:
    b = _copy(o.blocks)
    parts = _parts(b)
    if len(parts) < 2:
        return None
    tokens = _tokens(b)
    s, e = parts[1]  # the second part: the first is usually the report's core, the last may hold the closing
    del b[s:e]
    _retoken(b, tokens)
    return Perturbed("part_dropped", b, "missing_part", None)


def swap_parts(o: Original, n: int) -> Perturbed | None:
    b = _copy(o.blocks)
    parts = _parts(b)
    if len(parts) < 2:
        return None
    tokens = _tokens(b)
    (s1, e1), (s2, e2) = parts[0], parts[1]
    b[s1:e2] = b[s2:e2] + b[s1:e1]
    _retoken(b, tokens)
    return Perturbed("parts_swapped", b, "part_out_of_order", {line_of(s1), line_of(s1 + e2 - s2)})


def skip_level(o: Original, n: int) -> Perturbed | None:
    """一、 then 1. with no （一）: the first part with （一） children has them (and their subtree)
    written one level deeper; else the first part with no numbered lines at all gets its first
    clause as a 1. heading (a part that already skips a level would only trade one skip for another)."""
    b = _copy(o.blocks)
    for s, e in _parts(b):
        kids = [i for i in range(s + 1, e) if b[i].kind == "heading"]
        if any(b[i].level == 2 for i in kids):
            for i in kids:
                b[i].level = min(b[i].level + 1, 4)
                b[i].token = number_token(b[i].level, b[i].ordinal or 1)
            first = next(i for i in kids if b[i].level == 3)
            return Perturbed("skipped_level", b, "skipped_level", {line_of(first)})
    for s, e in _parts(b):
        at = s + 1
        numbered = any(b[i].kind == "heading" or match_number(b[i].text) for i in range(at, e))
        if at < e and b[at].kind == "paragraph" and not numbered:
            clause = re.split(r"[，。；：,;:]", b[at].text, maxsplit=1)[0][:16]
            b.insert(at, DBlock("heading", clause, 3, number_token(3, 1), 1))
            return Perturbed("skipped_level", b, "skipped_level", {line_of(at)})
    return None


def repeat_number(o: Original, n: int) -> Perturbed | None:
    """A heading repeats the number of the one before it: the first （一）（二） pair numbered in
    sequence (a pair the original already got wrong would swap one defect for another), else 一、二、."""
    b = _copy(o.blocks)
    pairs = []
    for s, e in _parts(b):
        kids = [i for i in range(s + 1, e) if b[i].kind == "heading" and b[i].level == 2]
        pairs += list(zip(kids, kids[1:], strict=False))
    heads = [i for i, x in enumerate(b) if x.kind == "heading" and x.level == 1]
    pairs += list(zip(heads, heads[1:], strict=False))
    pair = next(((i, j) for i, j in pairs if b[j].ordinal == b[i].ordinal + 1), None)
    if pair is None:
        return None
    i, j = pair
    b[j].token, b[j].ordinal = b[i].token, b[i].ordinal
    return Perturbed("repeated_number", b, "repeated_number", {line_of(j)})


_INVENTED = (137, 263, 418, 579, 791, 953, 1379, 2861)


def invent_figure(o: Original, n: int) -> Perturbed | None:
    b = _copy(o.blocks)
    at = _body(b)
    if at is None:
        return None
    allowed = allowed_values(o.facts.allowed_texts())
    value = next(v for v in _INVENTED if str(v) not in allowed and f"{v}次" not in allowed)
    b[at].text = b[at].text.rstrip() + f"此外，全年累计开展专项督查{value}次。"
    return Perturbed("invented_figure", b, "invented_figure", {line_of(at)})


def remove_fact(o: Original, n: int) -> Perturbed | None:
    """The middle fact's sentence is taken out of the text (the paragraph goes if nothing is left)."""
    facts = o.facts.facts()
    if not facts:
        return None
    fact = facts[len(facts) // 2]
    b = _copy(o.blocks)
    at = (fact.line - 1) // 2
    rest = strip_sentence(b[at].text, fact.text)
    if rest:
        b[at].text = rest
    else:
        del b[at]
    return Perturbed("fact_removed", b, "missed_fact", None)


def leave_placeholder(o: Original, n: int) -> Perturbed | None:
    """20XX for a year (even n), or *** for a name (odd n, or when no year is written)."""
    b = _copy(o.blocks)
    if n % 2 == 0:
        for i, x in enumerate(b):
            if x.kind == "paragraph" and re.search(r"(?:19|20)\d{2}年", x.text):
                x.text = re.sub(r"(?:19|20)\d{2}年", "20XX年", x.text, count=1)
                return Perturbed("placeholder", b, "placeholder", {line_of(i)})
    at = _body(b)
    if at is None:
        return None
    head, comma, tail = b[at].text.partition("，")
    b[at].text = f"{head}，***{tail}" if comma else f"***{b[at].text}"
    return Perturbed("placeholder", b, "placeholder", {line_of(at)})


def leave_web_noise(o: Original, n: int) -> Perturbed | None:
    """A breadcrumb under the title (even n) or a copyright line at the end (odd n)."""
    b = _copy(o.blocks)
    if n % 2 == 0:
        at = 1 if b and b[0].kind == "title" else 0
        b.insert(at, DBlock("paragraph", "首页 > 范文大全 > 工作总结"))
    else:
        at = len(b)
        b.append(DBlock("paragraph", "版权所有 © 范文网 未经许可不得转载"))
    return Perturbed("web_noise", b, "web_noise", {line_of(at)})


PERTURBATIONS: list[Callable[[Original, int], Perturbed | None]] = [
    drop_part,
    swap_parts,
    skip_level,
    repeat_number,
    invent_figure,
    remove_fact,
    leave_placeholder,
    leave_web_noise,
]
