"""SQLite with numbered migrations, shared by the run log and the chat store.

A migration is a callable taking the connection; `script()` runs a multi-statement SQL script
inside the migration's transaction (sqlite3's executescript would commit and drop the lock)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

Migration = Callable[[sqlite3.Connection], None]
_LOCK = threading.Lock()


def script(db: sqlite3.Connection, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def connect(path: Path, migrations: Sequence[Migration], *, fast_commits: bool = False) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    if fast_commits:
        # In WAL mode NORMAL survives a killed process (only a power cut can lose the last commits).
        db.execute("PRAGMA synchronous=NORMAL")
    migrate(db, migrations)
    return db


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration]) -> None:
    """Apply the migrations not yet recorded, one writer at a time (threads and processes)."""
    with _LOCK:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at TEXT)"
            )
            done = {r[0] for r in db.execute("SELECT version FROM _migrations")}
            for version, fn in enumerate(migrations, 1):
                if version not in done:
                    fn(db)
                    db.execute(
                        "INSERT INTO _migrations VALUES (?, ?)", (version, time.strftime("%Y-%m-%dT%H:%M:%S"))
                    )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
