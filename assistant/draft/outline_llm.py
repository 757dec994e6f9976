"""Subsection headings for work-done facts proposed by the model (prompts/outline.md).

The answer is trusted only after validation: every fact exactly once, 2–5 groups, headings with no
particulars (figures, quotes). Anything else falls back to the deterministic proposal."""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.check.figures import find_figures
from assistant.draft.outline import Outline, Section
from assistant.draft.prompts import render


def refine_with_model(outline: Outline, backend: Any) -> Outline:
    part = next((p for p in outline.parts if p.role == "achievements"), None)
    facts = part.all_facts() if part is not None else []
    if part is None or len(facts) < 4:
        return outline
    messages = [
        {"role": "system", "content": render("system")},
        {
            "role": "user",
            "content": render(
                "outline",
                title=outline.title or "工作总结",
                part=part.title,
                facts="\n".join(f"{f.id} {f.text}" for f in facts),
            ),
        },
    ]
    try:
        reply = backend.complete(messages, stream=False).text
        groups = _validate(reply, {f.id for f in facts})
    except (ValueError, KeyError, TypeError) as exc:
        outline.notes.append(
            f"the model's subsection proposal was not usable ({exc}); kept the default grouping"
        )
        return outline
    by_id = {f.id: f for f in facts}
    part.facts = []
    part.children = [
        Section(2, i + 1, h, list(part.roles), [by_id[x] for x in ids]) for i, (h, ids) in enumerate(groups)
    ]
    outline.notes.append("subsection headings proposed by the model: " + "、".join(h for h, _ in groups))
    return outline


def _validate(reply: str, ids: set[str]) -> list[tuple[str, list[str]]]:
    m = re.search(r"\{.*\}", reply, re.S)
    if not m:
        raise ValueError("no JSON object in the answer")
    data = json.loads(m.group())
    groups = [(str(g["heading"]).strip(), [str(x) for x in g["facts"]]) for g in data["groups"]]
    if not 2 <= len(groups) <= 5:
        raise ValueError(f"{len(groups)} groups")
    seen = [x for _, xs in groups for x in xs]
    if sorted(seen) != sorted(ids):
        raise ValueError("facts missing, repeated or unknown")
    for heading, xs in groups:
        if not heading or len(heading) > 20 or find_figures(heading) or not xs:
            raise ValueError(f"unusable heading {heading!r}")
    return groups
