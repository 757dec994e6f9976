"""Subsection headings for work-done facts proposed by the model (prompts/outline.md).

The answer is trusted only after validation: every fact exactly once, 2–5 groups, headings with no
particulars (figures, quotes). Anything else falls back to the deterministic proposal."""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.draft.outline import Outline, Section
from assistant.draft.pipeline import unmarked
from assistant.draft.prompts import render
from assistant.genre.figures import find_figures
from assistant.i18n import _


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
                title=unmarked(outline.title) or "工作总结",
                part=part.title,
                facts="\n".join(f"{f.id} {f.text}" for f in facts),
            ),
        },
    ]
    try:
        reply = backend.complete(messages, stream=False).text
        groups = _validate(reply, {f.id for f in facts})
    except (ValueError, KeyError, TypeError) as exc:
        outline.notes.append(_("模型提出的小标题不可用（{reason}），仍按默认分组", reason=exc))
        return outline
    by_id = {f.id: f for f in facts}
    part.facts = []
    part.children = [
        Section(2, i + 1, h, list(part.roles), [by_id[x] for x in ids]) for i, (h, ids) in enumerate(groups)
    ]
    outline.notes.append(_("小标题由模型提出：{headings}", headings="、".join(h for h, _ids in groups)))
    return outline


def _validate(reply: str, ids: set[str]) -> list[tuple[str, list[str]]]:
    m = re.search(r"\{.*\}", reply, re.S)
    if not m:
        raise ValueError(_("回答中没有 JSON 对象"))
    data = json.loads(m.group())
    groups = [(str(g["heading"]).strip(), [str(x) for x in g["facts"]]) for g in data["groups"]]
    if not 2 <= len(groups) <= 5:
        raise ValueError(_("分了 {n} 组", n=len(groups)))
    seen = [x for _h, xs in groups for x in xs]
    if sorted(seen) != sorted(ids):
        raise ValueError(_("有事实遗漏、重复或不存在"))
    for heading, xs in groups:
        if not heading or len(heading) > 20 or find_figures(heading) or not xs:
            raise ValueError(_("小标题“{heading}”不可用", heading=heading))
    return groups
