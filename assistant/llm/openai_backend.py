"""Chat Completions through the official `openai` client, with our own retry policy.

The client's built-in retries are off (max_retries=0) because a retried *stream* would replay text
the user already saw; we only retry while nothing has been received."""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from typing import Any

from assistant import paths
from assistant.errors import BackendError
from assistant.i18n import _
from assistant.llm.base import Completion, DeltaCallback, Messages, one_line
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
                _(
                    "没有配置模型接口：请用 --base-url 指定（需要密钥时加 --api-key），或设置 OPENAI_BASE_URL / "
                    "OPENAI_API_KEY，或在 {path} 中写入 base_url / api_key",
                    path=paths.config_file(),
                )
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
        return redact(str(self._client.base_url).rstrip("/"), self.settings)

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
        offered = _("（接口提供：{models}）", models="、".join(models[:10])) if models else ""
        raise BackendError(_("没有指定模型：请用 --model 或 ASSISTANT_MODEL 指定{offered}", offered=offered))

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
                one_line(
                    _(
                        "接口 {endpoint} 的输出在 {count} 个字符后中断（{reason}），已收到的部分已保留",
                        endpoint=self.endpoint,
                        count=len(partial),
                        reason=self._describe(exc),
                    )
                ),
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
        """What went wrong on the wire, in a few words of the user's language, redacted."""
        if _is_timeout(exc, self._openai):
            return _("{seconds} 秒内没有收到新内容", seconds=f"{self.settings.timeout:g}")
        cause = exc.__cause__ or exc.__context__
        detail = one_line(str(cause or exc) or type(cause or exc).__name__)
        lowered = detail.lower()
        if "refused" in lowered:
            return _("连接被拒绝")
        if any(s in lowered for s in ("name or service not known", "nodename nor servname", "getaddrinfo")):
            return _("找不到这个主机名")
        if "reset" in lowered:
            return _("连接被对方重置")
        if "peer closed" in lowered or "incomplete chunked" in lowered:
            return _("服务器没发完就断开了连接")
        return redact(detail, self.settings)

    def _translate(self, exc: BaseException, *, attempts: int) -> BackendError:
        msg = self._explain(exc, attempts)
        return BackendError(one_line(redact(msg, self.settings)))

    def _explain(self, exc: BaseException, attempts: int) -> str:
        tries = _("，已尝试 {attempts} 次", attempts=attempts) if attempts > 1 else ""
        o = self._openai
        if isinstance(exc, o.APIStatusError):
            return self._explain_status(exc.status_code, _server_message(exc), tries)
        if _is_timeout(exc, o):
            return _(
                "接口 {endpoint} 在 {seconds} 秒内没有响应{tries}。请用 --timeout 调大等待时间，或检查服务器是否过载",
                endpoint=self.endpoint,
                seconds=f"{self.settings.timeout:g}",
                tries=tries,
            )
        if isinstance(exc, self._transport):
            return _(
                "连不上接口 {endpoint}（{reason}）{tries}。请检查地址和端口是否正确、服务是否已启动",
                endpoint=self.endpoint,
                reason=self._describe(exc),
                tries=tries,
            )
        return _("接口报错：{detail}", detail=getattr(exc, "message", None) or exc)

    def _explain_status(self, status: int, said: str, tries: str) -> str:
        said_part = _("，接口说：{said}", said=said) if said else ""
        if status == 403:
            return _(
                "接口拒绝访问（HTTP 403{said}）：这个 API 密钥可能无权使用模型“{model}”。"
                "请用 --api-key 换一个密钥，或用 --model 换一个模型",
                said=said_part,
                model=self.model,
            )
        if status == 401:
            return _(
                "接口拒绝了 API 密钥（HTTP {status}{said}）。请用 --api-key、OPENAI_API_KEY（或 ASSISTANT_API_KEY）"
                "或 {path} 中的 api_key 设置正确的密钥（该文件须为 chmod 600）",
                status=status,
                said=said_part,
                path=paths.config_file(),
            )
        if status == 404:
            hint = "" if "model" in said.lower() else _("；另请检查 base_url（多数服务要求以 /v1 结尾）")
            return _(
                "接口 {endpoint} 上找不到模型“{model}”（HTTP 404{said}）。请用 --model 或 ASSISTANT_MODEL "
                "换一个模型（`assistant config models` 列出接口提供的模型）{hint}",
                endpoint=self.endpoint,
                model=self.model,
                said=said_part,
                hint=hint,
            )
        if status == 429:
            return _(
                "接口限流，请求过于频繁（HTTP 429{tries}{said}）。请稍后再试，或在配置文件中调大 max_retries",
                tries=tries,
                said=said_part,
            )
        if status >= 500:
            return _(
                "接口服务器出错（HTTP {status}{tries}{said}）。请稍后再试，或检查服务器日志",
                status=status,
                tries=tries,
                said=said_part,
            )
        if status == 408:
            return _(
                "接口等待请求超时（HTTP 408{tries}{said}）。请稍后再试，或检查网络",
                tries=tries,
                said=said_part,
            )
        return _(
            "接口拒绝了请求（HTTP {status}{tries}{said}）",
            status=status,
            tries=tries,
            said=said_part,
        )


def _usage(usage: Any) -> dict[str, int]:
    if usage is None:
        return {}
    keys = ("prompt_tokens", "completion_tokens", "total_tokens")
    return {k: int(v) for k in keys if isinstance(v := getattr(usage, k, None), int)}


_HTML_TAG = re.compile(r"<[^>]*>")


def _is_timeout(exc: BaseException, openai: Any) -> bool:
    return isinstance(exc, openai.APITimeoutError) or "timeout" in type(exc).__name__.lower()


def _server_message(exc: Any) -> str:
    """What the server said about the error, on one line (servers send HTML pages and tracebacks)."""
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        message = body.get("message") or body.get("detail") or ""
    elif isinstance(body, str):
        message = _HTML_TAG.sub(" ", body)  # a proxy's error page: <html><title>502 Bad Gateway…
    else:
        return ""
    return _clip(one_line(str(message)), 300)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    raw = response.headers.get("retry-after") if response is not None else None
    try:
        seconds = float(raw) if raw is not None else None
    except ValueError:  # an HTTP date: rare enough to fall back to our own backoff
        return None
    return seconds if seconds is not None and seconds >= 0 else None
