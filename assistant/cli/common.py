"""Options shared by several command groups."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

IndexOpt = Annotated[
    Path | None,
    typer.Option("--index", help="Index folder (default: $ASSISTANT_INDEX or ./index).", show_default=False),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option("--embedder", help="e5-small (default, bundled), none (lexical only), or st:<model or path>."),
]


def index_dir(index: Path | None) -> Path:
    from assistant.paths import default_index_dir

    return index if index is not None else default_index_dir()
