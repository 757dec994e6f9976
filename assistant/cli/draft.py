"""`assistant draft`, `assistant outline`: the main job."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import ApiKeyOpt, BaseUrlOpt, EmbedderOpt, IndexOpt, ModelOpt, TimeoutOpt

OutlineOpt = Annotated[
    Path | None, typer.Option("--outline", help="An outline file: one heading a line (一、… （一）…).")
]
UnitOpt = Annotated[str | None, typer.Option("--unit", help="Unit name, if the facts file does not give it.")]
PeriodOpt = Annotated[str | None, typer.Option("--period", help="Period, e.g. 2024年第三季度.")]
TopicOpt = Annotated[str | None, typer.Option("--topic", help="Topic, e.g. 意识形态工作.")]


def _meta(unit: str | None, period: str | None, topic: str | None) -> dict[str, str]:
    return {k: v for k, v in (("unit", unit), ("period", period), ("topic", topic)) if v}


def draft(
    facts: Annotated[
        list[Path], typer.Argument(help="Facts file(s): .md (with optional front matter), .txt or .docx.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Write the draft here (a folder when several facts files)."),
    ] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="Also export to this .docx in the official layout.")
    ] = None,
    outline: OutlineOpt = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Draft with the deterministic offline drafter.")
    ] = False,
    sources: Annotated[
        bool, typer.Option("--sources", help="Append the example paragraphs retrieved for each section.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit non-zero if the check still finds problems.")
    ] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", min=1, max=16, help="Draft several facts files concurrently.")
    ] = 1,
    repair_rounds: Annotated[
        int, typer.Option("--repair-rounds", min=0, max=5, help="Automatic repair passes (model only).")
    ] = 2,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")] = False,
    unit: UnitOpt = None,
    period: PeriodOpt = None,
    topic: TopicOpt = None,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Draft a work summary from FACTS: outline, per-section examples, drafting, fidelity check."""
    from assistant.draft.run import DraftOptions, make_backend, open_searcher, say
    from assistant.errors import CheckFailed, UsageError

    if len(facts) > 1 and out is not None and out.suffix:
        raise UsageError("with several facts files, -o must be a folder")
    if len(facts) > 1 and docx is not None:
        raise UsageError("--docx takes one facts file; use `assistant export` per draft")
    opts = DraftOptions(
        outline_file=outline,
        offline=offline,
        index=index,
        embedder=embedder,
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        repair_rounds=repair_rounds,
        meta=_meta(unit, period, topic),
    )
    for f in facts:  # fail on bad input before any slow work
        if not f.exists():
            raise UsageError(f"{f}: no such facts file")
    targets = [_target(f, out, len(facts)) for f in facts]
    for t in [*targets, docx]:
        if t is not None and t.exists() and not force:
            raise UsageError(f"{t} exists; pass --force to overwrite it")
    backend = make_backend(opts)
    if backend is None:
        say("no language-model endpoint configured (or --offline): drafting offline from the facts alone")
    searcher = open_searcher(index, embedder)
    failures = 0
    if len(facts) == 1:
        failures += _one(facts[0], targets[0], docx, opts, searcher, backend, sources, force)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [
                pool.submit(_one, f, t, None, opts, searcher, backend, sources, force, True)
                for f, t in zip(facts, targets, strict=True)
            ]
            for fut in futures:
                failures += fut.result()
    if failures and strict:
        raise CheckFailed(f"{failures} draft(s) still have problems (see the check above)")


def _target(facts: Path, out: Path | None, n: int) -> Path | None:
    if n == 1:
        return out
    folder = out or facts.parent
    return folder / (facts.stem + ".draft.md")


def _one(facts, target, docx, opts, searcher, backend, sources, force, quiet=False) -> int:  # type: ignore[no-untyped-def]
    from assistant.draft.pipeline import DraftInterrupted
    from assistant.draft.run import run_draft, say, write_atomic
    from assistant.errors import AssistantError

    live = sys.stderr.isatty() and backend is not None and not quiet

    def on_event(kind, data):  # type: ignore[no-untyped-def]
        if kind == "section_start" and backend is not None:
            say(f"— {data['key']}")
        elif kind == "delta" and live:
            sys.stderr.write(data["text"])
            sys.stderr.flush()
        elif kind == "section_done" and live:
            sys.stderr.write("\n")
        elif kind == "repair":
            say(f"  repairing {data['key']}: {'; '.join(data['problems'])[:200]}")
        elif kind == "warning":
            say(f"warning: {data['message']}")

    try:
        job = run_draft(facts, opts, searcher=searcher, backend=backend, on_event=on_event)
    except DraftInterrupted as exc:
        if not exc.drafted:  # nothing drafted yet: nothing to keep
            raise AssistantError(str(exc), exit_code=exc.exit_code) from None
        saved = target or facts.with_name(facts.stem + ".partial.md")
        if saved.exists() and not force and target is None:
            saved = facts.with_name(facts.stem + f".partial-{int(__import__('time').time())}.md")
        write_atomic(saved, exc.partial_markdown)
        raise AssistantError(
            f"{exc} — the partial draft is saved in {saved}", exit_code=exc.exit_code
        ) from None
    result = job.result
    assert result is not None
    text = result.markdown + (result.sources_appendix() if sources else "")
    if target is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(target, text)
        say(f"wrote {target}")
    for note in job.outline.notes:
        say(f"note: {note}")
    inferred = [f for f in job.facts.facts() if f.inferred]
    if inferred and not quiet:
        say("facts placed by their wording: " + "; ".join(f"{f.id}→{f.role}" for f in inferred))
    say(f"{facts.name}: " + result.check.render() + (f" (run {job.run_id})" if job.run_id else ""))
    if docx is not None:
        from assistant.document import parse_draft
        from assistant.export.docx_writer import export_docx

        export_docx(parse_draft(result.markdown), docx, force=force, source=str(facts))
        say(f"wrote {docx}")
    return 0 if result.check.ok else 1


def outline_cmd(
    facts: Annotated[Path, typer.Argument(help="Facts file.")],
    outline: OutlineOpt = None,
    with_facts: Annotated[
        bool, typer.Option("--facts", help="Show which facts go under each heading.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outline as JSON.")] = False,
    unit: UnitOpt = None,
    period: PeriodOpt = None,
    topic: TopicOpt = None,
) -> None:
    """Print the outline a draft of FACTS would follow. Save it, edit it, pass it back with --outline."""
    from assistant.draft.facts import load_facts
    from assistant.draft.outline import build_outline
    from assistant.draft.run import say

    sheet = load_facts(facts, overrides=_meta(unit, period, topic))
    o = build_outline(sheet, outline)
    if as_json:
        print(json.dumps(o.to_dict(), ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(o.render_with_facts() if with_facts else o.render())
    for note in o.notes:
        say(f"note: {note}")
