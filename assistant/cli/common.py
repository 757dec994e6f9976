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

# The language-model endpoint, shared by `draft` and `chat`.
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (or OPENAI_BASE_URL).")]
ApiKeyOpt = Annotated[str | None, typer.Option("--api-key", help="API key (or OPENAI_API_KEY, or the config file).")]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model name (or ASSISTANT_MODEL).")]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", help="Seconds to wait for the endpoint.")]


def index_dir(index: Path | None) -> Path:
    from assistant.paths import default_index_dir

    return index if index is not None else default_index_dir()
