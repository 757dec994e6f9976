"""The run log: every draft, with its facts, outline, prompts, retrieved chunks, model, responses,
usage, timings and check results, in SQLite in the user directory. Schema by numbered migrations.

API keys are never written here: only the model name and the endpoint URL (with any credentials
in it redacted)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.paths import log_db


def _m1(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            command TEXT NOT NULL,
            facts_source TEXT,
            facts_json TEXT,
            outline TEXT,
            backend TEXT,
            model TEXT,
            endpoint TEXT,
            status TEXT NOT NULL,
            error TEXT,
            draft TEXT,
            check_json TEXT,
            timings_json TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            section TEXT,
            kind TEXT,
            messages_json TEXT,
            response TEXT,
            usage_json TEXT,
            elapsed REAL,
            references_json TEXT
        )"""
    )
    db.execute("CREATE INDEX calls_run ON calls(run_id)")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1]


def connect(path: Path | None = None) -> sqlite3.Connection:
    from assistant import db

    return db.connect(path or log_db(), MIGRATIONS)


def _now() -> str:
    # With the UTC offset, so that `log list` shows local time wherever the log is read.
    return datetime.now().astimezone().isoformat(timespec="seconds")


def redact_url(url: str | None) -> str | None:
    return re.sub(r"//[^/@]+@", "//***@", url) if url else url


def _one_line_redacted(error: str | None) -> str | None:
    """An error as the terminal showed it: one line, nothing key-like in it."""
    if not error:
        return error
    from assistant.llm.settings import redact

    return redact(" ".join(error.split()))


class RunLog:
    def __init__(self, path: Path | None = None) -> None:
        self.db = connect(path)

    def start(
        self,
        command: str,
        facts_source: str,
        facts: dict[str, Any],
        outline: str,
        backend: str,
        model: str,
        endpoint: str | None,
    ) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO runs (started_at, command, facts_source, facts_json, outline, backend, model, endpoint, status) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')",
                (
                    _now(),
                    command,
                    facts_source,
                    json.dumps(facts, ensure_ascii=False),
                    outline,
                    backend,
                    model,
                    redact_url(endpoint),
                ),
            )
        return int(cur.lastrowid or 0)

    def call(
        self,
        run_id: int,
        section: str,
        kind: str,
        messages: list[dict[str, str]],
        response: str,
        usage: dict[str, int],
        elapsed: float,
        references: list[str],
    ) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO calls (run_id, section, kind, messages_json, response, usage_json, elapsed, references_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    section,
                    kind,
                    json.dumps(messages, ensure_ascii=False),
                    response,
                    json.dumps(usage),
                    elapsed,
                    json.dumps(references),
                ),
            )

    def finish(
        self,
        run_id: int,
        status: str,
        draft: str | None,
        check: dict[str, Any] | None,
        timings: dict[str, float] | None,
        error: str | None = None,
    ) -> None:
        with self.db:
            self.db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, draft = ?, check_json = ?, timings_json = ?, error = ? WHERE id = ?",
                (
                    _now(),
                    status,
                    draft,
                    json.dumps(check, ensure_ascii=False) if check else None,
                    json.dumps(timings) if timings else None,
                    _one_line_redacted(error),
                    run_id,
                ),
            )

    def runs(self, limit: int = 20) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)))

    def get(self, run_id: int) -> tuple[sqlite3.Row | None, list[sqlite3.Row]]:
        run = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        calls = list(self.db.execute("SELECT * FROM calls WHERE run_id = ? ORDER BY id", (run_id,)))
        return run, calls

    def close(self) -> None:
        self.db.close()
