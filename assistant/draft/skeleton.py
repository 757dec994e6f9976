"""Part names from the skeletons of the example reports most like the user's facts.

When facts come without headings, the genre default (工作开展情况 / 存在的问题 / 下一步工作打算) is
renamed after what the closest examples call their parts, e.g. 主要做法及成效. Only clean headings
are borrowed: no figures, quotes, placeholders or unit names — wording, never facts."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from assistant.draft.facts import FactSheet
from assistant.genre.figures import find_figures
from assistant.genre.placeholders import find_masks as find_placeholders

if TYPE_CHECKING:
    from assistant.draft.retriever import Retriever

_GENERIC = re.compile(r"^[\u4e00-\u9fff、及和与]{4,12}$")
_UNIT_WORDS = re.compile(r"[市县区镇乡村局委办院校司]|社区|街道|园区|党支部|党委|党组")


def clean_heading(text: str) -> bool:
    return (
        bool(_GENERIC.match(text))
        and not find_figures(text)
        and not find_placeholders(text)
        and not _UNIT_WORDS.search(text)
    )


def part_names(sheet: FactSheet, retriever: Retriever, reports: int = 5) -> dict[str, str]:
    """{role: heading} voted by the top-level headings of the most similar example reports."""
    from assistant.index.search import Query

    text = "；".join(f.text for f in sheet.facts())[:600]
    if not text:
        return {}
    hits = retriever.search(Query(text, k=reports * 4, max_per_report=4))
    top_reports: list[str] = []
    for h in hits:
        if h.report_id not in top_reports:
            top_reports.append(h.report_id)
    top_reports = top_reports[:reports]
    # One vote per report and role: a long part must not outvote the others.
    seen: dict[str, set[tuple[str, str]]] = {"achievements": set(), "problems": set(), "plans": set()}
    for part in retriever.part_headings(top_reports):
        if part.role in seen and clean_heading(part.heading):
            seen[part.role].add((part.report_id, part.heading))
    names: dict[str, str] = {}
    for role, pairs in seen.items():
        votes = Counter(heading for _report, heading in pairs)
        best = votes.most_common(1)
        if best and best[0][1] >= 2:  # at least two similar reports agree
            names[role] = best[0][0]
    return names
