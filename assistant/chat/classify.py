"""What the user typed: new facts or a revision instruction, and which section an instruction means.

Deterministic, so the chat behaves the same with or without a model (a model may only be asked
about input these rules leave "unclear")."""

from __future__ import annotations

import re
from typing import Literal

from assistant.draft.outline import Outline, Section
from assistant.draft.pipeline import Unit, units_of
from assistant.genre.figures import find_figures
from assistant.genre.numbering import cn_to_int
from assistant.genre.roles import FIGURE_FREE_FACT, ROLE_REFERENCE
from assistant.i18n import _
from assistant.text import char_ngrams, containment

Kind = Literal["facts", "instruction", "unclear"]

_LIST_ITEM = re.compile(r"^(?:[-*+•·]\s|\d{1,2}[.、)）]\s*\S|[（(]\d{1,2}[)）])")
_NUM = r"[一二三四五六七八九十两\d]+"
# Phrases that only a request to rewrite uses.
_STRONG = re.compile(
    r"把.{0,24}?(?:写|改|压缩|扩|删|调整|精简|合并|拆|换|缩|加|补|突出|提炼|概括)|写得|写成|改成|改为|改写|重写|扩写|压缩|"
    r"润色|语气|措辞|文风|篇幅|字数|更(?:加)?(?:具体|详细|简洁|简练|简短|精炼|生动|正式|有力|规范|完整|丰富|通顺|流畅|突出|凝练)|"
    r"(?:具体|详细|简洁|简短|精炼|生动|正式|通顺|短|长)(?:一)?(?:点|些)|控制在|^(?:请|帮我|麻烦)|能不能|能否"
)
# Words a fact may also use (删除违规信息12条, 增加党员5名): an instruction only with a section or no figure.
_WEAK = re.compile(r"删去|删掉|删除|去掉|增加|补充|加上|添加|合并|调整|突出|强调|精简|提炼|概括|展开")
_SECTION_REF = re.compile(
    rf"第{_NUM}(?:部分|节|点|段|条)|[（(][一二三四五六七八九十]+[）)]|(?:问题|成效|成绩|打算|措施|做法|计划|导语|开头|结尾)部分|"
    r"这一?(?:节|段|部分)|全文|标题"
)


def classify_input(text: str) -> Kind:
    lines = [ln.strip() for ln in text.strip().split("\n") if ln.strip()]
    if not lines:
        return "unclear"
    if all(_LIST_ITEM.match(ln) for ln in lines):
        return "facts"
    if _STRONG.search(text):
        return "instruction"
    has_figure = _has_figure(text)
    if _WEAK.search(text) and (_SECTION_REF.search(text) or not has_figure):
        return "instruction"
    if has_figure or FIGURE_FREE_FACT.search(text):
        return "facts"
    return "unclear"


def fact_lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.strip().split("\n") if ln.strip()]


def _has_figure(text: str) -> bool:
    return any(f.kind != "quote" for f in find_figures(text))


# --- which section ---------------------------------------------------------------------------


def resolve_units(text: str, outline: Outline) -> list[Unit]:
    """The units a phrase such as 第二部分 / 问题部分 / （一） / 二、 / a heading's words refers to;
    [] when it names none. 全文 means every unit."""
    units = units_of(outline)
    section = resolve_section(text, outline)
    if section is None:
        return units if re.search(r"全文|全部|通篇|整篇", text) else []
    if section.level == 1:
        return [u for u in units if u.part is section]
    return [u for u in units if u.section is section]


def resolve_section(text: str, outline: Outline) -> Section | None:
    parts = outline.parts
    part: Section | None = None
    m = re.search(rf"第({_NUM})(?:部分|大部分|个部分)", text) or re.match(rf"^\s*({_NUM})[、.．]", text)
    if m:
        n = _int(m.group(1))
        part = parts[n - 1] if n is not None and 1 <= n <= len(parts) else None
        if part is None:
            raise LookupError(
                _("没有第{n}部分：提纲共{count}部分（/outline 查看）", n=m.group(1), count=len(parts))
            )
    sub = re.search(r"[（(]([一二三四五六七八九十]+)[）)]", text) or re.search(
        rf"第({_NUM})(?:小节|节)", text
    )
    if sub:
        n = _int(sub.group(1)) or 0
        pool = [part] if part is not None else [p for p in parts if len(p.children) >= n]
        for p in pool:
            if 1 <= n <= len(p.children):
                return p.children[n - 1]
        if part is None:
            raise LookupError(_("没有（{n}）这一节（/outline 查看）", n=sub.group(1)))
    if part is not None:
        return part
    by_title = _by_title(text, outline)
    if by_title is not None:
        return by_title
    for role, pattern in ROLE_REFERENCE:
        if pattern.search(text):
            found = next((p for p in parts if role in p.roles), None)
            if found is not None:
                return found
    return None


def _by_title(text: str, outline: Outline) -> Section | None:
    grams = char_ngrams(text, 2)
    best, score = None, 0.0
    for s in outline.sections():
        tg = char_ngrams(s.title, 2)
        if len(tg) < 2:
            continue
        sc = containment(tg, grams)
        if sc > score or (sc == score and best is not None and len(s.title) > len(best.title)):
            best, score = s, sc
    return best if score >= 0.6 else None


def _int(token: str) -> int | None:
    return int(token) if token.isdigit() else cn_to_int(token.replace("两", "二"))


def describe(units: list[Unit]) -> str:
    return "、".join(u.key for u in units)
