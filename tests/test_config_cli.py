"""`assistant config`: settings saved mode 600, the key never printed, models listed from the endpoint."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any


def run(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_set_show_and_models(tmp_path: Path, fake_llm: Any) -> None:
    res = run(
        ["config", "set", "--base-url", fake_llm.base_url, "--model", "fake-model", "--api-key", "-"],
        tmp_path,
        "sk-test-HIDDEN42\n",
    )
    assert res.returncode == 0, res.stderr
    cfg = tmp_path / "config.yaml"
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o600 and "sk-test-HIDDEN42" in cfg.read_text("utf-8")
    shown = run(["config", "show"], tmp_path)
    assert "set (hidden)" in shown.stdout and "HIDDEN42" not in shown.stdout + shown.stderr
    listed = run(["config", "models"], tmp_path)
    assert listed.returncode == 0 and "fake-model" in listed.stdout
    assert fake_llm.requests[-1].headers["authorization"] == "Bearer sk-test-HIDDEN42"
    assert run(["config", "set"], tmp_path).returncode == 2


def test_a_readable_config_with_a_key_is_refused(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("base_url: http://127.0.0.1:9/v1\napi_key: sk-test-LOOSE\n", encoding="utf-8")
    cfg.chmod(0o644)
    res = run(["config", "show"], tmp_path)
    assert res.returncode == 1 and "chmod 600" in res.stderr and "LOOSE" not in res.stderr
