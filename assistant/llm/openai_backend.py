"""Chat Completions through the official `openai` client, with our own retry policy.

The client's built-in retries are off (max_retries=0) because a retried *stream* would replay text
the user already saw; we only retry while nothing has been received."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from typing import Any

from assistant import paths
from assistant.errors import BackendError
from assistant.llm.base import Completion, DeltaCallback, Messages
from assistant.llm.settings import LLMSettings, redact


class StreamInterrupted(BackendError):
    """The stream broke after some text arrived; `partial` holds that text (never retried)."""

    def __init__(self, message: str, *, partial: str) -> None:
        super().__init__(message)
        self.partial = partial


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        settings: LLMSettings,
        *,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        retry_after_cap: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import openai

        if not settings.configured:
            raise BackendError(
                "no LLM endpoint configured: pass --base-url (and --api-key if it needs one), "
                f"set OPENAI_BASE_URL / OPENAI_API_KEY, or put base_url / api_key in {paths.config_file()}"
            )
        self.settings = settings
        self.model = settings.model or ""  # resolved from /models on first use when unset
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.retry_after_cap = retry_after_cap
        self._sleep = sleep
        self._openai = openai
        self._client: Any = openai.OpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key or "not-needed",  # local servers ignore it; the client insists
            timeout=settings.timeout,
            max_retries=0,
        )
        # openai>=2 wraps transport errors raised mid-stream; 1.x lets httpx's through unwrapped.
        transport: list[type[BaseException]] = [openai.APIConnectionError]
        for mod in ("httpx2", "httpx"):
            err = getattr(sys.modules.get(mod), "TransportError", None)
            if isinstance(err, type) and issubclass(err, BaseException):
                transport.append(err)
        self._transport = tuple(transport)
        self._errors: tuple[type[BaseException], ...] = (openai.APIError, *transport)

    @property
    def endpoint(self) -> str:
        return str(self._client.base_url).rstrip("/")

    # -- public -------------------------------------------------------------------------------

    def list_models(self) -> list[str]:
        try:
            return [m.id for m in self._client.models.list()]
        except self._errors as exc:
            raise self._translate(exc, attempts=1) from None

    def complete(
        self,
        messages: Messages,
        *,
        stream: bool = True,
        on_delta: DeltaCallback | None = None,
        temperature: float | None = None,
    ) -> Completion:
        start = time.monotonic()
        received: list[str] = []  # shared with _attempt so Ctrl-C can return what arrived
        try:
            self._ensure_model()
            for attempt in range(self.settings.max_retries + 1):
                try:
                    done = self._attempt(messages, stream, on_delta, temperature, received)
                    done.elapsed = time.monotonic() - start
                    return done
                except StreamInterrupted:
                    raise
                except self._errors as exc:
                    if attempt >= self.settings.max_retries or not self._retryable(exc):
                        raise self._translate(exc, attempts=attempt + 1) from None
                    self._sleep(self._delay(exc, attempt))
            raise AssertionError("unreachable")
        except KeyboardInterrupt:
            if not stream:
                raise
            return Completion(
                text="".join(received),
                model=self.model,
                usage={},
                finish_reason=None,
                interrupted=True,
                elapsed=time.monotonic() - start,
            )

    # -- internals ----------------------------------------------------------------------------

    def _ensure_model(self) -> None:
        if self.model:
            return
        models = self.list_models()
        # A local server (llama.cpp, vLLM, Ollama with one model) usually serves exactly one.
        if len(models) == 1:
            self.model = models[0]
            return
        offered = f" (the endpoint offers: {', '.join(models[:10])})" if models else ""
        raise BackendError(f"no model set: pass --model or set ASSISTANT_MODEL{offered}")

    def _attempt(
        self,
        messages: Messages,
        stream: bool,
        on_delta: DeltaCallback | None,
        temperature: float | None,
        received: list[str],
    ) -> Completion:
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "stream": stream}
        if temperature is not None:
            kwargs["temperature"] = temperature
        if not stream:
            resp = self._client.chat.completions.create(**kwargs)
            choice = resp.choices[0] if resp.choices else None
            text = (choice.message.content if choice else None) or ""
            if on_delta is not None and text:
                on_delta(text)
            return Completion(
                text=text,
                model=resp.model or self.model,
                usage=_usage(resp.usage),
                finish_reason=choice.finish_reason if choice else None,
            )

        chunks = self._client.chat.completions.create(**kwargs)
        model, usage, finish = self.model, {}, None
        try:
            for chunk in chunks:
                model = chunk.model or model
                if chunk.usage is not None:  # servers that report usage put it on the last chunk
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    if choice.delta is not None and choice.delta.content:
                        received.append(choice.delta.content)
                        if on_delta is not None:
                            on_delta(choice.delta.content)
                    finish = choice.finish_reason or finish
        except self._errors as exc:
            if not received:
                raise  # nothing shown yet, so a retry cannot duplicate text
            partial = "".join(received)
            raise StreamInterrupted(
                f"the stream from {self.endpoint} broke after {len(partial)} characters "
                f"({self._describe(exc)}); the partial text was kept",
                partial=partial,
            ) from None
        finally:
            chunks.close()
        return Completion(text="".join(received), model=model, usage=usage, finish_reason=finish)

    def _retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, self._openai.APIStatusError):
            return exc.status_code in (408, 429) or exc.status_code >= 500
        return isinstance(exc, self._transport)

    def _delay(self, exc: BaseException, attempt: int) -> float:
        after = _retry_after(exc)
        if after is not None:
            return min(after, self.retry_after_cap)
        # Jitter keeps parallel clients from retrying in lockstep against a struggling server.
        return min(self.backoff_cap, self.backoff_base * 2**attempt) * random.uniform(0.5, 1.0)

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, self._openai.APITimeoutError) or "timeout" in type(exc).__name__.lower():
            return f"timed out after {self.settings.timeout:g} s"
        cause = exc.__cause__ or exc.__context__
        detail = str(cause or exc) or type(cause or exc).__name__
        return redact(detail, self.settings)

    def _translate(self, exc: BaseException, *, attempts: int) -> BackendError:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        o = self._openai
        if isinstance(exc, o.APIStatusError):
            status = exc.status_code
            said = _server_message(exc)
            said_part = f": {said}" if said else ""
            if status in (401, 403):
                msg = (
                    f"the endpoint rejected the API key ({status}){said_part}. Set the key with --api-key, "
                    f"OPENAI_API_KEY (or ASSISTANT_API_KEY), or api_key in {paths.config_file()} (chmod 600)"
                )
            elif status == 404:
                msg = (
                    f"model {self.model!r} was not found at {self.endpoint} (404){said_part}. "
                    "Choose another with --model or ASSISTANT_MODEL"
                )
                if "model" not in said.lower():
                    msg += "; also check base_url (most servers want it to end in /v1)"
            elif status == 429:
                msg = f"the endpoint is rate-limiting requests (429){tries}{said_part}"
            elif status >= 500:
                msg = f"the endpoint had a server error (HTTP {status}){tries}{said_part}"
            else:
                msg = f"the endpoint refused the request (HTTP {status}){said_part}"
        elif isinstance(exc, o.APITimeoutError) or "timeout" in type(exc).__name__.lower():
            msg = (
                f"the endpoint {self.endpoint} did not answer within the {self.settings.timeout:g} s "
                f"timeout{tries}; raise the timeout or check the server"
            )
        elif isinstance(exc, self._transport):
            msg = f"cannot reach the endpoint {self.endpoint}{tries} ({self._describe(exc)})"
        else:
            msg = f"the endpoint reported an error: {getattr(exc, 'message', None) or exc}"
        return BackendError(redact(msg, self.settings))


def _usage(usage: Any) -> dict[str, int]:
    if usage is None:
        return {}
    keys = ("prompt_tokens", "completion_tokens", "total_tokens")
    return {k: int(v) for k in keys if isinstance(v := getattr(usage, k, None), int)}


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail") or ""
        return str(message).strip()[:300]
    if isinstance(body, str):
        return body.strip()[:300]
    return ""


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    raw = response.headers.get("retry-after") if response is not None else None
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:  # an HTTP date: rare enough to fall back to our own backoff
        return None
    return seconds if seconds is not None and seconds >= 0 else None
