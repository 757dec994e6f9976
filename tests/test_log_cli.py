"""`assistant log list/show`: readable at 80 columns, JSON on request, Chinese by default, and no key
anywhere. The log is written by real runs (offline, and online against the fake Chat Completions
server) and, for names too long for any terminal, by assistant.log.RunLog directly."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from assistant.cli.log import short_time
from assistant.log import RunLog
from tests.helpers import EXAMPLES

pytestmark = pytest.mark.slow  # real drafting runs to fill the log

FACTS = EXAMPLES / "facts" / "park-2024q3.md"
KEY = "sk-test-LOGSECRET77"
LONG_FACTS = "/srv/写作/某某县人民政府办公室2024年第三季度意识形态工作事实清单-终稿.md"
LONG_MODEL = "qwen2.5-72b-instruct-gptq-int4-awq-long"


def cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=cwd,
        timeout=120,
    )


def honest(body: dict[str, Any]) -> str:
    """A model that writes each section from its facts only."""
    prompt = body["messages"][-1]["content"]
    block = (
        prompt.split("【本节可用的事实】", 1)[1].split("【", 1)[0] if "【本节可用的事实】" in prompt else ""
    )
    facts = re.findall(r"^- (.+)$", block, re.M)
    return "扎实推进相关工作。" + "".join(f"{'一二三四五六七八'[i]}是{f}。" for i, f in enumerate(facts))


@pytest.fixture
def logged_runs(fake_llm: Any, lexical_index: Path, tmp_path: Path) -> Path:
    """Four real runs (offline, online, online failing with a multi-line error page) and one with
    names too long for 80 columns."""
    facts = tmp_path / FACTS.name
    facts.write_text(FACTS.read_text("utf-8"), "utf-8")
    base = {"ASSISTANT_INDEX": str(lexical_index)}
    online = {
        **base,
        "OPENAI_BASE_URL": fake_llm.base_url.replace("http://", "http://user:pa55@"),
        "OPENAI_API_KEY": KEY,
        "ASSISTANT_MODEL": "fake-model",
        "ASSISTANT_MAX_RETRIES": "0",
    }
    assert cli(["draft", str(facts), "--offline", "-o", "a.md"], tmp_path, **base).returncode == 0
    fake_llm.responder = honest
    ok = cli(["draft", str(facts), "-o", "b.md"], tmp_path, **online)
    assert ok.returncode == 0, ok.stderr
    fake_llm.queue(
        status=500, message=f"Traceback (most recent call last):\n  auth({KEY})\nValueError: boom\n"
    )
    failed = cli(["draft", str(facts), "-o", "c.md"], tmp_path, **online)
    assert failed.returncode == 5 and len(failed.stderr.strip().splitlines()[-1]) > 20
    log = RunLog()
    run_id = log.start("draft", LONG_FACTS, {}, "", "openai", LONG_MODEL, "http://127.0.0.1:9/v1")
    check = {"ok": False, "facts_total": 8, "facts_covered": 7, "findings": [{"kind": "missed_fact"}] * 2}
    log.finish(run_id, "check_failed", "# 草稿", check, {"total": 1.0})
    log.close()
    return tmp_path


def test_log_list_fits_80_columns_and_reads_in_chinese(logged_runs: Path) -> None:
    res = cli(["log", "list"], logged_runs, COLUMNS="80")
    assert res.returncode == 0 and res.stderr == ""
    lines = res.stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    assert lines[0].split() == ["编号", "时间", "事实文件", "模型", "状态", "结果"]
    long_run, failed, online, offline = lines[1:]
    assert offline.split()[3:] == ["park-2024q3.md", "离线", "完成", "12/12", "事实，0", "个问题"]
    assert re.match(r"^ +1  \d\d-\d\d \d\d:\d\d  park-2024q3\.md  ", offline)  # short local time
    assert "fake-model" in online and "park-2024q3.md" in online and "/" not in online.split()[2]
    # The endpoint failed on the first section: the error is cut (`log show` has it), the status is not.
    assert "  中断  " in failed and failed.endswith("…") and cell_len(failed) == 80
    # A name too long for the terminal keeps its start and its end, the check is never cut.
    assert "7/8 事实，2 个问题" in long_run and "  有问题  " in long_run
    facts_cell, model_cell = _cells(long_run)[2:4]
    assert facts_cell.startswith("某某县") and facts_cell.endswith("稿.md") and "…" in facts_cell
    assert cell_len(facts_cell) >= 12 and cell_len(model_cell) >= 10
    assert model_cell.startswith("qwen2.5") and model_cell.endswith("long") and "…" in model_cell
    assert KEY not in res.stdout and "pa55" not in res.stdout


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r" {2,}", line.strip())]


def test_log_list_json_is_the_whole_listing_and_nothing_else(logged_runs: Path) -> None:
    res = cli(["log", "list", "--json"], logged_runs, COLUMNS="80")
    assert res.returncode == 0 and res.stderr == ""
    runs = json.loads(res.stdout)
    assert [r["id"] for r in runs] == [4, 3, 2, 1]
    long_run, failed, online, offline = runs
    assert offline["backend"] == "offline" and offline["status"] == "ok"
    assert offline["check"] == {"ok": True, "facts_covered": 12, "facts_total": 12, "problems": 0}
    assert online["model"] == "fake-model" and online["endpoint"].startswith("http://***@127.0.0.1:")
    assert failed["status"] == "interrupted" and failed["check"] is None
    assert "接口服务器出错（HTTP 500，接口说：Traceback (most recent call last): auth(" in failed["error"]
    assert "\n" not in failed["error"] and "ValueError: boom" in failed["error"]  # stored on one line
    assert long_run["facts_source"] == LONG_FACTS and long_run["model"] == LONG_MODEL  # unabridged
    assert KEY not in res.stdout and "pa55" not in res.stdout
    assert "某某县" in res.stdout  # ensure_ascii=False: Chinese stays readable
    assert json.loads(cli(["log", "list", "--json", "-n", "1"], logged_runs).stdout)[0]["id"] == 4


def test_log_show_headings_in_chinese_and_english(logged_runs: Path) -> None:
    shown = cli(["log", "show", "2"], logged_runs)
    assert shown.returncode == 0, shown.stderr
    head = shown.stdout.splitlines()
    assert head[0].startswith("运行 2 · ") and head[0].endswith(" · fake-model · 完成")
    assert head[1].startswith("接口：http://***@127.0.0.1:") and head[2] == "检查：12/12 事实，0 个问题"
    assert "[系统提示]" in shown.stdout and "[用户消息]" in shown.stdout and "[模型回复]" in shown.stdout
    assert re.search(r"^--- （一）落实责任制（逐节起草，\d+\.\d 秒）参考段落：r\w+-\d+、", shown.stdout, re.M)
    assert "\n--- 草稿\n" in shown.stdout and KEY not in shown.stdout
    failed = cli(["log", "show", "3"], logged_runs).stdout.splitlines()
    [error] = [line for line in failed if line.startswith("出错：")]
    assert "接口服务器出错（HTTP 500" in error and "SECRET77" not in error and "ValueError: boom" in error
    en = cli(["log", "show", "2"], logged_runs, ASSISTANT_LANG="en")
    assert en.stdout.startswith("run 2 · ") and "check: 12/12 facts, 0 problems" in en.stdout
    assert "[system]" in en.stdout and "\n--- draft\n" in en.stdout
    assert re.search(r"^--- （一）落实责任制 \(section, \d+\.\d s\) references: r\w+-\d+、", en.stdout, re.M)
    offline = cli(["log", "show", "1"], logged_runs).stdout
    assert "（离线起草，0.0 秒）" in offline and "[离线起草的文字]" in offline and "[模型回复]" not in offline
    data = json.loads(cli(["log", "show", "2", "--json"], logged_runs).stdout)
    assert (
        data["check_json"]["facts_covered"] == 12 and data["calls"][0]["messages_json"][0]["role"] == "system"
    )
    assert data["endpoint"].startswith("http://***@")


def test_log_list_in_english_on_request(logged_runs: Path) -> None:
    res = cli(["log", "list"], logged_runs, COLUMNS="80", ASSISTANT_LANG="en")
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["id", "started", "facts", "model", "status", "result"]
    assert all(cell_len(line) <= 80 for line in lines), "\n".join(lines)
    assert _cells(lines[-1])[2:] == ["park-2024q3.md", "offline", "done", "12/12 facts, 0 problems"]
    assert _cells(lines[2])[4] == "stopped"


def test_a_narrow_terminal_still_gets_lines_that_fit(logged_runs: Path) -> None:
    lines = cli(["log", "list"], logged_runs, COLUMNS="66").stdout.splitlines()
    assert len(lines) == 5 and all(cell_len(line) <= 66 for line in lines), "\n".join(lines)
    assert lines[-1].endswith("  完成    12/12 事实，0 个问题")  # the names give way first
    assert re.fullmatch(r"park.*….*\.md", _cells(lines[-1])[2])


def test_an_empty_log_and_an_unknown_run(tmp_path: Path) -> None:
    empty = cli(["log", "list"], tmp_path)
    assert empty.returncode == 0 and empty.stdout == "" and "日志里还没有运行记录" in empty.stderr
    assert json.loads(cli(["log", "list", "--json"], tmp_path).stdout) == []
    missing = cli(["log", "show", "7"], tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[0] == "错误：日志里没有编号为 7 的运行（用 `assistant log list` 查看）"


def test_short_time_is_local_and_drops_the_year_only_when_it_is_this_year() -> None:
    now = datetime(2026, 12, 1, 9, 0)
    assert short_time("2026-03-05T08:07:09", now) == "03-05 08:07"
    assert short_time("2025-03-05T08:07:09", now) == "2025-03-05"
    stamp = datetime(2026, 6, 1, 12, 30, tzinfo=timezone(timedelta(hours=8)))
    assert short_time(stamp.isoformat(), now) == stamp.astimezone().strftime("%m-%d %H:%M")
    assert short_time(None) == "" and short_time("garbage") == "garbage"
