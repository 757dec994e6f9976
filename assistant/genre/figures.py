"""Find the checkable particulars in Chinese text (numbers with units, percentages, dates, quoted
names and titles) in a normalised form, so that 十次 and 10次, 百分之六十二 and 62% compare equal.

The one implementation behind the fidelity check, the facts' and the chat's cue for "a figure to
report", the outline and skeleton builders, and the eval. What the facts allow is the check's
business (assistant.check.figures)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.genre.numbering import cn_to_int

# Measure words after a number: what makes 3 a figure (3次, 3期) rather than part of a name.
UNITS = (
    "人次|家次|户次|余人|多人|万人|万元|亿元|千元|余元|元|小时|分钟|个月|周年|年度|季度|"
    "次|期|人|个|名|篇|条|项|场|家|起|件|批|户|所|支|类|册|天|日|周|月|年|届|岁|处|门|部|台|套|份|"
    "万|千|百|余|多|%|％|‰|分|元|篇次|单|幅|块|张|面|节|课时|学时|课|讲|轮|组|队|座|栋|间|辆|本|位|对|首"
)
_CN_NUM = "零〇一二两三四五六七八九十百千万"
_UNITS_SORTED = "|".join(sorted(set(UNITS.split("|")), key=len, reverse=True))
_FIG = re.compile(rf"(?P<num>\d+(?:\.\d+)?|[{_CN_NUM}]{{1,6}})(?P<approx>余|多)?(?P<unit>{_UNITS_SORTED})")
_PERCENT_CN = re.compile(rf"百分之(?P<num>[{_CN_NUM}]+|\d+(?:\.\d+)?)")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?)?")
_MONTH_DAY = re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*日)?")
_QUOTED = re.compile(r"“([^”]{2,30})”|《([^》]{2,40})》|「([^」]{2,30})」")
_BARE_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")

# Set phrases of the genre whose numerals are not facts (四个意识, 三会一课, 二十届三中全会…).
SET_PHRASES = re.compile(
    r"四个意识|四个自信|两个维护|两个确立|两个结合|三会一课|一岗双责|两学一做|三严三实|一把手|"
    r"五位一体|四个全面|第一议题|一以贯之|一体推进|一线|一道|一起|一致|一定|一些|一批|一步|一是|一要|"
    r"[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+|[一二三四五六七八九十]+届[一二三四五六七八九十]+中全会|"
    r"[一二三四五六七八九十]+大|十四五|十五五|一带一路|两新|两学|三重一大|一级|一把|一年来|一方面|"
    r"一系列|一季度|二季度|三季度|四季度|上半年|下半年|一次性|一个月|一流|万众一心|一心|统一|唯一|之一|"
    r"一手|两手|两手抓|一盘棋|一张网|一张图|一站式|一件事|一网|一次|每一|一种|一项项|一个个|一面|一线|"
    r"千方百计|千家万户|百姓|一百年|两个一百年|百年|三农|一条龙|全覆盖|零容忍|零距离"
)
# Genre formulas that are quoted in every report and are not a unit's particular facts.
STOCK_QUOTES = {
    "四个意识",
    "四个自信",
    "两个维护",
    "两个确立",
    "三会一课",
    "一岗双责",
    "两学一做",
    "三严三实",
    "第一议题",
    "学习强国",
    "不忘初心、牢记使命",
    "五位一体",
    "四个全面",
}


@dataclass(frozen=True)
class Figure:
    kind: str  # number | percent | date | quote
    value: str  # normalised: "10次", "62%", "2024-09-30", "2024-09", "09-30", "工友微讲堂"
    text: str  # as written
    start: int
    end: int


def to_number(token: str) -> float | None:
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    v = cn_to_int(token.replace("两", "二").replace("〇", "零")) if token else None
    if v is None and "万" in token:
        head, _, tail = token.partition("万")
        h = cn_to_int(head or "一")
        t = cn_to_int(tail) if tail else 0
        if h is not None and t is not None:
            return float(h * 10000 + t)
    return float(v) if v is not None else None


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def _canonical_unit(unit: str) -> str:
    return {"％": "%", "余人": "人", "多人": "人", "余": "", "多": ""}.get(unit, unit)


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(s, e):
            chars[i] = "\u3000"
    return "".join(chars)


def find_figures(text: str) -> list[Figure]:
    """Every figure in text, left to right. Set phrases (四个意识, 二十届三中全会) are not figures."""
    text = unicodedata.normalize("NFKC", text).replace("％", "%")
    figs: list[Figure] = []
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in SET_PHRASES.finditer(text)]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _QUOTED.finditer(text):
        q = next(g for g in m.groups() if g)
        if q not in STOCK_QUOTES:
            figs.append(Figure("quote", q, m.group(), m.start(), m.end()))
    for m in _DATE.finditer(text):
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
        value = y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")
        figs.append(Figure("date", value, m.group(), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _MONTH_DAY.finditer(text):
        if not free(m.start(), m.end()) or not 1 <= int(m.group("m")) <= 12:
            continue
        value = f"{int(m.group('m')):02d}" + (f"-{int(m.group('d')):02d}" if m.group("d") else "") + "@md"
        figs.append(Figure("date", value, m.group(), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    for m in _PERCENT_CN.finditer(text):
        n = to_number(m.group("num"))
        if n is not None and free(m.start(), m.end()):
            figs.append(Figure("percent", f"{_fmt(n)}%", m.group(), m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for m in _FIG.finditer(text):
        if not free(m.start(), m.end()):
            continue
        num = m.group("num")
        if not num[0].isdigit() and set(num) <= set("百千万"):
            continue  # 万元 alone is a unit, not a figure
        n = to_number(num)
        if n is None:
            continue
        unit = _canonical_unit(m.group("unit"))
        if not num[0].isdigit() and n <= 1 and unit not in ("%",):
            continue  # 一次, 一个: ordinary words, not figures
        kind = "percent" if unit == "%" else "number"
        figs.append(Figure(kind, f"{_fmt(n)}{unit}", m.group(), m.start(), m.end()))
        taken.append((m.start(), m.end()))
    # Arabic numbers with no unit after them are still figures (编号, 金额 written oddly).
    for m in _BARE_NUMBER.finditer(text):
        if free(m.start(), m.end()):
            figs.append(Figure("number", m.group(), m.group(), m.start(), m.end()))
    figs.sort(key=lambda f: f.start)
    return figs
