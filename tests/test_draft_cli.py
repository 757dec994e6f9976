"""`assistant draft` and `assistant outline` as a user runs them (real subprocesses, offline)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.draft.facts import parse_facts
from assistant.draft.outline import build_outline
from assistant.index.search import Searcher
from assistant.index.store import IndexStore
from tests.helpers import EXAMPLES

PARK = EXAMPLES / "facts" / "park-2024q3.md"
SCHOOL = EXAMPLES / "facts" / "school-2024h1.txt"


def run(args: list[str], tmp_path: Path, index: Path, **env: str) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    e.update({"ASSISTANT_INDEX": str(index), **env})
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=tmp_path,
        env=e,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_draft_to_file_with_docx_and_sources(tmp_path: Path, lexical_index: Path) -> None:
    out, docx = tmp_path / "d.md", tmp_path / "d.docx"
    res = run(["draft", str(PARK), "-o", str(out), "--docx", str(docx), "--sources"], tmp_path, lexical_index)
    assert res.returncode == 0, res.stderr
    text = out.read_text("utf-8")
    assert text.startswith("<!-- 离线草稿") and "参考来源（供核对，不属于正文）：" in text
    assert "——未发现问题" in res.stderr and docx.exists() and docx.stat().st_size > 5000
    again = run(["draft", str(PARK), "-o", str(out)], tmp_path, lexical_index)
    assert again.returncode == 2 and "已存在；如要覆盖，请加 --force" in again.stderr


def test_several_facts_files_concurrently(tmp_path: Path, lexical_index: Path) -> None:
    folder = tmp_path / "out"
    res = run(
        ["draft", str(PARK), str(SCHOOL), "--jobs", "2", "-o", str(folder), "--unit", "县第一中学党总支"],
        tmp_path,
        lexical_index,
    )
    assert res.returncode == 0, res.stderr
    park = (folder / "park-2024q3.draft.md").read_text("utf-8")
    assert [line[:5] for line in park.splitlines() if line.startswith("## ")] == [
        "## 一、",
        "## 二、",
        "## 三、",
    ]
    assert "县第一中学党总支" not in park  # the file's own unit wins over the flag
    assert "县第一中学党总支" in (folder / "school-2024h1.draft.md").read_text("utf-8")


@pytest.mark.slow  # an end-to-end run of the CLI (> 1.4 s)
def test_strict_fails_when_the_check_finds_problems(tmp_path: Path, lexical_index: Path) -> None:
    outline = tmp_path / "outline.txt"
    outline.write_text(
        "一、工作开展情况\n二、存在的问题\n三、下一步工作打算\n四、经验体会\n", encoding="utf-8"
    )
    res = run(
        ["draft", str(PARK), "--outline", str(outline), "--strict", "-o", str(tmp_path / "d.md")],
        tmp_path,
        lexical_index,
    )
    assert res.returncode == 6, res.stderr
    assert "[空缺部分]" in res.stderr and "份草稿仍有问题" in res.stderr
    ok = run(["draft", str(PARK), "--strict", "-o", str(tmp_path / "e.md")], tmp_path, lexical_index)
    assert ok.returncode == 0, ok.stderr


def test_outline_command_and_bad_input(tmp_path: Path, lexical_index: Path) -> None:
    res = run(["outline", str(SCHOOL), "--facts"], tmp_path, lexical_index)
    assert res.returncode == 0
    title, first = res.stdout.splitlines()[:2]
    # school-2024h1.txt says its period in its name, not its unit or topic: those are marked
    assert title == "〔待补充：单位名称〕2024年上半年〔待补充：工作主题〕总结"
    assert first.startswith("一、") and "F6 少数教师" in res.stdout
    bad = tmp_path / "bad.md"
    bad.write_text("---\nunit: 某局\nfoo: 1\n---\n- 召开会议2次\n", encoding="utf-8")
    res = run(["draft", str(bad)], tmp_path, lexical_index)
    assert res.returncode == 3 and res.stderr.strip().endswith(
        "（可用：unit, period, topic, title, leader, date, signature）"
    )
    assert "Traceback" not in res.stderr
    for command in ("draft", "outline"):  # the same exit code in both: 3, a missing input file
        res = run([command, str(tmp_path / "missing.md")], tmp_path, lexical_index)
        assert res.returncode == 3 and "missing.md：找不到这个事实文件" in res.stderr, res.stderr


def test_part_names_follow_the_most_similar_examples(tmp_path: Path) -> None:
    src = tmp_path / "reports"
    src.mkdir()
    bodies = [
        ("组织干部职工开展理论学习，落实意识形态工作责任制。", "讲解员队伍年龄偏大。", "加强队伍建设。"),
        ("加强展厅阵地管理，开展理论学习和专题研讨。", "新媒体运用能力不足。", "开展新媒体培训。"),
        ("理论学习常态化，阵地管理制度化。", "队伍结构老化，培训不够。", "补充年轻干部，定期培训。"),
    ]
    for i, (unit, (a, b, c)) in enumerate(zip(["县档案馆", "县图书馆", "县文化馆"], bodies, strict=True)):
        (src / f"{i}.txt").write_text(
            f"{unit}2024年意识形态工作总结\n今年以来，{unit}认真落实上级部署，现将有关情况总结如下：\n"
            f"一、主要做法及成效\n{a}\n二、存在的不足\n{b}\n三、下一步措施\n{c}\n",
            encoding="utf-8",
        )
    store = IndexStore(tmp_path / "index")
    store.build([src], embedder="none")
    sheet = parse_facts("组织干部职工理论学习6次\n加强展厅阵地管理\n讲解员队伍年龄偏大\n开展新媒体培训\n")
    outline = build_outline(sheet, None, Searcher(store.load()))
    assert [p.title for p in outline.parts] == ["主要做法及成效", "存在的不足", "下一步措施"]
    assert any("各部分名称取自最相近的范文" in n for n in outline.notes)


@pytest.mark.parametrize("arg", [["log", "list"], ["log", "show", "999"]])
def test_log_commands(tmp_path: Path, lexical_index: Path, arg: list[str]) -> None:
    res = run(arg, tmp_path, lexical_index)
    assert res.returncode == (0 if arg[1] == "list" else 2), res.stderr


def test_export_leaves_the_sources_appendix_out(tmp_path: Path, lexical_index: Path) -> None:
    out = tmp_path / "d.md"
    assert run(["draft", str(PARK), "-o", str(out), "--sources"], tmp_path, lexical_index).returncode == 0
    res = run(["export", str(out), "-o", str(tmp_path / "d.docx")], tmp_path, lexical_index)
    assert res.returncode == 0, res.stderr
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "d.docx")).paragraphs)
    assert (
        "参考来源" not in text
        and "市工业园区2024年第三季度" in text
        and text.rstrip().endswith("2024年9月30日")
    )
