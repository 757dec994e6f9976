"""Hybrid search: reciprocal-rank fusion of BM25 (character bigrams) and dense (FAISS) rankings,
with role filters and boosts, at most N hits per report, and near-duplicate suppression."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import PurePath
from typing import Any, NamedTuple

from assistant.errors import IndexError_, UsageError
from assistant.i18n import _
from assistant.index.embedders import Embedder, NoEmbedder, load_embedder, same_family
from assistant.index.store import LoadedIndex, _spec_of
from assistant.text import char_ngrams

RRF_K = 60
# Weighted RRF. On the judged dev set (eval/retrieval) the bundled 4-bit e5-small ranks worse than
# BM25 over bigrams (nDCG@5 0.78 vs 0.86); at equal weights its ranks pulled good BM25 hits down and
# hybrid was no better than lexical. Half weight for dense ranks helped (once tied) at every RRF k
# tried (5-120), with role filter, boost or neither (`assistant eval retrieval`; bench/README.md).
LEXICAL_WEIGHT = 1.0
DENSE_WEIGHT = 0.5
ROLE_BOOST = 0.5  # added to a boosted role, in units of a rank-1 contribution
# Builds store efSearch 96. At 35,000 chunks (bench/README.md) that found 93% of the exact top 10
# for the dev queries; 256 finds 99% for +0.15 ms a query, so searches ask for at least this.
HNSW_EF_SEARCH = 256
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

    @property
    def report_label(self) -> str:
        """The report as a reader knows it: 《title》, or the file name for an untitled report."""
        if self.report_title:
            return f"《{self.report_title}》"
        return PurePath(self.source).name if self.source else self.report_id

    @property
    def source_label(self) -> str:
        """Where the paragraph comes from, for references: 《title》 (or the file name) and the
        heading path, e.g. 《某县2024年意识形态工作总结》工作开展情况 > 加强阵地管理."""
        path = " > ".join(self.heading_path)
        if not path:
            return self.report_label
        return f"{self.report_label}{path}" if self.report_title else f"{self.report_label} · {path}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["source_label"] = self.source_label
        return d


class PartHeading(NamedTuple):
    """A paragraph's top-level heading in its report, with the paragraph's role."""

    report_id: str
    role: str
    heading: str


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
            embedder = (
                load_embedder(_spec_of(index.embedder_id), fallback=True)
                if index.dense is not None
                else NoEmbedder()
            )
        if embedder.dim and not same_family(_spec_of(embedder.id), index.embedder_id):
            raise IndexError_(
                _(
                    "索引是用嵌入模型 {built} 建的，这里要用的是 {asked}；请去掉 --embedder，或加 --rebuild 重建索引",
                    built=index.embedder_id,
                    asked=embedder.id,
                )
            )
        self.embedder = embedder
        from assistant.index.tokenize import tokenizer

        self.tokenize = tokenizer(index.tokenizer_name)
        self._roles = np.array([c.role for c in self.chunks])
        self._reports = [c.report_id for c in self.chunks]
        self._grams: dict[int, set[str]] = {}
        self._role_masks: dict[tuple[str, ...], Any] = {}

    @property
    def has_dense(self) -> bool:
        return self.index.dense is not None and bool(self.embedder.dim)

    def part_headings(self, report_ids: Collection[str]) -> list[PartHeading]:
        """The top-level heading and role of every paragraph under a heading in these reports."""
        wanted = set(report_ids)
        return [
            PartHeading(c.report_id, c.role, c.heading_path[0])
            for c in self.chunks
            if c.report_id in wanted and c.heading_path
        ]

    def search(self, q: Query) -> list[Hit]:
        hits = self._search(q)
        # Many near-copies of one paragraph can fill every candidate slot; diversification then
        # leaves fewer than k hits. Look deeper before giving up.
        while len(hits) < q.k and q.candidates < len(self.chunks):
            q = replace(q, candidates=min(len(self.chunks), q.candidates * 4))
            hits = self._search(q)
        return hits

    def _search(self, q: Query) -> list[Hit]:
        import numpy as np

        if not q.text or not q.text.strip():
            raise UsageError(_("检索内容为空：请给出要查找的文字"))
        if q.mode not in MODES:
            raise UsageError(_("未知的检索方式 {mode}：可选 {modes}", mode=q.mode, modes="、".join(MODES)))
        n = len(self.chunks)
        allowed = np.ones(n, dtype=bool)
        if q.roles:
            key = tuple(sorted(q.roles))
            if key not in self._role_masks:  # np.isin over every chunk costs ms at 30,000 chunks
                self._role_masks[key] = np.isin(self._roles, q.roles)
            allowed &= self._role_masks[key]
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
                scores = np.where(allowed, self.index.bm25.get_scores(tokens), -1.0)
                lex_rank = {i: r + 1 for r, i in enumerate(_top(scores, q.candidates)) if scores[i] > 0}
        if q.mode in ("hybrid", "dense") and self.has_dense:
            qv = self.embedder.embed_query(q.text).reshape(1, -1).astype("float32")
            ranked = _dense_search(self.index.dense, qv, allowed, q.candidates)
            dense_rank = {i: r + 1 for r, i in enumerate(ranked)}
        elif q.mode == "dense":
            raise IndexError_(_("这个索引没有向量（建立时用了 --embedder none），不能用 dense 方式检索"))

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
            g = self._grams.get(i)
            if g is None:  # not setdefault: its argument would recompute the grams every time
                g = self._grams[i] = char_ngrams(c.text, 4)
            if any(_jaccard(g, self._grams[j]) >= q.dedup for j in kept):
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


def _jaccard(a: set[str], b: set[str]) -> float:
    """assistant.text.jaccard without building the union set (a third of the cost)."""
    inter = len(a & b) if len(a) < len(b) else len(b & a)
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


def _top(scores: Any, k: int) -> list[int]:
    """Indices of the k highest scores, best first, ties by index (argpartition: no full sort)."""
    import numpy as np

    if k < len(scores):
        part = np.argpartition(-scores, k)[:k]
    else:
        part = np.arange(len(scores))
    return [int(i) for i in part[np.lexsort((part, -scores[part]))]]


def _dense_search(index: Any, qv: Any, allowed: Any, k: int) -> list[int]:
    """The k nearest allowed vectors. Filters are applied inside FAISS (a bitmap ID selector), so a
    search asks for k results instead of every vector: fetching all n and filtering in Python cost
    tens of ms at 28,000 chunks, and made an HNSW search exhaustive."""
    import faiss

    fx: Any = faiss  # its bundled stubs lack SearchParametersHNSW and SearchParameters(sel=...)
    threads = fx.omp_get_max_threads()
    fx.omp_set_num_threads(1)  # one query: OpenMP fork/join only adds latency (x4 on a busy 2-core box)
    try:
        return _dense_ids(fx, index, qv, allowed, min(k, index.ntotal))
    finally:
        fx.omp_set_num_threads(threads)


def _dense_ids(fx: Any, index: Any, qv: Any, allowed: Any, k: int) -> list[int]:
    import numpy as np

    sel = None
    if not allowed.all():
        bits = np.packbits(allowed, bitorder="little")  # must outlive the search
        sel = fx.IDSelectorBitmap(index.ntotal, fx.swig_ptr(bits))
    hnsw = getattr(index, "hnsw", None)
    if hnsw is not None:
        ef = max(hnsw.efSearch, HNSW_EF_SEARCH, k)
        params = (
            fx.SearchParametersHNSW(efSearch=ef)
            if sel is None
            else fx.SearchParametersHNSW(sel=sel, efSearch=ef)
        )
        _, ids = index.search(qv, k, params=params)
        found = [int(i) for i in ids[0] if i >= 0]
        if len(found) >= min(k, int(allowed.sum())):
            return found
        index = fx.downcast_index(index.storage)  # a narrow filter starves the graph walk: go exact
    _, ids = index.search(qv, k, params=None if sel is None else fx.SearchParameters(sel=sel))
    return [int(i) for i in ids[0] if i >= 0]
