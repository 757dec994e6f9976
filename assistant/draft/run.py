"""One drafting job end to end, as the CLI and the chat use it: facts → outline → references →
draft → check → log → output. Core code: no typer here."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.draft.facts import FactSheet, load_facts
from assistant.draft.outline import Outline, build_outline
from assistant.draft.pipeline import Drafter, DraftInterrupted, DraftResult
from assistant.errors import AssistantError, IndexError_


@dataclass
class DraftOptions:
    outline_file: Path | None = None
    offline: bool = False
    index: Path | None = None
    embedder: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    model: str | None = None
    timeout: float | None = None
    repair_rounds: int = 2
    meta: dict[str, str] = field(default_factory=dict)
    log: bool = True
    references: bool = True


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_searcher(index: Path | None, embedder: str | None, *, build_default: bool = True) -> Any | None:
    """The Searcher for drafting. The per-user default index is built from the bundled examples
    the first time (saying so in one line); an index named by --index or ASSISTANT_INDEX is never
    built here. An unusable default index is reported and drafting goes on without references."""
    from assistant.i18n import _
    from assistant.index.default import ensure_default_index
    from assistant.index.search import Searcher
    from assistant.index.store import IndexStore
    from assistant.paths import default_index_dir

    try:
        if build_default:
            store, _seeded = ensure_default_index(index, embedder, say)
        else:
            store = IndexStore(index if index is not None else default_index_dir())
        from assistant.index.embedders import load_embedder

        loaded = store.load()
        emb = load_embedder(embedder) if embedder else None
        return Searcher(loaded, emb)
    except IndexError_ as exc:
        if index is not None:
            raise
        say(_("警告：{problem}；这次起草不参考范文段落", problem=exc))
        return None


def make_backend(opts: DraftOptions) -> Any | None:
    """The OpenAI-compatible backend when an endpoint is configured and --offline is not set."""
    if opts.offline:
        return None
    from assistant.llm import resolve_settings

    settings = resolve_settings(
        base_url=opts.base_url, api_key=opts.api_key, model=opts.model, timeout=opts.timeout
    )
    if not settings.configured:
        return None
    from assistant.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(settings)


@dataclass
class JobResult:
    facts: FactSheet
    outline: Outline
    result: DraftResult | None
    run_id: int | None
    partial_path: Path | None = None


def run_draft(
    facts_path: Path | str,
    opts: DraftOptions,
    *,
    sheet: FactSheet | None = None,
    searcher: Any = None,
    backend: Any = None,
    on_event: Any = None,
) -> JobResult:
    """Draft one facts file (or an already loaded `sheet`, `facts_path` then naming its source)."""
    if sheet is None:
        sheet = load_facts(Path(facts_path), overrides=opts.meta)
    outline = build_outline(sheet, opts.outline_file, searcher)
    if backend is not None and outline.source == "proposed":
        from assistant.draft.outline_llm import refine_with_model

        outline = refine_with_model(outline, backend)
    drafter = Drafter(backend, searcher, repair_rounds=opts.repair_rounds, on_event=on_event)
    log = None
    run_id = None
    if opts.log:
        from assistant.log import RunLog

        log = RunLog()
        endpoint = getattr(backend, "endpoint", None) if backend is not None else None
        run_id = log.start(
            "draft",
            str(facts_path),
            sheet.to_dict(),
            outline.render(),
            drafter.backend_name,
            str(getattr(backend, "model", "") or "offline"),
            endpoint,
        )
    t0 = time.perf_counter()
    try:
        result = drafter.draft(sheet, outline)
    except DraftInterrupted as exc:
        if log and run_id:
            log.finish(
                run_id,
                "interrupted",
                exc.partial_markdown,
                None,
                {"total": time.perf_counter() - t0},
                str(exc),
            )
        raise
    except AssistantError as exc:
        if log and run_id:
            log.finish(run_id, "failed", None, None, {"total": time.perf_counter() - t0}, str(exc))
        raise
    except KeyboardInterrupt:
        if log and run_id:
            log.finish(run_id, "interrupted", None, None, {"total": time.perf_counter() - t0}, "Ctrl-C")
        raise
    if log and run_id:
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
    return JobResult(sheet, outline, result, run_id)


def write_atomic(path: Path, text: str, mode: int | None = None) -> None:
    """Write via a temporary file and a rename: a reader never sees half a file. `mode` (e.g. 0o600
    for a private facts file) is set before any byte is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    if mode is None:
        tmp.write_text(text, encoding="utf-8")
    else:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, mode)  # whatever the umask
    os.replace(tmp, path)
