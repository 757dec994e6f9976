"""Drafting and revising sections for the chat, one unit at a time, streaming, with the partial text
kept when the user presses Ctrl-C or the endpoint fails mid-answer.

Drafting reuses the `assistant draft` pipeline per unit (same prompts, same repair pass); revising
sends prompts/revise.md with the context from `context.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.chat.context import DEFAULT_BUDGET, base_text, estimate_tokens, revise_messages
from assistant.chat.state import DocState, section_id
from assistant.check.fidelity import CheckReport, check_draft
from assistant.draft import offline
from assistant.draft.pipeline import Drafter, SectionFacts, Unit, clean_section_text
from assistant.errors import AssistantError, BackendError
from assistant.i18n import _

# (kind, data): "section" {key} when a unit starts, "delta" {key, text} as text streams in.
OnEvent = Callable[[str, dict[str, Any]], None]
# Everything produced so far in this answer, {section id: text}: written to the store as it grows.
OnProgress = Callable[[dict[str, str]], None]


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
    current_id = ""

    def events(kind: str, data: dict[str, Any]) -> None:
        if kind == "delta":  # stored before it is shown
            streamed.append(data["text"])
            on_progress({**out.texts, current_id: "".join(streamed)})
            on_event("delta", data)

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
        out.done.append(unit)
        on_progress(dict(out.texts))
    return out


def revise_units(
    state: DocState,
    units: list[Unit],
    instruction: str,
    backend: Any,
    history: list[tuple[str, str]],
    on_event: OnEvent,
    on_progress: OnProgress,
    budget: int = DEFAULT_BUDGET,
) -> Outcome:
    """Revise each unit by the instruction through the backend, streaming."""
    out = Outcome(budget=budget)
    watched = _Watched(backend)
    outline_text = state.outline().render()
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
        out.texts[sid] = text
        out.done.append(unit)
        on_progress(dict(out.texts))
    return out


def _keep_partial(out: Outcome, sid: str, unit: Unit, partial: str) -> None:
    text = clean_section_text(partial, unit) if partial.strip() else ""
    if text:
        out.texts[sid] = text


def check_units(
    state: DocState, units: list[Unit], references: dict[str, list[Any]] | None = None
) -> list[tuple[Unit, CheckReport]]:
    """The fidelity check of each unit's text against its own facts (what a revision may touch)."""
    out = []
    for unit in units:
        text = state.text_of(unit)
        md = f"## {unit.part.heading}\n\n{text}\n"
        refs = [h.text for h in (references or {}).get(section_id(unit), [])]
        out.append((unit, check_draft(md, SectionFacts(state.sheet, unit.facts), references=refs)))
    return out


def check_all(state: DocState, references: list[str] | None = None) -> CheckReport:
    return check_draft(
        state.markdown(), state.sheet, part_roles=state.part_roles(), references=references or []
    )
