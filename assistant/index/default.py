"""The per-user default index: one per user (assistant.paths.user_index_dir), whatever folder a
command runs in, seeded with the bundled example reports the first time something needs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.i18n import _
from assistant.index.store import BuildReport, IndexStore


def bundled_reports() -> Path:
    from assistant.paths import examples_dir

    return examples_dir() / "reports"


def seed_paths(store: IndexStore, index: Path | None, paths: list[Path]) -> list[Path]:
    """paths, plus the bundled examples when they go into a per-user default index not built yet."""
    from assistant.paths import is_user_index

    if is_user_index(index) and not store.exists():
        return [bundled_reports(), *paths]
    return paths


def ensure_default_index(
    index: Path | None,
    embedder: str | None,
    say: Callable[[str], None],
    *,
    progress: Callable[[int], None] | None = None,
) -> tuple[IndexStore, BuildReport | None]:
    """The store for index (None: the default). The per-user default index, when missing, is built
    from the bundled examples first, saying so in one line; an index named by --index or
    ASSISTANT_INDEX is never built here."""
    from assistant.paths import default_index_dir, is_user_index

    store = IndexStore(index if index is not None else default_index_dir())
    if not is_user_index(index) or store.exists():
        return store, None
    src = bundled_reports()
    say(
        _(
            "首次使用：正在用自带范文（{src}）建立你的默认索引 {root}，只需这一次……",
            src=src,
            root=store.root,
        )
    )
    return store, store.build([src], embedder=embedder, progress=progress)
