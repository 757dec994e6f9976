"""`assistant config`: settings saved mode 600, the key never printed, models listed from the endpoint."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def run(args: list[str], home: Path, stdin: str = "", **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(home)
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_set_show_and_models(tmp_path: Path, fake_llm: Any) -> None:
    res = run(
        ["config", "set", "--base-url", fake_llm.base_url, "--model", "fake-model", "--api-key", "-"],
        tmp_path,
        "sk-test-HIDDEN42\n",
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip() == f"已保存到 {tmp_path / 'config.yaml'}（权限 600）"
    cfg = tmp_path / "config.yaml"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600 and "sk-test-HIDDEN42" in cfg.read_text("utf-8")
    shown = run(["config", "show"], tmp_path)
    assert "已设置，不显示（来自配置文件）" in shown.stdout and "HIDDEN42" not in shown.stdout + shown.stderr
    assert (
        f"{fake_llm.base_url}（来自配置文件）" in shown.stdout
        and "fake-model（来自配置文件）" in shown.stdout
    )
    listed = run(["config", "models"], tmp_path)
    assert listed.returncode == 0 and listed.stdout == "fake-model\n"
    assert fake_llm.requests[-1].headers["authorization"] == "Bearer sk-test-HIDDEN42"
    as_json = run(["config", "models", "--json"], tmp_path)
    assert json.loads(as_json.stdout) == {"endpoint": fake_llm.base_url, "models": ["fake-model"]}
    empty = run(["config", "set"], tmp_path)
    assert empty.returncode == 2 and empty.stderr.startswith("错误：没有要保存的设置：")


def test_show_json_says_whether_a_key_is_set_never_the_key(tmp_path: Path) -> None:
    key = "sk-test-JSONSECRET9"
    url = "http://user:pa55word@127.0.0.1:9/v1"
    assert run(["config", "set", "--base-url", url, "--api-key", "-"], tmp_path, key + "\n").returncode == 0
    res = run(["config", "show", "--json"], tmp_path, ASSISTANT_MODEL="qwen2.5:14b")
    assert res.returncode == 0 and res.stderr == ""
    data = json.loads(res.stdout)
    assert data["api_key_set"] is True and data["model"] == "qwen2.5:14b" and not data["offline"]
    assert data["base_url"] == "http://***@127.0.0.1:9/v1"
    assert data["sources"] == {
        "base_url": "file",
        "api_key": "file",
        "model": "ASSISTANT_MODEL",
        "timeout": None,
        "max_retries": None,
    }
    assert data["config_file"] == str(tmp_path / "config.yaml") and data["config_file_exists"]
    text = run(["config", "show"], tmp_path, ASSISTANT_MODEL="qwen2.5:14b")
    for out in (res.stdout, text.stdout + text.stderr):
        assert "JSONSECRET9" not in out and "pa55word" not in out
    assert "qwen2.5:14b（来自环境变量 ASSISTANT_MODEL）" in text.stdout


def test_show_with_nothing_configured_in_chinese_and_in_english(tmp_path: Path) -> None:
    zh = run(["config", "show"], tmp_path)
    assert zh.returncode == 0
    lines = zh.stdout.splitlines()
    assert lines[0] == f"配置文件  {tmp_path / 'config.yaml'}（不存在）"
    assert "接口地址  未设置：离线起草" in lines and "API 密钥  未设置" in lines
    assert "超时      60 秒，失败重试 4 次" in lines
    en = run(["config", "show"], tmp_path, ASSISTANT_LANG="en")
    assert "(not set: drafting is offline)" in en.stdout and "60 s, retries: 4" in en.stdout
    assert json.loads(run(["config", "show", "--json"], tmp_path).stdout)["offline"] is True


def test_models_from_an_unreachable_endpoint_is_one_chinese_line(tmp_path: Path) -> None:
    res = run(["config", "models"], tmp_path, OPENAI_BASE_URL="http://127.0.0.1:9/v1")
    assert res.returncode == 5 and res.stdout == ""
    [line] = res.stderr.splitlines()
    assert line.startswith("错误：连不上接口 http://127.0.0.1:9/v1（连接被拒绝）。请检查地址和端口")


def test_a_readable_config_with_a_key_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("base_url: http://127.0.0.1:9/v1\napi_key: sk-test-LOOSE\n", encoding="utf-8")
    cfg.chmod(0o644)
    res = run(["config", "show"], tmp_path)
    assert res.returncode == 1 and "chmod 600" in res.stderr and "LOOSE" not in res.stderr
    assert "其他用户也能读取（权限 644）" in res.stderr and len(res.stderr.splitlines()) == 1
