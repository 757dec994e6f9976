"""The index folder on disk (format documented in index/README.md).

    <index>/CURRENT            name of the live build (replaced atomically)
    <index>/builds/<name>/     manifest.json, chunks.jsonl, dense.faiss, bm25/
    <index>/embeddings.sqlite3 embedding cache by content hash
    <index>/.lock              held while building

build replaces the corpus, add extends it (keeping the chunks it has), remove drops files'
chunks; each writes a whole new build. A build is written into a new folder and only then made
current, so a crash or Ctrl-C mid-build leaves the previous index usable. No pickle anywhere: JSON, SQLite, FAISS's own format, .npy."""

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
from assistant.corpus.loader import scan_paths
from assistant.corpus.model import Chunk, FileError
from assistant.errors import AssistantError, IndexError_, InputError, UsageError
from assistant.i18n import _
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
    errors: list[str] = field(default_factory=list)  # the skipped files' messages
    skipped: list[FileError] = field(default_factory=list)
    previous_chunks: int | None = None  # the live index's chunks before this change
    added: int = 0  # chunks new to the index
    removed: int = 0  # chunks the index no longer holds

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": str(self.index_dir),
            "up_to_date": self.up_to_date,
            "counts": self.manifest.get("counts", {}),
            "previous_chunks": self.previous_chunks,
            "added": self.added,
            "removed": self.removed,
            "embedded": self.embedded,
            "cached": self.cached,
            "skipped": [{"path": e.path, "kind": e.kind, "reason": e.reason} for e in self.skipped],
            "timings": self.timings,
        }


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


ConfirmShrink = Callable[[int, int], bool]  # (chunks now, chunks after) → go ahead?


def _sha1_file(f: Path) -> str:
    try:
        return hashlib.sha1(f.read_bytes()).hexdigest()
    except OSError:
        return ""  # load_file reports it as unreadable


def _fingerprint(entries: list[tuple[str, str]]) -> str:
    """Of (absolute path, sha1) pairs: equal for the same files with the same bytes, however the
    index was composed (one build or several adds)."""
    h = hashlib.sha1(f"parser{PARSER_VERSION}".encode())
    for path, digest in sorted(entries):
        h.update(path.encode())
        h.update(bytes.fromhex(digest))
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
            raise AssistantError(
                _(
                    "另一个构建正在使用索引 {root}（锁文件：{lock}），请等它结束",
                    root=root,
                    lock=root / ".lock",
                )
            ) from None
        yield
    finally:
        fh.close()


def _scan(paths: list[Path]) -> tuple[list[Path], list[FileError]]:
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise InputError(_("{path}：找不到这个文件或文件夹", path=missing[0]))
    files, skipped = scan_paths(paths)
    errors = [
        FileError(p, _("{path}：{reason}", path=p, reason=s.reason), s.kind, s.reason)
        for s in skipped
        for p in [str(Path(s.path).resolve())]
    ]
    if not files:
        shown = "、".join(map(str, paths))
        if errors:
            raise InputError(
                _(
                    "{paths} 中没有可读取的 .txt、.md 或 .docx 文件（跳过 {n} 个文件，例如 {first}）",
                    paths=shown,
                    n=len(errors),
                    first=errors[0].message,
                )
            )
        raise InputError(_("{paths} 中没有 .txt、.md 或 .docx 文件", paths=shown))
    return [f.resolve() for f in files], errors


def _file_entries(result: Any, digests: dict[Path, str], kept: list[Chunk]) -> list[dict[str, Any]]:
    """One manifest entry per file read: path, sha1, reports found, chunks indexed."""
    failed = {e.path for e in result.errors}
    reports: dict[str, int] = {}
    for r in result.reports:
        reports[r.source] = reports.get(r.source, 0) + 1
    chunks: dict[str, int] = {}
    for c in kept:
        chunks[c.source] = chunks.get(c.source, 0) + 1
    return [
        {
            "path": str(f),
            "sha1": digests[f],
            "reports": reports.get(str(f), 0),
            "chunks": chunks.get(str(f), 0),
        }
        for f in sorted(digests)
        if str(f) not in failed
    ]


def _skipped_entries(errors: list[FileError], digests: dict[Path, str]) -> list[dict[str, Any]]:
    """Manifest entries of the files not read. Those that were tried carry their sha1: they count
    in the fingerprint, and an unchanged one is not tried again by `add`."""
    out: list[dict[str, Any]] = []
    for e in errors:
        entry: dict[str, Any] = {"path": e.path, "kind": e.kind, "reason": e.reason}
        digest = digests.get(Path(e.path))
        if digest is not None:
            entry["sha1"] = digest
        out.append(entry)
    return out


def _old_skips(manifest: dict[str, Any], paths: set[str]) -> list[FileError]:
    """The recorded skips of these files (tried before, unchanged since): named again, not re-read."""
    return [
        FileError(
            e["path"], _("{path}：{reason}", path=e["path"], reason=e["reason"]), e["kind"], e["reason"]
        )
        for e in manifest.get("skipped", [])
        if e["path"] in paths and "sha1" in e
    ]


def _old_file_entries(manifest: dict[str, Any], chunks: list[Chunk]) -> list[dict[str, Any]]:
    """The manifest's file entries; an index built before they were recorded gets them from its chunks."""
    if "files" in manifest:
        return [dict(e) for e in manifest["files"]]
    by_source: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for c in chunks:
        by_source.setdefault(c.source, set()).add(c.report_id)
        counts[c.source] = counts.get(c.source, 0) + 1
    return [
        {"path": p, "sha1": "", "reports": len(ids), "chunks": counts[p]}
        for p, ids in sorted(by_source.items())
    ]


def _matches(source: str, target: Path) -> bool:
    p = Path(source)
    return p == target or target in p.parents


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

    def chunk_count(self) -> int | None:
        """The live index's chunks, or None when there is none (or its manifest is unreadable)."""
        try:
            m = self.manifest()
        except IndexError_:
            return None
        return int(m["counts"]["chunks"]) if m else None

    def load(self) -> LoadedIndex:
        d = self.current_dir()
        if d is None:
            raise IndexError_(
                _(
                    "{root} 还没有索引；请用 assistant index build PATH... 建立（或用 --index 指定索引目录）",
                    root=self.root,
                )
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
                raise IndexError_(_("{path}：FAISS 文件损坏或不完整；请加 --rebuild 重建", path=f)) from None
            if dense.ntotal != len(chunks) or dense.d != manifest["embedder"]["dim"]:
                raise IndexError_(
                    _(
                        "{path}：有 {vectors} 个向量，却有 {chunks} 个段落；请加 --rebuild 重建",
                        path=f,
                        vectors=dense.ntotal,
                        chunks=len(chunks),
                    )
                )
        import bm25s

        try:
            bm25 = bm25s.BM25.load(str(d / "bm25"), mmap=False)
        except Exception:
            raise IndexError_(
                _("{path}：BM25 数据损坏或缺失；请加 --rebuild 重建", path=d / "bm25")
            ) from None
        return LoadedIndex(d, manifest, chunks, dense, bm25, manifest.get("tokenizer", "bigram"))

    # --- building ------------------------------------------------------------------------------
    def _up_to_date(
        self,
        manifest: dict[str, Any],
        skipped: list[FileError],
        previous: int | None,
        t0: float,
        on_skip: Callable[[list[FileError]], None] | None,
    ) -> BuildReport:
        """The report of a build or add that had nothing to do: the index stays as it is."""
        if on_skip:
            on_skip(skipped)
        return BuildReport(
            self.root,
            manifest,
            up_to_date=True,
            timings={"total": time.perf_counter() - t0},
            errors=[e.message for e in skipped],
            skipped=skipped,
            previous_chunks=previous,
        )

    def build(
        self,
        paths: list[Path],
        *,
        embedder: str | None = None,
        tokenizer: str = "bigram",
        dense: str = "auto",
        rebuild: bool = False,
        force: bool = False,
        confirm: ConfirmShrink | None = None,
        on_skip: Callable[[list[FileError]], None] | None = None,
        on_parsed: Callable[[int], None] | None = None,
        progress: Callable[[int], None] | None = None,
        embedder_obj: Embedder | None = None,
    ) -> BuildReport:
        """Replace the index with one of paths. A build that would leave fewer than half the live
        chunks goes ahead only with force, or when confirm(now, after) says yes (UsageError if
        there is no one to ask). on_skip hears the files not read, once, before that question."""
        from assistant.corpus import parse_paths

        spec = embedder_obj.id if embedder_obj is not None else canonical(embedder)
        if dense not in ("auto", "flat", "hnsw"):
            raise UsageError(_("未知的 --dense {value}：可选 auto、flat 或 hnsw", value=dense))
        files, skipped = _scan(paths)
        old = self._live_manifest(tolerate_corrupt=rebuild)
        if old and not rebuild and not same_family(spec, old["embedder"]["id"]):
            raise IndexError_(
                _(
                    "索引 {root} 是用嵌入模型 {old} 建的，不是 {new}；要换用新模型请加 --rebuild 重建",
                    root=self.root,
                    old=old["embedder"]["id"],
                    new=spec,
                )
            )
        previous = int(old["counts"]["chunks"]) if old else None
        with _lock(self.root):
            t0 = time.perf_counter()
            digests = {f: _sha1_file(f) for f in files}
            fp = _fingerprint([(str(f), d) for f, d in digests.items()])
            if (
                old
                and not rebuild
                and old.get("corpus_fingerprint") == fp
                and old.get("tokenizer") == tokenizer
                and (dense == "auto" or old.get("dense") == dense)
            ):
                skipped = sorted(skipped + _old_skips(old, {str(f) for f in files}), key=lambda e: e.path)
                return self._up_to_date(old, skipped, previous, t0, on_skip)
            result = parse_paths(files)
            chunks = result.chunks()
            skipped = sorted(skipped + result.errors, key=lambda e: e.path)
            if on_skip:
                on_skip(skipped)
            if not chunks:
                raise InputError(_("{paths} 中没有找到报告正文", paths="、".join(map(str, paths))))
            self._guard_shrink(previous, len(chunks), force, confirm)
            if on_parsed:
                on_parsed(len(chunks))
            t_parse = time.perf_counter() - t0
            emb = embedder_obj or load_embedder(spec, fallback=embedder is None)
            kind = dense if dense != "auto" else ("hnsw" if len(chunks) > HNSW_THRESHOLD else "flat")
            old_ids = self._live_chunk_ids() if old else set()
            report = self._commit(
                chunks,
                _file_entries(result, digests, chunks),
                _skipped_entries(skipped, digests),
                emb.id,
                emb.dim,
                lambda: emb,
                tokenizer,
                kind,
                t0,
                t_parse,
                progress,
                duplicate_chunks=result.to_dict()["counts"]["duplicate_chunks"],
            )
            new_ids = {c.id for c in chunks}
            report.skipped, report.errors = skipped, [e.message for e in skipped]
            report.previous_chunks = previous
            report.added = len(new_ids - old_ids)
            report.removed = len(old_ids - new_ids)
            return report

    def add(
        self,
        paths: list[Path],
        *,
        embedder: str | None = None,
        on_skip: Callable[[list[FileError]], None] | None = None,
        on_parsed: Callable[[int], None] | None = None,
        progress: Callable[[int], None] | None = None,
        embedder_obj: Embedder | None = None,
    ) -> BuildReport:
        """Add the reports under paths to the live index, keeping what it holds. A file added again
        replaces its earlier chunks (an unchanged one is skipped). New reports identical to one in
        the index, and paragraphs near-identical to an indexed one, are left out. With no index yet
        this is a build."""
        from assistant.corpus import parse_paths
        from assistant.corpus.dedup import dedup_chunks

        if not self.exists():
            return self.build(
                paths,
                embedder=embedder,
                on_skip=on_skip,
                on_parsed=on_parsed,
                progress=progress,
                embedder_obj=embedder_obj,
            )
        files, skipped = _scan(paths)
        old = self._live_manifest()
        assert old is not None
        old_emb = str(old["embedder"]["id"])
        asked = embedder_obj.id if embedder_obj is not None else embedder
        if asked and not same_family(canonical(asked) if embedder_obj is None else asked, old_emb):
            raise IndexError_(
                _(
                    "索引 {root} 是用嵌入模型 {old} 建的，追加的段落也用它；请去掉 --embedder，或用 index build --rebuild 整体重建",
                    root=self.root,
                    old=old_emb,
                )
            )
        with _lock(self.root):
            t0 = time.perf_counter()
            d = self.current_dir()
            assert d is not None
            old_chunks = _read_chunks(d / "chunks.jsonl")
            entries = _old_file_entries(old, old_chunks)
            known = {e["path"]: e.get("sha1", "") for e in entries}
            known.update({e["path"]: e["sha1"] for e in old.get("skipped", []) if "sha1" in e})
            digests = {f: _sha1_file(f) for f in files}
            changed = {f: h for f, h in digests.items() if known.get(str(f)) != h}
            unchanged = {str(f) for f in files if f not in changed}
            skipped = sorted(skipped + _old_skips(old, unchanged), key=lambda e: e.path)
            if not changed:
                return self._up_to_date(old, skipped, len(old_chunks), t0, on_skip)
            result = parse_paths(list(changed))
            skipped = sorted(skipped + result.errors, key=lambda e: e.path)
            if on_skip:
                on_skip(skipped)
            replaced = {str(f) for f in changed}
            kept = [c for c in old_chunks if c.source not in replaced]
            kept_reports = {c.report_id for c in kept}
            new = [c for c in result.chunks() if c.report_id not in kept_reports]
            dedup_chunks(kept + new)
            for c in kept:
                c.duplicate_of = None
            fresh = [c for c in new if c.duplicate_of is None]
            chunks = kept + fresh
            if on_parsed:
                on_parsed(len(chunks))
            t_parse = time.perf_counter() - t0
            files_meta = [e for e in entries if e["path"] not in replaced]
            files_meta += _file_entries(result, changed, fresh)
            files_meta.sort(key=lambda e: e["path"])
            new_paths = replaced | {e.path for e in skipped}
            old_skipped = [e for e in old.get("skipped", []) if e["path"] not in new_paths]
            # Recorded skips of unchanged files are in `skipped` again: keep their sha1 from the old entry.
            again = [e for e in old.get("skipped", []) if e["path"] in unchanged]
            fresh_skips = _skipped_entries([e for e in skipped if e.path not in unchanged], changed)
            dup = int(old["counts"].get("duplicate_chunks", 0)) + len(new) - len(fresh)
            report = self._commit(
                chunks,
                files_meta,
                sorted(old_skipped + again + fresh_skips, key=lambda e: e["path"]),
                old_emb,
                int(old["embedder"]["dim"]),
                lambda: embedder_obj or load_embedder(_spec_of(old_emb)),
                str(old.get("tokenizer", "bigram")),
                str(old.get("dense", "flat")),
                t0,
                t_parse,
                progress,
                duplicate_chunks=dup,
            )
            old_ids = {c.id for c in old_chunks}
            new_ids = {c.id for c in chunks}
            report.skipped, report.errors = skipped, [e.message for e in skipped]
            report.previous_chunks = len(old_chunks)
            report.added = len(new_ids - old_ids)
            report.removed = len(old_ids - new_ids)
            return report

    def remove(
        self,
        targets: list[Path],
        *,
        force: bool = False,
        confirm: ConfirmShrink | None = None,
        progress: Callable[[int], None] | None = None,
        embedder_obj: Embedder | None = None,
    ) -> BuildReport:
        """Drop the reports of the files at (or under the folders) targets from the live index.
        The files need not exist any more. Refused when it would empty the index; guarded like a
        build when it would drop more than half of it."""
        old = self._live_manifest()
        if old is None:
            raise IndexError_(_("{root} 还没有索引", root=self.root))
        with _lock(self.root):
            t0 = time.perf_counter()
            d = self.current_dir()
            assert d is not None
            old_chunks = _read_chunks(d / "chunks.jsonl")
            entries = _old_file_entries(old, old_chunks)
            wanted = [t.expanduser().resolve() for t in targets]  # a gone file resolves too
            sources = {e["path"] for e in entries} | {c.source for c in old_chunks}
            for t, given in zip(wanted, targets, strict=True):
                if not any(_matches(s, t) for s in sources):
                    raise UsageError(
                        _("索引里没有来自 {path} 的报告（用 assistant index info 查看来源）", path=given)
                    )
            gone = {s for s in sources if any(_matches(s, t) for t in wanted)}
            chunks = [c for c in old_chunks if c.source not in gone]
            if not chunks:
                raise UsageError(
                    _("删除后索引将没有任何段落；要换一批范文，请用 assistant index build PATH...")
                )
            self._guard_shrink(len(old_chunks), len(chunks), force, confirm)
            old_emb = str(old["embedder"]["id"])
            report = self._commit(
                chunks,
                [e for e in entries if e["path"] not in gone],
                [e for e in old.get("skipped", []) if not any(_matches(e["path"], t) for t in wanted)],
                old_emb,
                int(old["embedder"]["dim"]),
                lambda: embedder_obj or load_embedder(_spec_of(old_emb)),
                str(old.get("tokenizer", "bigram")),
                str(old.get("dense", "flat")),
                t0,
                0.0,
                progress,
                duplicate_chunks=int(old["counts"].get("duplicate_chunks", 0)),
            )
            report.skipped, report.errors = [], []
            report.previous_chunks = len(old_chunks)
            report.removed = len(old_chunks) - len(chunks)
            return report

    # --- helpers -------------------------------------------------------------------------------
    def _live_manifest(self, *, tolerate_corrupt: bool = False) -> dict[str, Any] | None:
        if not self.exists():
            return None
        try:
            return self.manifest()
        except IndexError_:
            if tolerate_corrupt:  # --rebuild replaces a broken index
                return None
            raise

    def _live_chunk_ids(self) -> set[str]:
        d = self.current_dir()
        if d is None:
            return set()
        try:
            return {c.id for c in _read_chunks(d / "chunks.jsonl")}
        except IndexError_:
            return set()

    def _guard_shrink(self, now: int | None, after: int, force: bool, confirm: ConfirmShrink | None) -> None:
        """A change that would drop more than half the live chunks needs force or a yes."""
        if force or not now or after * 2 >= now:
            return
        if confirm is None:
            raise UsageError(
                _(
                    "这样会把索引 {root} 从 {now} 个段落减到 {after} 个，原有内容过半将被替换；确要如此请加 --force，只想追加范文请用 assistant index add",
                    root=self.root,
                    now=now,
                    after=after,
                )
            )
        if not confirm(now, after):
            raise AssistantError(_("已取消，原有索引保持不变。"))

    def _commit(
        self,
        chunks: list[Chunk],
        files_meta: list[dict[str, Any]],
        skipped: list[dict[str, Any]],
        emb_id: str,
        dim: int,
        get_embedder: Callable[[], Embedder],
        tokenizer: str,
        kind: str,
        t0: float,
        t_parse: float,
        progress: Callable[[int], None] | None,
        *,
        duplicate_chunks: int,
    ) -> BuildReport:
        """Embed (from the cache where it can), write a new build and make it current."""
        t1 = time.perf_counter()
        vectors, embedded, cached, emb_id, dim = self._embed(emb_id, dim, get_embedder, chunks, progress)
        t_embed = time.perf_counter() - t1
        t2 = time.perf_counter()
        manifest: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "assistant_version": __version__,
            "embedder": {"id": emb_id, "dim": dim},
            "tokenizer": tokenizer,
            "dense": kind if dim else "none",
            "corpus_fingerprint": _fingerprint(
                [(e["path"], e.get("sha1", "")) for e in files_meta]
                + [(e["path"], e["sha1"]) for e in skipped if "sha1" in e]
            ),
            "sources": [e["path"] for e in files_meta],
            "files": files_meta,
            "skipped": skipped,
            "counts": {
                "files": len(files_meta),
                "reports": sum(int(e.get("reports", 0)) for e in files_meta),
                "unique_reports": len({c.report_id for c in chunks}),
                "chunks": len(chunks),
                "duplicate_chunks": duplicate_chunks,
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
        (build_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        self._publish(build_dir)
        return BuildReport(
            self.root,
            manifest,
            embedded=embedded,
            cached=cached,
            timings=timings,
        )

    def _embed(
        self,
        emb_id: str,
        dim: int,
        get_embedder: Callable[[], Embedder],
        chunks: list[Chunk],
        progress: Callable[[int], None] | None,
    ) -> tuple[Any, int, int, str, int]:
        """The chunks' vectors, from the cache where they are; the embedder is loaded only when some
        are missing (removing a file embeds nothing). Returns the embedder id and dim used."""
        import numpy as np

        if not dim:
            return np.zeros((len(chunks), 0), dtype="float32"), 0, 0, emb_id, dim
        cache = EmbeddingCache(self.root / "embeddings.sqlite3")
        try:
            hashes = [text_hash(c.text) for c in chunks]
            unique = sorted(set(hashes))
            have = cache.get_many(emb_id, unique)
            if len(have) < len(unique):
                emb = get_embedder()
                if emb.id != emb_id:  # another version of the model: its vectors only
                    emb_id, dim = emb.id, emb.dim
                    have = cache.get_many(emb_id, unique)
            todo = [h for h in unique if h not in have]
            text_of = {text_hash(c.text): c.text for c in chunks}
            if progress and len(have):
                progress(sum(1 for h in hashes if h in have))
            # Embed in slices and cache each, so an interrupted build keeps what it paid for.
            for i in range(0, len(todo), 64):
                part = todo[i : i + 64]
                vecs = emb.embed_documents([text_of[h] for h in part], progress=None)
                new = dict(zip(part, vecs, strict=True))
                cache.put_many(emb_id, new)
                have.update(new)
                if progress:
                    progress(sum(hashes.count(h) for h in part))
            matrix = np.vstack([have[h] for h in hashes]).astype("float32")
            return matrix, len(todo), len(hashes) - len(todo), emb_id, dim
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
        raise IndexError_(_("{path}：清单缺失或损坏；请加 --rebuild 重建", path=f)) from None
    if m.get("format_version") != FORMAT_VERSION:
        raise IndexError_(
            _(
                "{path}：索引格式版本 {found} 不是 {expected}；请加 --rebuild 重建",
                path=f,
                found=m.get("format_version"),
                expected=FORMAT_VERSION,
            )
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
                    raise IndexError_(
                        _("{path}:{line}：段落记录损坏；请加 --rebuild 重建", path=f, line=n)
                    ) from None
    except (OSError, UnicodeDecodeError):
        raise IndexError_(_("{path}：缺失或无法读取；请加 --rebuild 重建", path=f)) from None
    return chunks


def _spec_of(embedder_id: str) -> str:
    """The --embedder spec that loads the embedder an index was built with."""
    return "e5-small" if embedder_id.startswith("e5-small") else embedder_id
