"""Drafting and revising sections for the chat, one unit at a time, streaming, with the partial text
kept when the user presses Ctrl-C or the endpoint fails mid-answer.

Drafting reuses the `assistant draft` pipeline per unit (same prompts, same repair pass); revising
sends prompts/revise.md with the context from `context.py`, then checks and repairs the answer the
same way drafting does. What the repair changed is in Outcome.repairs, so the chat can show the text
it saves rather than the one it streamed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.chat.context import DEFAULT_BUDGET, base_text, estimate_tokens, revise_messages
from assistant.chat.state import DocState, section_id
from assistant.check.fidelity import CheckReport, Finding, check_draft
from assistant.draft import offline
from assistant.draft.outline import Outline
from assistant.draft.pipeline import (
    SECTION_REPAIRABLE,
    Drafter,
    SectionFacts,
    Unit,
    clean_section_text,
    unmarked,
)
from assistant.draft.prompts import instruction_texts, render
from assistant.errors import AssistantError, BackendError
from assistant.i18n import _

# (kind, data): "section" {key} when a unit starts, "delta" {key, text} as text streams in, "repair"
# {key, problems} before a repair call, "repaired" {key, repair} when the text saved is not the one
# streamed.
OnEvent = Callable[[str, dict[str, Any]], None]
# Everything produced so far in this answer, {section id: text}: written to the store as it grows.
OnProgress = Callable[[dict[str, str]], None]
REPAIR_ROUNDS = 2  # as `assistant draft` (Drafter's default)


@dataclass
class Repair:
    """What the check-and-repair did to one section's answer."""

    key: str  # the section's heading
    problems: list[str]  # what the first check found, as the user reads it
    rounds: int  # repair calls made
    before: str  # the answer as it streamed (cleaned as a section body)
    after: str  # the text that is saved

    @property
    def changed(self) -> bool:
        return self.rounds > 0 and self.after != self.before


@dataclass
class Outcome:
    texts: dict[str, str] = field(default_factory=dict)  # section id → new body text
    done: list[Unit] = field(default_factory=list)  # units finished in full
    interrupted: bool = False  # Ctrl-C: what arrived is in texts
    error: str | None = None  # the endpoint failed; what arrived is in texts
    usage: dict[str, int] = field(default_factory=dict)
    tokens: int = 0  # estimated size of the last request
    budget: int = 0
    references: dict[str, list[Any]] = field(default_factory=dict)
    repairs: dict[str, Repair] = field(default_factory=dict)  # section id → what its repair did

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.error is None


class _Watched:
    """Passes calls to the backend and remembers the last request's size, usage and interruption."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.name = getattr(backend, "name", "llm")
        self.model = getattr(backend, "model", "")
        self.interrupted = False
        self.tokens = 0
        self.usage: dict[str, int] = {}

    def complete(self, messages: list[dict[str, str]], **kw: Any) -> Any:
        self.tokens = estimate_tokens(messages)
        comp = self.backend.complete(messages, **kw)
        self.interrupted = self.interrupted or bool(comp.interrupted)
        for k, v in (comp.usage or {}).items():
            self.usage[k] = self.usage.get(k, 0) + int(v)
        return comp


def draft_units(
    state: DocState,
    units: list[Unit],
    backend: Any | None,
    searcher: Any | None,
    on_event: OnEvent,
    on_progress: OnProgress,
) -> Outcome:
    """Draft `units` (offline when backend is None). Stops at the first interruption or failure."""
    out = Outcome(budget=DEFAULT_BUDGET)
    sheet, outline = state.sheet, state.outline()
    watched = _Watched(backend) if backend is not None else None
    streamed: list[str] = []
    found: list[list[str]] = []  # the problems of each repair round of the current unit
    current_id = ""

    def events(kind: str, data: dict[str, Any]) -> None:
        if kind == "delta":  # stored before it is shown
            streamed.append(data["text"])
            on_progress({**out.texts, current_id: "".join(streamed)})
            on_event("delta", data)
        elif kind == "repair":
            found.append(list(data["problems"]))
            on_event("repair", data)

    drafter = Drafter(watched, searcher, on_event=events)
    for unit in units:
        current_id = section_id(unit)
        on_event("section", {"key": unit.key})
        if watched is None or not unit.facts:
            text = offline.section_body(unit.section, sheet, unit.facts) if unit.facts else ""
            on_event("delta", {"key": unit.key, "text": text or _("（本节没有事实）")})
            out.texts[current_id] = text
            out.done.append(unit)
            continue
        try:
            refs = drafter.references(unit)
        except AssistantError as exc:
            on_event(
                "warning", {"message": _("{section} 检索范文失败：{error}", section=unit.key, error=exc)}
            )
            refs = []
        except KeyboardInterrupt:
            out.interrupted = True
            break
        out.references[current_id] = refs
        streamed.clear()
        found.clear()
        try:
            result = drafter.draft_unit(sheet, outline, unit, refs)
        except KeyboardInterrupt:  # during a repair call (the stream itself returns interrupted)
            _keep_partial(out, current_id, unit, "".join(streamed))
            out.interrupted = True
            break
        except BackendError as exc:
            _keep_partial(out, current_id, unit, getattr(exc, "partial", "") or "".join(streamed))
            if watched.interrupted:
                out.interrupted = True
            else:
                out.error = str(exc)
            break
        finally:
            out.tokens, out.usage = watched.tokens, dict(watched.usage)
        out.texts[current_id] = result.text
        if result.repairs:
            before = clean_section_text("".join(streamed), unit)
            out.repairs[current_id] = Repair(unit.key, found[0], result.repairs, before, result.text)
        out.done.append(unit)
        on_progress(dict(out.texts))
        _announce(on_event, out.repairs.get(current_id))
    return out


def _announce(on_event: OnEvent, repair: Repair | None) -> None:
    """Tell the chat that the saved text differs from the one streamed (after it is stored)."""
    if repair is not None and repair.changed:
        on_event("repaired", {"key": repair.key, "repair": repair})


def revise_units(
    state: DocState,
    units: list[Unit],
    instruction: str,
    backend: Any,
    history: list[tuple[str, str]],
    on_event: OnEvent,
    on_progress: OnProgress,
    budget: int = DEFAULT_BUDGET,
    references: dict[str, list[Any]] | None = None,
) -> Outcome:
    """Revise each unit by the instruction through the backend, streaming; then check each answer
    against the unit's facts and repair it as drafting does (`references`: the example paragraphs
    each section was drafted with, {section id: hits})."""
    out = Outcome(budget=budget)
    watched = _Watched(backend)
    outline = state.outline()
    outline_text = outline.render()
    for unit in units:
        sid = section_id(unit)
        on_event("section", {"key": unit.key})
        current = base_text(unit, state.text_of(unit), state.sheet)
        built = revise_messages(state.title, outline_text, unit, current, instruction, history, budget)
        out.tokens = built.tokens
        received: list[str] = []

        def delta(text: str, key: str = unit.key, sid: str = sid, received: list[str] = received) -> None:
            received.append(text)
            on_progress({**out.texts, sid: "".join(received)})
            on_event("delta", {"key": key, "text": text})

        try:
            comp = watched.complete(built.messages, stream=True, on_delta=delta)
        except KeyboardInterrupt:  # a backend that does not catch Ctrl-C itself
            _keep_partial(out, sid, unit, "".join(received))
            out.interrupted = True
            break
        except BackendError as exc:
            _keep_partial(out, sid, unit, getattr(exc, "partial", "") or "".join(received))
            out.error = str(exc)
            break
        finally:
            out.usage = dict(watched.usage)
        text = clean_section_text(comp.text, unit)
        if comp.interrupted:
            _keep_partial(out, sid, unit, comp.text)
            out.interrupted = True
            break
        refs = (references or {}).get(sid, [])
        try:
            repair = repair_section(state, outline, unit, text, refs, watched, on_event)
        except KeyboardInterrupt:  # the answer as revised is kept; it was not checked
            _keep_partial(out, sid, unit, text)
            out.interrupted = True
            break
        except BackendError as exc:
            _keep_partial(out, sid, unit, text)
            out.error = str(exc)
            break
        finally:
            out.usage = dict(watched.usage)
        if repair.rounds:
            out.repairs[sid] = repair
        out.texts[sid] = repair.after
        out.done.append(unit)
        on_progress(dict(out.texts))
        _announce(on_event, repair)
    return out


def section_problems(state: DocState, unit: Unit, text: str, refs: list[Any]) -> list[Finding]:
    """What a repair of this section's text can fix (as `assistant draft` checks each section)."""
    return [f for f in section_check(state, unit, text, refs).findings if f.kind in SECTION_REPAIRABLE]


def section_check(state: DocState, unit: Unit, text: str, refs: list[Any]) -> CheckReport:
    """The fidelity check of one section's text against its own facts."""
    return check_draft(
        f"## {unit.part.heading}\n\n{text}\n",
        SectionFacts(state.sheet, unit.facts),
        references=[h.text for h in refs],
        instructions=instruction_texts(),
    )


def repair_section(
    state: DocState,
    outline: Outline,
    unit: Unit,
    text: str,
    refs: list[Any],
    backend: Any,
    on_event: OnEvent,
    rounds: int = REPAIR_ROUNDS,
) -> Repair:
    """The section's text checked and, while the check finds what a repair can fix, sent back to
    the model with prompts/repair.md (at most `rounds` times) — the repair of `assistant draft`."""
    repair = Repair(unit.key, [], 0, text, text)
    problems = section_problems(state, unit, text, refs)
    repair.problems = [p.message for p in problems]
    while problems and repair.rounds < rounds:
        on_event("repair", {"key": unit.key, "problems": [p.message for p in problems]})
        messages = [
            {"role": "system", "content": render("system")},
            {
                "role": "user",
                "content": render(
                    "repair",
                    title=unmarked(outline.title or state.sheet.title) or "工作总结",
                    heading=unit.key,
                    draft=repair.after,
                    problems="\n".join(f"- {p.message}" for p in problems),
                    facts="\n".join(f"- {f.text}" for f in unit.facts),
                ),
            },
        ]
        comp = backend.complete(messages, stream=False)
        repair.after = clean_section_text(comp.text, unit)
        repair.rounds += 1
        problems = section_problems(state, unit, repair.after, refs)
    return repair


def _keep_partial(out: Outcome, sid: str, unit: Unit, partial: str) -> None:
    text = clean_section_text(partial, unit) if partial.strip() else ""
    if text:
        out.texts[sid] = text


def check_units(
    state: DocState, units: list[Unit], references: dict[str, list[Any]] | None = None
) -> list[tuple[Unit, CheckReport]]:
    """The fidelity check of each unit's text against its own facts (what a revision may touch)."""
    refs = references or {}
    return [(u, section_check(state, u, state.text_of(u), refs.get(section_id(u), []))) for u in units]


def check_all(state: DocState, references: list[str] | None = None) -> CheckReport:
    """The whole draft checked as `assistant draft` checks it (the prompts' own wording included)."""
    return check_draft(
        state.markdown(),
        state.sheet,
        part_roles=state.part_roles(),
        references=references or [],
        instructions=instruction_texts(),
    )
