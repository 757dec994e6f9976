"""README's exit-code table holds for every command: walked over the whole command tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from assistant.cli.app import app

ENTRY = Path(sys.executable).parent / "assistant"


def leaf_commands() -> list[tuple[list[str], Any]]:
    root = typer.main.get_command(app)
    out: list[tuple[list[str], Any]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in sorted(subs.items()):
                walk(sub, [*path, name])
        else:
            out.append((path, cmd))

    walk(root, [])
    return out


LEAVES = leaf_commands()
IDS = [" ".join(p) for p, _ in LEAVES]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ENTRY), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )


def test_the_tree_is_what_readme_documents() -> None:
    names = set(IDS)
    for expected in (
        "draft",
        "outline",
        "export",
        "chat",
        "search",
        "index build",
        "index add",
        "log list",
        "eval fidelity",
    ):
        assert expected in names


@pytest.mark.slow  # two runs of every command
@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=IDS)
def test_help_and_a_bad_option(path: list[str], tmp_path: Path) -> None:
    helped = run([*path, "-h"], tmp_path)
    assert helped.returncode == 0 and helped.stdout.startswith("用法："), helped.stderr
    bad = run([*path, "--no-such-option"], tmp_path)
    assert bad.returncode == 2, bad.stderr
    assert bad.stderr.startswith("错误：") and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) <= 2


def _takes_an_input_file(cmd: Any) -> bool:
    params = [p for p in cmd.params if getattr(p, "param_type_name", "") == "argument"]
    return bool(params) and params[0].name in ("facts", "draft", "paths", "path", "source")


# `index remove` names what to drop from the index, files that may be gone: not an input file.
INPUTS = [(p, c) for p, c in LEAVES if _takes_an_input_file(c) and p != ["index", "remove"]]


@pytest.mark.slow  # a run of every command that reads a file
@pytest.mark.parametrize("path", [p for p, _ in INPUTS], ids=[" ".join(p) for p, _ in INPUTS])
def test_a_missing_input_file_is_exit_3(path: list[str], tmp_path: Path) -> None:
    res = run([*path, str(tmp_path / "no-such-file.md")], tmp_path)
    assert res.returncode == 3, (res.returncode, res.stderr)
    assert res.stderr.startswith("错误：") and "no-such-file.md" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr


def test_an_existing_output_is_exit_2_in_every_command_that_writes(tmp_path: Path) -> None:
    facts = Path(__file__).resolve().parents[1] / "examples" / "facts" / "park-2024q3.md"
    taken = tmp_path / "taken.md"
    taken.write_text("x", "utf-8")
    for args in (
        ["draft", str(facts), "-o", str(taken), "--offline"],
        ["outline", str(facts), "--write-facts", str(taken)],
    ):
        res = run(args, tmp_path)
        assert res.returncode == 2, (args, res.stderr)
        assert taken.read_text("utf-8") == "x"
