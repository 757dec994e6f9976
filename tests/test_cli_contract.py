"""The installed `assistant` entry point, as a newcomer meets it: usage errors are one Chinese line
and exit 2, never a traceback; help is Chinese and takes -h; English on request; the CLI needs no
separately installed click (Typer may bundle its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY = Path(sys.executable).parent / "assistant"


def run_entry(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    assert ENTRY.exists(), f"the project is not installed in this environment ({ENTRY} missing)"
    return subprocess.run(
        [str(ENTRY), *args], capture_output=True, text=True, timeout=120, env=env or dict(os.environ), cwd=cwd
    )


def assert_no_traceback(res: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in res.stdout + res.stderr, res.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["draft"], "缺少参数"),
        (["draft", "--bogus"], "没有这个选项：--bogus"),
        (["draft", "-k", "0"], "没有这个选项：-k"),
        (["draft", "--jobs", "0", "x.md"], "--jobs 的值无效"),
        (["nosuch"], "没有这个命令：nosuch"),
        (["draft", "--out"], "需要一个值"),
    ],
)
def test_usage_errors_are_one_chinese_line_and_exit_2(args: list[str], fragment: str, tmp_path: Path) -> None:
    res = run_entry(*args, cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert_no_traceback(res)
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("错误：") and fragment in lines[0], res.stderr
    assert len(lines) <= 2  # the error, and where to read the usage
    assert all("-h" in ln for ln in lines[1:])


def test_bare_command_and_groups_show_chinese_help(tmp_path: Path) -> None:
    bare = run_entry(cwd=tmp_path)
    assert bare.returncode == 2 and bare.stdout.startswith("用法：")
    assert "命令：" in bare.stdout and "draft" in bare.stdout
    for args in (["-h"], ["--help"], ["draft", "-h"], ["index", "-h"]):
        res = run_entry(*args, cwd=tmp_path)
        assert res.returncode == 0, (args, res.stderr)
        assert res.stdout.startswith("用法：") and "显示本帮助并退出" in res.stdout
        assert "Show this message" not in res.stdout
        assert_no_traceback(res)


def test_english_on_request(tmp_path: Path) -> None:
    env = dict(os.environ, ASSISTANT_LANG="en")
    res = run_entry("draft", "--bogus", env=env, cwd=tmp_path)
    assert res.returncode == 2 and res.stderr.startswith("error: ")
    assert "--bogus" in res.stderr
    helped = run_entry("-h", env=env, cwd=tmp_path)
    assert helped.stdout.startswith("Usage:") and "Show this message and exit." in helped.stdout


def test_completion_is_offered(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("_TYPER_COMPLETE")}  # set by typer.testing
    res = run_entry("--show-completion", "bash", cwd=tmp_path, env=dict(env, SHELL="/bin/bash"))
    assert res.returncode == 0 and "complete" in res.stdout


BLOCK_CLICK = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "click" or name.startswith("click."):
            raise ModuleNotFoundError("No module named 'click'")
sys.meta_path.insert(0, Block())
sys.argv = ["assistant", *sys.argv[1:]]
from assistant.cli.app import main
main()
"""


@pytest.mark.parametrize("args", [["draft"], ["draft", "--bogus"], ["nosuch"], []])
def test_the_cli_needs_no_separate_click(args: list[str], tmp_path: Path) -> None:
    """A fresh install of the newest Typer bundles its own click and installs none: the error boundary
    must not import one (it did, and every usage error became a ModuleNotFoundError traceback)."""
    import typer

    if "_click" not in dir(typer) and not (Path(typer.__file__).parent / "_click").exists():
        pytest.skip("this Typer uses the separate click package")
    res = subprocess.run(
        [sys.executable, "-c", BLOCK_CLICK, *args], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert res.returncode == 2, res.stderr
    assert_no_traceback(res)
    assert "click" not in res.stderr


@pytest.mark.slow  # embeds the bundled examples with e5 until interrupted
def test_ctrl_c_on_the_installed_entry_point_is_exit_130_and_one_line(tmp_path: Path) -> None:
    import signal
    import time

    examples = Path(__file__).resolve().parents[1] / "examples" / "reports"
    proc = subprocess.Popen(
        [str(ENTRY), "index", "build", str(examples), "--index", str(tmp_path / "idx")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(4)  # parsing done, embedding under way (about 15 s in all)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    text = err.decode("utf-8")
    assert proc.returncode == 130, text
    assert "Traceback" not in text
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert "已中断" in lines[-1] and len([ln for ln in lines if "已中断" in ln]) == 1
    assert not (tmp_path / "idx" / "CURRENT").exists()  # nothing half-written became an index
