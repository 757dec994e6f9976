"""Duplicate reports and chunks: the example files repeat whole reports, sometimes reworded.

Candidates are found through shared sentences (cheap, scales to large corpora); a pair is a
duplicate when its character 4-gram sets overlap enough. The first occurrence is kept."""

from __future__ import annotations

import re
from collections import defaultdict

from assistant.corpus.model import Chunk, Report
from assistant.text import char_ngrams, containment, jaccard, normalize_for_match

REPORT_SIMILAR = 0.5  # Jaccard of 4-grams, or containment of the shorter in the longer ≥ 0.8
CHUNK_SIMILAR = 0.8


def _sentences(text: str) -> set[str]:
    return {s for s in (normalize_for_match(x) for x in re.split(r"[。；！？\n]", text)) if len(s) >= 12}


def _near(a: set[str], b: set[str], threshold: float) -> bool:
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return jaccard(a, b) >= threshold or containment(small, big) >= 0.8 + (threshold - 0.5) * 0.5


def dedup_reports(reports: list[Report]) -> None:
    by_sentence: dict[str, list[int]] = defaultdict(list)
    grams: dict[int, set[str]] = {}
    exact: dict[str, int] = {}
    for i, r in enumerate(reports):
        body = r.text[len(r.title) :] if r.title else r.text
        key = normalize_for_match(body)
        if key in exact:
            r.duplicate_of = reports[exact[key]].id
            continue
        sents = _sentences(body)
        cands = {j for s in sents for j in by_sentence.get(s, ())}
        g = char_ngrams(body, 4)
        for j in sorted(cands):
            if _near(g, grams[j], REPORT_SIMILAR):
                r.duplicate_of = reports[j].id
                break
        if r.duplicate_of:
            continue
        exact[key] = i
        grams[i] = g
        for s in sents:
            by_sentence[s].append(i)
    # Reports that are exact copies share an id (it is a content hash): make ids unique.
    seen: dict[str, int] = {}
    for r in reports:
        n = seen.get(r.id, 0)
        seen[r.id] = n + 1
        if n:
            old = r.id
            r.id = f"{old}.{n + 1}"
            for c in r.chunks:
                c.report_id = r.id
                c.id = r.id + c.id[len(old) :]


def dedup_chunks(chunks: list[Chunk]) -> None:
    exact: dict[str, str] = {}
    by_sentence: dict[str, list[int]] = defaultdict(list)
    grams: dict[int, set[str]] = {}
    for i, c in enumerate(chunks):
        key = normalize_for_match(c.text)
        if key in exact:
            c.duplicate_of = exact[key]
            continue
        sents = _sentences(c.text)
        g = char_ngrams(c.text, 4)
        for j in sorted({j for s in sents for j in by_sentence.get(s, ())}):
            if _near(g, grams[j], CHUNK_SIMILAR):
                c.duplicate_of = chunks[j].id
                break
        if c.duplicate_of:
            continue
        exact[key] = c.id
        grams[i] = g
        for s in sents:
            by_sentence[s].append(i)
