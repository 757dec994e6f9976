"""The README's two commands: CI runs the test one verbatim, and the main job works as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (REPO / "README.md").read_text("utf-8"), re.S)
    assert block
    return [line.split("  #")[0].strip() for line in block.group(1).strip().splitlines()]


def test_ci_runs_the_readme_test_command() -> None:
    main, tests = readme_commands()
    assert tests in (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    assert main.startswith("pip install -e . && assistant draft examples/facts/")


@pytest.mark.slow  # builds the bundled index with the e5 embedder
def test_the_readme_main_job_drafts_offline_from_a_fresh_folder(tmp_path: Path) -> None:
    """Run the main job's draft step as a newcomer would (the package is installed already),
    from a copy of the repo's examples, with no index and no endpoint."""
    main, _ = readme_commands()
    draft_cmd = main.split("&&", 1)[1].strip().split()
    assert draft_cmd[:2] == ["assistant", "draft"]
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(tmp_path / "home")
    res = subprocess.run(
        [sys.executable, "-m", "assistant", *draft_cmd[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("<!-- 离线草稿") and "\n# " in res.stdout
    assert "## 一、" in res.stdout and "## 三、" in res.stdout
    assert "首次使用：正在用自带范文" in res.stderr
    assert "——未发现问题" in res.stderr
    # The default index is the user's, not the folder's: built once under ASSISTANT_HOME.
    assert (tmp_path / "home" / "index" / "CURRENT").exists()
    assert not (tmp_path / "index").exists()
