"""Placeholders a model (or a web copy) leaves where a particular should be: XX, ××, ＸＸ, 〇〇, □□,
***, 202_, 20XX, 某某, 【具体日期】, [社区名称], {单位}, ＿＿ — and the tool's own visible marker
〔待补充…〕, which is honest (a detail the facts do not give) but still an open item of the draft.

PLACEHOLDER is what the draft check looks for; MASK, for the example files, adds the masks that web
copies use and a draft does not (党的_大: one underscore for one masked character). Each alternative
is linear: no nested quantifiers, and no run is scanned from each of its positions."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The tool's own marker: what the facts do not say, shown instead of a guess.
MARKER = re.compile(r"〔待补充[^〔〕\n]{0,30}〕")

_CJK = "\u4e00-\u9fff"
_SLOT_WORDS = "名称|名字|姓名|单位|日期|时间|数量|数字|金额|地点|部门|人数|次数|具体|待定|待补|填写|请填|某"
PLACEHOLDER = re.compile(
    "|".join(
        [
            r"(?:19|20)\d?[_＿xX×Ｘ]+",  # 202_, 20XX, 20××
            r"[Xx]{2,}|[Ｘｘ]{2,}|(?<!\d)×+|×+(?!\d)|✕+",  # XX, ＸＸ, ×× (not 3×4)
            r"(?<![〇零一二三四五六七八九])〇{2,}(?![〇零一二三四五六七八九])",  # 〇〇 (not 二〇二四)
            r"○{2,}|□{1,}|■{2,}|△{2,}",
            r"\*{2,}|＊{2,}",
            r"[_＿]{2,}",
            r"(?<!-)-{2,}(?=[" + _CJK + r"])",  # --社区
            r"(?<![A-Za-z0-9])[xX](?![光射线])(?=[" + _CJK + r"《“])",  # x日报 (not X光)
            r"某某",
            r"【[^【】\n]{0,12}(?:" + _SLOT_WORDS + r")[^【】\n]{0,12}】",  # 【具体日期】
            r"[\[［][^\[\]［］\n]{0,12}(?:" + _SLOT_WORDS + r")[^\[\]［］\n]{0,12}[\]］]",  # [社区名称]
            r"[{｛<＜][^{}｛｝<>＜＞\n]{0,12}(?:" + _SLOT_WORDS + r")[^{}｛｝<>＜＞\n]{0,12}[}｝>＞]",
            r"[（(]\s*[）)]",  # an empty （）
        ]
    )
)

# Masks of the example files beyond PLACEHOLDER: one underscore (党的_大), a run of dashes anywhere,
# a lone x before a name whatever it is (the corpus has no X光 to spare).
_MASK_ONLY = [r"[_＿]", r"-{2,}", r"(?<![A-Za-z0-9])[xX](?=[" + _CJK + r"《“])"]
MASK = re.compile("|".join([PLACEHOLDER.pattern, *_MASK_ONLY]))


def find_masks(text: str) -> list[str]:
    """The masked names and dates of an example report's text (202_, 20XX, ***, --社区, 党的_大)."""
    return [m.group() for m in MASK.finditer(text)]


@dataclass(frozen=True)
class Slot:
    text: str
    start: int
    end: int
    marker: bool  # the tool's own 〔待补充〕 marker, not a leftover placeholder


def find_slots(text: str) -> list[Slot]:
    """Every placeholder and marker in text, left to right."""
    slots = [Slot(m.group(), m.start(), m.end(), True) for m in MARKER.finditer(text)]
    taken = [(s.start, s.end) for s in slots]
    for m in PLACEHOLDER.finditer(text):
        if all(m.end() <= a or m.start() >= b for a, b in taken):
            slots.append(Slot(m.group(), m.start(), m.end(), False))
    return sorted(slots, key=lambda s: s.start)
