"""Outline compliance: how well a draft follows its target outline and the genre's rules.

Each check gives a score in [0, 1] and findings that point at draft lines:

=========  ======  =====================================================================================
check      weight  score (penalty weights in brackets)
=========  ======  =====================================================================================
parts      0.20    1 / (1 + missing + out of order); target parts matched by heading bigrams + role
headings   0.10    F1 of STORM soft heading recall / precision (bigram similarity, or an embedder's)
numbering  0.15    1 / (1 + penalty): skipped level, repeated number, gap, 一是 as heading [1]; mixed
                   style, level vs Markdown depth, unnumbered [0.5]; non-official token 1、 [0.25]
facts      0.15    1 / (1 + missed + 0.5 × misplaced), from check_draft
fidelity   0.20    1 / (1 + invented figures), from check_draft
hygiene    0.15    1 / (1 + penalty): placeholder, web noise [1] (check_draft); Markdown [0.5 a line];
                   half-width punctuation in Chinese text [0.25 a line]
form       0.05    2 / (2 + penalty): no title [1.5]; title without 总结/unit/period [0.5 each], topic
                   [0.25]; no 导语 [1]; a part empty or under 1/30 of the longest [0.5]
=========  ======  =====================================================================================

total = Σ weight × score over the checks that ran, divided by the sum of their weights (parts and
headings need a target outline; facts and fidelity need the facts). Penalty scores count defects
rather than dividing by draft size: one invented figure is as wrong in a long draft as in a short one.
One defect of the genre's "never" list (invented particular, dropped or misordered part, broken
numbering, missed fact, placeholder, web noise) costs 0.075–0.10 of a clean draft's total, more than
the style slips real reports have (no title, 1、 for 1.: 0.02–0.05); eval/validate.py checks this.
Everything is pure Python; no embedding unless an embedder similarity is passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.check.fidelity import INVENTION_KINDS, check_draft
from assistant.draft.facts import Fact
from assistant.draft.outline import Section
from assistant.evaluation.draftview import DraftView, view
from assistant.evaluation.form import check_form
from assistant.evaluation.hygiene import emphasis_lines, markdown_findings, punctuation_findings
from assistant.evaluation.scoring import CheckResult, Finding, penalised, skipped
from assistant.evaluation.similarity import Similarity, bigram_similarity
from assistant.evaluation.structure import (
    PartMatch,
    check_headings,
    check_numbering,
    check_parts,
    draft_roles,
    match_parts,
)
from assistant.i18n import _

WEIGHTS: dict[str, float] = {
    "parts": 0.20,
    "headings": 0.10,
    "numbering": 0.15,
    "facts": 0.15,
    "fidelity": 0.20,
    "hygiene": 0.15,
    "form": 0.05,
}
FACTS_SCALE = 1.0
FIDELITY_SCALE = 1.0
HYGIENE_SCALE = 1.0


class FactsLike(Protocol):
    """What the checks need of the facts: a FactSheet, or facts derived from a report."""

    meta: dict[str, str]

    def facts(self) -> list[Fact]: ...

    def allowed_texts(self) -> list[str]: ...


class _NoFacts:
    meta: dict[str, str] = {}

    def facts(self) -> list[Fact]:
        return []

    def allowed_texts(self) -> list[str]:
        return []


@dataclass
class ComplianceReport:
    checks: list[CheckResult]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        ran = [c for c in self.checks if c.ran]
        weight = sum(WEIGHTS[c.name] for c in ran)
        return sum(WEIGHTS[c.name] * c.score for c in ran) / weight if weight else 0.0

    def check(self, name: str) -> CheckResult:
        return next(c for c in self.checks if c.name == name)

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for c in self.checks for f in c.findings), key=lambda f: (f.line or 10**9, f.check))

    def scores(self) -> dict[str, float | None]:
        return {c.name: (round(c.score, 4) if c.ran else None) for c in self.checks}

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 4),
            "scores": self.scores(),
            "weights": WEIGHTS,
            "notes": self.notes,
            "checks": [c.to_dict() for c in self.checks],
        }


def evaluate(
    markdown: str,
    *,
    outline: Sequence[Section] | None = None,
    facts: FactsLike | None = None,
    similarity: Similarity | None = None,
) -> ComplianceReport:
    """Score a Markdown draft against a target outline (its parts, with （一） children) and the facts."""
    v = view(markdown)
    target = list(outline or [])
    notes: list[str] = []
    checks: list[CheckResult] = []
    matches: list[PartMatch] = []
    if target:
        matches = match_parts(v, target)
        checks.append(check_parts(v, target, matches))
        checks.append(check_headings(v, target, similarity or bigram_similarity()))
    else:
        reason = _("没有目标提纲（用 --outline 指定，或用 --facts 采用事实文件的提纲）")
        checks += [skipped("parts", reason), skipped("headings", reason)]
        notes.append(_("未检查部分和标题：{reason}", reason=reason))
    checks.append(check_numbering(v))
    roles = _part_roles(v, target, matches)
    report = check_draft(markdown, facts or _NoFacts(), part_roles=roles)
    if facts is not None:
        checks.append(_facts(v, report.findings, facts, roles))
        checks.append(
            penalised(
                "fidelity",
                [_wrap("fidelity", f) for f in report.findings if f.kind in INVENTION_KINDS],
                FIDELITY_SCALE,
                traced=f"{report.figures_total - report.figures_unmatched}/{report.figures_total}",
            )
        )
    else:
        reason = _("没有给出事实文件（--facts）")
        checks += [skipped("facts", reason), skipped("fidelity", reason)]
        notes.append(_("未检查事实和忠实：{reason}", reason=reason))
    checks.append(_hygiene(markdown, report.findings))
    checks.append(check_form(v, facts.meta if facts is not None else None))
    return ComplianceReport(checks, notes)


def _part_roles(v: DraftView, target: list[Section], matches: list[PartMatch]) -> dict[str, list[str]]:
    """Each draft part's roles: its target part's when matched (the outline says what it is for),
    else what its heading and text say."""
    top = v.top
    roles = {p.title: r for p, r in zip(top, draft_roles(v), strict=True)}
    for m in matches:
        roles[top[m.draft].title] = list(target[m.target].roles) or roles[top[m.draft].title]
    return roles


def _wrap(check: str, f: Any, line: int | None = None, weight: float = 1.0) -> Finding:
    return Finding(check, f.kind, f.message, f.line if line is None else line, weight)


def _facts(v: DraftView, found: list[Any], facts: FactsLike, roles: dict[str, list[str]]) -> CheckResult:
    by_id = {f.id: f for f in facts.facts()}
    out: list[Finding] = []
    for f in found:
        if f.kind in ("missed_fact", "partial_fact"):
            # Point at the part the fact belongs in: where the writer has to add it.
            fact = by_id.get(f.detail.get("fact", ""))
            part = next((p for p in v.top if fact is not None and fact.role in roles.get(p.title, [])), None)
            out.append(_wrap("facts", f, part.heading.line if part and part.heading else 0))
        elif f.kind == "misplaced_fact":
            out.append(_wrap("facts", f, weight=0.5))
    total = len(by_id)
    missed = sum(1 for f in out if f.kind in ("missed_fact", "partial_fact"))
    return penalised("facts", out, FACTS_SCALE, covered=f"{total - missed}/{total}")


def _hygiene(markdown: str, found: list[Any]) -> CheckResult:
    emph = emphasis_lines(markdown)
    out = [
        _wrap("hygiene", f)
        for f in found
        if f.kind == "web_noise"
        or (f.kind == "placeholder" and not (f.line in emph and f.detail.get("placeholder") == "**"))
    ]
    out += markdown_findings(markdown) + punctuation_findings(markdown)
    return penalised("hygiene", out, HYGIENE_SCALE)
