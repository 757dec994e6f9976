"""Heading similarity and STORM's soft heading recall / precision.

Soft cardinality (Shao et al. 2024, STORM) counts near-duplicates once: card(S) = Σ_i 1 / Σ_j sim(i, j).
Then card(T ∩ D) = card(T) + card(D) − card(T ∪ D), recall = card(T ∩ D) / card(T) and precision =
card(T ∩ D) / card(D). sim must be 1 on the diagonal and in [0, 1].

Two similarities: character bigrams (Dice over the bigram sets; offline, instant, the default: Chinese
headings that share a topic share bigrams) and the project's embedder (cosine, clamped at 0)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from assistant.genre.numbering import match_number

Matrix = list[list[float]]


@dataclass
class Similarity:
    name: str
    matrix: Callable[[list[str], list[str]], Matrix]
    threshold: float  # a pair at or above this counts as the same heading (for findings only)


def heading_key(text: str) -> str:
    """A heading's words only: no numbering token, punctuation or spaces."""
    text = unicodedata.normalize("NFKC", text).strip()
    num = match_number(text)
    if num is not None:
        text = num.rest
    return re.sub(r"[\s\W_]+", "", text)


def bigrams(text: str) -> set[str]:
    key = heading_key(text)
    if len(key) < 2:
        return {key} if key else set()
    return {key[i : i + 2] for i in range(len(key) - 1)}


def dice(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0 if a == b else 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def bigram_matrix(rows: list[str], cols: list[str]) -> Matrix:
    rb, cb = [bigrams(t) for t in rows], [bigrams(t) for t in cols]
    return [[dice(r, c) for c in cb] for r in rb]


def bigram_similarity() -> Similarity:
    return Similarity("bigram", bigram_matrix, 0.5)


EMBED_FLOOR = 0.85  # e5-small puts unrelated genre headings at cosine 0.85–0.93 (measured on eval/cases)


def embedder_similarity(spec: str, floor: float = EMBED_FLOOR) -> Similarity:
    """Cosine similarity of the embedder's vectors, rescaled so that the floor maps to 0:
    (cos − floor) / (1 − floor), clamped to [0, 1]. Raw e5 cosines are so compressed that soft
    cardinality would count every heading as a near-duplicate of every other."""
    from assistant.index.embedders import load_embedder

    embedder = load_embedder(spec)
    cache: dict[str, list[float]] = {}

    def vectors(texts: list[str]) -> list[list[float]]:
        import numpy as np

        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            vecs = np.asarray(embedder.embed_documents([heading_key(t) or t for t in todo]), dtype="float64")
            norms = np.linalg.norm(vecs, axis=1, keepdims=True)
            vecs = vecs / np.where(norms == 0, 1, norms)
            cache.update(zip(todo, vecs.tolist(), strict=True))
        return [cache[t] for t in texts]

    def matrix(rows: list[str], cols: list[str]) -> Matrix:
        rv, cv = vectors(rows), vectors(cols)
        out = [[_rescale(sum(x * y for x, y in zip(r, c, strict=True)), floor) for c in cv] for r in rv]
        for i, r in enumerate(rows):  # exact duplicates are identical, whatever the float noise
            for j, c in enumerate(cols):
                if r == c:
                    out[i][j] = 1.0
        return out

    return Similarity(getattr(embedder, "id", spec), matrix, 0.6)


def _rescale(cos: float, floor: float) -> float:
    return max(0.0, min(1.0, (cos - floor) / (1 - floor)))


def soft_cardinality(sim: Matrix) -> float:
    return sum(1.0 / max(sum(row), 1e-9) for row in sim)


def soft_recall_precision(target: list[str], draft: list[str], similarity: Similarity) -> tuple[float, float]:
    """STORM's soft heading recall and precision of draft headings against target headings."""
    if not target or not draft:
        return (1.0 if not target else 0.0), (1.0 if not draft else 0.0)
    both = target + draft
    full = similarity.matrix(both, both)
    n = len(target)
    card_t = soft_cardinality([row[:n] for row in full[:n]])
    card_d = soft_cardinality([row[n:] for row in full[n:]])
    card_u = soft_cardinality(full)
    inter = max(0.0, card_t + card_d - card_u)
    recall = min(1.0, round(inter / card_t, 6))
    precision = min(1.0, round(inter / card_d, 6))
    return recall, precision
