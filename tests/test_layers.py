"""The layering of README's "Development" section, as the import contracts in pyproject.toml state
it: the contracts hold, they do catch a backward import, and every top-level module has its layer."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    from helpers import REPO
except ImportError:  # tests/ imported as a package
    from tests.helpers import REPO  # type: ignore[no-redef]

pytest.importorskip("importlinter")

try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` as CI runs it, on the package and pyproject.toml under `root`."""
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else [shutil.which("lint-imports") or "lint-imports"]
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [*command, "--no-cache", "--no-logo"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold() -> None:
    run = lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_a_backward_import_and_typer_in_core_code_break_the_contracts(tmp_path: Path) -> None:
    shutil.copytree(REPO / "assistant", tmp_path / "assistant", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    append(tmp_path / "assistant/corpus/clean.py", "from assistant.draft import pipeline")  # stage → above
    append(tmp_path / "assistant/index/search.py", "from assistant.check import rules")  # sibling stages
    append(tmp_path / "assistant/text.py", "from assistant import genre")  # util → genre
    append(tmp_path / "assistant/check/rules.py", "import typer")  # core → the command line's toolkit
    run = lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    report = run.stdout
    assert "0 kept, 2 broken" in report
    for line in (
        "assistant.corpus.clean -> assistant.draft.pipeline",
        "assistant.index.search -> assistant.check.rules",
        "assistant.text -> assistant.genre",
        "assistant.check.rules -> typer",
    ):
        assert line in report, report


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n{line}  # noqa\n")


def test_every_top_level_module_has_its_layer() -> None:
    """A new module or package directly under assistant/ must be placed in the layers contract."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    named = {
        name.strip().strip("()") for layer in layers["layers"] for name in layer.replace("|", ":").split(":")
    }
    top_level = {f"assistant.{m.name}" for m in pkgutil.iter_modules([str(REPO / "assistant")])}
    placed = {m for m in top_level if m in named or any(n.startswith(m + ".") for n in named)}
    assert top_level - placed == set(), "put these in a layer of [tool.importlinter] in pyproject.toml"
