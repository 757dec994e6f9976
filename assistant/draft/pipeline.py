"""The drafting engine: outline → per-section retrieval → prompt → backend → check → repair.

With no backend (offline) each section is written by the deterministic drafter; references are still
retrieved and reported so the writer can see which examples fit, but none of their words is used."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from assistant.check.fidelity import CheckReport, Finding, check_draft, with_status
from assistant.draft import offline
from assistant.draft.events import (
    Delta,
    DraftWarning,
    OnEvent,
    Repair,
    Repaired,
    Repairing,
    SectionDone,
    SectionStarted,
    ignore,
)
from assistant.draft.facts import Fact, FactSheet
from assistant.draft.outline import Outline, Section
from assistant.draft.prompts import instruction_texts, render
from assistant.errors import AssistantError, BackendError, Interrupted
from assistant.genre.chatter import chatter_count, strip_chatter
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.draft.retriever import Retriever
    from assistant.index.search import Hit
    from assistant.llm.base import ChatBackend, Completion, Messages

ROLE_LABEL = {
    "achievements": "总结已开展的工作和取得的成效",
    "problems": "分析存在的问题和不足",
    "plans": "提出下一步工作打算",
    "other": "补充说明",
}
ROLE_RULE = {
    "achievements": "先用一句话概括本节工作，再用“一是……二是……”分点写明做法和成效。",
    "problems": "实事求是地写问题，用“一是……二是……”分点，每点先概括问题、再简述表现，不要写成绩。",
    "plans": "针对存在的问题写措施，用“一是……二是……”分点，语气坚定，不要写已完成的成绩。",
    "other": "按事实如实表述。",
}
MERGED_RULE = "先写问题，再写“下一步”的措施，分别用“一是……二是……”分点。"
# What a repair of one section can fix (misplacement and empty parts are the outline's business).
SECTION_REPAIRABLE = (
    "invented_figure",
    "changed_figure",
    "misattached_figure",
    "unsupported_claim",
    "missed_fact",
    "partial_fact",
    "plan_as_done",
    "self_count",
    "placeholder",
    "chatter",
    "prompt_leak",
    "web_noise",
    "copied",
)
SOURCES_MARK = "参考来源（供核对，不属于正文）："
PROMPT_BUDGET = 6000  # characters of prompt; references are trimmed to fit, facts never


class DraftInterrupted(AssistantError):
    """Drafting stopped part-way — the backend failed, or the user pressed Ctrl-C (by_user): what
    was drafted so far is in .partial_markdown."""

    def __init__(
        self, message: str, partial_markdown: str, drafted: int = 0, *, by_user: bool = False
    ) -> None:
        code = Interrupted.exit_code if by_user else BackendError.exit_code
        super().__init__(message, exit_code=code)
        self.partial_markdown = partial_markdown
        self.drafted = drafted  # sections with text in the partial draft
        self.by_user = by_user


@dataclass
class Unit:
    """One piece drafted in one call: a part with no subsections, a subsection, or a part's lead."""

    key: str  # the heading as written in the draft, e.g. （一）落实责任制
    section: Section
    part: Section
    facts: list[Fact]
    lead: bool = False  # a part's own facts before its subsections


class ModelCall(TypedDict):
    """One model call as the run log keeps it."""

    kind: str  # section | repair
    messages: Messages
    response: str
    usage: dict[str, int]
    elapsed: float


@dataclass
class UnitResult:
    unit: Unit
    text: str
    references: list[Hit] = field(default_factory=list)
    repair: Repair | None = None  # when the check sent the text back to the model
    calls: list[ModelCall] = field(default_factory=list)  # for the run log

    @property
    def repairs(self) -> int:
        return self.repair.rounds if self.repair is not None else 0


@dataclass
class DraftResult:
    markdown: str
    units: list[UnitResult]
    check: CheckReport
    backend: str
    model: str
    timings: dict[str, float]

    def sources_appendix(self) -> str:
        lines = ["", "---", "", SOURCES_MARK]
        for r in self.units:
            used = "" if self.backend != "offline" else "（离线起草未引用其文字）"
            if not r.references:
                lines.append(f"- {r.unit.key}：无{used}")
                continue
            for h in r.references:
                lines.append(f"- {r.unit.key} ← {h.source_label} [{h.chunk_id}]{used}")
        return "\n".join(lines) + "\n"


def strip_sources(markdown: str) -> str:
    """The draft without a --sources appendix."""
    i = markdown.find(SOURCES_MARK)
    if i < 0:
        return markdown
    head = markdown[:i].rstrip()
    return (head[:-3].rstrip() if head.endswith("---") else head) + "\n"


def units_of(outline: Outline) -> list[Unit]:
    out: list[Unit] = []
    for part in outline.parts:
        if part.children:
            if part.facts:
                out.append(Unit(part.heading, part, part, part.facts, lead=True))
            out.extend(Unit(c.heading, c, part, c.facts) for c in part.children)
        else:
            out.append(Unit(part.heading, part, part, part.facts))
    return out


class SectionFacts:
    """The check's view of one section: its own facts to cover, every fact as allowed particulars."""

    def __init__(self, sheet: FactSheet, facts: list[Fact]) -> None:
        self.sheet, self._facts = sheet, facts

    def facts(self) -> list[Fact]:
        return self._facts

    def allowed_texts(self) -> list[str]:
        return self.sheet.allowed_texts()

    @property
    def meta(self) -> dict[str, str]:
        return self.sheet.meta


def section_check(sheet: FactSheet, unit: Unit, text: str, refs: Sequence[Hit]) -> CheckReport:
    """The fidelity check of one section's text against its own facts (every fact of the sheet is
    an allowed particular): what drafting and the chat both check a section with."""
    return check_draft(
        f"## {unit.part.heading}\n\n{text}\n",
        SectionFacts(sheet, unit.facts),
        references=[h.text for h in refs],
        instructions=instruction_texts(),
    )


def section_problems(sheet: FactSheet, unit: Unit, text: str, refs: Sequence[Hit]) -> list[Finding]:
    """What a repair of this section's text can fix."""
    return [f for f in section_check(sheet, unit, text, refs).findings if f.kind in SECTION_REPAIRABLE]


def document_check(
    markdown: str, sheet: FactSheet, part_roles: dict[str, list[str]], references: list[str]
) -> CheckReport:
    """The whole draft checked against all facts (the prompts' own wording counts as a leak)."""
    return check_draft(
        markdown,
        sheet,
        part_roles=part_roles,
        references=references,
        instructions=instruction_texts(),
    )


class Drafter:
    def __init__(
        self,
        backend: ChatBackend | None = None,  # None drafts offline
        retriever: Retriever | None = None,  # None drafts without references
        *,
        repair_rounds: int = 2,
        references_k: int = 3,
        on_event: OnEvent | None = None,
        prompt_budget: int = PROMPT_BUDGET,
    ) -> None:
        self.backend = backend
        self.retriever = retriever
        self.repair_rounds = repair_rounds
        self.references_k = references_k
        self.on_event = on_event or ignore
        self.prompt_budget = prompt_budget

    @property
    def backend_name(self) -> str:
        return "offline" if self.backend is None else self.backend.name

    # --- retrieval --------------------------------------------------------------------------------
    def references(self, unit: Unit) -> list[Hit]:
        if self.retriever is None or not unit.facts:
            return []
        from assistant.index.search import Query

        role = unit.facts[0].role if unit.section.roles == ["problems", "plans"] else unit.section.role
        query = unit.section.title + "。" + "；".join(f.text for f in unit.facts)
        hits = self.retriever.search(Query(query, k=self.references_k * 3, roles=[role], max_per_report=1))
        # Masked example text (202_, ***) would tempt the model to copy placeholders.
        clean = [h for h in hits if "has_placeholders" not in h.flags]
        return (clean or hits)[: self.references_k]

    # --- prompts ----------------------------------------------------------------------------------
    def section_messages(
        self, sheet: FactSheet, outline: Outline, unit: Unit, refs: Sequence[Hit]
    ) -> Messages:
        position = f"第{[p.heading for p in outline.parts].index(unit.part.heading) + 1}部分"
        if unit.section is not unit.part:
            position += f"“{unit.part.heading}”下的{unit.section.number}"
        elif unit.lead:
            position += "的导语（其下各小节另行起草）"
        role = (
            unit.facts[0].role
            if unit.facts and unit.section.roles == ["problems", "plans"]
            else unit.section.role
        )
        if unit.section.roles == ["problems", "plans"]:
            rule = MERGED_RULE
        else:
            rule = ROLE_RULE.get(role, ROLE_RULE["other"])
        facts = (
            "\n".join(f"- {f.text}" for f in unit.facts)
            or "（本节没有事实，只写一句过渡性概括，不得写任何具体内容）"
        )
        meta = (
            "\n".join(
                f"{k}：{v}" for k, v in sheet.meta.items() if k in ("unit", "period", "topic", "leader")
            )
            or "（未提供）"
        )
        values = {
            "title": unmarked(outline.title or sheet.title) or "工作总结",
            "outline": outline.render().strip(),
            "heading": unit.key,
            "position": position,
            "role_label": ROLE_LABEL.get(role, ROLE_LABEL["other"]),
            "facts": facts,
            "meta": meta,
            "role_rule": rule,
            "length": str(max(120, min(600, 90 * max(1, len(unit.facts))))),
        }
        base = render("section", references="", **values)
        budget = self.prompt_budget - len(base)
        blocks: list[str] = []
        for i, h in enumerate(refs, 1):
            block = f"〔范文{i}｜{'·'.join(h.heading_path) or '导语'}〕\n{h.text}"
            if len(block) > budget:
                cut = block[: max(0, budget)]
                cut = cut[: cut.rfind("。") + 1] if "。" in cut else ""
                if cut:
                    blocks.append(cut)
                break
            blocks.append(block)
            budget -= len(block) + 1
        references = "\n\n".join(blocks) or "（无）"
        return [
            {"role": "system", "content": render("system")},
            {"role": "user", "content": render("section", references=references, **values)},
        ]

    # --- drafting ---------------------------------------------------------------------------------
    def draft(self, sheet: FactSheet, outline: Outline) -> DraftResult:
        t0 = time.perf_counter()
        results: list[UnitResult] = []
        units = units_of(outline)
        for unit in units:
            try:
                results.append(self._draft_one(sheet, outline, unit))
            except _Interrupted as exc:  # Ctrl-C while the section streamed in
                self._keep_partial(results, unit, exc.partial)
                raise self._stopped(sheet, outline, results, unit, None) from None
            except KeyboardInterrupt:  # Ctrl-C anywhere else (retrieval, a repair call, offline)
                raise self._stopped(sheet, outline, results, unit, None) from None
            except BackendError as exc:
                self._keep_partial(results, unit, getattr(exc, "partial", ""))
                raise self._stopped(sheet, outline, results, unit, exc) from None
        markdown = self.assemble(sheet, outline, results)
        report = document_check(markdown, sheet, _part_roles(outline), _ref_texts(results))
        markdown = with_status(markdown, report)
        model = self.backend.model if self.backend is not None else "offline"
        # The model's chatter is stripped before the check; how much of it there was goes in the log.
        chatter = sum(chatter_count(c["response"]) for r in results for c in r.calls)
        timings = {"total": time.perf_counter() - t0, "chatter_lines_removed": float(chatter)}
        return DraftResult(markdown, results, report, self.backend_name, str(model or ""), timings)

    def _draft_one(self, sheet: FactSheet, outline: Outline, unit: Unit) -> UnitResult:
        self.on_event(SectionStarted(unit.key))
        try:
            refs = self.references(unit)
        except AssistantError as exc:
            self.on_event(DraftWarning(_("检索“{key}”的范文失败：{error}", key=unit.key, error=exc)))
            refs = []
        if self.backend is None or not unit.facts:
            text = self.offline_text(sheet, unit)
            self.on_event(SectionDone(unit.key, text))
            return UnitResult(unit, text, refs)
        return self.draft_unit(sheet, outline, unit, refs)

    @staticmethod
    def offline_text(sheet: FactSheet, unit: Unit) -> str:
        """A section written from its facts without a model (empty for a section with none)."""
        return offline.section_body(unit.section, sheet, unit.facts) if unit.facts else ""

    @staticmethod
    def _keep_partial(results: list[UnitResult], unit: Unit, partial: str) -> None:
        """The text of a section that was streaming when drafting stopped, marked as cut off."""
        if partial.strip():
            results.append(
                UnitResult(unit, partial.strip() + "\n\n<!-- 本节生成中断，以上为已收到的部分 -->")
            )

    def _stopped(
        self,
        sheet: FactSheet,
        outline: Outline,
        results: list[UnitResult],
        unit: Unit,
        error: BackendError | None,
    ) -> DraftInterrupted:
        md = self.assemble(sheet, outline, results, partial=True)
        drafted = sum(1 for r in results if r.text)
        if error is None:
            return DraftInterrupted(_("起草到“{key}”时中断", key=unit.key), md, drafted, by_user=True)
        return DraftInterrupted(_("起草到“{key}”时停止：{error}", key=unit.key, error=error), md, drafted)

    def draft_unit(self, sheet: FactSheet, outline: Outline, unit: Unit, refs: Sequence[Hit]) -> UnitResult:
        """One section through the model, streamed, then checked and repaired. A repair that changed
        the text is reported (Repaired) before the section is done."""
        assert self.backend is not None
        messages = self.section_messages(sheet, outline, unit, refs)
        comp = self.backend.complete(
            messages, stream=True, on_delta=lambda d: self.on_event(Delta(unit.key, d))
        )
        result = UnitResult(unit, clean_section_text(comp.text, unit), list(refs))
        result.calls.append(_call("section", messages, comp))
        if comp.interrupted:
            raise _Interrupted(result.text)
        repair = self.repair(sheet, outline, unit, result.text, refs, result.calls)
        if repair.rounds:
            result.repair = repair
        result.text = repair.after
        if repair.changed:
            self.on_event(Repaired(repair))
        self.on_event(SectionDone(unit.key, result.text))
        return result

    def repair(
        self,
        sheet: FactSheet,
        outline: Outline,
        unit: Unit,
        text: str,
        refs: Sequence[Hit],
        calls: list[ModelCall] | None = None,
    ) -> Repair:
        """The section's text checked and, while the check finds what a repair can fix, sent back to
        the model with prompts/repair.md (at most `repair_rounds` times); each call goes to `calls`."""
        assert self.backend is not None
        repair = Repair(unit.key, [], 0, text, text)
        problems = section_problems(sheet, unit, text, refs)
        repair.problems = [p.message for p in problems]
        while problems and repair.rounds < self.repair_rounds:
            self.on_event(Repairing(unit.key, [p.message for p in problems]))
            messages = self.repair_messages(sheet, outline, unit, repair.after, problems)
            comp = self.backend.complete(messages, stream=False)
            if calls is not None:
                calls.append(_call("repair", messages, comp))
            repair.after = clean_section_text(comp.text, unit)
            repair.rounds += 1
            # No check after the last round: nothing would be done with its findings here.
            done = repair.rounds >= self.repair_rounds
            problems = [] if done else section_problems(sheet, unit, repair.after, refs)
        return repair

    @staticmethod
    def repair_messages(
        sheet: FactSheet, outline: Outline, unit: Unit, text: str, problems: list[Finding]
    ) -> Messages:
        return [
            {"role": "system", "content": render("system")},
            {
                "role": "user",
                "content": render(
                    "repair",
                    title=unmarked(outline.title or sheet.title) or "工作总结",
                    heading=unit.key,
                    draft=text,
                    problems="\n".join(f"- {p.message}" for p in problems),
                    facts="\n".join(f"- {f.text}" for f in unit.facts),
                ),
            },
        ]

    def assemble(
        self, sheet: FactSheet, outline: Outline, results: list[UnitResult], partial: bool = False
    ) -> str:
        by_key = {r.unit.key: r for r in results}
        note = (
            offline.OFFLINE_NOTE
            if self.backend is None
            else f"<!-- 草稿：由 {self.backend_name} 逐节起草 -->"
        )
        lines = [note, f"# {outline.title or sheet.title or '工作总结'}", "", offline.opening(sheet), ""]
        for part in outline.parts:
            lines += [f"## {part.heading}", ""]
            lead = by_key.get(part.heading)
            if lead and lead.text:
                lines += [lead.text, ""]
            for c in part.children:
                lines += [f"### {c.heading}", ""]
                r = by_key.get(c.heading)
                lines += [
                    r.text
                    if r and r.text
                    else (offline.EMPTY_NOTE if not partial or r else "<!-- 未起草 -->"),
                    "",
                ]
            if not part.children and not (lead and lead.text):
                lines += [offline.EMPTY_NOTE if not partial or lead else "<!-- 未起草 -->", ""]
        if not partial:
            lines += [offline.closing(sheet), ""]
            lines += offline.signature_lines(sheet)
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _call(kind: str, messages: Messages, comp: Completion) -> ModelCall:
    return ModelCall(kind=kind, messages=messages, response=comp.text, usage=comp.usage, elapsed=comp.elapsed)


class _Interrupted(BackendError):
    def __init__(self, partial: str) -> None:
        super().__init__("interrupted")
        self.partial = partial


def unmarked(title: str) -> str:
    """A title without its 〔待补充〕 markers: the model is not to copy them into the text."""
    return re.sub(r"〔待补充：[^〕]*〕", "", title)


def clean_section_text(text: str, unit: Unit) -> str:
    """What a model returns, made into body text: no chatter (好的，以下是… / 以上内容供参考 / 修改说明),
    no echoed heading, no Markdown, tidy paragraphs."""
    lines = []
    for raw in strip_chatter(text).text.split("\n"):
        line = raw.strip()
        if not line:
            lines.append("")
            continue
        bare = re.sub(r"^#+\s*", "", line).strip("*").strip()
        if bare in (unit.key, unit.section.title, unit.section.heading) or bare.startswith(unit.key):
            if len(bare) <= len(unit.key) + 2:
                continue
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        line = re.sub(r"^[-*•]\s+", "", line)
        lines.append(line)
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return out


def _part_roles(outline: Outline) -> dict[str, list[str]]:
    return {p.title: p.roles for p in outline.parts}


def _ref_texts(results: list[UnitResult]) -> list[str]:
    seen: dict[str, str] = {}
    for r in results:
        for h in r.references:
            seen[h.chunk_id] = h.text
    return list(seen.values())
