"""What every chat backend returns and promises, plus a scripted backend for unit tests of callers."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from assistant.errors import BackendError

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


class ScriptedBackend:
    """Replays queued texts (then `responder(messages)`, if given) and records every call.

    Streams in small pieces so callers' on_delta paths run too."""

    name = "scripted"

    def __init__(
        self,
        *replies: str,
        responder: Callable[[Messages], str] | None = None,
        model: str = "scripted",
        chunk: int = 4,
    ) -> None:
        self.model = model
        self.replies: deque[str] = deque(replies)
        self.responder = responder
        self.calls: list[Messages] = []
        self.temperatures: list[float | None] = []
        self._chunk = max(1, chunk)

    def queue(self, *texts: str) -> None:
        self.replies.extend(texts)

    def complete(
        self,
        messages: Messages,
        *,
        stream: bool = True,
        on_delta: DeltaCallback | None = None,
        temperature: float | None = None,
    ) -> Completion:
        self.calls.append([dict(m) for m in messages])
        self.temperatures.append(temperature)
        if self.replies:
            text = self.replies.popleft()
        elif self.responder is not None:
            text = self.responder(messages)
        else:
            raise BackendError("ScriptedBackend has no reply queued for this call")
        if on_delta is not None:
            step = self._chunk if stream else max(1, len(text))
            for i in range(0, len(text), step):
                on_delta(text[i : i + step])
        return Completion(text=text, model=self.model, usage={}, finish_reason="stop")
