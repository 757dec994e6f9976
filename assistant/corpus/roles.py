"""What a part of a report does: opening / achievements / problems / plans / closing / other.

Heading cue words decide first; content and position decide when the heading says nothing."""

from __future__ import annotations

import re

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
