"""The status a draft carries is the check's: 核对通过 only when clean. A model's chatter never reaches the
draft (and is counted in the log); a draft with open findings is not exported without --force."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.test_draft_online import FACTS, cli_env, honest, run_cli

pytestmark = pytest.mark.slow  # end-to-end drafts through the fake endpoint


def test_a_clean_model_draft_says_passed_and_its_chatter_is_stripped_and_counted(
    fake_llm: Any, lexical_index: Path, tmp_path: Path, isolated_env: Path
) -> None:
    fake_llm.responder = lambda body: (
        "好的，以下是本节正文：\n\n" + honest(body) + "\n\n以上内容供参考，如需调整请告知。"
    )
    out = tmp_path / "d.md"
    res = run_cli(["draft", str(FACTS), "-o", str(out)], cli_env(fake_llm, lexical_index), tmp_path)
    assert res.returncode == 0, res.stderr
    text = out.read_text("utf-8")
    assert text.split("\n", 1)[0].endswith("；核对通过：未发现问题 -->")
    assert "好的" not in text and "供参考" not in text
    with sqlite3.connect(isolated_env / "log.sqlite3") as db:
        (timings,) = db.execute("select timings_json from runs order by id desc limit 1").fetchone()
    assert json.loads(timings)["chatter_lines_removed"] >= 2 * 5  # two lines a section, five sections


def test_a_draft_with_an_invention_says_so_and_is_not_exported(
    fake_llm: Any, lexical_index: Path, tmp_path: Path
) -> None:
    # A model that adds an honour to every section, and ignores the repair requests.
    fake_llm.responder = lambda body: honest(body) + "该项工作荣获市级先进集体称号。"
    out, docx = tmp_path / "d.md", tmp_path / "d.docx"
    res = run_cli(
        ["draft", str(FACTS), "-o", str(out), "--docx", str(docx), "--repair-rounds", "0"],
        cli_env(fake_llm, lexical_index),
        tmp_path,
    )
    assert res.returncode == 0, res.stderr
    first = out.read_text("utf-8").split("\n", 1)[0]
    assert "核对未通过" in first and "核对通过" not in first
    assert "[无依据的说法]" in res.stderr and "荣获市级先进集体称号" in res.stderr
    assert not docx.exists() and "未导出" in res.stderr
    refused = run_cli(["export", str(out), "-o", str(docx)], {}, tmp_path)
    assert refused.returncode == 6 and not docx.exists()
    assert refused.stderr.count("\n") == 1 and "核对尚未通过" in refused.stderr
    forced = run_cli(["export", str(out), "-o", str(docx), "--force"], {}, tmp_path)
    assert forced.returncode == 0 and docx.exists()


def test_the_offline_draft_is_passed_and_exports(lexical_index: Path, tmp_path: Path) -> None:
    out, docx = tmp_path / "d.md", tmp_path / "d.docx"
    env = {"ASSISTANT_INDEX": str(lexical_index)}
    res = run_cli(["draft", str(FACTS), "-o", str(out), "--docx", str(docx)], env, tmp_path)
    assert res.returncode == 0, res.stderr
    assert out.read_text("utf-8").startswith(
        "<!-- 离线草稿"
    ) and "；核对通过：未发现问题 -->" in out.read_text("utf-8")
    assert docx.exists()
