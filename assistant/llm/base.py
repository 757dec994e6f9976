"""What every chat backend returns and promises."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

Messages = list[dict[str, str]]
DeltaCallback = Callable[[str], None]


def one_line(text: str) -> str:
    """Whitespace (newlines of a server's error page included) collapsed: messages are one line."""
    return " ".join(text.split())


@dataclass
class Completion:
    text: str
    model: str
    usage: dict[str, int] = field(default_factory=dict)
    finish_reason: str | None = None
    # True when the user pressed Ctrl-C mid-stream: text is what arrived before that.
    interrupted: bool = False
    elapsed: float = 0.0


class ChatBackend(Protocol):
    name: str
    model: str

    def complete(
        self,
        messages: Messages,
        *,
        stream: bool = True,
        on_delta: DeltaCallback | None = None,
        temperature: float | None = None,
    ) -> Completion: ...
