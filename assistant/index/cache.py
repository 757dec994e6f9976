"""Embedding cache keyed by (embedder id, content hash): rebuilding an unchanged corpus embeds nothing.

It lives beside the builds in the index folder, so it survives every rebuild."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS emb (embedder TEXT, hash TEXT, dim INTEGER, vec BLOB, "
            "PRIMARY KEY (embedder, hash))"
        )

    def get_many(self, embedder: str, hashes: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT hash, dim, vec FROM emb WHERE embedder = ? AND hash IN ({marks})", [embedder, *part]
            )
            for h, dim, blob in rows:
                vec = np.frombuffer(blob, dtype="float32")
                if vec.shape[0] == dim:
                    out[h] = vec
        return out

    def put_many(self, embedder: str, items: dict[str, np.ndarray]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?, ?, ?)",
                [(embedder, h, int(v.shape[0]), v.astype("float32").tobytes()) for h, v in items.items()],
            )

    def close(self) -> None:
        self.db.close()
