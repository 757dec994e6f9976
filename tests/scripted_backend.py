"""A ChatBackend double for tests of callers that need no HTTP: it replays queued texts (then
`responder(messages)`, if given) and records every call. Tests of the backend itself, and of
anything that talks to an endpoint, use the real local server in fake_chat_server.py instead.

Streams in small pieces so callers' on_delta paths run too."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from assistant.errors import BackendError
from assistant.llm.base import Completion, DeltaCallback, Messages


class ScriptedBackend:
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
