"""The parts of a 工作总结 and the cue words that tell them apart: opening / achievements /
problems / plans / closing / other.

Three readers use them: the corpus parser (what a part of an example report does: heading cue
words decide first, content and position when the heading says nothing), the facts reader (what a
fact with no heading reports, from its own words) and the chat (which part a user's phrase names).
Teach the tool a new cue word here."""

from __future__ import annotations

import re

from assistant.genre.figures import find_figures

# Every role a part or a chunk of text may have; the index and its --role filter accept these.
ROLES = ("opening", "achievements", "problems", "plans", "closing", "other")

# --- parts of an example report -------------------------------------------------------------

# 问题 alone is not enough: 重大问题处置情况 reports work done.
_PROBLEMS_H = re.compile(
    r"存在.{0,6}问题|主要问题|(?<!重大)问题[及和与]|问题$|^问题|不足|短板|差距|困难|薄弱|教训|风险隐患"
)
_PLANS_H = re.compile(
    r"下一步|下步|打算|今后|展望|努力方向|改进|意见建议|工作设想|工作思路|工作计划|工作安排|重点任务"
)
# Weak plan cues (细化工作措施 is work done): they count only after a problems part, or at the end.
_PLANS_WEAK = re.compile(r"措施|计划|安排|思路")
_STRONG_PROBLEM = re.compile(
    r"存在[^。]{0,12}(问题|不足|薄弱|短板|差距)|不足之处|薄弱环节|还有差距|差距还|有待(进一步)?(加强|提高|提升)"
)
_ACHIEVE_H = re.compile(
    r"开展情况|做法|成效|成绩|工作情况|推进情况|落实情况|回顾|主要工作|总体情况|亮点|特色|基本情况|完成情况|经验"
)

_PROBLEM_C = re.compile(r"存在|不足|薄弱|有待|不够|欠缺|差距|短板|不到位|不强|不高|滞后|单一")
_PLAN_C = re.compile(r"下一步|下步|今后|将进一步|将继续|将着力|我们将|着力|持续|要进一步|切实|努力")
# Where a merged part turns from problems to plans.
PLAN_TURN = re.compile(
    r"(?:^|(?<=[。；！]))\s*(?:下一步|下步|今后|下阶段|下半年|针对上述|针对以上|针对存在的)"
)
CLOSING_RE = re.compile(
    r"^(总之|总而言之|综上所述|综上|总体来看|总的来看|总体而言|同志们[，,]|在接下来的工作中|今后[，,]?我们?将|新的一年|展望未来"
    r"|我[局校院区办镇村委司所站部]?[^，。]{0,8}将在继续|[^，。]{0,12}将以更加)"
)
OPENING_RE = re.compile(
    r"以来|在[^，。]{1,24}(领导|指导)下|为(深入)?贯彻|为响应|为进一步|为切实|根据|按照|现将|如下[：:]|半年来|近年来|今年|年初"
    r"|^(19|20)[\d_xX]{2}年|^\d{4}年|^半年来|深入贯彻|认真贯彻"
)


def heading_roles(text: str) -> list[str]:
    """Roles a heading's cue words name (two for a merged part such as 存在的问题及下一步打算)."""
    roles = []
    p, q = _PROBLEMS_H.search(text), _PLANS_H.search(text)
    if p:
        roles.append("problems")
    if q:
        roles.append("plans")
    if not roles and _ACHIEVE_H.search(text):
        roles.append("achievements")
    return roles


def content_scores(text: str) -> tuple[int, int]:
    return len(_PROBLEM_C.findall(text)), len(_PLAN_C.findall(text))


def classify_sections(headings: list[str], contents: list[str]) -> list[list[str]]:
    """Roles for each top-level part, in order. Position breaks ties: parts before the first
    problems part report work done; parts after it are plans."""
    roles = [heading_roles(h) for h in headings]
    for i, h in enumerate(headings):
        after_problems = any("problems" in r for r in roles[:i])
        if not roles[i] and _PLANS_WEAK.search(h) and (after_problems or i == len(headings) - 1):
            roles[i] = ["plans"]
    for i, (h, body) in enumerate(zip(headings, contents, strict=True)):
        weak = roles[i] == ["achievements"] and _ACHIEVE_H.search(h) and re.search(r"经验|总结", h)
        if roles[i] and not weak:
            continue
        prob, plan = content_scores(body)
        turn = bool(PLAN_TURN.search(body))
        last = i == len(headings) - 1
        if turn and _STRONG_PROBLEM.search(body) and (last or weak):
            roles[i] = ["problems", "plans"]
        elif weak:
            continue
        elif any("problems" in r for r in roles[:i]):
            roles[i] = ["plans"]
        elif prob >= 4 and prob > plan:
            roles[i] = ["problems"]
        else:
            roles[i] = ["achievements"]
    return roles


def is_closing(text: str) -> bool:
    return bool(CLOSING_RE.search(text))


def looks_like_opening(text: str) -> bool:
    return len(text) >= 30 and bool(OPENING_RE.search(text[:60]) or re.search(r"现将.{0,20}如下", text))


# In a merged 存在的问题及下一步打算 part, a paragraph that starts so is a plan (and so is all after it).
MERGED_PLAN_START = re.compile(r"\s*(下一步|下步|今后|下阶段|针对|我们将|将)")
# A subheading of a merged part that turns it to plans.
MERGED_PLAN_HEADING = re.compile(r"下一步|下步|打算|措施|今后")


# --- a fact with no heading -----------------------------------------------------------------

# Problems: strong cue words, and a shortcoming stated at the end of a clause (内容少, 阅读量低).
FACT_PROBLEM_CUE = re.compile(
    r"不足|问题|薄弱|欠缺|不够|缺少|缺乏|偏低|偏大|偏少|老化|滞后|单一|有待|短板|差距|盲区|漏洞|隐患|较弱|"
    r"力量弱|没有专职|仅|只有|难以|较难|困难|不平衡|参差不齐|难度大|压力大|流动性大|"
    r"不(?:强|高|多|紧|深|实|细|严|广|全|畅|够|足|明显|到位|及时|规范|主动|充分|健全|完善|积极|均衡)|"
    r"有[^，。；]{1,10}现象|^存在|"
    r"(?<![降减压])低(?=[，。；,;]|$)|(?<![缩])短(?=[，。；,;]|$)|(?<![减缺])少(?=[，。；,;]|$)|"
    r"弱(?=[，。；,;]|$)|慢(?=[，。；,;]|$)|(?<![偏误出落温时])差(?=[，。；,;]|$)|"
    r"难(?:[\u4e00-\u9fff]{1,2})(?=[，。；,;]|$)"
)
FACT_PROBLEM_START = re.compile(r"^(少数|部分|个别|有的|一些|极少数)")
# Words that look like problems in a report of work done: 发现问题9个，已整改7个; 走访困难职工.
DONE_PROBLEM = re.compile(
    r"(?:发现|排查|查找|查摆|梳理|整改|整治|消除|解决|处置|化解|收集|征集|反馈|督办)[^，。；]{0,12}?(?:问题|隐患)"
    r"|(?:补齐|弥补|补强|补足|破解|克服)[^，。；]{0,8}?(?:短板|不足|弱项|难题|困难)"
    r"|不实(?=信息|言论|报道|内容|消息|舆情)"
    r"|问题[^，。；]{0,8}?(?:已|全部|均已)?(?:整改|解决|销号)"
    r"|(?:风险|隐患|问题)[^，。；]{0,2}(?:排查|整改|治理|清零|销号)|排查[^，。；]{0,6}(?:隐患|风险)"
    r"|困难(?:职工|群众|党员|家庭|户|学生|老人|人员|群体|老党员|员工)|克服[^，。；]{0,4}困难|帮扶|排忧解难"
)
# Plans: a plan word at the start, or anywhere for the unmistakable ones. 下半年 is only a plan in
# a report of the first half of a year (in a yearly report it is work done).
FACT_PLAN_START = re.compile(
    r"^(下一步|下步|下季度|下阶段|下一阶段|明年|今后|计划|拟|将|准备|力争|争取|年底前|\d{4}年将|"
    r"(?:\d{1,2}月|下月|近期)(?:起|份|底前|中旬|下旬|上旬)?将)"
)
FACT_PLAN_CUE = re.compile(
    r"下一步|下季度|下阶段|下一阶段|明年|将于|将进一步|将继续|计划|拟于|打算|力争|争取|不少于|确保全年"
)
SECOND_HALF_START = re.compile(r"^下半年")
SECOND_HALF_PLAN = re.compile(r"下半年(?:将|要|继续|计划)")
FIRST_HALF = re.compile(r"上半年|第[一二]季度|[一二]季度|1[-—至~到]6月|一至六月")
# 完成…计划 reports a plan carried out.
DONE_PLAN = re.compile(r"完成[^，。；]{0,12}计划|计划内")
# A recurring commitment (每月巡查一次, 每半年培训一次) is a rule to set up, not a figure to report.
FREQUENCY = re.compile(r"每[^，。；\d]{0,4}(?:\d+|[一二两三四五六七八九十]+)[次期场轮回]")
DONE_CUE = re.compile(
    r"开展|组织|召开|举办|完成|发布|处置|签订|印发|累计|共|参加|参与|建成|设立|评选|走访|推送|已|清查|下架|发稿|研究"
)
_YEAR = re.compile(r"(20\d{2})年")


def classify_fact(text: str, previous: str = "achievements", period: str = "") -> str:
    """Role of a fact with no heading, from its cue words; a fact with none follows its neighbour
    (writers list work done, then problems, then plans: a neutral line after those is a plan)."""
    if _is_plan(text, period):
        return "plans"
    years = [int(y) for y in _YEAR.findall(period)]
    if years and any(int(y) > max(years) for y in _YEAR.findall(text)):
        return "plans"  # a year after the report's period is a plan
    if _is_problem(text):
        return "problems"
    has_figure = _has_figure(FREQUENCY.sub("", text))
    if previous in ("problems", "plans") and not has_figure:
        return "plans"  # past the problems, a line with no figure to report is a step to take
    if DONE_CUE.search(text) or has_figure:
        return "achievements"
    return "plans" if previous in ("problems", "plans") else "achievements"


def _has_figure(text: str) -> bool:
    """A number to report, not counting those inside a quoted name (“班前十分钟”学习)."""
    figs = find_figures(text)
    quotes = [(f.start, f.end) for f in figs if f.kind == "quote"]
    return any(f.kind != "quote" and not any(a <= f.start and f.end <= b for a, b in quotes) for f in figs)


def _is_plan(text: str, period: str) -> bool:
    if SECOND_HALF_START.match(text) or SECOND_HALF_PLAN.search(text):
        return not period or bool(FIRST_HALF.search(period))
    if FACT_PLAN_START.match(text):
        return True
    return bool(FACT_PLAN_CUE.search(DONE_PLAN.sub("", text)))


def _is_problem(text: str) -> bool:
    bare = DONE_PROBLEM.sub("，", text)
    if FACT_PROBLEM_START.match(bare):
        return True
    return bool(FACT_PROBLEM_CUE.search(bare))


# Words of a fact typed into the chat with no figure in it: work done, a shortcoming, or a plan.
FIGURE_FREE_FACT = re.compile(
    r"开展|召开|举办|组织|完成|发布|处置|签订|印发|参加|建成|设立|评选|走访|推送|清查|下架|宣讲|检查|整改|慰问|上线|"
    r"不足|薄弱|欠缺|不够|缺少|缺乏|偏低|老化|滞后|有待|短板|差距|不到位|"
    r"^(?:下一步|下半年|下季度|明年|今后|计划|拟|将|力争|争取)"
)


# --- a part named by its role -----------------------------------------------------------------

# The words by which a user names a part (问题部分, 下一步那段), in the order they are tried.
ROLE_REFERENCE: list[tuple[str, re.Pattern[str]]] = [
    ("problems", re.compile(r"问题|不足|短板")),
    ("plans", re.compile(r"打算|下一步|措施|计划|思路")),
    ("achievements", re.compile(r"成效|成绩|做法|开展情况|工作开展|亮点")),
]
