"""A real HTTP server speaking the OpenAI Chat Completions API, scripted per request.

    server = FakeChatServer().start()
    server.queue(reply="你好")                 # next request gets this text
    server.queue(status=429, retry_after=1)    # then a rate limit with Retry-After: 1
    server.queue(stall=5)                      # then 5 s of silence before answering
    server.queue(reply="abcdef", cut_after=2)  # stream 2 chunks, then drop the connection
    server.queue(reply="abcdef", cut_after=2, stall=5)  # 2 chunks, then hang 5 s, then drop
    server.responder = lambda body: "..."      # answers whenever the queue is empty
    server.requests                            # every request: method, path, headers, body

Streaming uses chunked transfer-encoding, so a dropped connection is a protocol error the client
notices (with a plain close-delimited body it would look like a normal end of stream)."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Script:
    reply: str | None = None
    status: int = 200
    retry_after: float | None = None
    stall: float = 0.0
    cut_after: int | None = None
    message: str | None = None
    finish_reason: str = "stop"


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any = None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))


@dataclass
class FakeChatServer:
    models: tuple[str, ...] = ("fake-model",)
    chunk_size: int = 3
    chunk_delay: float = 0.002
    responder: Callable[[dict[str, Any]], str] = field(default=lambda body: "fake reply")
    requests: list[RecordedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._scripts: deque[Script] = deque()
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # wakes stalled handlers at shutdown
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ----------------------------------------------------------------------------

    def queue(
        self,
        reply: str | None = None,
        *,
        status: int = 200,
        retry_after: float | None = None,
        stall: float = 0.0,
        cut_after: int | None = None,
        message: str | None = None,
        finish_reason: str = "stop",
    ) -> None:
        with self._lock:
            self._scripts.append(Script(reply, status, retry_after, stall, cut_after, message, finish_reason))

    def next_script(self, body: dict[str, Any]) -> Script:
        with self._lock:
            script = self._scripts.popleft() if self._scripts else None
        if script is None:
            script = Script(reply=self.responder(body))
        elif script.status == 200 and script.reply is None:
            script.reply = self.responder(body)
        return script

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def pending(self) -> int:
        return len(self._scripts)

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> FakeChatServer:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.05,), name="fake-chat", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeChatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients drop keep-alive connections and abandon timed-out requests all the time.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


_DEFAULT_ERRORS = {
    400: ("invalid_request_error", "Bad request"),
    401: ("invalid_request_error", "Incorrect API key provided: {token}"),  # echoes it, as some servers do
    403: ("permission_error", "You are not allowed to use this model"),
    404: ("invalid_request_error", "The model `{model}` does not exist"),
    429: ("rate_limit_error", "Rate limit reached, please retry later"),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeChatServer

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def _record(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.fake.requests.append(RecordedRequest(self.command, self.path, headers, body))

    def do_GET(self) -> None:
        self._record(None)
        if self.path.rstrip("/").endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.fake.models]
            self._json(200, {"object": "list", "data": data})
        else:
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions") or not isinstance(body, dict):
            self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        script = self.fake.next_script(body)
        try:
            self._answer(script, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout); nothing to do

    def _answer(self, script: Script, body: dict[str, Any]) -> None:
        if script.stall and script.cut_after is None and self.fake.stopping.wait(script.stall):
            self.close_connection = True
            return
        model = str(body.get("model") or "")
        if script.status != 200:
            kind, template = _DEFAULT_ERRORS.get(script.status, ("server_error", "Internal server error"))
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            message = script.message or template.format(token=token, model=model)
            code = "model_not_found" if script.status == 404 else None
            extra = {"Retry-After": f"{script.retry_after:g}"} if script.retry_after is not None else {}
            self._json(script.status, {"error": {"message": message, "type": kind, "code": code}}, extra)
            return
        reply = script.reply or ""
        prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
        usage = {
            "prompt_tokens": prompt,
            "completion_tokens": len(reply),
            "total_tokens": prompt + len(reply),
        }
        if body.get("stream"):
            self._stream(script, reply, model, usage)
            return
        self._json(
            200,
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply},
                        "finish_reason": script.finish_reason,
                    }
                ],
                "usage": usage,
            },
        )

    def _stream(self, script: Script, reply: str, model: str, usage: dict[str, int]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(delta: dict[str, str], finish: str | None = None, **extra: Any) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "finish_reason": finish}
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [choice],
                **extra,
            }

        self._event(chunk({"role": "assistant", "content": ""}))
        size = max(1, self.fake.chunk_size)
        pieces = [reply[i : i + size] for i in range(0, len(reply), size)]
        for n, piece in enumerate(pieces):
            if script.cut_after is not None and n >= script.cut_after:
                if script.stall:
                    self.fake.stopping.wait(script.stall)
                # No terminating zero-length chunk: the client sees a truncated body.
                self.close_connection = True
                return
            self._event(chunk({"content": piece}))
            time.sleep(self.fake.chunk_delay)
        # Like llama.cpp and vLLM, report usage on the last chunk without being asked.
        self._event(chunk({}, script.finish_reason, usage=usage))
        self._send_chunk(b"data: [DONE]\n\n")
        self._send_chunk(b"")

    def _event(self, payload: dict[str, Any]) -> None:
        self._send_chunk(b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n")

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
