"""Is every fact in the draft, whole? Each fact is located in the sentence (or two adjacent sentences)
that expresses it: the one holding most of its particulars and most of its wording. A fact whose
wording is there but one of its figures is not (召开会议13次 kept, 其中专题研究3次 dropped) is partly
used — even when that figure survives elsewhere in the draft."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.check.particulars import Particular, extract, normalise
from assistant.check.trace import Tracer, wording

# 覆盖率100% may be written 全覆盖, 全部, 均已….
_ALL_WORDS = re.compile(r"全部|均|全覆盖|百分之百|100%|全面|全员|每一|逐一|无一遗漏")
# Completion written into a plan: 已建立, 目前已完成, 实现了.
COMPLETION = re.compile(
    r"(?:目前|现已|已经|业已|已)(?!有|取得|达到|是|成为|于|经过|形成的|开展的)(?:全部|基本|初步)?[\u4e00-\u9fff]{1,4}"
    r"|完成了|实现了|建成了"
)
# A plan's words written into a thing already done: 计划…, 将…, 拟….
PLANNING = re.compile(r"计划|拟(?:于|在)?|将(?:于|在|进一步|持续|继续)|准备|下一步|明年|下半年将")


@dataclass
class Sentence:
    line: int  # index into the draft's body lines
    text: str
    particulars: list[Particular]


@dataclass
class Location:
    fact_index: int
    sentences: list[Sentence]  # the window that expresses it (one or two sentences)
    score: float
    missing: list[Particular] = field(default_factory=list)  # its particulars not in the window

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)

    @property
    def whole(self) -> bool:
        return not self.missing


def body_sentences(lines: list[str]) -> list[Sentence]:
    out = []
    for i, line in enumerate(lines):
        norm = normalise(line)
        for s in re.split(r"(?<=[。；！？])", norm):
            if s.strip():
                out.append(Sentence(i, s, extract(s)))
    return out


def locate_facts(fact_texts: list[str], sentences: list[Sentence], tracer: Tracer) -> list[Location | None]:
    return [_locate(i, text, sentences, tracer) for i, text in enumerate(fact_texts)]


def _windows(sentences: list[Sentence]) -> list[list[Sentence]]:
    out = [[s] for s in sentences]
    out += [[a, b] for a, b in zip(sentences, sentences[1:], strict=False) if a.line == b.line]
    return out


def _locate(index: int, fact: str, sentences: list[Sentence], tracer: Tracer) -> Location | None:
    norm = normalise(fact)
    particulars = [p for p in extract(norm) if not p.weak or p.kind != "count"] or []
    bare = _without(norm, particulars)
    fact_words = wording(bare)
    best: Location | None = None
    best_key = (-1, -1.0)
    for window in _windows(sentences):
        text = "".join(s.text for s in window)
        found = [s_p for s in window for s_p in s.particulars]
        missing = _unmatched(particulars, found, text, tracer)
        score = len(fact_words & wording(text)) / len(fact_words) if fact_words else 1.0
        if len(window) == 2 and score < 1.0 and not particulars:
            score -= 0.05  # prefer the single sentence when the wording alone decides
        key = (len(particulars) - len(missing), score)
        if key > best_key:
            best_key, best = key, Location(index, window, score, missing)
    if best is None:
        return None
    matched = len(particulars) - len(best.missing)
    if particulars:
        if matched == 0 and best.score < 0.6:
            return None
        if best.score < 0.3:
            return None
        return best
    return best if best.score >= 0.5 else None


def _without(text: str, particulars: list[Particular]) -> str:
    for p in sorted(particulars, key=lambda p: p.start, reverse=True):
        text = text[: p.start] + " " + text[p.end :]
    return re.sub(r"[“”《》]", " ", text)


def _unmatched(
    particulars: list[Particular], found: list[Particular], text: str, tracer: Tracer
) -> list[Particular]:
    """The fact's particulars the window does not express; each draft particular stands for one of
    them only (发现问题13个、已整改9个 needs two figures, not one 9 used twice)."""
    left = list(found)
    missing = []
    for p in particulars:
        match = next((d for d in left if tracer.same(d, p)), None)
        if match is not None:
            left.remove(match)
        elif not _matched_otherwise(p, left, text, tracer.years):
            missing.append(p)
    return missing


# A year said relative to the report's own: 明年 in a 2024 report is 2025.
_RELATIVE_YEAR = {
    -1: re.compile(r"去年|上一年"),
    0: re.compile(r"今年|本年度?|当年"),
    1: re.compile(r"明年|下一年|新的一年|来年"),
}


def _matched_otherwise(p: Particular, found: list[Particular], text: str, years: set[str]) -> bool:
    if p.kind == "date" and re.fullmatch(r"\d{4}", p.value) and len(years) == 1:
        offset = int(p.value) - int(next(iter(years)))
        pattern = _RELATIVE_YEAR.get(offset)
        return bool(pattern and pattern.search(text))
    if p.kind == "name":
        return p.value in text
    if p.kind == "percent" and p.value == "100%":
        return bool(_ALL_WORDS.search(text))
    if p.kind == "count" and p.number == "1":
        return any(d.number == "1" and d.value.split("|")[-1] == p.value.split("|")[-1] for d in found)
    return False


def plan_written_as_done(fact: str, location: Location) -> str | None:
    """The completion words of a plan's sentence that its fact does not have (已建立 for 建立);
    a 已…的 that qualifies a noun (已整改的问题) is not a completion."""
    text = location.text
    for m in COMPLETION.finditer(text):
        if "已" in fact or m.group() in fact:
            continue
        if "的" in text[m.start() : m.end() + 2]:
            continue
        return m.group()
    return None


def done_written_as_plan(fact: str, location: Location) -> str | None:
    """The planning words of a done thing's sentence that its fact does not have (计划举办 for 举办)."""
    for m in PLANNING.finditer(_clause_with(location.text, fact)):
        if m.group() not in fact:
            return m.group()
    return None


def _clause_with(text: str, fact: str) -> str:
    """The sentence of text that shares most of the fact's wording (a window may hold two)."""
    sentences = [s for s in re.split(r"(?<=[。；！？])", text) if s.strip()] or [text]
    words = wording(fact)
    return max(sentences, key=lambda s: len(words & wording(s)))
