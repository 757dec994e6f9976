"""`assistant config …`: the language-model endpoint, saved in the user's config file (mode 600)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from assistant.cli.common import App

app = App(help="Configure the language-model endpoint.")


@app.command("set")
def set_(
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1"),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", help="API key; omit to be asked for it without echo (- reads stdin)."),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=1, help="Seconds to wait for the endpoint.")
    ] = None,
    ask_key: Annotated[bool, typer.Option("--ask-key", help="Prompt for the API key without echo.")] = False,
) -> None:
    """Save endpoint settings to the config file (written with mode 600)."""
    from assistant.errors import UsageError
    from assistant.llm import save_settings

    if api_key == "-":
        api_key = sys.stdin.readline().strip() or None
    elif ask_key:
        import getpass

        api_key = getpass.getpass("API key: ").strip() or None
    if not any(v is not None for v in (base_url, api_key, model, timeout)):
        raise UsageError("nothing to set: give --base-url, --api-key, --ask-key, --model or --timeout")
    path = save_settings(base_url=base_url, api_key=api_key, model=model, timeout=timeout)
    print(f"saved to {path} (mode 600)", file=sys.stderr)


@app.command("show")
def show() -> None:
    """The settings in effect (flags aside) and where each comes from; the key is never shown."""
    from assistant.llm import resolve_settings
    from assistant.paths import config_file

    s = resolve_settings()
    print(f"config file: {config_file()}{'' if config_file().exists() else ' (none)'}")
    print(f"base_url:    {s.base_url or '(not set: drafting is offline)'}")
    print(f"model:       {s.model or '(not set: the endpoint’s only model, if it has one)'}")
    print(f"api_key:     {'set (hidden)' if s.api_key else 'not set'}")
    print(f"timeout:     {s.timeout:g}s, retries: {s.max_retries}")


@app.command("models")
def models() -> None:
    """Ask the configured endpoint which models it serves (checks the endpoint and the key)."""
    from assistant.llm import resolve_settings
    from assistant.llm.openai_backend import OpenAIBackend

    for name in OpenAIBackend(resolve_settings()).list_models():
        print(name)
