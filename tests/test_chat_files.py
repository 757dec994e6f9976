"""What the chat writes to disk, driven through the real CLI: /save and /export never replace a file
without the user's say (asked at a terminal, --force in a script) and never the session's own facts
file; /facts save writes the session's facts as a facts file (mode 600) that load_facts reads back
as the same facts; /status tells whether facts were changed since the last save."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from pathlib import Path
from typing import Any

import pytest

from assistant.chat.files import facts_markdown
from assistant.chat.state import sheet_from_dict
from assistant.draft.facts import FactSheet, load_facts, parse_facts
from tests.helpers import EXAMPLES
from tests.test_chat import FACTS, NEW_FACT, chat_env, run_chat, versions

PROBLEM = "部分企业党组织书记对意识形态工作重视不够"
PLAN = "下一步将建立网评员队伍，年底前达到20人"


def facts_of(sheet: FactSheet) -> list[tuple[str, str, str, str | None]]:
    """What a facts file says about each fact, in order: its text, role, part and group."""
    return [(f.text, f.role, f.part, f.group) for f in sheet.facts()]


def session_sheet(home: Path, session: str) -> FactSheet:
    """The facts of the session's current version, as stored."""
    head = versions(home, session)[-1]
    return sheet_from_dict(json.loads(head["facts_json"]))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder holding the user's facts file (facts.md) and another file of theirs (notes.md)."""
    shutil.copy(FACTS, tmp_path / "facts.md")
    (tmp_path / "notes.md").write_text("我的笔记，不能丢。\n", "utf-8")
    return tmp_path


def test_script_never_writes_over_the_facts_file_and_needs_force_for_other_files(
    workdir: Path, lexical_index: Path, isolated_env: Path
) -> None:
    facts_before = (workdir / "facts.md").read_bytes()
    (workdir / "link.md").symlink_to(workdir / "facts.md")
    script = [
        f"- {NEW_FACT}",
        "/draft",
        "/save facts.md",  # what happened in the issue: the facts replaced by the draft
        "/save ./sub/../facts.md --force",  # forced, and spelt differently: still never
        "/save link.md --force",  # a symlink to it: still never
        "/export facts.md.docx",  # a new file: written
        "/save notes.md",  # someone else's file: refused in a script
        "/save draft.md",
        "/save draft.md",  # now it exists: refused
        "/export facts.md.docx",  # exists: refused
        "/export facts.md.docx --force",
        "/save --force notes.md",  # forced: replaced (the flag may come first)
        "/save draft.md --forse",  # a misspelt flag is not a file name
    ]
    res = run_chat(["facts.md", "--session", "w", "--offline"], script, chat_env(lexical_index), workdir)
    out, err = res.stdout, res.stderr
    assert res.returncode == 1, err  # a script learns that inputs were refused
    assert (workdir / "facts.md").read_bytes() == facts_before
    refusals = [ln for ln in err.splitlines() if "本会话的事实文件" in ln]
    assert len(refusals) == 3, err
    assert refusals[0] == (
        f"错误：facts.md 是本会话的事实文件，任何情况下都不会覆盖（加 --force 也不会）；"
        f"请换一个文件名，如 {workdir / 'facts.draft.md'}"
    )
    assert "错误：notes.md 已存在，未覆盖；确需覆盖请用 /save notes.md --force" in err
    assert "错误：draft.md 已存在，未覆盖；确需覆盖请用 /save draft.md --force" in err
    assert "错误：facts.md.docx 已存在，未覆盖；确需覆盖请用 /export facts.md.docx --force" in err
    assert "错误：不认识的选项 --forse（用法：/save 文件 [--force]）" in err
    assert len([ln for ln in err.splitlines() if ln.startswith("错误：")]) == 8  # one line each
    assert f"已保存草稿：{workdir / 'draft.md'}（第3版）" in out  # where it wrote, in full
    assert out.count(f"已导出 Word：{workdir / 'facts.md.docx'}（第3版）") == 2
    draft = (workdir / "draft.md").read_text("utf-8")
    assert (
        draft.split("\n", 1)[1].startswith("# 市工业园区2024年第三季度意识形态工作总结") and NEW_FACT in draft
    )
    assert (workdir / "notes.md").read_text("utf-8") == draft  # replaced only when forced
    assert (workdir / "facts.md.docx").stat().st_size > 5000
    assert not [p.name for p in workdir.iterdir() if p.name.startswith(".")]  # no temp file left
    # The facts added in the chat are not in any file yet: the chat says so as it ends.
    assert out.rstrip().endswith(
        "提示：本会话新增 1 条、删除 0 条事实，还没有写入事实文件（/facts save 保存）"
    )


def test_facts_save_writes_the_session_facts_as_a_private_facts_file(
    workdir: Path, lexical_index: Path, isolated_env: Path
) -> None:
    env = chat_env(lexical_index)
    script = [
        "/status",
        f"- {NEW_FACT}",
        f"/facts add {PROBLEM}",
        f"/facts add {PLAN}",
        "/facts rm 4",
        "/status",
        "/facts save",  # beside the facts file: facts.chat.md
        "/status",
        "/facts save facts.md --force",  # never the session's facts file
        "/facts save",  # exists now: refused in a script
        "/facts rm 1",
        "/facts save --force",
    ]
    res = run_chat(["facts.md", "--session", "f", "--offline"], script, env, workdir)
    out, err = res.stdout, res.stderr
    assert res.returncode == 1, err
    saved = workdir / "facts.chat.md"
    assert f"已把 14 条事实写入 {saved}（仅本人可读写）" in out
    assert f"已把 13 条事实写入 {saved}（仅本人可读写）" in out
    assert mode(saved) == 0o600
    assert (workdir / "facts.md").read_bytes() == FACTS.read_bytes()
    assert (
        "错误：facts.md 是本会话的事实文件，任何情况下都不会覆盖（加 --force 也不会）；请换一个文件名，如 "
        in err
    )
    assert f"错误：{saved} 已存在，未覆盖；确需覆盖请用 /facts save {saved} --force" in err
    # /status: the facts file, and whether the session's facts are in a file.
    status = [ln for ln in out.splitlines() if ln.startswith(("事实文件：", "事实："))]
    assert status == [
        f"事实文件：{workdir / 'facts.md'}（会话中现有 12 条事实）",
        f"事实：与 {workdir / 'facts.md'} 一致",
        f"事实文件：{workdir / 'facts.md'}（会话中现有 14 条事实）",
        "事实：自上次保存以来新增 3 条、删除 1 条，尚未写入文件（/facts save 保存）",
        f"事实文件：{workdir / 'facts.md'}（会话中现有 14 条事实）",
        f"事实：与 {saved} 一致",
    ]
    assert "还没有写入事实文件" not in out  # everything was saved at the end

    # The file is a facts file: front matter, parts, groups; load_facts gives the same facts back.
    text = saved.read_text("utf-8")
    assert text.startswith("---\nunit: 市工业园区党工委\nperiod: 2024年第三季度\ntopic: 意识形态工作\n")
    assert "\n## 存在的问题\n" in text and "\n### 理论学习\n" in text and f"- {NEW_FACT}\n" in text
    back = load_facts(saved)
    session = session_sheet(isolated_env, "f")
    assert facts_of(back) == facts_of(session)
    assert back.meta == load_facts(FACTS).meta and back.title == session.title
    assert PROBLEM in [f.text for f in back.facts()] and "党工委会议专题研究意识形态工作2次" not in text

    # A new session from the saved file starts where this one left off.
    again = run_chat([str(saved), "--session", "g", "--offline"], ["/status"], env, workdir)
    assert again.returncode == 0, again.stderr
    assert f"事实：与 {saved} 一致" in again.stdout
    assert facts_of(session_sheet(isolated_env, "g")) == facts_of(session)


def test_facts_save_round_trip_of_a_plain_list_and_awkward_front_matter(
    tmp_path: Path, lexical_index: Path, isolated_env: Path
) -> None:
    # A plain .txt (no headings: roles from cue words), then front matter YAML would misread if
    # written bare (on → true, 2024 → int), a group before any part, and facts before any heading.
    shutil.copy(EXAMPLES / "facts" / "school-2024h1.txt", tmp_path / "school.txt")
    odd = tmp_path / "odd.md"
    odd.write_text(
        '---\nunit: "on"\nperiod: "2024"\ntopic: "宣传: 思想"\n---\n'
        "- 召开专题会议2次\n### 阵地建设\n- 新建宣传栏5处\n## 存在的问题\n- 宣传力量薄弱\n",
        "utf-8",
    )
    env = chat_env(lexical_index)
    res = run_chat(
        ["school.txt", "--session", "t", "--offline"],
        [f"- {NEW_FACT}", "- 部分家长对网络安全重视不够", "/facts rm 2", "/facts save school.md"],
        env,
        tmp_path,
    )
    assert res.returncode == 0, res.stderr
    back = load_facts(tmp_path / "school.md")
    assert facts_of(back) == facts_of(session_sheet(isolated_env, "t"))
    assert not (tmp_path / "school.md").read_text("utf-8").startswith("---")  # no front matter known
    assert (tmp_path / "school.txt").read_bytes() == (EXAMPLES / "facts" / "school-2024h1.txt").read_bytes()

    res = run_chat(
        ["odd.md", "--session", "o", "--offline"], ["- 开展网评员培训1期", "/facts save"], env, tmp_path
    )
    assert res.returncode == 0, res.stderr
    saved = tmp_path / "odd.chat.md"
    back = load_facts(saved)
    assert back.meta == {"unit": "on", "period": "2024", "topic": "宣传: 思想"}
    assert facts_of(back) == facts_of(session_sheet(isolated_env, "o"))
    assert mode(saved) == 0o600


def test_facts_markdown_reads_back_for_every_example(isolated_env: Path) -> None:
    for path in sorted((EXAMPLES / "facts").iterdir()):
        sheet = load_facts(path)
        back = parse_facts(facts_markdown(sheet, "note"), "back.md")
        assert facts_of(back) == facts_of(sheet), path.name
        assert back.meta == sheet.meta


def test_english_on_request(workdir: Path, lexical_index: Path, isolated_env: Path) -> None:
    env = {**chat_env(lexical_index), "ASSISTANT_LANG": "en"}
    res = run_chat(
        ["facts.md", "--session", "en", "--offline"],
        ["/help", "/draft", "/save facts.md", "/status"],
        env,
        workdir,
    )
    assert "/save FILE [--force]" in res.stdout and "session: en" in res.stdout
    assert re.search(
        r"^error: facts\.md is the facts file of this session and is never replaced", res.stderr, re.M
    )
    assert not re.search(r"[\u4e00-\u9fff]", res.stderr.replace("市工业园区", ""))


# --- at a terminal: the chat asks ------------------------------------------------------------


@pytest.mark.slow  # pexpect on a terminal
def test_terminal_asks_before_replacing_a_file(
    fake_llm: Any, workdir: Path, lexical_index: Path, isolated_env: Path
) -> None:
    pytest.importorskip("pexpect")
    from tests.test_chat_tty import Terminal

    term = Terminal(["facts.md", "--session", "ask", "--offline"], chat_env(lexical_index), workdir)
    try:
        term.line(f"- {NEW_FACT}")
        term.line("/draft")
        notes = (workdir / "notes.md").read_bytes()
        term.send("/save notes.md")
        term.child.expect_exact("notes.md 已存在，是否覆盖？[y/N] ")
        term.child.send("n\r")
        assert "未覆盖 notes.md" in term.ready()
        assert (workdir / "notes.md").read_bytes() == notes
        term.send("/save notes.md")
        term.child.expect_exact("是否覆盖？[y/N] ")
        term.child.send("y\r")
        assert f"已保存草稿：{workdir / 'notes.md'}（第3版）" in term.ready()
        assert NEW_FACT in (workdir / "notes.md").read_text("utf-8")
        # The facts file: refused at once, nothing asked, even when forced.
        shown = term.line("/save facts.md --force")
        assert "是否覆盖" not in shown and "本会话的事实文件，任何情况下都不会覆盖" in shown
        shown = term.line("/facts save")
        assert f"已把 13 条事实写入 {workdir / 'facts.chat.md'}" in shown
        term.send("/facts save")
        term.child.expect_exact("facts.chat.md 已存在，是否覆盖？[y/N] ")
        term.child.send("\r")  # Enter alone is no
        assert "未覆盖" in term.ready()
    finally:
        term.close()
    assert (workdir / "facts.md").read_bytes() == FACTS.read_bytes()
    assert mode(workdir / "facts.chat.md") == 0o600
    assert os.path.getsize(workdir / "facts.chat.md") > 0


def test_typed_at_a_terminal_with_the_output_piped_still_asks(
    workdir: Path, lexical_index: Path, isolated_env: Path
) -> None:
    """`assistant chat facts.md | tee log`: no prompt_toolkit (stdout is a pipe), but a person types
    the lines, so the chat asks (on stderr, which is the terminal) rather than refusing."""
    pexpect = pytest.importorskip("pexpect")
    import shlex
    import sys

    cmd = f"{shlex.quote(sys.executable)} -m assistant chat facts.md --session tee --offline | cat"
    child = pexpect.spawn(
        "bash", ["-c", cmd], env=chat_env(lexical_index), cwd=str(workdir), encoding="utf-8", timeout=30
    )
    try:
        child.sendline("/draft")
        child.expect_exact("第2版：起草全文")
        child.sendline("/save notes.md")
        child.expect_exact("notes.md 已存在，是否覆盖？[y/N] ")
        child.sendline("y")
        child.expect_exact(f"已保存草稿：{workdir / 'notes.md'}（第2版）")
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close()
    saved = (workdir / "notes.md").read_text("utf-8")
    assert saved.split("\n", 1)[1].startswith("# 市工业园区2024年第三季度意识形态工作总结")
