"""The one drafting service: `assistant draft`, the chat and `eval run` all draft through it.

It takes a chat backend (None drafts offline) and a retriever (None drafts without references) by
protocol, and reports progress through typed events (draft/events.py). A whole job goes facts →
outline (refined by the model when the outline is only proposed) → sections drafted, checked and
repaired → the whole draft checked → logged. The chat uses its section-level half: references,
one section drafted and repaired, one section checked — the same code `assistant draft` runs.

Where the backend and the retriever come from (flags, environment, the default index) is the
callers' business (draft/run.py); nothing here reads options or prints."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.draft.events import OnEvent, Repair
from assistant.draft.facts import FactSheet
from assistant.draft.outline import Outline, build_outline
from assistant.draft.pipeline import (
    Drafter,
    DraftInterrupted,
    DraftResult,
    Unit,
    UnitResult,
    section_check,
    section_problems,
)
from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.check.fidelity import CheckReport, Finding
    from assistant.draft.retriever import Retriever
    from assistant.index.search import Hit
    from assistant.llm.base import ChatBackend
    from assistant.log import RunLog


@dataclass
class JobResult:
    facts: FactSheet
    outline: Outline
    result: DraftResult
    run_id: int | None


class DraftService:
    def __init__(
        self,
        backend: ChatBackend | None,
        retriever: Retriever | None,
        *,
        repair_rounds: int = 2,
        on_event: OnEvent | None = None,
        log: bool = True,
    ) -> None:
        self.backend = backend
        self.retriever = retriever
        self.log = log
        self.drafter = Drafter(backend, retriever, repair_rounds=repair_rounds, on_event=on_event)

    # --- a whole job ------------------------------------------------------------------------------
    def outline(self, sheet: FactSheet, outline_file: Path | None = None) -> Outline:
        """The outline to draft by: the user's file, the facts' headings, or a proposal (part names
        from the closest examples, subsections by the model when there is one)."""
        outline = build_outline(sheet, outline_file, self.retriever)
        if self.backend is not None and outline.source == "proposed":
            from assistant.draft.outline_llm import refine_with_model

            outline = refine_with_model(outline, self.backend)
        return outline

    def run(self, sheet: FactSheet, source: str, outline_file: Path | None = None) -> JobResult:
        """Draft the facts of `sheet` (read from `source`, as the log names it) end to end."""
        return self.draft(sheet, self.outline(sheet, outline_file), source)

    def draft(self, sheet: FactSheet, outline: Outline, source: str) -> JobResult:
        """Every section drafted, the whole draft checked; the run and each call in the run log."""
        log, run_id = self._start_log(sheet, outline, source)
        t0 = time.perf_counter()
        try:
            result = self.drafter.draft(sheet, outline)
        except DraftInterrupted as exc:
            self._finish_failed(log, run_id, "interrupted", t0, str(exc), exc.partial_markdown)
            raise
        except AssistantError as exc:
            self._finish_failed(log, run_id, "failed", t0, str(exc))
            raise
        except KeyboardInterrupt:
            self._finish_failed(log, run_id, "interrupted", t0, "Ctrl-C")
            raise
        if log is not None and run_id:
            self._log_result(log, run_id, result)
        return JobResult(sheet, outline, result, run_id)

    # --- one section, for the chat ----------------------------------------------------------------
    def references(self, unit: Unit) -> list[Hit]:
        """The example paragraphs a section is drafted with (raises when retrieval fails)."""
        return self.drafter.references(unit)

    def offline_section(self, sheet: FactSheet, unit: Unit) -> str:
        """A section written from its facts by the offline drafter."""
        return self.drafter.offline_text(sheet, unit)

    def draft_section(
        self, sheet: FactSheet, outline: Outline, unit: Unit, refs: Sequence[Hit]
    ) -> UnitResult:
        """One section through the model, streamed, checked and repaired (needs a backend)."""
        return self.drafter.draft_unit(sheet, outline, unit, refs)

    def repair(
        self, sheet: FactSheet, outline: Outline, unit: Unit, text: str, refs: Sequence[Hit]
    ) -> Repair:
        """A section's text checked and repaired as drafting does (needs a backend)."""
        return self.drafter.repair(sheet, outline, unit, text, refs)

    @staticmethod
    def check_section(sheet: FactSheet, unit: Unit, text: str, refs: Sequence[Hit]) -> CheckReport:
        return section_check(sheet, unit, text, refs)

    @staticmethod
    def section_problems(sheet: FactSheet, unit: Unit, text: str, refs: Sequence[Hit]) -> list[Finding]:
        return section_problems(sheet, unit, text, refs)

    # --- the run log ------------------------------------------------------------------------------
    def _start_log(self, sheet: FactSheet, outline: Outline, source: str) -> tuple[RunLog | None, int | None]:
        if not self.log:
            return None, None
        from assistant.log import RunLog

        log = RunLog()
        backend = self.backend
        run_id = log.start(
            "draft",
            source,
            sheet.to_dict(),
            outline.render(),
            self.drafter.backend_name,
            str(backend.model if backend is not None else "") or "offline",
            getattr(backend, "endpoint", None) if backend is not None else None,  # not every backend has one
        )
        return log, run_id

    @staticmethod
    def _finish_failed(
        log: RunLog | None, run_id: int | None, status: str, t0: float, why: str, partial: str | None = None
    ) -> None:
        if log is not None and run_id:
            log.finish(run_id, status, partial, None, {"total": time.perf_counter() - t0}, why)

    @staticmethod
    def _log_result(log: RunLog, run_id: int, result: DraftResult) -> None:
        for u in result.units:
            refs = [h.chunk_id for h in u.references]
            if not u.calls:
                log.call(run_id, u.unit.key, "offline", [], u.text, {}, 0.0, refs)
            for c in u.calls:
                log.call(
                    run_id,
                    u.unit.key,
                    c["kind"],
                    c["messages"],
                    c["response"],
                    dict(c["usage"] or {}),
                    float(c["elapsed"] or 0),
                    refs,
                )
        status = "ok" if result.check.ok else "check_failed"
        log.finish(run_id, status, result.markdown, result.check.to_dict(), result.timings)
        log.close()
