"""`assistant chat` driven for real through a pipe (stdin lines), offline and against the local fake
Chat Completions server; plus the deterministic pieces it rests on (classifier, section resolution,
context budget, the working document). Terminal (pexpect) runs are in test_chat_tty.py."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.chat.classify import classify_input, resolve_units
from assistant.chat.context import estimate_tokens, revise_messages
from assistant.chat.state import DocState, where_is
from assistant.draft.facts import load_facts
from tests.helpers import EXAMPLES
from tests.test_draft_online import section_facts

FACTS = EXAMPLES / "facts" / "park-2024q3.md"
KEY = "sk-test-SECRET123"
NEW_FACT = "举办读书班2期，参加80人次"
REVISED_MARK = "经进一步梳理，"


def writer(body: dict[str, Any]) -> str:
    """A model that writes (and, asked to revise, rewrites) a section from the facts in the prompt."""
    prompt = body["messages"][-1]["content"]
    facts = section_facts(body)
    points = "".join(f"{'一二三四五六七八'[i]}是{f}。" for i, f in enumerate(facts))
    if "【用户的修改要求】" in prompt:
        return REVISED_MARK + points
    return "扎实推进相关工作。" + points


def chat_env(lexical_index: Path, server: Any = None) -> dict[str, str]:
    env = {
        **os.environ,
        "ASSISTANT_INDEX": str(lexical_index),
        "PYTHONIOENCODING": "utf-8",
        "PROMPT_TOOLKIT_NO_CPR": "1",
        "TERM": "xterm",
        "ASSISTANT_MAX_RETRIES": "0",
    }
    if server is not None:
        env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=KEY, ASSISTANT_MODEL="fake-model")
    return env


def run_chat(
    args: list[str], lines: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "chat", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=60,
    )


def db(home: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(home / "sessions.sqlite3")
    conn.row_factory = sqlite3.Row
    return conn


def versions(home: Path, session: str) -> list[sqlite3.Row]:
    q = "SELECT v.* FROM versions v JOIN sessions s ON s.id = v.session_id WHERE s.name = ? ORDER BY v.id"
    return list(db(home).execute(q, (session,)))


def turns(home: Path, session: str) -> list[sqlite3.Row]:
    q = "SELECT t.* FROM turns t JOIN sessions s ON s.id = t.session_id WHERE s.name = ? ORDER BY t.id"
    return list(db(home).execute(q, (session,)))


# --- the deterministic pieces ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("- 举办读书班2期", "facts"),
        ("召开意识形态工作专题会议3次", "facts"),
        ("删除违规信息12条", "facts"),  # a work verb an instruction also uses, with a figure
        ("下一步将加强宣传干部培训", "facts"),
        ("把第二部分写得更具体些", "instruction"),
        ("问题部分压缩到两条", "instruction"),  # 两条 is a figure, 压缩 still an instruction
        ("理论学习那节再精炼些", "instruction"),
        ("删去第三部分第二点", "instruction"),
        ("好的", "unclear"),
    ],
)
def test_input_is_classified_as_facts_or_instruction(text: str, kind: str) -> None:
    assert classify_input(text) == kind


def test_sections_are_resolved_from_the_ways_people_name_them() -> None:
    outline = DocState(load_facts(FACTS)).outline()

    def keys(text: str) -> list[str]:
        return [u.key for u in resolve_units(text, outline)]

    assert keys("把第二部分写得更具体些") == ["二、存在的问题"]
    assert keys("问题部分压缩到两条") == ["二、存在的问题"]
    assert keys("（二）再精炼些") == ["（二）理论学习"]
    assert keys("第一部分（三）写得具体些") == ["（三）阵地管理和舆情应对"]
    assert keys("理论学习写得具体一点") == ["（二）理论学习"]
    assert keys("下一步打算写得更有力") == ["三、下一步打算"]
    assert keys("第一部分写得更具体") == ["（一）落实责任制", "（二）理论学习", "（三）阵地管理和舆情应对"]
    assert keys("再具体些") == []
    with pytest.raises(LookupError, match="第五部分"):
        keys("第五部分写得具体些")


def test_new_facts_keep_ids_find_their_section_and_survive_storage() -> None:
    state = DocState(load_facts(FACTS))
    new = state.copy()
    fact = new.add_fact(f"- {NEW_FACT}")
    assert fact.id == "F13" and fact.text == NEW_FACT
    assert where_is(new.outline(), "F13") == "一、工作开展情况 > （二）理论学习"
    problem = new.add_fact("部分企业党组织书记对意识形态工作重视不够")
    assert where_is(new.outline(), problem.id) == "二、存在的问题"
    assert len(state.sheet.facts()) == 12  # the old state is untouched (it is the previous version)
    new.remove_fact("3")
    restored = DocState.restore(new.facts_json(), None, {})
    assert restored.outline().render_with_facts() == new.outline().render_with_facts()
    ids = {f.id for f in restored.sheet.facts()}
    assert {"F13", "F14"} <= ids and "F3" not in ids and len(ids) == 13


def test_revision_context_fits_the_budget_dropping_old_turns_first_never_the_facts() -> None:
    state = DocState(load_facts(FACTS))
    unit = resolve_units("第二部分", state.outline())[0]
    history = [("user" if i % 2 == 0 else "assistant", f"第{i}轮：" + "很长的内容" * 70) for i in range(12)]
    built = revise_messages(
        state.title, state.outline().render(), unit, "现有正文。", "写得更具体些", history, budget=2500
    )
    assert built.tokens == estimate_tokens(built.messages) <= 2500
    assert 0 < built.turns_used < len(history) and built.turns_dropped > 0
    kept = [m["content"] for m in built.messages[1:-1]]
    assert kept and kept[-1].startswith("第11轮")  # the newest turns are the ones kept
    final = built.messages[-1]["content"]
    assert (
        all(f"- {f.text}" in final for f in unit.facts)
        and "写得更具体些" in final
        and "【全文提纲】" in final
    )
    alone = revise_messages(
        state.title, state.outline().render(), unit, "现有正文。", "写得更具体些", [], budget=10**6
    )
    tight = revise_messages(
        state.title,
        state.outline().render(),
        unit,
        "现有正文。",
        "写得更具体些",
        history,
        budget=alone.tokens - 1,
    )
    assert tight.turns_used == 0 and tight.outline_dropped  # turns first, then the outline
    assert all(f"- {f.text}" in tight.messages[-1]["content"] for f in unit.facts)


# --- the real REPL through a pipe ------------------------------------------------------------


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_offline_chat_script(tmp_path: Path, lexical_index: Path, isolated_env: Path) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\np = pathlib.Path(sys.argv[1])\np.write_text(p.read_text('utf-8').replace('理论学习', '理论武装'), 'utf-8')\n",
        "utf-8",
    )
    env = {**chat_env(lexical_index), "EDITOR": f"{sys.executable} {editor}"}
    out_md, out_docx = tmp_path / "draft.md", tmp_path / "draft.docx"
    script = [
        "/help",
        f"- {NEW_FACT}",
        "/facts add 部分企业党组织书记对意识形态工作重视不够",
        "/facts rm 14",
        "/outline edit",
        "/draft",
        "把第二部分写得更具体些",  # needs a model: a clear message, the session goes on
        "/check",
        "/sources （二）",
        "/search 宣传干部老化",
        "/facts rm 1",
        "/diff",
        "/undo",
        f"/save {out_md}",
        f"/export {out_docx}",
        "/status",
        "/nonsense",
        "/exit",
        "/status",  # after /exit: never read
    ]
    res = run_chat([str(FACTS), "--session", "off"], script, env, tmp_path)
    out, err = res.stdout, res.stderr
    assert res.returncode == 1, err  # a script learns that two inputs failed
    assert "/revise 部分 要求" in out and "/export 文件.docx [--force]" in out  # /help
    assert "/save 文件 [--force]" in out and "/facts [add 事实 | rm 编号 | save [文件]]" in out
    assert f"已作为新事实加入：F13 {NEW_FACT}（归入 一、工作开展情况 > （二）理论学习）" in out
    assert "已删除 F14" in out
    assert "（二）理论武装" in out  # the edited outline, re-parsed
    assert re.search(r"\b13/13\b", out)  # the check of the whole draft: every fact used
    assert "按要求修改需要语言模型（没有配置模型接口）" in err and "OPENAI_BASE_URL" in err
    assert "错误：没有 /nonsense 这个命令（/help 列出全部命令）" in err
    assert "error" not in err.lower()  # every line the chat wrote is in Chinese
    assert re.search(r"^（二）理论武装\n  《[^》]+》", out, re.M)  # /sources: report title, heading path
    assert re.search(r"^1\. 《[^》]+》.*\[(存在问题|做法成效|下步打算)\]$", out, re.M)  # /search
    assert "-    - F1 党工委会议专题研究意识形态工作2次" in out  # /diff of a removed fact
    assert "已撤销“删除事实 F1”" in out
    text = out_md.read_text("utf-8")
    status, text_body = text.split("\n", 1)  # the saved draft says how its check went, then the draft
    assert status.startswith("<!-- 草稿（对话，第") and "；核对通过：未发现问题 -->" in status
    assert text_body.startswith("# 市工业园区2024年第三季度意识形态工作总结")
    assert "### （二）理论武装" in text and NEW_FACT in text and "党工委会议专题研究意识形态工作2次" in text
    assert "重视不够" not in text  # the removed fact
    assert out_docx.stat().st_size > 5000
    assert "会话：off" in out and "后端：离线（没有配置模型接口）" in out
    assert (
        f"已导出 Word：{out_docx}（第6版）" in out and f"已保存草稿：{out_md}（第6版）" in out
    )  # after /undo
    labels = [v["label"] for v in versions(isolated_env, "off")]
    assert labels == [
        "载入事实 park-2024q3.md",
        "新事实 F13",
        "新事实 F14",
        "删除事实 F14",
        "编辑提纲",
        "起草全文",
        "删除事实 F1",
    ]
    said = [t["text"] for t in turns(isolated_env, "off") if t["role"] == "user"]
    assert said == script[:-1]  # every input, in order, and nothing after /exit
    # Resuming by name gives the document as it was (the undo included).
    again = run_chat(["--session", "off"], ["/status", f"/save {tmp_path / 'again.md'}"], env, tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.md").read_text("utf-8") == text
    assert "已恢复会话 off（第6版，共 7 版）" in again.stderr
    listing = run_chat(["--list"], [], env, tmp_path)
    assert re.search(
        r"^off\s+\S*park-2024q3\.md\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+7$", listing.stdout, re.M
    ), listing.stdout


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_chat_with_a_model_script(
    fake_llm: Any, tmp_path: Path, lexical_index: Path, isolated_env: Path
) -> None:
    fake_llm.responder = writer
    out_md = tmp_path / "draft.md"
    script = [
        f"- {NEW_FACT}",
        "/draft",
        "把第二部分写得更具体些",
        "/diff",
        "再精炼些",  # no section named: the one revised last
        "/undo",
        "/revise （二） 写得更具体些",
        "/status",
        f"/save {out_md}",
    ]
    res = run_chat([str(FACTS), "--session", "m"], script, chat_env(lexical_index, fake_llm), tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "按指令修改：二、存在的问题 — 把第二部分写得更具体些" in out
    assert "按指令修改：二、存在的问题 — 再精炼些" in out
    assert f"+{REVISED_MARK}" in out  # /diff of the revision
    assert re.search(r"^二、存在的问题 \S+ 2/2\b", out, re.M)  # the check of the revised section
    assert re.search(r"上次请求：约 \d+ 个 token（预算 6000）；接口计数：输入 \d+，输出 \d+", out)
    text = out_md.read_text("utf-8")
    assert f"## 二、存在的问题\n\n{REVISED_MARK}一是宣传干部平均年龄54岁" in text
    assert re.search(rf"### （二）理论学习\n\n{REVISED_MARK}一是.*{NEW_FACT}", text)
    # What was sent: the revise prompt with the outline, the section's current text, the
    # instruction, its facts, and the earlier turns; the section drafts carried example paragraphs.
    revise = [
        r.body["messages"]
        for r in fake_llm.chat_requests
        if "【用户的修改要求】" in r.body["messages"][-1]["content"]
    ]
    assert len(revise) == 3
    last = revise[1][-1]["content"]
    assert "【全文提纲】" in last and "三、下一步打算" in last and "再精炼些" in last
    assert f"{REVISED_MARK}一是宣传干部" in last  # revises the current text, not the first draft
    assert "- 企业职工学习覆盖率只有62%，倒班职工参加难" in last
    assert any("把第二部分写得更具体些" in m["content"] for m in revise[1][1:-1])  # the conversation so far
    drafts = [r for r in fake_llm.chat_requests if "【参考范文】" in r.body["messages"][-1]["content"]]
    assert len(drafts) == 5 and "〔范文1｜" in drafts[0].body["messages"][-1]["content"]
    # The key is never stored; every version is.
    blob = b"".join(p.read_bytes() for p in isolated_env.rglob("*") if p.is_file())
    assert KEY.encode() not in blob
    labels = [v["label"] for v in versions(isolated_env, "m")]
    assert labels[2:] == [
        "起草全文",
        "修改二、存在的问题：把第二部分写得更具体些",
        "修改二、存在的问题：再精炼些",
        "修改（二）理论学习：写得更具体些",
    ]
    replies = [
        t for t in turns(isolated_env, "m") if t["kind"] in ("reply", "draft") and t["role"] == "assistant"
    ]
    assert all(t["status"] == "done" and t["pending_json"] is None for t in replies)


@pytest.mark.slow  # a stream cut after a stall
def test_endpoint_failing_mid_stream_keeps_the_partial_text(
    fake_llm: Any, tmp_path: Path, lexical_index: Path, isolated_env: Path
) -> None:
    fake_llm.responder = writer
    env = chat_env(lexical_index, fake_llm)
    res = run_chat([str(FACTS), "--session", "cut"], ["/draft 第二部分"], env, tmp_path)
    assert res.returncode == 0, res.stderr
    fake_llm.queue(reply=REVISED_MARK + "一是宣传干部平均年龄54岁，缺少年轻人。二是", cut_after=4)
    res = run_chat(["--continue"], ["问题部分写得更具体些", "/status"], env, tmp_path)
    assert res.returncode == 1
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("错误：")]
    assert errors[0].endswith("；已保存为第3版，标记为中断（/undo 可退回）"), errors
    assert "文档：第3版，共 3 版；已起草" in res.stdout  # the session went on
    last = versions(isolated_env, "cut")[-1]
    assert last["interrupted"] == 1 and "（中断）" in last["label"]
    assert f"{REVISED_MARK}一是宣传" in last["markdown"]
    turn = [t for t in turns(isolated_env, "cut") if t["kind"] == "reply"][-1]
    assert turn["status"] == "error" and turn["version"] == last["id"]


def test_outline_file_one_section_and_regen(tmp_path: Path, lexical_index: Path, isolated_env: Path) -> None:
    outline = tmp_path / "outline.txt"
    outline.write_text("一、工作情况\n（一）责任落实\n（二）学习教育\n二、问题和打算\n", "utf-8")
    facts = EXAMPLES / "facts" / "school-2024h1.txt"
    script = ["/outline", "/draft 第二部分", "/outline regen", "/outline"]
    res = run_chat(
        [str(facts), "--outline", str(outline), "--session", "o", "--offline"],
        script,
        chat_env(lexical_index),
        tmp_path,
    )
    assert res.returncode == 0, res.stderr
    first, regen = res.stdout.split("按事实重建提纲")
    assert "（二）学习教育" in first and re.search(r"^二、问题和打算 \S+ 4/4\b", first, re.M)
    assert "尚未起草：（一）责任落实、（二）学习教育（/draft 起草）" in first
    assert "三、下一步工作打算" in regen
    labels = [v["label"] for v in versions(isolated_env, "o")]
    assert labels == [
        "载入事实 school-2024h1.txt",
        "提纲取自 outline.txt",
        "起草二、问题和打算",
        "按事实重建提纲",
    ]


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_new_session_needs_facts_and_flags_are_checked(tmp_path: Path, lexical_index: Path) -> None:
    env = chat_env(lexical_index)
    res = run_chat(["--continue"], [], env, tmp_path)
    assert (
        res.returncode == 2
        and res.stderr == "错误：没有可以继续的对话会话；新建会话：assistant chat 事实文件\n"
    )
    res = run_chat(["--session", "x", "--continue"], [], env, tmp_path)
    assert res.returncode == 2 and "不能同时使用" in res.stderr
    res = run_chat(["--session", "x"], [], env, tmp_path)
    assert res.returncode == 2 and "新会话需要事实文件" in res.stderr
    assert "还没有对话会话" in run_chat(["--list"], [], env, tmp_path).stdout


def test_sessions_store_migrations_are_numbered(isolated_env: Path) -> None:
    from assistant.chat.store import MIGRATIONS, Store

    Store().close()
    Store().close()  # a second open applies nothing twice
    conn = db(isolated_env)
    assert [r[0] for r in conn.execute("SELECT version FROM _migrations")] == list(
        range(1, len(MIGRATIONS) + 1)
    )
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "versions", "turns"} <= tables
