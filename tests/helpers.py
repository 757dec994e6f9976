"""Shared test paths. The example corpus lives in ../shared/corpus beside the checkout (also in CI)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = REPO / "examples"


def corpus_file(prefix: str) -> Path:
    return next(CORPUS.glob(prefix + "_*.txt"))
