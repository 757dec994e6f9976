"""The fidelity check: is every particular in the draft from the user's facts, is every fact used
(in the right part), and is the draft free of placeholders, web noise and copied example text?

One implementation, used after drafting, by the repair pass, by the chat's /check and by the eval."""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from assistant.check.coverage import body_sentences, done_written_as_plan, locate_facts, plan_written_as_done
from assistant.check.particulars import Particular, extract, normalise
from assistant.check.rules import COPY_MIN, LEAK_MIN, TextIndex, index_of, self_count_mismatches, shared_spans
from assistant.check.trace import Tracer
from assistant.genre.chatter import chatter_lines
from assistant.genre.claims import find_claims, is_supported
from assistant.genre.figures import Figure, find_figures
from assistant.genre.noise import is_noise_line
from assistant.genre.placeholders import find_slots
from assistant.i18n import N_, _
from assistant.text import char_ngrams, containment

NOISE_LINE_MAX = 300  # web noise is a short line (navigation, copyright); a long line is text
FINDINGS_PER_LINE = 20  # of one kind: past that, one finding says how many more there are
# How much of a fact's wording (figures aside) a sentence must share to be named as its source.
NEAREST_FACT_MIN = 0.4

# What a figure is, as a finding names it.
_FIGURE_KINDS = {"number": N_("数字"), "percent": N_("百分比"), "date": N_("日期"), "quote": N_("名称")}
# How render() labels each kind of finding (the English labels are the kind values themselves).
_PARTICULAR_KINDS = {
    "count": N_("数字"),
    "money": N_("金额"),
    "percent": N_("百分比"),
    "ratio": N_("比例"),
    "date": N_("日期"),
    "month_range": N_("时间段"),
    "name": N_("名称"),
}
_KIND_LABELS = {
    "invented_figure": N_("无出处"),
    "changed_figure": N_("数字有改动"),
    "misattached_figure": N_("张冠李戴"),
    "unsupported_claim": N_("无依据的说法"),
    "self_count": N_("条数不符"),
    "marker": N_("待补充"),
    "chatter": N_("模型赘语"),
    "prompt_leak": N_("写入了提示词"),
    "partial_fact": N_("事实不完整"),
    "plan_as_done": N_("计划写成已完成"),
    "unreadable_figure": N_("无法核对"),
    "missed_fact": N_("漏用事实"),
    "misplaced_fact": N_("位置不当"),
    "placeholder": N_("占位符"),
    "web_noise": N_("网页残留"),
    "copied": N_("照抄范文"),
    "empty_section": N_("空缺部分"),
}
# Findings of particulars and claims the facts do not support (the core promise).
INVENTION_KINDS = (
    "invented_figure",
    "changed_figure",
    "misattached_figure",
    "unsupported_claim",
    "plan_as_done",
    "prompt_leak",
    "chatter",
    "unreadable_figure",
)
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


STATUS_PASSED = "核对通过：未发现问题"
STATUS_OPEN = "核对未通过"
_STATUS_TAIL = re.compile(r"；核对(?:通过|未通过)[^>]*?(?= -->)")


def status_phrase(report: CheckReport) -> str:
    """What a draft says of its check: passed only when the check is clean."""
    if report.ok:
        return STATUS_PASSED
    return f"{STATUS_OPEN}：尚有 {len(report.findings)} 处问题，见检查结果，导出前请处理"


def with_status(markdown: str, report: CheckReport) -> str:
    """The draft with the check's status in its header comment (the first line; the line count stays,
    so the findings' line numbers hold). A draft without a header comment gets none."""
    first, sep, rest = markdown.partition("\n")
    if not (first.startswith("<!--") and first.endswith("-->")):
        return markdown
    first = _STATUS_TAIL.sub("", first)
    return first[: -len(" -->")].rstrip().rstrip("。") + f"；{status_phrase(report)} -->" + sep + rest


def has_open_findings(markdown: str) -> bool:
    """Whether a draft's header says its check found problems (export refuses it without --force)."""
    first = markdown.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith("<!--") and f"；{STATUS_OPEN}" in first


@dataclass
class DraftLine:
    number: int
    text: str
    section: str  # the top-level part heading it sits under
    roles: list[str]
    heading: bool


def draft_lines(markdown: str, part_roles: dict[str, list[str]] | None = None) -> list[DraftLine]:
    """Non-empty lines of a Markdown draft without HTML comments, each with the part it sits in."""
    from assistant.genre.roles import heading_roles

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
    instructions: list[str] | None = None,
) -> CheckReport:
    """Every finding of a draft against its facts (see the module docstring). `references` are the
    example paragraphs the model was shown; `instructions` the fixed text of its prompts."""
    lines = draft_lines(markdown, part_roles)
    fact_list = list(facts.facts())  # what the draft must cover
    # What its particulars may come from: for a section, every fact of the sheet and its front matter.
    sources = [str(t) for t in facts.allowed_texts()]
    meta = getattr(facts, "meta", None) or {}
    meta_texts = [str(v) for k, v in meta.items() if v and k != "source"]
    tracer = Tracer(sources, meta_texts)
    fact_index = TextIndex(sources)
    run = _Run(lines, fact_list, sources, tracer)
    run.trace_particulars()
    run.slots_noise_and_chatter()
    run.claims()
    run.self_counts()
    run.coverage()
    body = [dl.text for dl in run.body]
    copied, leaked = shared_spans(
        body,
        fact_index,
        (index_of(tuple(references or [])), COPY_MIN),
        (index_of(tuple(instructions or [])), LEAK_MIN),
    )
    for span in copied:
        dl = run.body[span.line]
        run.add(
            "copied",
            _("有 {count} 个字照抄范文：{copied}", count=len(span.text), copied=quoted(_clip(span.text, 30))),
            dl,
            span.text,
        )
    for span in leaked:
        dl = run.body[span.line]
        run.add(
            "prompt_leak",
            _("把提示词里的要求写进了正文：{text}", text=quoted(_clip(span.text, 30))),
            dl,
            span.text,
        )
    run.empty_sections(markdown)
    run.overflow()
    return CheckReport(run.findings, len(fact_list), run.covered, run.figures_total, run.unmatched)


class _Run:
    """One check of one draft: the findings as they are found, and the counts for the summary."""

    def __init__(self, lines: list[DraftLine], facts: list[Any], sources: list[str], tracer: Tracer) -> None:
        self.lines = lines
        self.body = [dl for dl in lines if not dl.heading]
        self.facts = facts  # to cover
        self.sources = sources  # to trace particulars to
        self.ids = {f.text: f.id for f in facts}
        self.tracer = tracer
        self.findings: list[Finding] = []
        self.per_line: dict[tuple[str, int], int] = {}
        self.covered = self.figures_total = self.unmatched = 0

    def overflow(self) -> None:
        """One finding for the findings of a kind past FINDINGS_PER_LINE on one line."""
        for (kind, line), count in self.per_line.items():
            if count > FINDINGS_PER_LINE:
                label = _(_KIND_LABELS[kind]) if kind in _KIND_LABELS else kind
                message = _(
                    "这一行还有 {count} 处同类问题（{label}）", count=count - FINDINGS_PER_LINE, label=label
                )
                self.findings.append(
                    Finding(kind, message, line, "", "", {"more": count - FINDINGS_PER_LINE})
                )

    def add(self, kind: str, message: str, dl: DraftLine | None, sentence: str = "", **detail: Any) -> None:
        key = (kind, dl.number if dl else 0)
        self.per_line[key] = self.per_line.get(key, 0) + 1
        if self.per_line[key] > FINDINGS_PER_LINE:
            return  # counted; summed up by overflow()
        self.findings.append(
            Finding(kind, message, dl.number if dl else 0, sentence, dl.section if dl else "", dict(detail))
        )

    # 1. Every particular traced to the fact it expresses.
    def trace_particulars(self) -> None:
        for dl in self.lines:
            for sentence in sentences_of(normalise(dl.text)) or [normalise(dl.text)]:
                for p in extract(sentence):
                    self._trace_one(dl, _excerpt(sentence, p.start), sentence, p)

    def _trace_one(self, dl: DraftLine, shown: str, sentence: str, p: Particular) -> None:
        verdict = self.tracer.trace(p, sentence)
        if verdict.status == "weak":
            return
        self.figures_total += 1
        if verdict.status == "traced":
            return
        self.unmatched += 1
        what = _(_PARTICULAR_KINDS.get(p.kind, "数字"))
        shown_p = p.text if p.text.startswith("《") else quoted(p.text)
        fact = self.sources[verdict.fact_index] if verdict.fact_index is not None else None
        detail = {"figure": p.text, "value": p.value, "fact": self.ids.get(fact or "", "")}
        if verdict.status == "unreadable":
            message = _(
                "无法核对{figure}：读不出这个数字，请改用阿拉伯数字：{sentence}",
                figure=shown_p,
                sentence=quoted(shown),
            )
            self.add("unreadable_figure", message, dl, shown, **detail)
        elif verdict.status == "changed" and fact is not None:
            message = _(
                "{what}{figure}与事实不符：{sentence}；事实中是{expected}（{fact}）",
                what=what,
                figure=shown_p,
                sentence=quoted(shown),
                expected=quoted(verdict.expected),
                fact=quoted(fact),
            )
            self.add("changed_figure", message, dl, shown, **detail)
        elif verdict.status == "misattached" and fact is not None:
            message = _(
                "{what}{figure}张冠李戴：{sentence}；这个说法对应的事实是{fact}",
                what=what,
                figure=shown_p,
                sentence=quoted(shown),
                fact=quoted(fact),
            )
            self.add("misattached_figure", message, dl, shown, **detail)
        else:
            nearest = _nearest_fact(shown, self.sources)
            figure = Figure("quote" if p.kind == "name" else "number", p.value, p.text, p.start, p.end)
            self.add("invented_figure", _invented_message(figure, shown, nearest, what), dl, shown, **detail)

    # 2. Placeholders, markers, web noise and the model's chatter.
    def slots_noise_and_chatter(self) -> None:
        for dl in self.lines:
            for slot in find_slots(dl.text):
                sentence = _sentence_around(dl.text, slot.start)
                if slot.marker:
                    self.add(
                        "marker",
                        _("待补充：{marker}，见{sentence}", marker=slot.text, sentence=quoted(sentence)),
                        dl,
                        sentence,
                        placeholder=slot.text,
                    )
                else:
                    message = _(
                        "留有占位符{placeholder}：{sentence}",
                        placeholder=quoted(slot.text),
                        sentence=quoted(sentence),
                    )
                    self.add("placeholder", message, dl, dl.text[:60], placeholder=slot.text)
            if len(dl.text) <= NOISE_LINE_MAX and is_noise_line(dl.text):
                self.add(
                    "web_noise",
                    _("混入了网页上的无关文字：{text}", text=quoted(_clip(dl.text, 40))),
                    dl,
                    dl.text[:60],
                )
        for dl in self.body:
            for line in chatter_lines(dl.text):
                self.add(
                    "chatter",
                    _("模型的客套话或说明留在了正文里：{text}", text=quoted(_clip(line, 40))),
                    dl,
                    line,
                )

    # 3. Honours, zero-incident and first claims, named meetings and documents.
    def claims(self) -> None:
        texts = self.sources
        for dl in self.body:
            for claim in find_claims(normalise(dl.text)):
                if not is_supported(claim, texts):
                    sentence = _sentence_around(normalise(dl.text), claim.start)
                    message = _(
                        "事实中没有这个说法：{claim}，见{sentence}",
                        claim=quoted(claim.text),
                        sentence=quoted(sentence),
                    )
                    self.add(
                        "unsupported_claim", message, dl, sentence, claim=claim.text, claim_kind=claim.kind
                    )

    # 4. The writer's own counts of points.
    def self_counts(self) -> None:
        parts: list[list[tuple[int, str, bool]]] = [[]]
        by_number = {dl.number: dl for dl in self.lines}
        for dl in self.lines:
            if dl.heading and dl.text and _is_part_heading(dl):
                parts.append([])
                continue
            parts[-1].append((dl.number, dl.text, dl.heading))
        for mm in self_count_mismatches(parts):
            where = by_number.get(mm.line)
            message = _("说有“{phrase}”，后面实际是 {found} 点", phrase=mm.phrase, found=mm.found)
            self.add("self_count", message, where, mm.phrase, said=mm.said, found=mm.found)

    # 5. Every fact used, whole, in a part of its role; plans not reported as done.
    def coverage(self) -> None:
        sentences = body_sentences([dl.text for dl in self.body])
        locations = locate_facts([f.text for f in self.facts], sentences, self.tracer)
        for fact, loc in zip(self.facts, locations, strict=True):
            if loc is None:
                self.add(
                    "missed_fact",
                    _("草稿没有用上这条事实：{fact}", fact=quoted(fact.text)),
                    None,
                    fact.text,
                    fact=fact.id,
                )
                continue
            self.covered += loc.whole  # a fact partly used is not counted as used
            dl = self.body[loc.sentences[0].line]
            if not loc.whole:
                missing = "、".join(quoted(p.text) for p in loc.missing)
                message = _(
                    "事实只用了一部分，缺少{missing}：{fact}", missing=missing, fact=quoted(fact.text)
                )
                self.add("partial_fact", message, dl, loc.text.strip(), fact=fact.id)
            if fact.role in _ROLE_PARTS and dl.section and fact.role not in dl.roles:
                message = _(
                    "事实{fact}应写在“{part}”部分，却写在了“{section}”下：{sentence}",
                    fact=quoted(fact.text),
                    part=_(_ROLE_PARTS[fact.role]),
                    section=dl.section,
                    sentence=quoted(loc.text.strip()),
                )
                self.add("misplaced_fact", message, dl, fact.text, fact=fact.id)
            elif fact.role in _TENSE_CHECKS:
                written_as, template = _TENSE_CHECKS[fact.role]
                words = written_as(fact.text, loc)
                if words:
                    sentence = quoted(loc.text.strip())
                    message = _(template, words=words, sentence=sentence, fact=quoted(fact.text))
                    self.add("plan_as_done", message, dl, loc.text.strip(), fact=fact.id)

    # 6. Sections left empty.
    def empty_sections(self, markdown: str) -> None:
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
                self.findings.append(Finding("empty_section", message, n, section=heading))


# A plan written as done, or a thing done written as a plan: what to look for, and how to say it.
_TENSE_CHECKS = {
    "plans": (plan_written_as_done, N_("计划写成了已完成（{words}）：{sentence}；事实是{fact}")),
    "achievements": (done_written_as_plan, N_("已做的事写成了计划（{words}）：{sentence}；事实是{fact}")),
}


def _is_part_heading(dl: DraftLine) -> bool:
    return bool(re.match(r"^[一二三四五六七八九十]+、", dl.text))


def quoted(text: str) -> str:
    """Text in Chinese quotation marks, its own “” turned into ‘’ as nested quotes are written."""
    return "“" + text.replace("“", "‘").replace("”", "’") + "”"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _invented_message(fig: Figure, sentence: str, fact: str | None, what: str | None = None) -> str:
    what = what or _(_FIGURE_KINDS[fig.kind])
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


def _nearest_fact(sentence: str, facts: list[str]) -> str | None:
    """The fact a sentence with a wrong figure was most likely written from: the one whose wording,
    figures left out, the sentence shares most of (None when none shares enough)."""

    target = _wording(sentence)
    best, score = None, 0.0
    for fact in facts:
        wording = _wording(fact)
        sc = len(wording & target) / len(wording) if wording else 0.0  # containment of the fact
        if sc > score:
            best, score = fact, sc
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
    """The sentence of text holding position start, clipped around it when it is very long."""
    starts, sentences = _sentence_spans(text)
    if not sentences:
        return text[:60]
    i = max(0, bisect.bisect_right(starts, start) - 1)
    return _excerpt(sentences[i], start - starts[i])


@lru_cache(maxsize=256)
def _sentence_spans(text: str) -> tuple[list[int], list[str]]:
    starts, sentences, pos = [], [], 0
    for s in sentences_of(text):
        starts.append(pos)
        sentences.append(s)
        pos += len(s)
    return starts, sentences


EXCERPT = 120  # characters of a sentence a finding quotes at most


def _excerpt(sentence: str, at: int) -> str:
    """The sentence, or EXCERPT characters of it around position at (a hostile line is not quoted whole)."""
    sentence = sentence.strip() if len(sentence) <= EXCERPT else sentence
    if len(sentence) <= EXCERPT:
        return sentence
    left = max(0, min(at - EXCERPT // 2, len(sentence) - EXCERPT))
    return "…" + sentence[left : left + EXCERPT].strip() + "…"


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
