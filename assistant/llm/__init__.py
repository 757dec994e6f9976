"""Language-model backends. Importing this package does not import `openai`."""

from __future__ import annotations

from assistant.llm.base import ChatBackend, Completion, ScriptedBackend
from assistant.llm.settings import LLMSettings, redact, resolve_settings, save_settings

__all__ = [
    "ChatBackend",
    "Completion",
    "LLMSettings",
    "ScriptedBackend",
    "make_backend",
    "redact",
    "resolve_settings",
    "save_settings",
]


def make_backend(settings: LLMSettings | None = None) -> ChatBackend:
    """The OpenAI-compatible backend for `settings` (resolved from flags/env/config when None)."""
    from assistant.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(settings or resolve_settings())
