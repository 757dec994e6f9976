"""`assistant export` on the command line: stdin and stdout, draft encodings, a facts file given by
mistake, exit codes and the messages in Chinese (and English on request). Real files, a real
subprocess, the .docx parsed back with python-docx."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from tests.helpers import EXAMPLES

pytestmark = pytest.mark.slow  # end-to-end runs of the installed CLI

DRAFT = """\
<!-- 草稿：由 offline 逐节起草，已按事实核对。 -->
# 县档案馆党支部2024年上半年意识形态工作总结

2024年上半年，县档案馆党支部认真贯彻落实上级决策部署。现将有关工作情况总结如下：

## 一、工作开展情况

一是支部会议研究意识形态工作10次。二是举办“兰台讲堂”4期，参加干部职工260人次。

## 二、存在的问题

讲解员平均年龄52岁。

## 三、下一步打算

下半年招募青年志愿讲解员。

县档案馆党支部
2024年6月28日
"""
TITLE = "县档案馆党支部2024年上半年意识形态工作总结"

FACTS = """\
---
unit: 县档案馆党支部
period: 2024年上半年
topic: 意识形态工作
---
## 工作开展情况
- 支部会议研究意识形态工作10次
- 举办“兰台讲堂”4期，参加干部职工260人次
## 存在的问题
- 讲解员平均年龄52岁
"""


def export(
    *args: str, cwd: Path, stdin: bytes | None = None, lang: str | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    if lang:
        env["ASSISTANT_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "assistant", "export", *args],
        cwd=cwd,
        input=stdin if stdin is not None else b"",
        capture_output=True,
        env=env,
        timeout=120,
    )


def paragraphs(path_or_bytes: Path | bytes) -> list[str]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    return [p.text.replace("\n", "") for p in docx.Document(source).paragraphs]


def one_error_line(res: subprocess.CompletedProcess[bytes]) -> str:
    err = res.stderr.decode("utf-8")
    assert err.count("\n") == 1 and err.startswith(("错误：", "error: ")), err
    assert "Traceback" not in err
    return err.strip()


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_drafts_in_the_encodings_of_facts_files_are_exported(tmp_path: Path, encoding: str) -> None:
    draft = tmp_path / "草稿.md"
    draft.write_bytes(DRAFT.replace("\n", "\r\n").encode(encoding))
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            draft.read_bytes().decode("utf-8")  # really not UTF-8
    res = export(str(draft), "-o", "out.docx", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert res.stderr.decode() == "已导出：out.docx\n"
    text = paragraphs(tmp_path / "out.docx")
    assert text[0] == TITLE
    assert "讲解员平均年龄52岁。" in text and text[-2:] == ["县档案馆党支部", "2024年6月28日"]
    assert docx.Document(str(tmp_path / "out.docx")).core_properties.title == TITLE


def test_stdin_to_stdout_gives_the_docx_bytes(tmp_path: Path) -> None:
    res = export("-", "-o", "-", cwd=tmp_path, stdin=DRAFT.encode("gb18030"))
    assert res.returncode == 0, res.stderr.decode()
    assert res.stdout.startswith(b"PK")  # a zip: the .docx itself, nothing else on stdout
    text = paragraphs(res.stdout)
    assert text[0] == TITLE and "下半年招募青年志愿讲解员。" in text
    assert f"（{len(res.stdout)} 字节）" in res.stderr.decode()
    assert list(tmp_path.iterdir()) == []  # nothing written next to the command


def test_stdin_to_a_file_and_a_file_to_stdout(tmp_path: Path) -> None:
    res = export("-", "-o", "from-stdin.docx", cwd=tmp_path, stdin=DRAFT.encode("utf-8"))
    assert res.returncode == 0 and paragraphs(tmp_path / "from-stdin.docx")[0] == TITLE
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    res = export("draft.md", "-o", "-", cwd=tmp_path)
    assert res.returncode == 0 and paragraphs(res.stdout)[0] == TITLE
    assert not (tmp_path / "draft.docx").exists()


def test_stdin_needs_an_output(tmp_path: Path) -> None:
    res = export("-", cwd=tmp_path, stdin=DRAFT.encode())
    assert res.returncode == 2
    assert one_error_line(res) == "错误：从标准输入读取草稿时，请用 -o 指定 .docx 文件（-o - 写到标准输出）"
    assert list(tmp_path.iterdir()) == []


def test_docx_bytes_are_not_written_to_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    leader, follower = pty.openpty()
    try:
        res = subprocess.run(
            [sys.executable, "-m", "assistant", "export", "draft.md", "-o", "-"],
            cwd=tmp_path,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=120,
        )
        os.set_blocking(leader, False)
        try:
            on_terminal = os.read(leader, 65536)
        except BlockingIOError:
            on_terminal = b""
    finally:
        os.close(leader)
        os.close(follower)
    assert res.returncode == 2 and on_terminal == b""
    assert (
        one_error_line(res) == "错误：标准输出是终端，不能写入 .docx；请用 -o 指定文件，或把输出重定向到文件"
    )


def test_a_facts_file_is_refused_with_the_command_that_drafts_it(tmp_path: Path) -> None:
    (tmp_path / "facts.md").write_text(FACTS, encoding="utf-8")
    res = export("facts.md", "-o", "report.docx", cwd=tmp_path)
    assert res.returncode == 3
    assert one_error_line(res) == (
        "错误：facts.md：这是事实文件，不是草稿；请用 `assistant draft facts.md --docx report.docx` 起草并导出"
    )
    assert not (tmp_path / "report.docx").exists()
    # without -o the suggestion names the .docx next to the facts; GBK facts are recognised too
    (tmp_path / "gbk.md").write_bytes(FACTS.encode("gbk"))
    res = export("gbk.md", cwd=tmp_path)
    assert res.returncode == 3 and "`assistant draft gbk.md --docx gbk.docx`" in one_error_line(res)
    # from stdin
    res = export("-", "-o", "-", cwd=tmp_path, stdin=FACTS.encode())
    assert res.returncode == 3 and res.stdout == b""
    assert one_error_line(res).startswith("错误：标准输入：这是事实文件，不是草稿；")


@pytest.mark.parametrize("name", ["park-2024q3.md", "community-2024.md", "school-2024h1.txt"])
def test_the_bundled_facts_files_are_refused(tmp_path: Path, name: str) -> None:
    res = export(str(EXAMPLES / "facts" / name), "-o", "out.docx", cwd=tmp_path)
    assert res.returncode == 3 and "：这是事实文件，不是草稿" in one_error_line(res)
    assert not (tmp_path / "out.docx").exists()


def test_neither_the_comment_header_nor_front_matter_is_the_title(tmp_path: Path) -> None:
    # A draft with a header comment over two lines and a front matter block that is not a facts
    # file's: the title is the "# " line, and neither appears anywhere in the document.
    draft = "---\nauthor: 办公室\n---\n<!-- 草稿：由 offline 起草，\n已按事实核对。 -->\n" + DRAFT + "\n---\n"
    (tmp_path / "draft.md").write_text(draft, encoding="utf-8")
    res = export("draft.md", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    text = paragraphs(tmp_path / "draft.docx")
    assert text[0] == TITLE
    assert not any(t.startswith(("<!--", "---", "author")) or "核对" in t for t in text)


def test_exit_codes_and_nothing_lost(tmp_path: Path) -> None:
    missing = export("missing.md", "-o", "out.docx", cwd=tmp_path)
    assert missing.returncode == 3 and one_error_line(missing) == "错误：missing.md：找不到这个文件"
    folder = export(str(tmp_path), "-o", "out.docx", cwd=tmp_path)
    assert folder.returncode == 3 and "：是文件夹，不是草稿" in one_error_line(folder)

    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    (tmp_path / "out.docx").write_bytes(b"keep me")
    exists = export("draft.md", "-o", "out.docx", cwd=tmp_path)
    assert (
        exists.returncode == 2 and one_error_line(exists) == "错误：out.docx 已存在；如要覆盖，请加 --force"
    )
    assert (tmp_path / "out.docx").read_bytes() == b"keep me"
    no_folder = export("draft.md", "-o", "nowhere/out.docx", cwd=tmp_path)
    assert no_folder.returncode == 2 and "文件夹 nowhere 不存在" in one_error_line(no_folder)
    not_a_draft = export("-", "-o", "x.docx", cwd=tmp_path, stdin="今年以来，我们做了很多工作。\n".encode())
    assert not_a_draft.returncode == 3
    assert one_error_line(not_a_draft) == "错误：标准输入：没有标题行（“# 标题”），不像是草稿"
    assert export("draft.md", "-o", "out.docx", "--force", cwd=tmp_path).returncode == 0
    assert paragraphs(tmp_path / "out.docx")[0] == TITLE


def test_a_docx_given_as_the_draft_is_refused(tmp_path: Path) -> None:
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    assert export("draft.md", cwd=tmp_path).returncode == 0
    res = export("draft.docx", "-o", "again.docx", cwd=tmp_path)
    assert res.returncode == 3
    assert one_error_line(res) == "错误：draft.docx：这是 Word 等二进制文件，不是 Markdown 草稿"
    binary = export("-", "-o", "x.docx", cwd=tmp_path, stdin=b"\x00\x01\x02binary")
    assert binary.returncode == 3 and one_error_line(binary).startswith("错误：标准输入：不是可读的文本草稿")


def test_messages_in_english_on_request(tmp_path: Path) -> None:
    (tmp_path / "facts.md").write_text(FACTS, encoding="utf-8")
    res = export("facts.md", "-o", "out.docx", cwd=tmp_path, lang="en")
    assert res.returncode == 3 and one_error_line(res) == (
        "error: facts.md is a facts file, not a draft; "
        "draft and export it with `assistant draft facts.md --docx out.docx`"
    )
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    assert export("draft.md", "-o", "out.docx", cwd=tmp_path, lang="en").stderr == b"wrote out.docx\n"
    exists = export("draft.md", "-o", "out.docx", cwd=tmp_path, lang="en")
    assert exists.returncode == 2
    assert one_error_line(exists) == "error: out.docx already exists; pass --force to overwrite it"
    help_text = subprocess.run(
        [sys.executable, "-m", "assistant", "export", "-h"],
        capture_output=True,
        text=True,
        env={**os.environ, "ASSISTANT_LANG": "en"},
        timeout=60,
    ).stdout
    help_text = " ".join(help_text.split())  # the formatter wraps long lines
    assert "GB/T 9704-2012 layout" in help_text and "- reads it from stdin" in help_text


def test_help_is_in_chinese(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "assistant", "export", "-h"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0 and "default" not in res.stdout
    assert "公文格式的 .docx" in res.stdout and "用 - 从标准输入读取" in res.stdout and "DRAFT" in res.stdout


def test_the_draft_is_never_overwritten_by_its_own_export(tmp_path: Path) -> None:
    (tmp_path / "draft.md").write_text(DRAFT, encoding="utf-8")
    res = export("draft.md", "-o", "draft.md", "--force", cwd=tmp_path)
    assert res.returncode == 2 and one_error_line(res) == "错误：draft.md：输出文件不能是草稿本身"
    assert (tmp_path / "draft.md").read_text(encoding="utf-8") == DRAFT


def test_a_draft_typed_at_the_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "export", "-", "-o", "typed.docx"],
            cwd=tmp_path,
            stdin=follower,
            stderr=subprocess.PIPE,
        )
        # typed lines end with Enter (\r on a terminal); Ctrl-D on an empty line ends the input
        os.write(leader, DRAFT.replace("\n", "\r").encode() + b"\x04")
        _, err = proc.communicate(timeout=120)
    finally:
        os.close(leader)
        os.close(follower)
    assert proc.returncode == 0, err.decode()
    assert err.decode() == "请输入或粘贴草稿，结束时按 Ctrl-D。\n已导出：typed.docx\n"
    assert paragraphs(tmp_path / "typed.docx")[0] == TITLE
