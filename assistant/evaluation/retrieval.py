"""Score retrieval against the judged dev set in eval/retrieval/ (how it was made: its README).

Judged chunks are named by a stable key, the source file name plus the first 24 characters of the
chunk's normalised text, because chunk ids are content hashes that change whenever parsing does.
Keys are resolved to the index's current chunks at eval time; a key that matches nothing is
reported, never silently dropped.

Metrics, per query and then averaged over the queries that have at least one relevant chunk:
- nDCG@k: gain 2^grade - 1, discount log2(rank + 1); the ideal ranking is built from every judged
  chunk of the query, so unjudged chunks count as 0 and cannot inflate the score.
- Recall@k: the share of the query's relevant chunks (grade >= 1) found in the top k.
- MRR: 1 / rank of the first relevant (grade >= 1) hit among the k returned, 0 if there is none.
  It saturates when most queries have many related chunks, so MRR2 does the same for grade 2 only.

Queries run with their section role as a filter by default, as the drafting pipeline searches.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.corpus.model import Chunk
    from assistant.index.search import Searcher

PREFIX_CHARS = 24
K = 10  # every run returns this many hits; nDCG@5 looks at the first five
GRADES = (0, 1, 2)
ROLE_USES = ("filter", "boost", "none")


@dataclass(frozen=True)
class Key:
    file: str  # source file name, without folders
    prefix: str  # normalised text prefix (see normalize)


@dataclass(frozen=True)
class DevQuery:
    id: str
    query: str
    role: str


@dataclass
class DevSet:
    queries: list[DevQuery]
    qrels: dict[str, dict[Key, int]]  # query id -> key -> grade

    @property
    def judged(self) -> int:
        return sum(len(v) for v in self.qrels.values())


@dataclass
class Resolved:
    grades: dict[str, dict[str, int]]  # query id -> chunk id -> grade
    unresolved: list[tuple[str, Key]] = field(default_factory=list)
    ambiguous: list[tuple[str, Key]] = field(
        default_factory=list
    )  # matched several chunks; all get the grade


@dataclass(frozen=True)
class Run:
    name: str
    mode: str
    max_per_report: int


# max_per_report 10 = k, so the per-report cap never hides a judged chunk; the last row uses the
# default cap of Query and `assistant search` (2).
RUNS = (
    Run("lexical", "lexical", K),
    Run("dense", "dense", K),
    Run("hybrid", "hybrid", K),
    Run("hybrid ≤2/report", "hybrid", 2),
)


@dataclass
class RunScore:
    name: str
    mode: str
    max_per_report: int
    ndcg5: float
    ndcg10: float
    recall10: float
    mrr: float
    mrr2: float
    queries: int
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self, per_query: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "mode": self.mode,
            "max_per_report": self.max_per_report,
            "ndcg@5": round(self.ndcg5, 4),
            "ndcg@10": round(self.ndcg10, 4),
            "recall@10": round(self.recall10, 4),
            "mrr": round(self.mrr, 4),
            "mrr_grade2": round(self.mrr2, 4),
            "queries": self.queries,
        }
        if per_query:
            d["per_query"] = self.per_query
        return d


# --- keys ---------------------------------------------------------------------------------------
def normalize(text: str) -> str:
    """NFKC, then no whitespace, punctuation or symbols: robust to re-cleaning and width changes."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PSZC")


def key_of(chunk: Chunk, chars: int = PREFIX_CHARS) -> Key:
    return Key(Path(chunk.source).name, normalize(chunk.text)[:chars])


def resolve(dev: DevSet, chunks: Sequence[Chunk]) -> Resolved:
    by_file: dict[str, list[tuple[str, str]]] = {}
    for c in chunks:
        by_file.setdefault(Path(c.source).name, []).append((normalize(c.text), c.id))
    out = Resolved({q.id: {} for q in dev.queries})
    for qid, keys in dev.qrels.items():
        for key, grade in keys.items():
            hits = [
                cid for text, cid in by_file.get(key.file, ()) if key.prefix and text.startswith(key.prefix)
            ]
            if not hits:
                out.unresolved.append((qid, key))
            elif len(hits) > 1:
                out.ambiguous.append((qid, key))
            for cid in hits:
                out.grades[qid][cid] = max(grade, out.grades[qid].get(cid, 0))
    return out


# --- the set on disk -------------------------------------------------------------------------------
def _jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(_("{path}：无法读取开发集（{reason}）", path=path, reason=exc.strerror)) from None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(_("{path}:{line}：这一行不是 JSON", path=path, line=n)) from None
        if not isinstance(row, dict):
            raise InputError(_("{path}:{line}：应为 JSON 对象", path=path, line=n))
        rows.append((n, row))
    return rows


def load_dev_set(folder: Path) -> DevSet:
    """Read queries.jsonl and qrels.jsonl; malformed lines are errors naming file and line."""
    queries: list[DevQuery] = []
    ids: set[str] = set()
    qfile, rfile = folder / "queries.jsonl", folder / "qrels.jsonl"
    for n, row in _jsonl(qfile):
        try:
            q = DevQuery(str(row["id"]), str(row["query"]), str(row["role"]))
        except KeyError as exc:
            raise InputError(_("{path}:{line}：缺少字段 {field}", path=qfile, line=n, field=exc)) from None
        if q.id in ids:
            raise InputError(_("{path}:{line}：查询编号 {id} 重复", path=qfile, line=n, id=repr(q.id)))
        ids.add(q.id)
        queries.append(q)
    qrels: dict[str, dict[Key, int]] = {q.id: {} for q in queries}
    for n, row in _jsonl(rfile):
        try:
            qid, key, grade = (
                str(row["query_id"]),
                Key(str(row["key"]["file"]), str(row["key"]["prefix"])),
                row["grade"],
            )
        except (KeyError, TypeError):
            raise InputError(
                _("{path}:{line}：应有 query_id、key {{file, prefix}} 和 grade", path=rfile, line=n)
            ) from None
        if qid not in qrels:
            raise InputError(_("{path}:{line}：未知的查询编号 {id}", path=rfile, line=n, id=repr(qid)))
        if grade not in GRADES:
            raise InputError(
                _(
                    "{path}:{line}：grade 只能是 0、1 或 2，不能是 {grade}",
                    path=rfile,
                    line=n,
                    grade=repr(grade),
                )
            )
        if key.prefix != normalize(key.prefix):
            raise InputError(_("{path}:{line}：prefix 未规范化（不应含空格和标点）", path=rfile, line=n))
        qrels[qid][key] = int(grade)
    return DevSet(queries, qrels)


# --- metrics -------------------------------------------------------------------------------------
def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    ideal = dcg(sorted((2.0**g - 1 for g in grades.values()), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([2.0 ** grades.get(c, 0) - 1 for c in ranked[:k]]) / ideal


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    relevant = {c for c, g in grades.items() if g >= 1}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], min_grade: int = 1) -> float:
    for i, c in enumerate(ranked):
        if grades.get(c, 0) >= min_grade:
            return 1.0 / (i + 1)
    return 0.0


# --- running -------------------------------------------------------------------------------------
def ranking(searcher: Searcher, q: DevQuery, run: Run, roles: str = "filter", k: int = K) -> list[str]:
    from assistant.index.search import Query

    query = Query(
        q.query,
        k=k,
        mode=run.mode,
        max_per_report=run.max_per_report,
        roles=[q.role] if roles == "filter" else None,
        boost_roles=[q.role] if roles == "boost" else None,
    )
    return [h.chunk_id for h in searcher.search(query)]


def score_run(
    searcher: Searcher, dev: DevSet, resolved: Resolved, run: Run, roles: str = "filter"
) -> RunScore:
    per: dict[str, dict[str, float]] = {}
    for q in dev.queries:
        grades = resolved.grades.get(q.id, {})
        if not any(g >= 1 for g in grades.values()):
            continue  # nothing relevant was judged: the query cannot be scored
        ranked = ranking(searcher, q, run, roles)
        per[q.id] = {
            "ndcg@5": ndcg_at_k(ranked, grades, 5),
            "ndcg@10": ndcg_at_k(ranked, grades, 10),
            "recall@10": recall_at_k(ranked, grades, 10),
            "mrr": reciprocal_rank(ranked, grades),
            "mrr2": reciprocal_rank(ranked, grades, 2),
        }
    n = len(per)

    def mean(metric: str) -> float:
        return sum(p[metric] for p in per.values()) / n if n else 0.0

    return RunScore(
        run.name,
        run.mode,
        run.max_per_report,
        mean("ndcg@5"),
        mean("ndcg@10"),
        mean("recall@10"),
        mean("mrr"),
        mean("mrr2"),
        n,
        per,
    )


@dataclass
class EvalReport:
    index: str
    embedder: str
    queries: int
    judged: int
    unresolved: list[tuple[str, Key]]
    ambiguous: list[tuple[str, Key]]
    scores: list[RunScore]
    skipped: list[str]  # runs the index cannot serve (dense without vectors)
    roles: str

    def to_dict(self, per_query: bool = False) -> dict[str, Any]:
        return {
            "index": self.index,
            "embedder": self.embedder,
            "queries": self.queries,
            "judged": self.judged,
            "roles": self.roles,
            "unresolved": [{"query_id": q, "file": k.file, "prefix": k.prefix} for q, k in self.unresolved],
            "ambiguous": [{"query_id": q, "file": k.file, "prefix": k.prefix} for q, k in self.ambiguous],
            "runs": [s.to_dict(per_query) for s in self.scores],
            "skipped": self.skipped,
        }


def evaluate(
    searcher: Searcher, dev: DevSet, runs: Sequence[Run] = RUNS, roles: str = "filter"
) -> EvalReport:
    if roles not in ROLE_USES:
        from assistant.errors import UsageError

        raise UsageError(
            _("--roles 不能是 {value}：可选 {choices}", value=repr(roles), choices="、".join(ROLE_USES))
        )
    resolved = resolve(dev, searcher.chunks)
    scores, skipped = [], []
    for run in runs:
        if run.mode != "lexical" and not searcher.has_dense:
            skipped.append(run.name)  # a lexical-only index: hybrid would silently equal lexical
            continue
        scores.append(score_run(searcher, dev, resolved, run, roles))
    return EvalReport(
        str(searcher.index.dir),
        searcher.index.embedder_id,
        len(dev.queries),
        dev.judged,
        resolved.unresolved,
        resolved.ambiguous,
        scores,
        skipped,
        roles,
    )


def evaluate_index(index_dir: Path, set_dir: Path, roles: str = "filter") -> EvalReport:
    """Load the set and the index (building nothing) and score every run."""
    from assistant.index.search import Searcher
    from assistant.index.store import IndexStore

    dev = load_dev_set(set_dir)
    loaded = IndexStore(index_dir).load()
    return evaluate(Searcher(loaded), dev, roles=roles)
