"""What a drafting job is run with, from the user's options: the retriever (the example index) and
the backend options the CLI and the chat pass to `assistant.llm.make_backend`. The job itself is
draft/service.py. Core code: no typer here."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import IndexError_

if TYPE_CHECKING:
    from assistant.index.search import Searcher
    from assistant.llm.base import ChatBackend


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

    def backend(self) -> ChatBackend | None:
        """The backend these options name (None: offline, or no endpoint configured)."""
        from assistant.llm import make_backend

        return make_backend(
            offline=self.offline,
            base_url=self.base_url,
            api_key=self.api_key,
            model=self.model,
            timeout=self.timeout,
        )


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def open_searcher(index: Path | None, embedder: str | None, *, build_default: bool = True) -> Searcher | None:
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
