"""`assistant log …`: what earlier runs sent and received."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from assistant.cli.common import App

app = App(help="Read the log of drafting runs.")


@app.command("list")
def list_runs(
    limit: Annotated[int, typer.Option("-n", "--limit", min=1, help="How many runs.")] = 20,
) -> None:
    """The latest runs: when, which facts, which backend, and how the check went."""
    from rich.console import Console
    from rich.table import Table

    from assistant.log import RunLog

    log = RunLog()
    table = Table("id", "started", "facts", "backend", "model", "status", "check")
    for r in log.runs(limit):
        check = json.loads(r["check_json"]) if r["check_json"] else None
        summary = (
            (f"{check['facts_covered']}/{check['facts_total']} facts, {len(check['findings'])} problems")
            if check
            else ""
        )
        table.add_row(
            str(r["id"]),
            r["started_at"],
            r["facts_source"] or "",
            r["backend"] or "",
            r["model"] or "",
            r["status"],
            summary,
        )
    Console(highlight=False).print(table)


@app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="Run id from `assistant log list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Everything as JSON.")] = False,
) -> None:
    """One run: its draft, check, and every prompt and response."""
    from assistant.errors import UsageError
    from assistant.log import RunLog

    run, calls = RunLog().get(run_id)
    if run is None:
        raise UsageError(f"no run {run_id} in the log (see `assistant log list`)")
    if as_json:
        data = dict(run)
        data["calls"] = [dict(c) for c in calls]
        for k in ("facts_json", "check_json", "timings_json"):
            data[k] = json.loads(data[k]) if data[k] else None
        for c in data["calls"]:
            for k in ("messages_json", "usage_json", "references_json"):
                c[k] = json.loads(c[k]) if c[k] else None
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return
    print(
        f"run {run['id']} · {run['started_at']} · {run['facts_source']} · {run['backend']} {run['model'] or ''} · {run['status']}"
    )
    if run["error"]:
        print(f"error: {run['error']}")
    for c in calls:
        print(
            f"\n--- {c['section']} ({c['kind']}, {c['elapsed'] or 0:.1f}s) references: {c['references_json']}"
        )
        for m in json.loads(c["messages_json"] or "[]"):
            print(f"[{m['role']}]\n{m['content']}")
        print(f"[response]\n{c['response']}")
    print("\n--- draft\n" + (run["draft"] or ""))
