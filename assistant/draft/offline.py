"""The deterministic offline drafter: a complete, numbered draft from the facts alone.

Its only words besides the facts are the genre's connectives (导语 frame, 一是…二是…, the problems and
plans lead-ins, a closing formula). It adds no number, date, name or event: every particular in its
output comes from the facts file. Same facts in, same text out."""

from __future__ import annotations

import re

from assistant.draft.facts import Fact, FactSheet
from assistant.draft.outline import Outline, Section
from assistant.genre.numbering import int_to_cn

OFFLINE_NOTE = (
    "<!-- 离线草稿：未配置语言模型，本稿由事实直接组织成文，未作润色。配置 OPENAI_BASE_URL 后可逐节润色。 -->"
)
EMPTY_NOTE = "<!-- 待补充：本部分没有对应的事实，请补充后重新起草。 -->"

# How a unit refers to itself: 市工业园区党工委 → 党工委, 县交通运输局 → 我局.
_SELF = [
    ("党工委", "党工委"),
    ("党总支", "党总支"),
    ("党支部", "党支部"),
    ("党委", "党委"),
    ("党组", "党组"),
    ("街道", "我街道"),
    ("社区", "我社区"),
    ("园区", "我园区"),
    ("开发区", "我区"),
    ("集团", "集团"),
    ("公司", "公司"),
    ("医院", "我院"),
    ("学院", "学院"),
    ("大学", "学校"),
    ("中学", "我校"),
    ("小学", "我校"),
    ("学校", "我校"),
    ("局", "我局"),
    ("委", "我委"),
    ("办", "我办"),
    ("镇", "我镇"),
    ("乡", "我乡"),
    ("村", "我村"),
    ("中心", "中心"),
    ("所", "我所"),
    ("馆", "我馆"),
    ("院", "我院"),
    ("区", "我区"),
    ("县", "我县"),
]


def self_name(unit: str) -> str:
    for suffix, name in _SELF:
        if unit.endswith(suffix):
            return name
    return "我们"


def sentence(text: str) -> str:
    """A fact as a sentence: trimmed, ASCII punctuation made Chinese, one full stop at the end."""
    from assistant.text import punctuate_cjk

    text = punctuate_cjk(text.strip()).rstrip("。；;，,、 ")
    return text + "。"


def points(facts: list[Fact]) -> str:
    if len(facts) == 1:
        return sentence(facts[0].text)
    return "".join(f"{int_to_cn(i)}是{sentence(f.text)}" for i, f in enumerate(facts, 1))


def opening(sheet: FactSheet) -> str:
    meta = sheet.meta
    unit = meta.get("unit") or "我单位"
    topic = meta.get("topic") or "各项工作"
    lead = f"在{meta['leader']}的坚强领导下，" if meta.get("leader") else ""
    when = f"{meta['period']}，" if meta.get("period") else ""
    return (
        f"{when}{unit}{lead}认真贯彻落实上级关于{topic}的决策部署，压实责任、突出重点，扎实推进各项工作。"
        "现将有关工作情况总结如下："
    )


def closing(sheet: FactSheet) -> str:
    me = self_name(sheet.meta.get("unit", ""))
    topic = sheet.meta.get("topic") or "各项工作"
    return f"在今后的工作中，{me}将坚持问题导向，持续用力、久久为功，推动{topic}不断取得新成效。"


def section_body(section: Section, sheet: FactSheet, facts: list[Fact] | None = None) -> str:
    """The body text of one section (no heading) from its facts, by its role."""
    facts = section.facts if facts is None else facts
    if not facts:
        return ""
    me = self_name(sheet.meta.get("unit", ""))
    roles = section.roles or ["achievements"]
    if roles == ["problems", "plans"]:
        probs = [f for f in facts if f.role != "plans"]
        plans = [f for f in facts if f.role == "plans"]
        out = []
        if probs:
            out.append("工作中还存在一些不足：" + points(probs))
        if plans:
            out.append(f"下一步，{me}将重点抓好以下工作：" + points(plans))
        return "\n\n".join(out)
    if roles[0] == "problems":
        return "在肯定成绩的同时，我们也清醒地看到，工作中还存在一些不足：" + points(facts)
    if roles[0] == "plans":
        return f"下一步，{me}将针对存在的问题，重点抓好以下工作：" + points(facts)
    return points(facts)


def draft_offline(sheet: FactSheet, outline: Outline) -> str:
    lines = [OFFLINE_NOTE, f"# {outline.title or sheet.title or '工作总结'}", "", opening(sheet), ""]
    for part in outline.parts:
        lines += [f"## {part.heading}", ""]
        body = section_body(part, sheet)
        if body:
            lines += [body, ""]
        for child in part.children:
            lines += [f"### {child.heading}", ""]
            child_body = section_body(child, sheet)
            lines += [child_body or EMPTY_NOTE, ""]
        if not body and not part.children:
            lines += [EMPTY_NOTE, ""]
    lines += [closing(sheet), ""]
    lines += signature_lines(sheet)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def signature_lines(sheet: FactSheet) -> list[str]:
    sig = sheet.meta.get("signature") or sheet.marked("unit")
    out = []
    if sig:
        out.append(sig)
    if sheet.meta.get("date"):
        out.append(sheet.meta["date"])
    return ([""] + out) if out else []
