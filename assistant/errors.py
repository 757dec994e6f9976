"""Errors the CLI turns into one-line messages (see assistant.cli.app.main)."""

from __future__ import annotations


class AssistantError(Exception):
    """An expected failure with a message meant for the user. exit_code is the CLI's exit status."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(AssistantError):
    """The user asked for something malformed (bad argument, empty query)."""

    exit_code = 2


class InputError(AssistantError):
    """A file the user gave cannot be read or understood."""

    exit_code = 3


class IndexError_(AssistantError):
    """The index is missing, corrupt or was built with another embedder."""

    exit_code = 4


class BackendError(AssistantError):
    """The language-model endpoint failed (auth, model, network) after retries."""

    exit_code = 5


class CheckFailed(AssistantError):
    """--strict and the draft still has problems."""

    exit_code = 6


class Interrupted(AssistantError):
    """Ctrl-C: the message says what was kept (the previous index, the partial draft's path)."""

    exit_code = 130
