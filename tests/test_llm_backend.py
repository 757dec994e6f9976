"""The OpenAI backend driven through the real `openai` client against a real local HTTP server."""

from __future__ import annotations

import os
import stat
import time

import pytest
import yaml

from assistant import paths
from assistant.errors import AssistantError, BackendError
from assistant.llm import Completion, LLMSettings, ScriptedBackend, redact, resolve_settings, save_settings
from assistant.llm.openai_backend import OpenAIBackend, StreamInterrupted

KEY = "sk-test-SECRET123"
MESSAGES = [{"role": "system", "content": "你是助手"}, {"role": "user", "content": "写一段总结"}]


def backend(server, *, timeout: float = 5.0, max_retries: int = 2, key: str | None = KEY) -> OpenAIBackend:
    settings = LLMSettings(
        base_url=server.base_url, api_key=key, model="fake-model", timeout=timeout, max_retries=max_retries
    )
    return OpenAIBackend(settings, backoff_base=0.01)


# -- happy paths ----------------------------------------------------------------------------------


def test_non_streaming_reply(fake_llm):
    fake_llm.queue(reply="本季度完成了三个项目。")
    done = backend(fake_llm).complete(MESSAGES, stream=False)
    assert isinstance(done, Completion)
    assert done.text == "本季度完成了三个项目。"
    assert done.model == "fake-model"
    assert done.finish_reason == "stop"
    assert done.usage["completion_tokens"] == len(done.text)
    assert not done.interrupted and done.elapsed > 0


def test_streaming_reply_calls_on_delta_in_order(fake_llm):
    reply = "一、工作概述：本季度推进了数据平台迁移，完成率百分之九十。"
    fake_llm.queue(reply=reply)
    deltas: list[str] = []
    done = backend(fake_llm).complete(MESSAGES, on_delta=deltas.append, temperature=0.3)
    assert len(deltas) > 3
    assert "".join(deltas) == reply == done.text
    assert done.finish_reason == "stop"
    assert done.usage["total_tokens"] > 0  # taken from the last chunk


def test_request_carries_model_messages_and_key(fake_llm):
    backend(fake_llm).complete(MESSAGES, temperature=0.2)
    [req] = fake_llm.chat_requests
    assert req.body["model"] == "fake-model"
    assert req.body["messages"] == MESSAGES
    assert req.body["temperature"] == 0.2
    assert req.body["stream"] is True
    assert req.headers["authorization"] == f"Bearer {KEY}"


def test_responder_answers_when_queue_is_empty(fake_llm):
    fake_llm.responder = lambda body: "echo:" + body["messages"][-1]["content"]
    assert backend(fake_llm).complete(MESSAGES).text == "echo:写一段总结"


def test_model_is_taken_from_the_endpoint_when_it_serves_one(fake_llm):
    settings = LLMSettings(base_url=fake_llm.base_url, api_key=None, model=None)
    b = OpenAIBackend(settings)
    assert b.complete(MESSAGES, stream=False).text == "fake reply"
    assert b.model == "fake-model"
    assert fake_llm.chat_requests[0].headers["authorization"] == "Bearer not-needed"


def test_ctrl_c_mid_stream_returns_partial_text_marked_interrupted(fake_llm):
    fake_llm.queue(reply="abcdefghijklmnopqrstuvwxyz")
    seen: list[str] = []

    def on_delta(text: str) -> None:
        seen.append(text)
        if len(seen) == 2:
            raise KeyboardInterrupt

    done = backend(fake_llm).complete(MESSAGES, on_delta=on_delta)
    assert done.interrupted
    assert done.text == "".join(seen) and "abcdefghijklmnopqrstuvwxyz".startswith(done.text)


# -- errors -------------------------------------------------------------------------------------


def test_401_is_a_clear_error_without_the_key(fake_llm):
    fake_llm.queue(status=401)  # the fake server echoes the key in its error message
    b = backend(fake_llm)
    with pytest.raises(BackendError) as info:
        b.complete(MESSAGES)
    message = str(info.value)
    assert "401" in message and "接口拒绝了 API 密钥" in message and "OPENAI_API_KEY" in message
    assert "\n" not in message and message.endswith("（该文件须为 chmod 600）")
    assert "SECRET123" not in message
    assert "SECRET123" not in repr(b.settings)
    assert "api_key='***'" in repr(b.settings)
    assert len(fake_llm.chat_requests) == 1  # auth failures are not retried


def test_403_says_the_key_may_not_be_allowed_that_model(fake_llm):
    fake_llm.queue(status=403)
    with pytest.raises(BackendError) as info:
        backend(fake_llm).complete(MESSAGES)
    assert str(info.value) == (
        "接口拒绝访问（HTTP 403，接口说：You are not allowed to use this model）：这个 API 密钥可能无权使用"
        "模型“fake-model”。请用 --api-key 换一个密钥，或用 --model 换一个模型"
    )
    assert len(fake_llm.chat_requests) == 1


def test_404_names_the_model_and_the_fix(fake_llm):
    fake_llm.queue(status=404)
    with pytest.raises(BackendError, match="找不到模型“fake-model”") as info:
        backend(fake_llm).complete(MESSAGES)
    assert "--model" in str(info.value) and "ASSISTANT_MODEL" in str(info.value)
    assert "assistant config models" in str(info.value)
    assert "base_url" not in str(info.value)  # the server said "model", so the URL is not in doubt


def test_other_4xx_shows_status_and_server_message(fake_llm):
    fake_llm.queue(status=422, message="messages[0].content too long")
    with pytest.raises(BackendError, match=r"422.*too long"):
        backend(fake_llm).complete(MESSAGES)
    assert len(fake_llm.chat_requests) == 1


def test_429_honours_retry_after(fake_llm):
    fake_llm.queue(status=429, retry_after=1)
    fake_llm.queue(reply="ok")
    start = time.monotonic()
    assert backend(fake_llm).complete(MESSAGES).text == "ok"
    assert time.monotonic() - start >= 0.95
    assert len(fake_llm.chat_requests) == 2


def test_500_twice_then_success(fake_llm):
    fake_llm.queue(status=500)
    fake_llm.queue(status=503)
    fake_llm.queue(reply="recovered")
    assert backend(fake_llm, max_retries=2).complete(MESSAGES, stream=False).text == "recovered"
    assert len(fake_llm.chat_requests) == 3


def test_persistent_500_gives_up_after_max_retries(fake_llm):
    fake_llm.responder = lambda body: "never used"
    for _ in range(5):
        fake_llm.queue(status=500)
    with pytest.raises(BackendError, match=r"HTTP 500，已尝试 3 次"):
        backend(fake_llm, max_retries=2).complete(MESSAGES)
    assert len(fake_llm.chat_requests) == 3


def test_stall_beyond_timeout_is_retried_then_reported(fake_llm):
    fake_llm.queue(stall=5)
    fake_llm.queue(stall=5)
    start = time.monotonic()
    with pytest.raises(BackendError, match=r"在 0\.5 秒内没有响应") as info:
        backend(fake_llm, timeout=0.5, max_retries=1).complete(MESSAGES)
    assert "已尝试 2 次" in str(info.value) and "--timeout" in str(info.value)
    assert len(fake_llm.chat_requests) == 2
    assert time.monotonic() - start < 4


def test_stall_once_then_success(fake_llm):
    fake_llm.queue(stall=5)
    fake_llm.queue(reply="second try")
    assert backend(fake_llm, timeout=0.5, max_retries=1).complete(MESSAGES).text == "second try"


def test_connection_refused_is_reported(fake_llm):
    url = fake_llm.base_url
    fake_llm.stop()
    settings = LLMSettings(base_url=url, api_key=KEY, model="m", timeout=1, max_retries=1)
    with pytest.raises(BackendError, match=r"连不上接口 .*（连接被拒绝），已尝试 2 次。请检查地址和端口"):
        OpenAIBackend(settings, backoff_base=0.01).complete(MESSAGES)


def test_credentials_in_the_url_never_reach_a_message():
    settings = LLMSettings(
        base_url="http://admin:pa55w0rd@127.0.0.1:9/v1", api_key=KEY, model="m", timeout=1, max_retries=0
    )
    b = OpenAIBackend(settings)
    assert b.endpoint == "http://***@127.0.0.1:9/v1"
    with pytest.raises(BackendError) as info:
        b.complete(MESSAGES)
    assert "连不上接口 http://***@127.0.0.1:9/v1（连接被拒绝）" in str(info.value)
    assert "pa55w0rd" not in str(info.value) and "admin" not in str(info.value)


def test_stream_cut_midway_raises_with_partial_prefix(fake_llm):
    reply = "第一部分内容。第二部分内容。第三部分内容。"
    fake_llm.queue(reply=reply, cut_after=3)
    fake_llm.queue(reply="must not be fetched")
    deltas: list[str] = []
    with pytest.raises(StreamInterrupted) as info:
        backend(fake_llm).complete(MESSAGES, on_delta=deltas.append)
    partial = info.value.partial
    assert partial and reply.startswith(partial) and partial != reply
    assert partial == "".join(deltas)
    assert len(fake_llm.chat_requests) == 1  # no silent retry that would repeat text
    assert isinstance(info.value, BackendError)
    assert str(info.value) == (
        f"接口 {fake_llm.base_url} 的输出在 {len(partial)} 个字符后中断（服务器没发完就断开了连接），已收到的部分已保留"
    )


def test_stream_hanging_midway_times_out_with_partial(fake_llm):
    fake_llm.queue(reply="abcdefghijklmnop", cut_after=2, stall=5)
    with pytest.raises(StreamInterrupted, match="0.5 秒内没有收到新内容") as info:
        backend(fake_llm, timeout=0.5).complete(MESSAGES)
    assert info.value.partial == "abcdef"


def test_408_is_retried_and_the_attempts_are_counted(fake_llm):
    for _ in range(3):
        fake_llm.queue(status=408, message="request timeout")
    with pytest.raises(BackendError) as info:
        backend(fake_llm, max_retries=2).complete(MESSAGES)
    assert len(fake_llm.chat_requests) == 3
    assert str(info.value).startswith("接口等待请求超时（HTTP 408，已尝试 3 次，接口说：request timeout）。")


def test_429_that_does_not_clear_says_so_with_the_attempts(fake_llm):
    for _ in range(2):
        fake_llm.queue(status=429)
    with pytest.raises(
        BackendError, match=r"^接口限流，请求过于频繁（HTTP 429，已尝试 2 次，接口说：Rate limit"
    ):
        backend(fake_llm, max_retries=1).complete(MESSAGES)


def test_a_server_error_page_over_several_lines_becomes_one_line_without_the_key(fake_llm):
    page = f'Traceback (most recent call last):\n  File "app.py", line 3\n    auth({KEY})\nValueError: boom\n'
    fake_llm.queue(status=500, message=page)
    with pytest.raises(BackendError) as info:
        backend(fake_llm, max_retries=0).complete(MESSAGES)
    message = str(info.value)
    assert "\n" not in message and "Traceback (most recent call last): File" in message
    assert "ValueError: boom" in message and "SECRET123" not in message
    assert message.startswith("接口服务器出错（HTTP 500，接口说：")  # one attempt: no count


def test_no_model_set_lists_what_the_endpoint_offers():
    from tests.fake_chat_server import FakeChatServer

    with FakeChatServer(models=("qwen2.5:14b", "deepseek-chat")) as server:
        b = OpenAIBackend(LLMSettings(base_url=server.base_url, api_key=None, model=None))
        with pytest.raises(BackendError) as info:
            b.complete(MESSAGES)
    assert (
        str(info.value)
        == "没有指定模型：请用 --model 或 ASSISTANT_MODEL 指定（接口提供：qwen2.5:14b、deepseek-chat）"
    )


def test_endpoint_errors_in_english_on_request(fake_llm, monkeypatch):
    monkeypatch.setenv("ASSISTANT_LANG", "en")
    fake_llm.queue(status=401)
    with pytest.raises(BackendError) as info:
        backend(fake_llm).complete(MESSAGES)
    message = str(info.value)
    assert message.startswith(
        "the endpoint rejected the API key (HTTP 401; the endpoint said: Incorrect API key"
    )
    assert "SECRET123" not in message
    fake_llm.queue(status=500)
    fake_llm.queue(status=500)
    with pytest.raises(BackendError, match=r"server error \(HTTP 500, after 2 attempts"):
        backend(fake_llm, max_retries=1).complete(MESSAGES)


def test_no_endpoint_configured():
    with pytest.raises(BackendError, match="没有配置模型接口"):
        OpenAIBackend(LLMSettings(base_url=None, api_key=None, model="m"))


# -- settings -------------------------------------------------------------------------------------


def write_config(data: dict, mode: int) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    os.chmod(path, mode)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_world_readable_config_with_key_is_refused():
    write_config({"api_key": KEY, "base_url": "http://x/v1"}, 0o644)
    with pytest.raises(AssistantError) as info:
        resolve_settings()
    assert f"chmod 600 {paths.config_file()}" in str(info.value)
    assert "SECRET123" not in str(info.value)
    # A key given elsewhere means the file's key is not used, so nothing to refuse.
    assert resolve_settings(api_key="sk-flag-xxxxxxxx").base_url == "http://x/v1"


def test_save_settings_writes_mode_600_and_round_trips():
    path = save_settings(base_url="http://h:1/v1", api_key=KEY, model="qwen", timeout=30)
    assert path == paths.config_file()
    if os.name != "nt":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    save_settings(model="qwen2")  # merges, keeps the rest
    s = resolve_settings()
    assert (s.base_url, s.api_key, s.model, s.timeout) == ("http://h:1/v1", KEY, "qwen2", 30.0)
    assert s.configured
    assert [p.name for p in path.parent.iterdir()] == ["config.yaml"]  # no temp file left


def test_env_beats_file_and_flags_beat_env(monkeypatch):
    save_settings(base_url="http://file/v1", model="file-model", api_key="sk-file-aaaaaaaa")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://env/v1")
    monkeypatch.setenv("ASSISTANT_MODEL", "env-model")
    s = resolve_settings()
    assert (s.base_url, s.model, s.api_key) == ("http://env/v1", "env-model", "sk-file-aaaaaaaa")
    monkeypatch.setenv("ASSISTANT_API_KEY", "sk-env-bbbbbbbb")
    s = resolve_settings(base_url="http://flag/v1", model="flag-model", timeout=5)
    assert (s.base_url, s.model, s.api_key, s.timeout) == (
        "http://flag/v1",
        "flag-model",
        "sk-env-bbbbbbbb",
        5.0,
    )


def test_unconfigured_by_default():
    s = resolve_settings()
    assert not s.configured and s.model is None and s.timeout == 60.0
    assert "api_key=None" in repr(s)


def test_redact_hides_key_and_key_like_tokens():
    s = LLMSettings(base_url=None, api_key="local-secret-token", model=None)
    out = redact("bad key local-secret-token and sk-abcdef123456 seen", s)
    assert "local-secret-token" not in out and "sk-abcdef123456" not in out
    assert redact("nothing here") == "nothing here"


def test_scripted_backend_replays_and_records():
    b = ScriptedBackend("one", responder=lambda messages: "two")
    deltas: list[str] = []
    assert b.complete(MESSAGES, on_delta=deltas.append).text == "one"
    assert b.complete(MESSAGES).text == "two"
    assert "".join(deltas) == "one" and b.calls == [MESSAGES, MESSAGES]
    with pytest.raises(BackendError):
        ScriptedBackend().complete(MESSAGES)


def test_a_proxy_error_page_in_html_becomes_one_readable_line():
    """Not every failure comes from the model server: a proxy in front answers with an HTML page."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    page = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

    class Proxy(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(502)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        settings = LLMSettings(base_url=url, api_key=KEY, model="m", timeout=5, max_retries=1)
        with pytest.raises(BackendError) as info:
            OpenAIBackend(settings, backoff_base=0.01).complete(MESSAGES)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert str(info.value) == (
        "接口服务器出错（HTTP 502，已尝试 2 次，接口说：502 Bad Gateway 502 Bad Gateway nginx）。"
        "请稍后再试，或检查服务器日志"
    )
