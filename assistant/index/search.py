"""Hybrid search: reciprocal-rank fusion of BM25 (character bigrams) and dense (FAISS) rankings,
with role filters and boosts, at most N hits per report, and near-duplicate suppression."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.errors import IndexError_, UsageError
from assistant.index.embedders import Embedder, NoEmbedder, load_embedder, same_family
from assistant.index.store import LoadedIndex
from assistant.text import char_ngrams, jaccard

RRF_K = 60
# Weighted RRF. On the judged dev set (eval/retrieval) the bundled 4-bit e5-small ranks worse than
# BM25 over bigrams (nDCG@5 0.78 vs 0.86); at equal weights its ranks pulled good BM25 hits down and
# hybrid was no better than lexical. Half weight for dense ranks helped at every RRF k tried and with
# role filter, boost or neither (`assistant eval retrieval`, numbers in bench/README.md).
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.5
ROLE_BOOST = 0.5  # added to a boosted role, in units of a rank-1 contribution
MODES = ("hybrid", "lexical", "dense")


@dataclass
class Hit:
    chunk_id: str
    score: float
    lexical_rank: int | None
    dense_rank: int | None
    report_id: str
    report_title: str
    heading_path: list[str]
    role: str
    text: str
    source: str = ""
    flags: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Query:
    text: str
    k: int = 5
    roles: list[str] | None = None  # keep only these roles
    boost_roles: list[str] | None = None  # prefer these roles
    report: str | None = None  # keep only this report (id prefix)
    title_contains: str | None = None
    exclude_reports: list[str] | None = None
    max_per_report: int = 2
    mode: str = "hybrid"
    candidates: int = 100
    dedup: float = 0.6  # 4-gram Jaccard above which a hit repeats an earlier one


class Searcher:
    def __init__(self, index: LoadedIndex, embedder: Embedder | None = None) -> None:
        import numpy as np

        self.index = index
        self.chunks = index.chunks
        if embedder is None:
            embedder = load_embedder(_spec_of(index.embedder_id), fallback=True) if index.dense is not None else NoEmbedder()
        if embedder.dim and not same_family(_spec_of(embedder.id), index.embedder_id):
            raise IndexError_(
                f"the index was built with embedder {index.embedder_id}, but {embedder.id} was asked for; "
                "rebuild the index with --rebuild or drop --embedder"
            )
        self.embedder = embedder
        from assistant.index.tokenize import tokenizer

        self.tokenize = tokenizer(index.tokenizer_name)
        self._roles = np.array([c.role for c in self.chunks])
        self._reports = [c.report_id for c in self.chunks]
        self._grams: dict[int, set[str]] = {}

    @property
    def has_dense(self) -> bool:
        return self.index.dense is not None and bool(self.embedder.dim)

    def search(self, q: Query) -> list[Hit]:
        import numpy as np

        if not q.text or not q.text.strip():
            raise UsageError("empty query: give some text to search for")
        if q.mode not in MODES:
            raise UsageError(f"unknown mode {q.mode!r}: use {', '.join(MODES)}")
        n = len(self.chunks)
        allowed = np.ones(n, dtype=bool)
        if q.roles:
            allowed &= np.isin(self._roles, q.roles)
        if q.report:
            allowed &= np.array([r.startswith(q.report) for r in self._reports])
        if q.exclude_reports:
            allowed &= ~np.isin(np.array(self._reports), q.exclude_reports)
        if q.title_contains:
            allowed &= np.array([q.title_contains in c.title for c in self.chunks])

        lex_rank: dict[int, int] = {}
        dense_rank: dict[int, int] = {}
        if q.mode in ("hybrid", "lexical"):
            tokens = self.tokenize(q.text)
            if tokens:
                scores = self.index.bm25.get_scores(tokens)
                scores = np.where(allowed, scores, -1.0)
                top = np.argsort(-scores, kind="stable")[: q.candidates]
                lex_rank = {int(i): r + 1 for r, i in enumerate(t for t in top if scores[t] > 0)}
        if q.mode in ("hybrid", "dense") and self.has_dense:
            qv = self.embedder.embed_query(q.text).reshape(1, -1).astype("float32")
            want = n if n <= 50000 or q.roles or q.report else max(q.candidates * 4, 400)
            _, ids = self.index.dense.search(qv, min(want, n))
            ranked = [int(i) for i in ids[0] if i >= 0 and allowed[i]][: q.candidates]
            dense_rank = {i: r + 1 for r, i in enumerate(ranked)}
        elif q.mode == "dense":
            raise IndexError_("this index has no dense vectors (built with --embedder none)")

        fused: dict[int, float] = {}
        for ranks, w in ((lex_rank, LEXICAL_WEIGHT), (dense_rank, DENSE_WEIGHT)):
            for i, r in ranks.items():
                fused[i] = fused.get(i, 0.0) + w / (RRF_K + r)
        if q.boost_roles:
            for i in fused:
                if self.chunks[i].role in q.boost_roles:
                    fused[i] += ROLE_BOOST / (RRF_K + 1)
        order = sorted(fused, key=lambda i: (-fused[i], i))
        return self._diversify(order, fused, lex_rank, dense_rank, q)

    def _diversify(
        self, order: list[int], fused: dict[int, float], lex: dict[int, int], dense: dict[int, int], q: Query
    ) -> list[Hit]:
        hits: list[Hit] = []
        per_report: dict[str, int] = {}
        kept: list[int] = []
        for i in order:
            c = self.chunks[i]
            if per_report.get(c.report_id, 0) >= q.max_per_report:
                continue
            g = self._grams.setdefault(i, char_ngrams(c.text, 4))
            if any(jaccard(g, self._grams[j]) >= q.dedup for j in kept):
                continue
            kept.append(i)
            per_report[c.report_id] = per_report.get(c.report_id, 0) + 1
            hits.append(
                Hit(
                    chunk_id=c.id,
                    score=round(fused[i], 6),
                    lexical_rank=lex.get(i),
                    dense_rank=dense.get(i),
                    report_id=c.report_id,
                    report_title=c.title,
                    heading_path=list(c.heading_path),
                    role=c.role,
                    text=c.text,
                    source=c.source,
                    flags=list(c.flags),
                )
            )
            if len(hits) >= q.k:
                break
        return hits


def _spec_of(embedder_id: str) -> str:
    if embedder_id.startswith("e5-small"):
        return "e5-small"
    return embedder_id
