"""The fidelity check: is every particular in the draft from the user's facts, is every fact used
(in the right part), and is the draft free of placeholders, web noise and copied example text?

One implementation, used after drafting, by the repair pass, by the chat's /check and by the eval."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.check.figures import Figure, allowed_values, find_figures, is_allowed
from assistant.corpus.clean import PLACEHOLDER, is_noise_line
from assistant.text import char_ngrams, containment

COPY_MIN = 20  # characters shared verbatim with an example paragraph that count as copying


@dataclass
class Finding:
    kind: str  # invented_figure | missed_fact | misplaced_fact | placeholder | web_noise | copied | empty_section
    message: str
    line: int = 0  # 1-based line in the draft Markdown (0: the whole draft)
    sentence: str = ""
    section: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    findings: list[Finding]
    facts_total: int = 0
    facts_covered: int = 0
    figures_total: int = 0
    figures_unmatched: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings

    def of_kind(self, *kinds: str) -> list[Finding]:
        return [f for f in self.findings if f.kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "facts_total": self.facts_total,
            "facts_covered": self.facts_covered,
            "figures_total": self.figures_total,
            "figures_unmatched": self.figures_unmatched,
            "findings": [f.to_dict() for f in self.findings],
        }

    def render(self) -> str:
        head = (
            f"check: {self.facts_covered}/{self.facts_total} facts used, "
            f"{self.figures_total - self.figures_unmatched}/{self.figures_total} figures traced to the facts"
        )
        if self.ok:
            return head + " — clean"
        lines = [head + f" — {len(self.findings)} problem(s):"]
        for f in self.findings:
            where = f"line {f.line}: " if f.line else ""
            lines.append(f"  [{f.kind}] {where}{f.message}")
        return "\n".join(lines)


@dataclass
class DraftLine:
    number: int
    text: str
    section: str  # the top-level part heading it sits under
    roles: list[str]
    heading: bool


def draft_lines(markdown: str, part_roles: dict[str, list[str]] | None = None) -> list[DraftLine]:
    """Non-empty lines of a Markdown draft without HTML comments, each with the part it sits in."""
    from assistant.corpus.roles import heading_roles

    text = re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), markdown, flags=re.S)
    out: list[DraftLine] = []
    section, roles = "", ["opening"]
    for n, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"^(#{1,6})\s*(.*)$", line)
        if m and len(m.group(1)) == 2:
            section = m.group(2).strip()
            bare = re.sub(r"^[一二三四五六七八九十]+、", "", section)
            roles = (part_roles or {}).get(bare) or heading_roles(bare) or ["achievements"]
        out.append(DraftLine(n, m.group(2).strip() if m else line, section, roles, bool(m)))
    return out


def sentences_of(line: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；！？])", line) if s.strip()]


def check_draft(
    markdown: str,
    facts: Any,  # FactSheet (typed loosely to keep this module free of drafting imports)
    *,
    part_roles: dict[str, list[str]] | None = None,
    references: list[str] | None = None,
) -> CheckReport:
    findings: list[Finding] = []
    lines = draft_lines(markdown, part_roles)
    allowed = allowed_values(facts.allowed_texts())
    figures_total = unmatched = 0

    # 1. Every particular traced to the facts.
    for dl in lines:
        for fig in find_figures(dl.text):
            figures_total += 1
            if not is_allowed(fig, allowed):
                unmatched += 1
                findings.append(
                    Finding(
                        "invented_figure",
                        f"{_describe(fig)} is not in the facts: “{_sentence_at(dl.text, fig)}”",
                        dl.number,
                        _sentence_at(dl.text, fig),
                        dl.section,
                        {"figure": fig.text, "value": fig.value},
                    )
                )

    # 2. Placeholders, web noise, Markdown left in the text.
    for dl in lines:
        for m in PLACEHOLDER.finditer(dl.text):
            findings.append(
                Finding(
                    "placeholder",
                    f"placeholder {m.group()!r} left in the text",
                    dl.number,
                    dl.text[:60],
                    dl.section,
                )
            )
        if is_noise_line(dl.text):
            findings.append(
                Finding("web_noise", f"web-page noise: “{dl.text[:40]}”", dl.number, dl.text[:60], dl.section)
            )

    # 3. Every fact used, in a part of its role.
    body = [dl for dl in lines if not dl.heading]
    covered = 0
    draft_values = {f.value for dl in lines for f in find_figures(dl.text)}
    grams: dict[str, set[str]] = {}  # bigrams of each draft sentence, computed once for all facts
    for fact in facts.facts():
        where = _locate(fact.text, body, draft_values, grams)
        if where is None:
            findings.append(
                Finding(
                    "missed_fact",
                    f"fact {fact.id} is not in the draft: “{fact.text}”",
                    0,
                    fact.text,
                    "",
                    {"fact": fact.id},
                )
            )
            continue
        covered += 1
        if (
            fact.role in ("achievements", "problems", "plans")
            and where.section
            and fact.role not in where.roles
        ):
            findings.append(
                Finding(
                    "misplaced_fact",
                    f"fact {fact.id} ({fact.role}) is under “{where.section}”",
                    where.number,
                    fact.text,
                    where.section,
                    {"fact": fact.id},
                )
            )

    # 4. Nothing copied from the example paragraphs.
    for ref in references or []:
        ref_norm = re.sub(r"\s", "", ref)
        for dl in body:
            shared = _longest_common(re.sub(r"\s", "", dl.text), ref_norm)
            if len(shared) >= COPY_MIN:
                findings.append(
                    Finding(
                        "copied",
                        f"{len(shared)} characters copied from an example: “{shared[:30]}…”",
                        dl.number,
                        shared,
                        dl.section,
                    )
                )

    # 5. Sections left empty.
    for n, raw in enumerate(markdown.split("\n"), 1):
        if "待补充" in raw and raw.strip().startswith("<!--"):
            findings.append(Finding("empty_section", "a section has no facts and was left empty", n))

    return CheckReport(findings, len(facts.facts()), covered, figures_total, unmatched)


def _describe(fig: Figure) -> str:
    return {"number": "the figure", "percent": "the percentage", "date": "the date", "quote": "the name"}[
        fig.kind
    ] + f" “{fig.text}”"


def _sentence_at(text: str, fig: Figure) -> str:
    pos = 0
    for s in sentences_of(text):
        if pos <= fig.start < pos + len(s):
            return s.strip()
        pos += len(s)
    return text[:60]


def _locate(
    fact: str, body: list[DraftLine], draft_values: set[str], cache: dict[str, set[str]] | None = None
) -> DraftLine | None:
    """The draft line that realises a fact: its figures all appear and most of its wording does."""
    figs = [f.value for f in find_figures(fact)]
    if any(v not in draft_values for v in figs):
        return None
    cache = {} if cache is None else cache

    def bigrams(text: str) -> set[str]:
        if text not in cache:
            cache[text] = char_ngrams(text, 2)
        return cache[text]

    grams = char_ngrams(re.sub(r"[“”《》]", "", fact), 2)
    best, score = None, 0.0
    for dl in body:
        for s in sentences_of(dl.text) or [dl.text]:
            sc = containment(grams, bigrams(s))
            if sc > score:
                best, score = dl, sc
        sc = containment(grams, bigrams(dl.text))
        if sc > score:
            best, score = dl, sc
    threshold = 0.5 if figs else 0.6
    return best if score >= threshold else None


def _longest_common(a: str, b: str) -> str:
    """Longest common substring (dynamic programming over the shorter string; lines are short)."""
    if len(a) > len(b):
        a, b = b, a
    best_len, best_end = 0, 0
    prev = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        cur = [0] * (len(b) + 1)
        ai = a[i - 1]
        for j in range(1, len(b) + 1):
            if ai == b[j - 1]:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best_len:
                    best_len, best_end = cur[j], i
        prev = cur
    return a[best_end - best_len : best_end]
