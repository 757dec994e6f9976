"""The index folder on disk (format documented in index/README.md).

    <index>/CURRENT            name of the live build (replaced atomically)
    <index>/builds/<name>/     manifest.json, chunks.jsonl, dense.faiss, bm25/
    <index>/embeddings.sqlite3 embedding cache by content hash
    <index>/.lock              held while building

A build is written into a new folder and only then made current, so a crash or Ctrl-C mid-build
leaves the previous index usable. No pickle anywhere: JSON, SQLite, FAISS's own format, .npy."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import __version__
from assistant.corpus.loader import iter_files
from assistant.corpus.model import Chunk
from assistant.errors import AssistantError, IndexError_, InputError
from assistant.index.cache import EmbeddingCache, text_hash
from assistant.index.embedders import Embedder, canonical, load_embedder, same_family

FORMAT_VERSION = 1
PARSER_VERSION = 1  # bump when parsing changes what chunks a corpus yields
HNSW_THRESHOLD = 20000  # chunks; above it `--dense auto` builds an approximate index


@dataclass
class BuildReport:
    index_dir: Path
    manifest: dict[str, Any]
    up_to_date: bool = False
    embedded: int = 0
    cached: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class LoadedIndex:
    dir: Path
    manifest: dict[str, Any]
    chunks: list[Chunk]
    dense: Any  # faiss.Index or None
    bm25: Any  # bm25s.BM25
    tokenizer_name: str

    @property
    def embedder_id(self) -> str:
        return str(self.manifest["embedder"]["id"])


def _fingerprint(files: list[Path]) -> str:
    h = hashlib.sha1(f"parser{PARSER_VERSION}".encode())
    for f in sorted(files, key=lambda p: str(p.resolve())):
        h.update(str(f.resolve()).encode())
        h.update(hashlib.sha1(f.read_bytes()).digest())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def _lock(root: Path) -> Iterator[None]:
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / ".lock", "w")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AssistantError(f"another build is running on {root} (lock: {root / '.lock'})") from None
        yield
    finally:
        fh.close()


class IndexStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    # --- reading -------------------------------------------------------------------------------
    def current_dir(self) -> Path | None:
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        d = self.root / "builds" / name
        return d if name and d.is_dir() else None

    def manifest(self) -> dict[str, Any] | None:
        d = self.current_dir()
        if d is None:
            return None
        return _read_manifest(d)

    def exists(self) -> bool:
        return self.current_dir() is not None

    def load(self) -> LoadedIndex:
        d = self.current_dir()
        if d is None:
            raise IndexError_(
                f"no index at {self.root}; build one with: assistant index build PATH... (or pass --index DIR)"
            )
        manifest = _read_manifest(d)
        chunks = _read_chunks(d / "chunks.jsonl")
        dense = None
        if manifest["embedder"]["dim"]:
            import faiss

            f = d / "dense.faiss"
            try:
                dense = faiss.read_index(str(f))
            except Exception:  # faiss raises RuntimeError with C++ text
                raise IndexError_(f"{f}: corrupt or truncated FAISS file; rebuild with --rebuild") from None
            if dense.ntotal != len(chunks) or dense.d != manifest["embedder"]["dim"]:
                raise IndexError_(
                    f"{f}: holds {dense.ntotal} vectors for {len(chunks)} chunks; rebuild with --rebuild"
                )
        import bm25s

        try:
            bm25 = bm25s.BM25.load(str(d / "bm25"), mmap=False)
        except Exception:
            raise IndexError_(f"{d / 'bm25'}: corrupt or missing BM25 data; rebuild with --rebuild") from None
        return LoadedIndex(d, manifest, chunks, dense, bm25, manifest.get("tokenizer", "bigram"))

    # --- building ------------------------------------------------------------------------------
    def build(
        self,
        paths: list[Path],
        *,
        embedder: str | None = None,
        tokenizer: str = "bigram",
        dense: str = "auto",
        rebuild: bool = False,
        on_parsed: Callable[[int], None] | None = None,
        progress: Callable[[int], None] | None = None,
        embedder_obj: Embedder | None = None,
    ) -> BuildReport:
        from assistant.corpus import parse_paths

        spec = embedder_obj.id if embedder_obj is not None else canonical(embedder)
        if dense not in ("auto", "flat", "hnsw"):
            raise InputError(f"unknown --dense {dense!r}: use auto, flat or hnsw")
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise InputError(f"{missing[0]}: no such file or folder")
        files = iter_files(paths)
        if not files:
            raise InputError("no .txt, .md or .docx files under " + ", ".join(map(str, paths)))
        old = self.manifest() if self.exists() else None
        if old and not rebuild and not same_family(spec, old["embedder"]["id"]):
            raise IndexError_(
                f"the index at {self.root} was built with embedder {old['embedder']['id']}, not {spec}; "
                "pass --rebuild to rebuild it with the new one"
            )
        with _lock(self.root):
            t0 = time.perf_counter()
            fp = _fingerprint(files)
            if (
                old
                and not rebuild
                and old.get("corpus_fingerprint") == fp
                and old.get("tokenizer") == tokenizer
                and (dense == "auto" or old.get("dense") == dense)
            ):
                return BuildReport(
                    self.root, old, up_to_date=True, timings={"total": time.perf_counter() - t0}
                )
            result = parse_paths(paths)
            chunks = result.chunks()
            if not chunks:
                raise InputError("no report text found in " + ", ".join(map(str, paths)))
            if on_parsed:
                on_parsed(len(chunks))
            t_parse = time.perf_counter() - t0

            t1 = time.perf_counter()
            emb = embedder_obj or load_embedder(spec, fallback=embedder is None)
            vectors, embedded, cached = self._embed(emb, chunks, progress)
            t_embed = time.perf_counter() - t1

            t2 = time.perf_counter()
            kind = dense if dense != "auto" else ("hnsw" if len(chunks) > HNSW_THRESHOLD else "flat")
            manifest = {
                "format_version": FORMAT_VERSION,
                "assistant_version": __version__,
                "embedder": {"id": emb.id, "dim": emb.dim},
                "tokenizer": tokenizer,
                "dense": kind if emb.dim else "none",
                "corpus_fingerprint": fp,
                "sources": [str(f) for f in files],
                "counts": {
                    "files": len(files),
                    "reports": len(result.reports),
                    "unique_reports": len(result.unique_reports),
                    "chunks": len(chunks),
                    "duplicate_chunks": result.to_dict()["counts"]["duplicate_chunks"],
                },
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            build_dir = self._write(manifest, chunks, vectors, kind, tokenizer)
            t_index = time.perf_counter() - t2
            timings: dict[str, float] = {
                "parse": round(t_parse, 3),
                "embed": round(t_embed, 3),
                "index": round(t_index, 3),
                "total": round(time.perf_counter() - t0, 3),
            }
            manifest["timings"] = timings
            (build_dir / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8"
            )
            self._publish(build_dir)
            return BuildReport(
                self.root,
                manifest,
                embedded=embedded,
                cached=cached,
                timings=timings,
                errors=[e.message for e in result.errors],
            )

    def _embed(
        self, emb: Embedder, chunks: list[Chunk], progress: Callable[[int], None] | None
    ) -> tuple[Any, int, int]:
        import numpy as np

        if not emb.dim:
            return np.zeros((len(chunks), 0), dtype="float32"), 0, 0
        cache = EmbeddingCache(self.root / "embeddings.sqlite3")
        try:
            hashes = [text_hash(c.text) for c in chunks]
            have = cache.get_many(emb.id, sorted(set(hashes)))
            todo = sorted({h for h in hashes if h not in have})
            text_of = {text_hash(c.text): c.text for c in chunks}
            if progress and len(have):
                progress(sum(1 for h in hashes if h in have))
            if todo:
                # Embed in slices and cache each, so an interrupted build keeps what it paid for.
                for i in range(0, len(todo), 64):
                    part = todo[i : i + 64]
                    vecs = emb.embed_documents([text_of[h] for h in part], progress=None)
                    new = dict(zip(part, vecs, strict=True))
                    cache.put_many(emb.id, new)
                    have.update(new)
                    if progress:
                        progress(sum(hashes.count(h) for h in part))
            matrix = np.vstack([have[h] for h in hashes]).astype("float32")
            return matrix, len(todo), len(hashes) - len(todo)
        finally:
            cache.close()

    def _write(
        self, manifest: dict[str, Any], chunks: list[Chunk], vectors: Any, kind: str, tokenizer: str
    ) -> Path:
        import bm25s

        from assistant.index.tokenize import tokenizer as get_tokenizer

        builds = self.root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        name = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{int(time.time() * 1000) % 100000:05d}"
        tmp = builds / (".tmp-" + name)
        tmp.mkdir()
        try:
            with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
                for c in chunks:
                    fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            if vectors.shape[1]:
                import faiss

                index = _make_dense(kind, vectors.shape[1])
                index.add(vectors)
                faiss.write_index(index, str(tmp / "dense.faiss"))
            tok = get_tokenizer(tokenizer)
            bm25 = bm25s.BM25()
            bm25.index([tok(c.text) or ["∅"] for c in chunks], show_progress=False)
            bm25.save(str(tmp / "bm25"))
            (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
            final = builds / name
            os.replace(tmp, final)
            return final
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _publish(self, build_dir: Path) -> None:
        pointer_tmp = self.root / "CURRENT.tmp"
        pointer_tmp.write_text(build_dir.name + "\n", encoding="utf-8")
        os.replace(pointer_tmp, self.root / "CURRENT")
        for old in (self.root / "builds").iterdir():
            if old.name != build_dir.name:
                shutil.rmtree(old, ignore_errors=True)


def _make_dense(kind: str, dim: int) -> Any:
    import faiss

    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 96
        return index
    return faiss.IndexFlatIP(dim)


def _read_manifest(d: Path) -> dict[str, Any]:
    f = d / "manifest.json"
    try:
        m = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        raise IndexError_(f"{f}: missing or corrupt manifest; rebuild with --rebuild") from None
    if m.get("format_version") != FORMAT_VERSION:
        raise IndexError_(
            f"{f}: index format {m.get('format_version')} is not {FORMAT_VERSION}; rebuild with --rebuild"
        )
    return dict(m)


def _read_chunks(f: Path) -> list[Chunk]:
    chunks: list[Chunk] = []
    try:
        with open(f, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                try:
                    chunks.append(Chunk.from_dict(json.loads(line)))
                except (json.JSONDecodeError, TypeError):
                    raise IndexError_(f"{f}:{n}: corrupt chunk record; rebuild with --rebuild") from None
    except (OSError, UnicodeDecodeError):
        raise IndexError_(f"{f}: missing or unreadable; rebuild with --rebuild") from None
    return chunks
