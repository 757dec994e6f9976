"""Retrieval evaluation: metrics on hand-computed rankings, the dev set's keys against the real corpus
parse, and end-to-end runs (lexical-only always; the e5 run is `slow` and builds once)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.evaluation.retrieval import (
    RUNS,
    Key,
    evaluate_index,
    key_of,
    load_dev_set,
    ndcg_at_k,
    normalize,
    recall_at_k,
    reciprocal_rank,
    resolve,
)
from assistant.index.store import IndexStore
from tests.helpers import CORPUS, REPO

DEV = REPO / "eval" / "retrieval"
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is not beside the checkout")

GRADES = {"a": 2, "b": 1, "c": 0, "d": 2}


def test_ndcg_uses_graded_gains_and_the_ideal_of_all_judged() -> None:
    # gains 2^g - 1: a, d -> 3, b -> 1; ranked b, a, x (unjudged), d
    dcg = 1 / math.log2(2) + 3 / math.log2(3) + 0 + 3 / math.log2(5)
    ideal = 3 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(["b", "a", "x", "d"], GRADES, 5) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["b", "a", "x", "d"], GRADES, 5) == pytest.approx(0.7760, abs=1e-4)
    # Cut at k: only b and a count, against the ideal top 2 (a, d).
    assert ndcg_at_k(["b", "a", "x", "d"], GRADES, 2) == pytest.approx(
        (1 + 3 / math.log2(3)) / (3 + 3 / math.log2(3))
    )
    # A judged positive the ranking misses still counts in the ideal.
    assert ndcg_at_k(["a"], GRADES, 2) == pytest.approx(3 / (3 + 3 / math.log2(3)))
    assert ndcg_at_k(["a", "d", "b"], GRADES, 5) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], {"a": 0}, 5) == 0.0


def test_recall_and_mrr_count_grade_one_as_relevant() -> None:
    assert recall_at_k(["b", "a", "x", "d"], GRADES, 2) == pytest.approx(2 / 3)
    assert recall_at_k(["b", "a", "x", "d"], GRADES, 10) == pytest.approx(1.0)
    assert recall_at_k(["x", "c"], GRADES, 10) == 0.0
    assert recall_at_k(["a"], {"c": 0}, 10) == 0.0
    assert reciprocal_rank(["x", "c", "b", "a"], GRADES) == pytest.approx(1 / 3)  # c is judged 0
    assert reciprocal_rank(["x", "c", "b", "a"], GRADES, min_grade=2) == pytest.approx(1 / 4)
    assert reciprocal_rank(["x", "c"], GRADES) == 0.0


def test_normalised_keys_ignore_width_space_and_punctuation() -> None:
    assert (
        normalize("一是，组织 召开（党组）会议。\n２０２４年“园区讲堂”10期")
        == "一是组织召开党组会议2024年园区讲堂10期"
    )


def test_malformed_dev_set_lines_are_errors_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "queries.jsonl").write_text(
        '{"id": "q1", "query": "理论学习", "role": "achievements"}\n', "utf-8"
    )
    cases = {
        '{"query_id": "q1", "key": {"file": "a.txt", "prefix": "理论学习"}, "grade": 3}': "grade 只能是",
        '{"query_id": "q9", "key": {"file": "a.txt", "prefix": "理论学习"}, "grade": 1}': "未知的查询编号",
        '{"query_id": "q1", "key": {"file": "a.txt", "prefix": "理论，学习"}, "grade": 1}': "prefix 未规范化",
        '{"query_id": "q1", "grade": 1}': "应有 query_id",
        "not json": "这一行不是 JSON",
    }
    for line, message in cases.items():
        (tmp_path / "qrels.jsonl").write_text("\n" + line + "\n", "utf-8")
        with pytest.raises(InputError, match=rf"qrels.jsonl:2：{message}"):
            load_dev_set(tmp_path)


def test_the_dev_set_is_well_formed() -> None:
    dev = load_dev_set(DEV)
    roles = {q.role for q in dev.queries}
    assert len(dev.queries) >= 32 and {"achievements", "problems", "plans", "opening", "closing"} <= roles
    for q in dev.queries:
        assert any(g == 2 for g in dev.qrels[q.id].values()), f"{q.id} has no grade-2 chunk"
    # Stored text stays short: prefixes only.
    assert max(len(k.prefix) for keys in dev.qrels.values() for k in keys) <= 40


@needs_corpus
def test_every_key_resolves_to_exactly_one_chunk_of_the_current_parse() -> None:
    from assistant.corpus import parse_paths

    chunks = parse_paths([CORPUS]).chunks()
    dev = load_dev_set(DEV)
    resolved = resolve(dev, chunks)
    assert resolved.unresolved == [] and resolved.ambiguous == []
    assert sum(len(v) for v in resolved.grades.values()) == dev.judged
    # A key that matches nothing is reported, not dropped.
    dev.qrels[dev.queries[0].id][Key(chunks[0].source.split("/")[-1], "没有这样的段落")] = 2
    assert len(resolve(dev, chunks).unresolved) == 1
    assert key_of(chunks[0]).prefix == normalize(chunks[0].text)[:24]


@pytest.fixture(scope="module")
def lexical_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.exists():
        pytest.skip("../shared/corpus is not beside the checkout")
    root = tmp_path_factory.mktemp("lexical") / "index"
    IndexStore(root).build([CORPUS], embedder="none")
    return root


@needs_corpus
def test_lexical_end_to_end_scores_in_a_sane_range(lexical_index: Path) -> None:
    report = evaluate_index(lexical_index, DEV)
    assert report.unresolved == [] and report.queries >= 32
    assert [s.name for s in report.scores] == ["lexical"]  # nothing dense to run on this index
    assert set(report.skipped) == {r.name for r in RUNS} - {"lexical"}
    lex = report.scores[0]
    assert lex.queries == report.queries
    assert 0.7 <= lex.ndcg5 <= 0.98, lex.ndcg5
    assert 0.2 <= lex.recall10 <= 0.8 and lex.mrr >= 0.9


@needs_corpus
def test_cli_prints_json_on_stdout_only(lexical_index: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "retrieval", "--index", str(lexical_index), "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["runs"][0]["name"] == "lexical" and 0.7 <= data["runs"][0]["ndcg@5"] <= 0.98
    assert data["unresolved"] == []
    table = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "retrieval", "--index", str(lexical_index)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert table.returncode == 0, table.stderr
    assert "检索方式" in table.stdout and "个已标注查询" in table.stdout
    assert "未运行（索引没有向量）：dense" in table.stdout  # a lexical index: said, in Chinese


def test_cli_without_an_index_says_how_to_build_one(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "retrieval", "--index", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert out.returncode == 4 and "assistant index build" in out.stderr
    assert not (tmp_path / "none").exists()  # nothing was built


@pytest.mark.slow
@needs_corpus
def test_e5_hybrid_beats_lexical_and_dense(corpus_index: IndexStore) -> None:
    scores = {s.name: s for s in evaluate_index(corpus_index.root, DEV).scores}
    assert set(scores) == {r.name for r in RUNS}
    assert scores["hybrid"].ndcg5 > scores["lexical"].ndcg5
    assert scores["hybrid"].ndcg5 > scores["dense"].ndcg5 + 0.05


def test_filtered_dense_search_matches_exact_filtering_on_flat_and_hnsw() -> None:
    """search.py asks FAISS for k filtered results (bitmap selector) instead of every vector; the
    tuning and benchmarks rely on it returning what exhaustive filtering would."""
    import faiss
    import numpy as np

    from assistant.index.search import _dense_search

    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 32)).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    flat = faiss.IndexFlatIP(32)
    flat.add(x)
    hnsw = faiss.IndexHNSWFlat(32, 16, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(x)
    q = x[:1] + 0.05
    for share in (1.0, 0.5, 0.01, 0.0):
        allowed = rng.random(3000) < share
        exact = [int(i) for i in np.argsort(-(x @ q[0]), kind="stable") if allowed[i]][:20]
        assert _dense_search(flat, q, allowed, 20) == exact
        got = _dense_search(hnsw, q, allowed, 20)
        assert all(allowed[i] for i in got) and len(got) == len(exact)
        assert len(set(got) & set(exact)) >= 0.8 * len(exact)
