"""Unit, period and topic of a facts file that has no front matter: read from its title line
(`城南中学2024年上半年意识形态工作情况`) or its file name (`城南中学2024年第二季度意识形态工作.txt`).

Only what the words plainly say is taken: a unit is the text before the period, or before a
unit-kind word (中学, 党委, 局…) when there is no period; a masked unit (××中学) is no unit."""

from __future__ import annotations

import re

from assistant.i18n import N_, _

KEYS = ("unit", "period", "topic")
# Shown in the title and signature of a draft when the value is still unknown. Draft text, so
# Chinese whatever the interface language.
MARKERS = {"unit": "〔待补充：单位名称〕", "period": "〔待补充：时段〕", "topic": "〔待补充：工作主题〕"}
LABELS = {"unit": N_("单位"), "period": N_("时段"), "topic": N_("主题")}
OPTIONS = {"unit": "--unit", "period": "--period", "topic": "--topic"}
# Where a value came from, as the one-line summary says it.
SOURCES = {
    "front_matter": N_("据文件头"),
    "option": N_("据命令行选项"),
    "title_line": N_("据首行标题"),
    "head_line": N_("据文件开头"),
    "file_name": N_("据文件名"),
    "entered": N_("据输入"),
}

_PERIOD = (
    r"(?:19|20)\d{2}年(?:度|全年|上半年|下半年|前三季度|第[一二三四1-4]季度|[一二三四]季度"
    r"|\d{1,2}月?(?:份)?[-—–~～至到]\d{1,2}月(?:份)?|\d{1,2}月(?:份)?)?"
)
_NO_DIGITS = r"[^\d，。；,;:：、！？!?]"
_TITLE = re.compile(
    rf"^(?P<unit>{_NO_DIGITS}*?)(?:关于)?(?P<period>{_PERIOD})(?:的)?(?P<rest>{_NO_DIGITS}*)$"
)
_KIND = re.compile(r"的?(?:(?:开展|落实|推进|工作)?情况)?的?(?:总结|汇报|报告|自查报告)?(?:材料)?$")
# A title names a line of work; a fact says what was done or will be.
_ACTION = re.compile(
    r"开展|组织|召开|举办|举行|完成|发布|签订|印发|参加|建成|走访|推送|清查|下架|将|计划|拟|学习了|培训了"
)
_MASKED = re.compile(r"×|[Xx]{2}|\*|某某|[_＿]")
_UNIT_KIND = re.compile(
    r"(?:党工委|党总支|党支部|党委|党组|街道办事处|街道|社区|园区|开发区|集团有限公司|集团|有限公司|公司|医院|"
    r"学院|大学|中学|小学|学校|幼儿园|局|委员会|办公室|中心|研究所|所|馆|院|站|镇|乡|村)"
)
_NAME_TAIL = re.compile(r"(?:[-_ .·]*(?:事实|素材|材料|要点|清单|facts?|notes?))+$", re.I)
_ASCII_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_ ]?(h[12]|q[1-4])?(?![\da-z])", re.I)
_QUARTERS = {"q1": "第一季度", "q2": "第二季度", "q3": "第三季度", "q4": "第四季度"}
_HALVES = {"h1": "上半年", "h2": "下半年"}


def from_title_line(line: str) -> dict[str, str] | None:
    """unit/period/topic of a line that is a report title, or None when the line is not one
    (a fact: it has figures, punctuation or a verb of work done)."""
    line = re.sub(r"^#+\s*", "", line.strip()).strip("《》")
    if not line or len(line) > 50:
        return None
    m = _TITLE.match(line)
    if m is None:
        return None
    rest = m.group("rest")
    kind = _KIND.search(rest)
    topic = rest[: kind.start()] if kind else rest
    said_kind = bool(kind and kind.group())
    if _ACTION.search(topic) or not (said_kind or topic.endswith("工作")):
        return None
    return _meta(m.group("unit"), m.group("period"), topic)


_LABELLED = re.compile(
    r"^(?P<key>单位名称|单位|报送单位|时段|期间|时间|报告期|主题|工作主题)\s*[:：]\s*(?P<value>[^，。；]{2,30})$"
)
_LABEL_KEYS = {
    "单位名称": "unit",
    "单位": "unit",
    "报送单位": "unit",
    "时段": "period",
    "期间": "period",
    "时间": "period",
    "报告期": "period",
    "主题": "topic",
    "工作主题": "topic",
}


def from_labelled_line(line: str) -> dict[str, str] | None:
    """A line such as `单位：城南中学` or `时段：2024年第二季度` at the top of a plain file."""
    m = _LABELLED.match(line.strip())
    if m is None:
        return None
    key, value = _LABEL_KEYS[m.group("key")], m.group("value").strip()
    if _MASKED.search(value):
        return {}
    return {key: value}


def from_file_name(stem: str) -> dict[str, str]:
    """What a file name says: 城南中学2024年第二季度意识形态工作, 城南中学意识形态工作, park-2024q3."""
    stem = _NAME_TAIL.sub("", stem.strip())
    stem = re.sub(r"^[\d\s._-]+(?=\D)", "", stem)  # a leading 01- or 2-
    chinese = re.sub(r"[-_ .·]+", "", stem)
    m = _TITLE.match(chinese)
    if m is not None:
        rest = m.group("rest")
        kind = _KIND.search(rest)
        return _meta(m.group("unit"), m.group("period"), rest[: kind.start()] if kind else rest)
    if re.search(r"[\u4e00-\u9fff]", chinese) and not re.search(r"\d", chinese):
        kind = _KIND.search(chinese)
        body = chinese[: kind.start()] if kind else chinese
        if not body.endswith("工作"):
            return {}
        cut = max((u.end() for u in _UNIT_KIND.finditer(body) if len(body) - u.end() >= 2), default=0)
        return _meta(body[:cut], "", body[cut:])
    a = _ASCII_PERIOD.search(stem)
    if a is None:
        return {}
    part = (a.group(2) or "").lower()
    period = a.group(1) + "年" + (_QUARTERS.get(part) or _HALVES.get(part) or "")
    return {"period": period} if part else {}


def _meta(unit: str, period: str, topic: str) -> dict[str, str]:
    unit = re.sub(r"关于$", "", unit.strip())
    topic = topic.strip()
    if topic and topic != "工作" and not topic.endswith("工作"):
        topic += "工作"
    out: dict[str, str] = {}
    if 2 <= len(unit) <= 30 and not _MASKED.search(unit):
        out["unit"] = unit
    if period:
        out["period"] = period
    if len(topic) > 2 and not _MASKED.search(topic):
        out["topic"] = topic
    return out


def summary_line(meta: dict[str, str], sources: dict[str, str]) -> str:
    """单位：…；时段：…；主题：…（据文件名）— one suffix when every value has the same source."""
    known = [k for k in KEYS if meta.get(k)]
    same = {sources.get(k, "") for k in known}
    one = len(same) == 1 and len(known) == len(KEYS)
    items = []
    for k in KEYS:
        if not meta.get(k):
            items.append(_("{label}：未知", label=_(LABELS[k])))
            continue
        tail = "" if one else _("（{source}）", source=_(SOURCES.get(sources.get(k, ""), "")))
        items.append(_("{label}：{value}", label=_(LABELS[k]), value=meta[k]) + tail)
    line = _("；").join(items)
    if one:
        line += _("（{source}）", source=_(SOURCES.get(same.pop(), "")))
    return line


def missing_hint(missing: list[str]) -> str:
    """One line: what is marked in the draft and which options fill it in."""
    return _(
        "{names}未能从文件中读出，草稿标题和署名中以〔待补充〕标出；可用 {options} 补上。",
        names=_("、").join(_(LABELS[k]) for k in missing),
        options=_("、").join(OPTIONS[k] for k in missing),
    )
