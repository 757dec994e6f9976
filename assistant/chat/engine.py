"""Drafting and revising sections for the chat, one unit at a time, streaming, with the partial text
kept when the user presses Ctrl-C or the endpoint fails mid-answer.

Drafting goes through the drafting service of `assistant draft` (draft/service.py) one unit at a
time: same references, prompts, check and repair. Revising sends prompts/revise.md with the context
from `context.py`, then checks and repairs the answer with that service's section check and repair. What the repair changed is in Outcome.repairs, so the chat can show the text
it saves rather than the one it streamed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.chat.context import DEFAULT_BUDGET, base_text, estimate_tokens, revise_messages
from assistant.chat.state import DocState, section_id
from assistant.check.fidelity import CheckReport
from assistant.draft.events import Delta, DraftEvent, DraftWarning, OnEvent, Repair, Repaired, SectionStarted
from assistant.draft.pipeline import Unit, clean_section_text, document_check
from assistant.draft.service import DraftService
from assistant.errors import AssistantError, BackendError
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.draft.retriever import Retriever
    from assistant.index.search import Hit
    from assistant.llm.base import ChatBackend, Completion, DeltaCallback, Messages

__all__ = ["OnEvent", "Outcome", "Repair", "check_all", "check_units", "draft_units", "revise_units"]

# Everything produced so far in this answer, {section id: text}: written to the store as it grows.
OnProgress = Callable[[dict[str, str]], None]
REPAIR_ROUNDS = 2  # as `assistant draft` (Drafter's default)


@dataclass
class Outcome:
    texts: dict[str, str] = field(default_factory=dict)  # section id → new body text
    interrupted: bool = False  # Ctrl-C: what arrived is in texts
    error: str | None = None  # the endpoint failed; what arrived is in texts
    usage: dict[str, int] = field(default_factory=dict)
    tokens: int = 0  # estimated size of the last request
    references: dict[str, list[Hit]] = field(default_factory=dict)
    repairs: dict[str, Repair] = field(default_factory=dict)  # section id → what its repair did

    @property
    def complete(self) -> bool:
        return not self.interrupted and self.error is None


class _Watched:
    """Passes calls to the backend and remembers the last request's size, usage and interruption."""

    def __init__(self, backend: ChatBackend) -> None:
        self.backend = backend
        self.name = backend.name
        self.model = backend.model
        self.interrupted = False
        self.tokens = 0
        self.usage: dict[str, int] = {}

    def complete(
        self,
        messages: Messages,
        *,
        stream: bool = True,
        on_delta: DeltaCallback | None = None,
        temperature: float | None = None,
    ) -> Completion:
        self.tokens = estimate_tokens(messages)
        comp = self.backend.complete(messages, stream=stream, on_delta=on_delta, temperature=temperature)
        self.interrupted = self.interrupted or bool(comp.interrupted)
        for k, v in (comp.usage or {}).items():
            self.usage[k] = self.usage.get(k, 0) + int(v)
        return comp


def draft_units(
    state: DocState,
    units: list[Unit],
    backend: ChatBackend | None,
    retriever: Retriever | None,
    on_event: OnEvent,
    on_progress: OnProgress,
) -> Outcome:
    """Draft `units` (offline when backend is None) through the drafting service, section by
    section. Stops at the first interruption or failure."""
    out = Outcome()
    sheet, outline = state.sheet, state.outline()
    watched = _Watched(backend) if backend is not None else None
    streamed: list[str] = []
    current_id = ""

    def events(event: DraftEvent) -> None:
        if isinstance(event, Delta):  # stored before it is shown
            streamed.append(event.text)
            on_progress({**out.texts, current_id: "".join(streamed)})
            on_event(event)
        elif not isinstance(event, Repaired):  # a repair is announced once its text is stored
            on_event(event)

    service = DraftService(watched, retriever, on_event=events)
    for unit in units:
        current_id = section_id(unit)
        on_event(SectionStarted(unit.key))
        if watched is None or not unit.facts:
            text = service.offline_section(sheet, unit)
            on_event(Delta(unit.key, text or _("（本节没有事实）")))
            out.texts[current_id] = text
            continue
        try:
            refs = service.references(unit)
        except AssistantError as exc:
            on_event(DraftWarning(_("{section} 检索范文失败：{error}", section=unit.key, error=exc)))
            refs = []
        except KeyboardInterrupt:
            out.interrupted = True
            break
        out.references[current_id] = refs
        streamed.clear()
        try:
            result = service.draft_section(sheet, outline, unit, refs)
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
        if result.repair is not None:
            out.repairs[current_id] = result.repair
        on_progress(dict(out.texts))
        _announce(on_event, result.repair)
    return out


def _announce(on_event: OnEvent, repair: Repair | None) -> None:
    """Tell the chat that the saved text differs from the one streamed (after it is stored)."""
    if repair is not None and repair.changed:
        on_event(Repaired(repair))


def revise_units(
    state: DocState,
    units: list[Unit],
    instruction: str,
    backend: ChatBackend,
    history: list[tuple[str, str]],
    on_event: OnEvent,
    on_progress: OnProgress,
    budget: int = DEFAULT_BUDGET,
    references: dict[str, list[Hit]] | None = None,
) -> Outcome:
    """Revise each unit by the instruction through the backend, streaming; then check each answer
    against the unit's facts and repair it as drafting does (`references`: the example paragraphs
    each section was drafted with, {section id: hits})."""
    out = Outcome()
    watched = _Watched(backend)
    service = DraftService(watched, None, repair_rounds=REPAIR_ROUNDS, on_event=on_event)
    outline = state.outline()
    outline_text = outline.render()
    for unit in units:
        sid = section_id(unit)
        on_event(SectionStarted(unit.key))
        current = base_text(unit, state.text_of(unit), state.sheet)
        built = revise_messages(state.title, outline_text, unit, current, instruction, history, budget)
        out.tokens = built.tokens
        received: list[str] = []

        def delta(text: str, key: str = unit.key, sid: str = sid, received: list[str] = received) -> None:
            received.append(text)
            on_progress({**out.texts, sid: "".join(received)})
            on_event(Delta(key, text))

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
            repair = service.repair(state.sheet, outline, unit, text, refs)
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
        on_progress(dict(out.texts))
        _announce(on_event, repair)
    return out


def _keep_partial(out: Outcome, sid: str, unit: Unit, partial: str) -> None:
    text = clean_section_text(partial, unit) if partial.strip() else ""
    if text:
        out.texts[sid] = text


def check_units(
    state: DocState, units: list[Unit], references: dict[str, list[Hit]] | None = None
) -> list[tuple[Unit, CheckReport]]:
    """The fidelity check of each unit's text against its own facts (what a revision may touch)."""
    refs = references or {}
    return [
        (u, DraftService.check_section(state.sheet, u, state.text_of(u), refs.get(section_id(u), [])))
        for u in units
    ]


def check_all(state: DocState, references: list[str] | None = None) -> CheckReport:
    """The whole draft checked as `assistant draft` checks it (the prompts' own wording included)."""
    return document_check(state.markdown(), state.sheet, state.part_roles(), references or [])
