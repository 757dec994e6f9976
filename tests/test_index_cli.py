"""`assistant index …` and `assistant search` as a user meets them: one default index per user,
`index add` keeping what is there, the shrink guard, every skipped file named, Ctrl-C keeping the
old index, and references named by title or file. Real files, real lexical builds (`--embedder
none`, fast) through the real CLI in a subprocess; the e5 SIGINT run is `slow`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.index.search import Query, Searcher
from assistant.index.store import IndexStore
from tests.helpers import CORPUS, EXAMPLES

pytestmark = pytest.mark.slow  # end-to-end runs of the installed CLI with real index builds

EXAMPLE_REPORTS = EXAMPLES / "reports"
NEW_REPORT = """某区档案馆2024年意识形态工作总结
今年以来，区档案馆认真落实意识形态工作责任制，现将有关情况总结如下：
一、工作开展情况
馆党支部组织集中学习12次，开展“档案里的红色记忆”宣传活动，接待参观群众3000余人次。
二、存在的问题
档案编研力量薄弱，网络宣传阵地运用不足。
三、下一步工作打算
充实编研队伍，开通档案馆微信公众号。
"""


def cli(*args: str, cwd: Path, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    full.update(ASSISTANT_HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=300,
    )


def chunks_of(root: Path) -> dict[str, str]:
    d = IndexStore(root).current_dir()
    assert d is not None
    lines = (d / "chunks.jsonl").read_text("utf-8").splitlines()
    return {c["id"]: c["text"] for c in map(json.loads, lines)}


def messy_folder(root: Path) -> Path:
    """One sentence of report, and the files a real folder of reports holds besides."""
    root.mkdir()
    (root / "one.txt").write_text("今年以来，我们认真落实意识形态工作责任制。\n", encoding="utf-8")
    (root / "总结.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (root / "旧总结.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    (root / "草稿.wps").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (root / "empty.txt").write_bytes(b"")
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return root


# --- one default index per user ---------------------------------------------------------------


def test_default_index_lives_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.paths import data_dir, default_index_dir, is_user_index, user_dir

    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    assert default_index_dir() == tmp_path / "home" / "index" == data_dir() / "index"
    monkeypatch.delenv("ASSISTANT_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert default_index_dir() == tmp_path / "data" / "assistant" / "index"
    assert user_dir() == tmp_path / "config" / "assistant"  # config stays where it was
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "u"))
    assert default_index_dir() == tmp_path / "u" / ".local" / "share" / "assistant" / "index"
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "mine"))
    assert default_index_dir() == tmp_path / "mine" and not is_user_index(None)
    assert not is_user_index(tmp_path / "x")
    monkeypatch.delenv("ASSISTANT_INDEX")
    assert is_user_index(None)


def test_one_index_serves_every_folder_and_is_built_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = tmp_path / "work1", tmp_path / "work2"
    first.mkdir()
    second.mkdir()
    res = cli("search", "意识形态工作责任制", "--embedder", "none", "--json", cwd=first, home=home)
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("首次使用") == 1 and str(home / "index") in res.stderr
    assert json.loads(res.stdout)
    build = IndexStore(home / "index").current_dir()
    assert build is not None and not (first / "index").exists()
    facts = EXAMPLES / "facts" / "park-2024q3.md"
    t0 = time.perf_counter()
    res = cli("draft", str(facts), "--offline", "--embedder", "none", cwd=second, home=home)
    assert res.returncode == 0, res.stderr
    assert time.perf_counter() - t0 < 30
    assert "首次使用" not in res.stderr  # nothing rebuilt in a new folder
    assert IndexStore(home / "index").current_dir() == build and not (second / "index").exists()


def test_index_option_and_env_win_and_are_never_built_implicitly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mine = tmp_path / "mine"
    res = cli("search", "意识形态", "--embedder", "none", cwd=tmp_path, home=home, ASSISTANT_INDEX=str(mine))
    assert res.returncode == 4 and "assistant index build" in res.stderr
    assert not mine.exists() and not (home / "index").exists()
    res = cli("index", "info", cwd=tmp_path, home=home)
    assert res.returncode == 4 and "默认索引" in res.stderr and "自带范文" in res.stderr
    assert res.stderr.startswith("错误：") and res.stderr.count("\n") == 1
    res = cli("index", "build", str(EXAMPLE_REPORTS), "--embedder", "none", cwd=tmp_path, home=home,
              ASSISTANT_INDEX=str(mine))  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert IndexStore(mine).exists() and not (home / "index").exists()


# --- index add / build / remove -----------------------------------------------------------------


def test_index_add_keeps_what_is_there_and_build_guards_against_shrinking(tmp_path: Path) -> None:
    home, idx = tmp_path / "home", tmp_path / "idx"
    base = ["--index", str(idx)]
    assert cli("index", "build", str(EXAMPLE_REPORTS), *base, "--embedder", "none", cwd=tmp_path,
               home=home).returncode == 0  # fmt: skip
    before = chunks_of(idx)
    assert len(before) > 100
    new = tmp_path / "new"
    new.mkdir()
    (new / "archive.txt").write_text(NEW_REPORT, encoding="utf-8")
    res = cli("index", "add", str(new), *base, "--json", cwd=tmp_path, home=home)
    assert res.returncode == 0, res.stderr
    after = chunks_of(idx)
    assert before.items() <= after.items() and len(after) > len(before)
    data = json.loads(res.stdout)
    assert data["added"] == len(after) - len(before) and data["previous_chunks"] == len(before)
    hits = Searcher(IndexStore(idx).load()).search(Query("档案编研力量薄弱", k=1))
    assert hits[0].report_title == "某区档案馆2024年意识形态工作总结"

    again = cli("index", "add", str(new), *base, cwd=tmp_path, home=home)
    assert again.returncode == 0 and "没有变化" in again.stderr and chunks_of(idx) == after
    # A file added again replaces its own chunks (no stale copies), and a copy of an indexed
    # report under a new name adds nothing.
    (new / "archive.txt").write_text(NEW_REPORT.replace("3000余人次", "4000余人次"), encoding="utf-8")
    shutil.copy(next(EXAMPLE_REPORTS.glob("01_*")), new / "copy-of-01.txt")
    res = cli("index", "add", str(new), *base, "--json", cwd=tmp_path, home=home)
    assert res.returncode == 0, res.stderr
    updated = chunks_of(idx)
    assert len(updated) == len(after)
    assert sum("4000余人次" in t for t in updated.values()) == 1
    assert not any("3000余人次" in t for t in updated.values())

    # `build` with a folder holding one sentence and a .pdf: refused off a terminal, index kept.
    messy = messy_folder(tmp_path / "messy")
    res = cli("index", "build", str(messy), *base, "--embedder", "none", cwd=tmp_path, home=home)
    assert res.returncode == 2
    assert "--force" in res.stderr and "index add" in res.stderr and "Traceback" not in res.stderr
    assert [ln for ln in res.stderr.splitlines() if ln.startswith("错误：")] == [res.stderr.splitlines()[-1]]
    assert chunks_of(idx) == updated
    forced = cli(
        "index", "build", str(messy), *base, "--embedder", "none", "--force", cwd=tmp_path, home=home
    )
    assert forced.returncode == 0, forced.stderr
    assert len(chunks_of(idx)) == 1


def test_index_remove_drops_one_source_and_never_empties_the_index(tmp_path: Path) -> None:
    home, idx = tmp_path / "home", tmp_path / "idx"
    new = tmp_path / "new"
    new.mkdir()
    (new / "archive.txt").write_text(NEW_REPORT, encoding="utf-8")
    IndexStore(idx).build([EXAMPLE_REPORTS, new], embedder="none")
    both = chunks_of(idx)
    res = cli("index", "remove", str(new / "archive.txt"), "--index", str(idx), cwd=tmp_path, home=home)
    assert res.returncode == 0, res.stderr
    left = chunks_of(idx)
    assert left.items() < both.items() and not any("档案" in t for t in left.values())
    res = cli("index", "remove", str(new), "--index", str(idx), cwd=tmp_path, home=home)
    assert res.returncode == 2 and "没有来自" in res.stderr
    res = cli("index", "remove", "--examples", "--index", str(idx), cwd=tmp_path, home=home)
    assert res.returncode == 2 and "没有任何段落" in res.stderr and chunks_of(idx) == left


def test_add_to_a_missing_default_index_starts_it_with_the_bundled_examples(tmp_path: Path) -> None:
    home = tmp_path / "home"
    new = tmp_path / "new"
    new.mkdir()
    (new / "archive.txt").write_text(NEW_REPORT, encoding="utf-8")
    res = cli("index", "add", str(new), "--embedder", "none", cwd=tmp_path, home=home)
    assert res.returncode == 0, res.stderr
    assert "自带范文" in res.stderr
    info = cli("index", "info", "--json", cwd=tmp_path, home=home)
    assert info.returncode == 0, info.stderr
    m = json.loads(info.stdout)
    paths = [f["path"] for f in m["files"]]
    assert str((new / "archive.txt").resolve()) in paths
    assert sum(str(EXAMPLE_REPORTS.resolve()) in p for p in paths) == 10
    table = cli("index", "info", cwd=tmp_path, home=home)
    assert "（自带范文）" in table.stdout and str((new / "archive.txt").resolve()) in table.stdout


def test_store_add_and_remove_embed_only_what_is_new(tmp_path: Path) -> None:
    from tests.test_index import HashEmbedder

    store = IndexStore(tmp_path / "idx")
    first = store.build([EXAMPLE_REPORTS], embedder_obj=HashEmbedder())  # type: ignore[arg-type]
    new = tmp_path / "new"
    new.mkdir()
    (new / "archive.txt").write_text(NEW_REPORT, encoding="utf-8")
    emb = HashEmbedder()
    added = store.add([new], embedder_obj=emb)  # type: ignore[arg-type]
    assert added.embedded == emb.calls == added.added > 0
    assert added.cached == first.manifest["counts"]["chunks"]
    refuse = HashEmbedder(fail_after=-1)  # raises if asked to embed anything
    removed = store.remove([new / "archive.txt"], embedder_obj=refuse)  # type: ignore[arg-type]
    assert removed.embedded == 0 and refuse.calls == 0
    assert removed.manifest["counts"]["chunks"] == first.manifest["counts"]["chunks"]
    assert removed.manifest["corpus_fingerprint"] == first.manifest["corpus_fingerprint"]
    assert store.build([EXAMPLE_REPORTS], embedder_obj=HashEmbedder()).up_to_date  # type: ignore[arg-type]


def test_shrink_question_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    home, idx = tmp_path / "home", tmp_path / "idx"
    IndexStore(idx).build([EXAMPLE_REPORTS], embedder="none")
    before = chunks_of(idx)
    messy = messy_folder(tmp_path / "messy")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(home)
    args = ["-m", "assistant", "index", "build", str(messy), "--index", str(idx), "--embedder", "none"]
    for answer, code in (("n", 1), ("y", 0)):
        child = pexpect.spawn(sys.executable, args, env=env, cwd=str(tmp_path), encoding="utf-8", timeout=60)
        child.expect("确定替换吗")
        assert "总结.pdf" in child.before  # the skipped files are named before the question
        child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == code, child.before
        if answer == "n":
            assert "原有索引保持不变" in child.before and chunks_of(idx) == before
    assert len(chunks_of(idx)) == 1


# --- skipped files ------------------------------------------------------------------------------


def test_every_skipped_file_is_named_with_its_reason(tmp_path: Path) -> None:
    messy = messy_folder(tmp_path / "messy")
    (messy / "good.txt").write_text(NEW_REPORT, encoding="utf-8")
    (messy / "~$good.docx").write_bytes(b"\x00lock")
    (messy / "table.xlsx").write_bytes(b"PK\x03\x04" + bytes(50))
    res = cli("index", "build", str(messy), "--index", str(tmp_path / "idx"), "--embedder", "none", "--json",
              cwd=tmp_path, home=tmp_path / "home")  # fmt: skip
    assert res.returncode == 0, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("跳过 ")]
    expected = {
        "总结.pdf": "暂不支持 PDF，请另存为 .docx 或 .txt",
        "旧总结.doc": "暂不支持旧版 Word 文档（.doc），请在 Word 中另存为 .docx",
        "草稿.wps": "暂不支持 WPS 文档（.wps），请另存为 .docx",
        "empty.txt": "是空文件",
        "photo.txt": "是二进制文件，不是文本",
        "~$good.docx": "是 Office 打开文档时留下的临时文件",
        "table.xlsx": "不是支持的格式（支持 .txt、.md、.docx）",
    }
    assert len(lines) == len(expected)
    for name, reason in expected.items():
        assert sum(f"{name}：{reason}" in ln for ln in lines) == 1, (name, lines)
    assert ".DS_Store" not in res.stderr
    assert f"跳过 {len(expected)} 个文件" in res.stderr
    kinds = {Path(s["path"]).name: s["kind"] for s in json.loads(res.stdout)["skipped"]}
    assert kinds == {
        "总结.pdf": "pdf",
        "旧总结.doc": "doc",
        "草稿.wps": "wps",
        "empty.txt": "empty",
        "photo.txt": "binary",
        "~$good.docx": "lock",
        "table.xlsx": "unsupported",
    }
    # Built again or added again unchanged: a no-op that names the same files once more.
    for again in (["build", "--embedder", "none"], ["add"]):
        res = cli("index", again[0], str(messy), "--index", str(tmp_path / "idx"), *again[1:],
                  cwd=tmp_path, home=tmp_path / "home")  # fmt: skip
        assert res.returncode == 0, res.stderr
        assert "已是最新" in res.stderr or "没有变化" in res.stderr
        assert [ln for ln in res.stderr.splitlines() if ln.startswith("跳过 ")] == lines
    english = cli("index", "build", str(messy / "总结.pdf"), "--index", str(tmp_path / "idx2"),
                  cwd=tmp_path, home=tmp_path / "home", ASSISTANT_LANG="en")  # fmt: skip
    assert english.returncode == 3 and "PDF is not supported yet" in english.stderr
    assert english.stderr.startswith("error: ") and english.stderr.count("\n") == 1


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_fails_to_read_is_named_not_fatal(tmp_path: Path) -> None:
    """/proc/self/mem exists but reading it whole fails (EIO), even for root."""
    from assistant.corpus import parse_paths

    (tmp_path / "good.txt").write_text(NEW_REPORT, encoding="utf-8")
    result = parse_paths([tmp_path, Path("/proc/self/mem")])
    assert len(result.reports) == 1
    (err,) = result.errors
    assert err.kind == "unreadable" and err.reason.startswith("无法读取（") and err.path == "/proc/self/mem"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    from assistant.corpus import parse_paths

    (tmp_path / "good.txt").write_text(NEW_REPORT, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(NEW_REPORT, encoding="utf-8")
    locked.chmod(0)
    try:
        result = parse_paths([tmp_path])
    finally:
        locked.chmod(0o600)
    assert [(Path(e.path).name, e.kind) for e in result.errors] == [("locked.txt", "unreadable")]


def test_corpus_inspect_names_skipped_files_too(tmp_path: Path) -> None:
    messy = messy_folder(tmp_path / "messy")
    res = cli("corpus", "inspect", str(messy), cwd=tmp_path, home=tmp_path / "home")
    assert res.returncode == 0, res.stderr
    assert "总结.pdf：暂不支持 PDF" in res.stderr and "共跳过 5 个文件" in res.stderr
    data = json.loads(
        cli("corpus", "inspect", str(messy), "--json", cwd=tmp_path, home=tmp_path / "home").stdout
    )
    assert {e["kind"] for e in data["errors"]} == {"pdf", "doc", "wps", "empty", "binary"}


# --- references by title or file ------------------------------------------------------------------


def test_hits_are_labelled_by_title_or_file_name(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "县委宣传部材料.txt").write_text(
        "一、工作开展情况\n（一）加强阵地管理\n展厅、讲座和公众号实行三审制度，全年未发生意识形态问题。\n"
        "二、存在的问题\n宣传队伍力量不足，网络阵地管理经验欠缺。\n",
        encoding="utf-8",
    )
    (src / "archive.txt").write_text(NEW_REPORT, encoding="utf-8")
    store = IndexStore(tmp_path / "idx")
    store.build([src], embedder="none")
    s = Searcher(store.load())
    (untitled,) = s.search(Query("三审制度", k=1))
    assert untitled.report_title == ""
    assert untitled.source_label == "县委宣传部材料.txt · 工作开展情况 > 加强阵地管理"
    assert untitled.report_label == "县委宣传部材料.txt"
    (titled,) = s.search(Query("档案编研力量薄弱", k=1))
    assert titled.source_label == "《某区档案馆2024年意识形态工作总结》存在的问题"
    assert titled.to_dict()["source_label"] == titled.source_label
    res = cli(
        "search", "三审制度", "--index", str(store.root), "-k", "1", cwd=tmp_path, home=tmp_path / "home"
    )
    assert res.returncode == 0, res.stderr
    assert "县委宣传部材料.txt" in res.stdout and "《r" not in res.stdout and "共 1 条" in res.stderr


# --- Ctrl-C -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigint_mid_embedding_keeps_the_previous_index(tmp_path: Path) -> None:
    """A real `python -m assistant index build` with e5, interrupted while it embeds: exit 130, one
    line saying the previous index is kept, nothing half-written, and the old index still loads."""
    home, idx = tmp_path / "home", tmp_path / "idx"
    IndexStore(idx).build([EXAMPLE_REPORTS], embedder="none")
    live = IndexStore(idx).current_dir()
    before = chunks_of(idx)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ASSISTANT_"))}
    env["ASSISTANT_HOME"] = str(home)
    extra = [str(CORPUS)] if CORPUS.exists() else []  # more to embed: a wider window to interrupt
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "build", str(EXAMPLE_REPORTS), *extra,
         "--index", str(idx), "--embedder", "e5-small", "--rebuild"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    cache = idx / "embeddings.sqlite3"  # created when embedding starts
    deadline = time.monotonic() + 120
    while not cache.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # into the first slices
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "原有索引" in lines[0] and "保持不变" in lines[0], err
    assert "Traceback" not in err
    store = IndexStore(idx)
    assert store.current_dir() == live and chunks_of(idx) == before
    assert not list((idx / "builds").glob(".tmp-*"))
    assert [p.name for p in (idx / "builds").iterdir()] == [live.name]  # type: ignore[union-attr]
    assert Searcher(store.load()).search(Query("意识形态工作责任制", k=3))
