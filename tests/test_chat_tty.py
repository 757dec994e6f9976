"""`assistant chat` at a real terminal (pexpect pseudo-terminal, prompt_toolkit running): multi-line
input, Ctrl-C during a streamed answer, kill -9 mid-stream and --continue, and a scripted pipe run
that ends in the same document as the interactive one."""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_chat import FACTS, NEW_FACT, REVISED_MARK, chat_env, run_chat, turns, versions, writer

pytestmark = pytest.mark.slow  # pexpect sessions on a terminal

pexpect = pytest.importorskip("pexpect")

# prompt_toolkit switches bracketed paste on while it reads a line and off when the line is sent:
# reliable markers for "prompt ready" and "input accepted", whatever the screen drawing looks like.
PROMPT_READY, INPUT_SENT = "\x1b[?2004h", "\x1b[?2004l"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SLOW = REVISED_MARK + "一是宣传干部平均年龄54岁，缺少年轻人。" * 40  # about 13 s at 50 ms a chunk


class Terminal:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "assistant", "chat", *args],
            env=env,
            cwd=str(cwd),
            encoding="utf-8",
            timeout=30,
            dimensions=(50, 300),
        )
        self.banner = self.ready()

    def ready(self) -> str:
        self.child.expect_exact(PROMPT_READY)
        return _ANSI.sub("", self.child.before)

    def send(self, text: str) -> None:
        """Type text and press Enter (Esc-Enter inside `text` for more lines)."""
        self.child.send(text + "\r")
        self.child.expect_exact(INPUT_SENT)

    def line(self, text: str) -> str:
        self.send(text)
        return self.ready()

    def close(self) -> None:
        if self.child.isalive():
            self.child.send("/exit\r")
            self.child.expect(pexpect.EOF)
        self.child.close()


def test_interactive_and_scripted_chats_end_in_the_same_document(
    fake_llm: Any, tmp_path: Path, lexical_index: Path, isolated_env: Path
) -> None:
    fake_llm.responder = writer
    env = chat_env(lexical_index, fake_llm)
    steps = ["/draft", "把第二部分写得更具体些", "/undo", "问题部分压缩到两条", "/facts rm 2"]

    term = Terminal([str(FACTS), "--session", "tty"], env, tmp_path)
    assert "先按 Esc 再回车" in term.banner and "/help 列出命令" in term.banner
    # Esc-Enter and a trailing backslash both continue the input on a new line.
    shown = term.line(f"- {NEW_FACT}\x1b\r- 开展专题党课1次\\\r- 组织网评员培训1次")
    assert "已作为新事实加入：F13" in shown and "F14" in shown and "F15" in shown
    for step in steps:
        shown = term.line(step)
        assert "error" not in shown, shown
    assert "按指令修改：二、存在的问题 — 问题部分压缩到两条" not in shown  # that output came before
    shown = term.line(f"/save {tmp_path / 'tty.md'}")
    assert f"已保存草稿：{tmp_path / 'tty.md'}" in shown
    term.close()

    piped = [
        f"- {NEW_FACT}\\",
        "- 开展专题党课1次\\",
        "- 组织网评员培训1次",
        *steps,
        f"/save {tmp_path / 'pipe.md'}",
    ]
    res = run_chat([str(FACTS), "--session", "pipe"], piped, env, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "chat>" not in res.stdout and "\x1b[" not in res.stdout + res.stderr  # no prompt, no colour

    tty_md, pipe_md = (tmp_path / "tty.md").read_text("utf-8"), (tmp_path / "pipe.md").read_text("utf-8")
    assert tty_md == pipe_md and f"{REVISED_MARK}一是宣传干部" in tty_md and "组织网评员培训1次" in tty_md
    tty_v, pipe_v = versions(isolated_env, "tty"), versions(isolated_env, "pipe")
    assert [v["label"] for v in tty_v] == [v["label"] for v in pipe_v]
    assert [v["markdown"] for v in tty_v] == [v["markdown"] for v in pipe_v]

    def conversation(session: str) -> list[tuple[str, str, str]]:
        return [
            (t["role"], t["kind"], t["text"])
            for t in turns(isolated_env, session)
            if not t["text"].startswith(("/save", "/exit"))
        ]

    assert conversation("tty") == conversation("pipe")


def test_ctrl_c_keeps_the_partial_answer_and_kill_9_loses_nothing(
    fake_llm: Any, tmp_path: Path, lexical_index: Path, isolated_env: Path
) -> None:
    fake_llm.responder = writer
    env = chat_env(lexical_index, fake_llm)
    term = Terminal([str(FACTS), "--session", "k"], env, tmp_path)
    term.line(f"- {NEW_FACT}")
    term.line("/draft")
    drafted = versions(isolated_env, "k")[-1]["markdown"]

    # Ctrl-C while the revision streams: what arrived is kept as an interrupted version.
    fake_llm.chunk_delay = 0.05
    fake_llm.queue(reply=SLOW)
    term.send("问题部分压缩到两条")
    term.child.expect("缺少年轻人。一是宣传")
    term.child.sendintr()
    term.child.expect("已中断：已保存为第4版")
    shown = term.ready()
    assert re.search(r"二、存在的问题 \S+ \d+/\d+", shown)  # the check of what arrived
    assert "文档：第4版，共 4 版" in term.line("/status")

    # kill -9 while the next answer streams.
    fake_llm.queue(reply=SLOW)
    term.send("/draft 第三部分")
    term.child.expect("缺少年轻人。一是宣传干部平均年龄54岁")
    term.child.kill(signal.SIGKILL)
    term.child.close()

    before = versions(isolated_env, "k")
    assert [v["interrupted"] for v in before] == [0, 0, 0, 1]
    streaming = turns(isolated_env, "k")[-1]
    assert streaming["status"] == "streaming" and "缺少年轻人。一是宣传" in streaming["text"]

    out = tmp_path / "resumed.md"
    res = run_chat(["--continue", "--offline"], ["/status", "/facts", f"/save {out}"], env, tmp_path)
    assert res.returncode == 0, res.stderr
    assert "已恢复会话 k" in res.stderr
    assert "上次的回答在生成中被中断" in res.stdout and "保存为第5版" in res.stdout
    assert "共 13 条事实" in res.stdout and f"F13 {NEW_FACT}" in res.stdout
    after = versions(isolated_env, "k")
    assert [dict(v) for v in after[:4]] == [dict(v) for v in before]  # nothing before the kill changed
    assert after[4]["interrupted"] == 1 and after[4]["parent"] == after[3]["id"]
    assert after[1]["label"] == "新事实 F13" and after[2]["markdown"] == drafted
    text = out.read_text("utf-8")
    part3 = text.split("## 三、下一步打算", 1)[1]
    assert part3.strip().startswith(
        REVISED_MARK + "一是宣传干部平均年龄54岁，缺少年轻人。一是宣传"
    )  # the killed answer
    part2 = text.split("## 二、存在的问题", 1)[1].split("## 三、", 1)[0]
    assert part2.strip().startswith(REVISED_MARK)  # the Ctrl-C'd answer
    recovered = [t for t in turns(isolated_env, "k") if t["id"] == streaming["id"]][0]
    assert recovered["status"] == "interrupted" and recovered["version"] == after[4]["id"]
    said = [t["text"] for t in turns(isolated_env, "k") if t["role"] == "user"]
    assert (
        said[:4] == [f"- {NEW_FACT}", "/draft", "问题部分压缩到两条", "/status"]
        and said[4] == "/draft 第三部分"
    )
