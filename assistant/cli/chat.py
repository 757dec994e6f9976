"""`assistant chat`: iterate on a draft in conversation (the loop itself is in assistant.chat)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import ApiKeyOpt, BaseUrlOpt, EmbedderOpt, IndexOpt, ModelOpt, TimeoutOpt
from assistant.cli.draft import OutlineOpt


def chat(
    facts: Annotated[
        Path | None, typer.Argument(help="Facts file for a new session (.md, .txt or .docx).")
    ] = None,
    outline: OutlineOpt = None,
    session: Annotated[
        str | None, typer.Option("--session", "-s", help="Resume this named session (created if new).")
    ] = None,
    resume: Annotated[bool, typer.Option("--continue", "-c", help="Resume the last session.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="No model: offline drafting, facts, outline, check.")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="List the saved sessions and exit.")] = False,
    budget: Annotated[
        int, typer.Option("--budget", min=500, help="Token budget of a revision request.")
    ] = 6000,
    index: IndexOpt = None,
    embedder: EmbedderOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    model: ModelOpt = None,
    timeout: TimeoutOpt = None,
) -> None:
    """Work on a draft in conversation: add facts, draft, revise sections by instruction, undo, save.

    Every turn and version is saved as you go; --continue (or --session NAME) picks up where you left."""
    from assistant.chat.repl import main
    from assistant.chat.session import ChatOptions

    opts = ChatOptions(
        facts=facts,
        outline=outline,
        session=session,
        resume=resume,
        offline=offline,
        index=index,
        embedder=embedder,
        base_url=base_url,
        api_key=api_key,
        model=model,
        timeout=timeout,
        budget=budget,
    )
    main(opts, list_sessions=list_)
