"""The fidelity check: is every particular in the draft from the user's facts, is every fact used
(in the right part), and is the draft free of placeholders, web noise and copied example text?

One implementation, used after drafting, by the repair pass, by the chat's /check and by the eval."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from assistant.check.figures import Figure, allowed_values, find_figures, is_allowed
from assistant.corpus.clean import PLACEHOLDER, is_noise_line
from assistant.i18n import N_, _
from assistant.text import char_ngrams, containment

COPY_MIN = 20  # characters shared verbatim with an example paragraph that count as copying
# How much of a fact's wording (figures aside) a sentence must share to be named as its source.
NEAREST_FACT_MIN = 0.4

# What a figure is, as a finding names it.
_FIGURE_KINDS = {"number": N_("数字"), "percent": N_("百分比"), "date": N_("日期"), "quote": N_("名称")}
# How render() labels each kind of finding (the English labels are the kind values themselves).
_KIND_LABELS = {
    "invented_figure": N_("无出处"),
    "missed_fact": N_("漏用事实"),
    "misplaced_fact": N_("位置不当"),
    "placeholder": N_("占位符"),
    "web_noise": N_("网页残留"),
    "copied": N_("照抄范文"),
    "empty_section": N_("空缺部分"),
}
# The part of a work summary each fact role belongs in.
_ROLE_PARTS = {
    "achievements": N_("工作开展情况"),
    "problems": N_("存在的问题"),
    "plans": N_("下一步打算"),
}


@dataclass
class Finding:
    """One problem of a draft. ``kind`` is machine-readable and stable; ``message`` is for the user
    (in their language): it names the sentence and the fact in the user's own words, never a fact id."""

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
        """The summary line, then one indented line per finding (with its draft line number)."""
        fields = {
            "covered": self.facts_covered,
            "facts": self.facts_total,
            "traced": self.figures_total - self.figures_unmatched,
            "figures": self.figures_total,
        }
        if self.ok:
            return _(
                "核对：已用事实 {covered}/{facts} 条，数字有据 {traced}/{figures} 处——未发现问题", **fields
            )
        lines = [
            _(
                "核对：已用事实 {covered}/{facts} 条，数字有据 {traced}/{figures} 处——发现 {count} 处问题：",
                count=len(self.findings),
                **fields,
            )
        ]
        for f in self.findings:
            where = _("第 {line} 行：", line=f.line) if f.line else ""
            label = _(_KIND_LABELS[f.kind]) if f.kind in _KIND_LABELS else f.kind
            lines.append(f"  [{label}] {where}{f.message}")
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
                sentence = _sentence_at(dl.text, fig)
                findings.append(
                    Finding(
                        "invented_figure",
                        _invented_message(fig, sentence, _nearest_fact(sentence, facts.facts())),
                        dl.number,
                        sentence,
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
                    _(
                        "留有占位符{placeholder}：{sentence}",
                        placeholder=quoted(m.group()),
                        sentence=quoted(_sentence_around(dl.text, m.start())),
                    ),
                    dl.number,
                    dl.text[:60],
                    dl.section,
                    {"placeholder": m.group()},
                )
            )
        if is_noise_line(dl.text):
            findings.append(
                Finding(
                    "web_noise",
                    _("混入了网页上的无关文字：{text}", text=quoted(_clip(dl.text, 40))),
                    dl.number,
                    dl.text[:60],
                    dl.section,
                )
            )

    # 3. Every fact used, in a part of its role.
    body = [dl for dl in lines if not dl.heading]
    covered = 0
    draft_values = {f.value for dl in lines for f in find_figures(dl.text)}
    grams: dict[str, set[str]] = {}  # bigrams of each draft sentence, computed once for all facts
    for fact in facts.facts():
        located = _locate(fact.text, body, draft_values, grams)
        if located is None:
            findings.append(
                Finding(
                    "missed_fact",
                    _("草稿没有用上这条事实：{fact}", fact=quoted(fact.text)),
                    0,
                    fact.text,
                    "",
                    {"fact": fact.id},
                )
            )
            continue
        where, sentence = located
        covered += 1
        if (
            fact.role in ("achievements", "problems", "plans")
            and where.section
            and fact.role not in where.roles
        ):
            findings.append(
                Finding(
                    "misplaced_fact",
                    _(
                        "事实{fact}应写在“{part}”部分，却写在了“{section}”下：{sentence}",
                        fact=quoted(fact.text),
                        part=_(_ROLE_PARTS[fact.role]),
                        section=where.section,
                        sentence=quoted(sentence),
                    ),
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
                        _(
                            "有 {count} 个字照抄范文：{copied}",
                            count=len(shared),
                            copied=quoted(_clip(shared, 30)),
                        ),
                        dl.number,
                        shared,
                        dl.section,
                    )
                )

    # 5. Sections left empty.
    heading = ""
    for n, raw in enumerate(markdown.split("\n"), 1):
        stripped = raw.strip()
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip()
        elif "待补充" in raw and stripped.startswith("<!--"):
            message = (
                _("“{section}”没有对应的事实，留空待补充", section=heading)
                if heading
                else _("有一部分没有对应的事实，留空待补充")
            )
            findings.append(Finding("empty_section", message, n, section=heading))

    return CheckReport(findings, len(facts.facts()), covered, figures_total, unmatched)


def quoted(text: str) -> str:
    """Text in Chinese quotation marks, its own “” turned into ‘’ as nested quotes are written."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _invented_message(fig: Figure, sentence: str, fact: str | None) -> str:
    what = _(_FIGURE_KINDS[fig.kind])
    # A name is shown in its own marks (《规定》) or in quotation marks, never in both.
    figure = fig.text if fig.text.startswith("《") else quoted(fig.value if fig.kind == "quote" else fig.text)
    if fact is None:
        return _(
            "{what}{figure}在事实中没有：{sentence}", what=what, figure=figure, sentence=quoted(sentence)
        )
    return _(
        "{what}{figure}在事实中没有：{sentence}；对应的事实是{fact}",
        what=what,
        figure=figure,
        sentence=quoted(sentence),
        fact=quoted(fact),
    )


def _nearest_fact(sentence: str, facts: list[Any]) -> str | None:
    """The fact a sentence with a wrong figure was most likely written from: the one whose wording,
    figures left out, the sentence shares most of (None when none shares enough)."""

    target = _wording(sentence)
    best, score = None, 0.0
    for fact in facts:
        wording = _wording(fact.text)
        sc = len(wording & target) / len(wording) if wording else 0.0  # containment of the fact
        if sc > score:
            best, score = fact.text, sc
    return best if score >= NEAREST_FACT_MIN else None


@lru_cache(maxsize=4096)
def _wording(text: str) -> frozenset[str]:
    """The bigrams of a text with its figures taken out (they are what differs)."""
    for fig in sorted(find_figures(text), key=lambda f: f.start, reverse=True):
        text = text[: fig.start] + " " + text[fig.end :]
    return frozenset(char_ngrams(re.sub(r"[“”《》]", " ", text), 2))


def _sentence_at(text: str, fig: Figure) -> str:
    return _sentence_around(text, fig.start)


def _sentence_around(text: str, start: int) -> str:
    pos = 0
    for s in sentences_of(text):
        if pos <= start < pos + len(s):
            return s.strip()
        pos += len(s)
    return text[:60]


def _locate(
    fact: str, body: list[DraftLine], draft_values: set[str], cache: dict[str, set[str]] | None = None
) -> tuple[DraftLine, str] | None:
    """The draft line that realises a fact, and its sentence that does: the fact's figures all
    appear in the draft and most of its wording does in that line."""
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
                best, score = (dl, s.strip()), sc
        sc = containment(grams, bigrams(dl.text))
        if sc > score:
            best, score = (dl, best[1] if best and best[0] is dl else dl.text), sc
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
