"""Chat sessions in SQLite (`sessions.sqlite3` in the user directory), schema by numbered migrations.

Every turn and every document version is committed as it happens, so a killed terminal loses at most
the characters streamed in the last fraction of a second. Versions are never changed or deleted:
/undo moves the session's head back to the previous version. API keys are never written here."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.db import connect as _connect
from assistant.db import script


def _m1(db: sqlite3.Connection) -> None:
    script(
        db,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            facts_source TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            head INTEGER,                      -- versions.id of the current document
            model TEXT                         -- chosen with /model (a name, never a key)
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            parent INTEGER REFERENCES versions(id),
            created_at TEXT NOT NULL,
            label TEXT NOT NULL,               -- what changed, for /undo and /history
            facts_json TEXT NOT NULL,
            outline_text TEXT,                 -- NULL: the outline follows the facts
            sections_json TEXT NOT NULL,       -- {section id: body text}
            markdown TEXT NOT NULL,
            interrupted INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX versions_session ON versions(session_id);
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            created_at TEXT NOT NULL,
            role TEXT NOT NULL,                -- user | assistant
            kind TEXT NOT NULL,                -- command | facts | instruction | reply | error
            text TEXT NOT NULL,
            section TEXT,
            status TEXT NOT NULL DEFAULT 'done',  -- done | streaming | interrupted | error
            base_version INTEGER,              -- the head when the answer started
            version INTEGER,                   -- the version the turn produced
            pending_json TEXT,                 -- section texts streamed so far (crash recovery)
            usage_json TEXT
        );
        CREATE INDEX turns_session ON turns(session_id);
        """,
    )


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_m1]


def db_path() -> Path:
    return paths.user_dir() / "sessions.sqlite3"


def connect(path: Path | None = None) -> sqlite3.Connection:
    # Fast commits: a streaming answer is committed piece by piece.
    return _connect(path or db_path(), MIGRATIONS, fast_commits=True)


def now() -> str:
    # Milliseconds, so that "the last session" is right even for turns within one second.
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(t)) + f".{int(t % 1 * 1000):03d}"


@dataclass
class SessionRow:
    id: int
    name: str
    facts_source: str
    created_at: str
    updated_at: str
    head: int | None
    model: str | None


@dataclass
class VersionRow:
    id: int
    parent: int | None
    created_at: str
    label: str
    facts_json: str
    outline_text: str | None
    sections: dict[str, str]
    markdown: str
    interrupted: bool


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.db = connect(path)

    def close(self) -> None:
        self.db.close()

    # -- sessions -----------------------------------------------------------------------------
    def session(self, name: str) -> SessionRow | None:
        row = self.db.execute("SELECT * FROM sessions WHERE name = ?", (name,)).fetchone()
        return _session(row) if row else None

    def last_session(self) -> SessionRow | None:
        row = self.db.execute("SELECT * FROM sessions ORDER BY updated_at DESC, id DESC LIMIT 1").fetchone()
        return _session(row) if row else None

    def create_session(self, name: str, facts_source: str) -> SessionRow:
        with self.db:
            self.db.execute(
                "INSERT INTO sessions (name, facts_source, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (name, facts_source, now(), now()),
            )
        row = self.session(name)
        assert row is not None
        return row

    def list_sessions(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT s.name, s.facts_source, s.updated_at, COUNT(v.id) AS versions FROM sessions s "
            "LEFT JOIN versions v ON v.session_id = s.id GROUP BY s.id ORDER BY s.updated_at DESC, s.id DESC"
        )
        return [dict(r) for r in rows]

    def set_head(self, session_id: int, version_id: int) -> None:
        with self.db:
            self.db.execute(
                "UPDATE sessions SET head = ?, updated_at = ? WHERE id = ?", (version_id, now(), session_id)
            )

    def set_model(self, session_id: int, model: str | None) -> None:
        with self.db:
            self.db.execute(
                "UPDATE sessions SET model = ?, updated_at = ? WHERE id = ?", (model, now(), session_id)
            )

    # -- versions -----------------------------------------------------------------------------
    def add_version(
        self,
        session_id: int,
        parent: int | None,
        label: str,
        facts_json: str,
        outline_text: str | None,
        sections: dict[str, str],
        markdown: str,
        interrupted: bool = False,
    ) -> int:
        """A new version, made the session's head in the same transaction."""
        with self.db:
            cur = self.db.execute(
                "INSERT INTO versions (session_id, parent, created_at, label, facts_json, outline_text, "
                "sections_json, markdown, interrupted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    parent,
                    now(),
                    label,
                    facts_json,
                    outline_text,
                    json.dumps(sections, ensure_ascii=False),
                    markdown,
                    int(interrupted),
                ),
            )
            vid = int(cur.lastrowid or 0)
            self.db.execute(
                "UPDATE sessions SET head = ?, updated_at = ? WHERE id = ?", (vid, now(), session_id)
            )
        return vid

    def version(self, version_id: int) -> VersionRow | None:
        row = self.db.execute("SELECT * FROM versions WHERE id = ?", (version_id,)).fetchone()
        if row is None:
            return None
        return VersionRow(
            row["id"],
            row["parent"],
            row["created_at"],
            row["label"],
            row["facts_json"],
            row["outline_text"],
            json.loads(row["sections_json"]),
            row["markdown"],
            bool(row["interrupted"]),
        )

    def first_version(self, session_id: int) -> VersionRow | None:
        row = self.db.execute(
            "SELECT id FROM versions WHERE session_id = ? ORDER BY id LIMIT 1", (session_id,)
        ).fetchone()
        return self.version(row["id"]) if row else None

    def version_count(self, session_id: int) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM versions WHERE session_id = ?", (session_id,)).fetchone()[0]
        )

    def version_number(self, session_id: int, version_id: int) -> int:
        """1-based position of a version in its session (what the user sees as 第N版)."""
        q = "SELECT COUNT(*) FROM versions WHERE session_id = ? AND id <= ?"
        return int(self.db.execute(q, (session_id, version_id)).fetchone()[0])

    # -- turns --------------------------------------------------------------------------------
    def add_turn(
        self,
        session_id: int,
        role: str,
        kind: str,
        text: str,
        *,
        section: str | None = None,
        status: str = "done",
        base_version: int | None = None,
        version: int | None = None,
    ) -> int:
        with self.db:
            cur = self.db.execute(
                "INSERT INTO turns (session_id, created_at, role, kind, text, section, status, base_version, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, now(), role, kind, text, section, status, base_version, version),
            )
            self.db.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", (now(), session_id))
        return int(cur.lastrowid or 0)

    def update_turn(self, turn_id: int, **fields: Any) -> None:
        allowed = {"text", "status", "version", "pending_json", "usage_json", "section"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"unknown turn fields: {bad}")
        cols = ", ".join(f"{k} = ?" for k in fields)
        with self.db:
            self.db.execute(f"UPDATE turns SET {cols} WHERE id = ?", (*fields.values(), turn_id))

    def turns(self, session_id: int, limit: int | None = None) -> list[sqlite3.Row]:
        """Turns in order; with `limit`, the last `limit` of them."""
        if limit is None:
            return list(
                self.db.execute("SELECT * FROM turns WHERE session_id = ? ORDER BY id", (session_id,))
            )
        rows = self.db.execute(
            "SELECT * FROM turns WHERE session_id = ? ORDER BY id DESC LIMIT ?", (session_id, limit)
        )
        return list(reversed(list(rows)))

    def last_turn(self, session_id: int, kind: str) -> sqlite3.Row | None:
        q = "SELECT * FROM turns WHERE session_id = ? AND kind = ? ORDER BY id DESC LIMIT 1"
        row: sqlite3.Row | None = self.db.execute(q, (session_id, kind)).fetchone()
        return row

    def streaming_turns(self, session_id: int) -> list[sqlite3.Row]:
        """Answers that were still streaming when the process died."""
        q = "SELECT * FROM turns WHERE session_id = ? AND status = 'streaming' ORDER BY id"
        return list(self.db.execute(q, (session_id,)))


def _session(row: sqlite3.Row) -> SessionRow:
    return SessionRow(
        row["id"],
        row["name"],
        row["facts_source"] or "",
        row["created_at"],
        row["updated_at"],
        row["head"],
        row["model"],
    )
