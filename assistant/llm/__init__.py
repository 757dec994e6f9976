"""Language-model backends. Importing this package does not import `openai`."""

from __future__ import annotations

from assistant.llm.base import ChatBackend, Completion
from assistant.llm.settings import LLMSettings, redact, resolve_settings, save_settings

__all__ = [
    "ChatBackend",
    "Completion",
    "LLMSettings",
    "make_backend",
    "redact",
    "resolve_settings",
    "save_settings",
]


def make_backend(
    *,
    offline: bool = False,
    base_url: str | None = None,
    api_key: str | None = None,
    model: str | None = None,
    timeout: float | None = None,
) -> ChatBackend | None:
    """The one backend factory: the OpenAI-compatible backend for the endpoint the flags, the
    environment or the saved config name; None (draft offline) with `offline` or no endpoint."""
    if offline:
        return None
    settings = resolve_settings(base_url=base_url, api_key=api_key, model=model, timeout=timeout)
    if not settings.configured:
        return None
    from assistant.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(settings)
