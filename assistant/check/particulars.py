"""The particulars of a Chinese sentence — counts with their measure word, money, percentages and
ratios, dates and month ranges, and the names of activities and documents — each with the clause it
sits in, in a normalised form that compares equal across the forms a writer may choose:

    42人 = 42名 = 42位        每月1次 = 每月一次      2.3万余次 = 23000余次     百分之六十二点五 = 62.5%
    2024年11月8日 ⊇ 11月8日   20余万元 ≠ 20万元 (the qualifier is kept: 余/多 ≠ 近/约 ≠ exact)

Self-counts of the writer (以下两个方面), the genre's set phrases (四个意识, 二十届三中全会) and stock
slogans are not particulars. One pass of a few linear patterns over the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.genre.numerals import CN_NUMERAL_CHARS, format_number, parse_number
from assistant.genre.stock import is_stock_phrase

# Measure words, longest first; each maps to its class (人/名/位 count the same thing).
_MEASURES = {
    "人次": "人次",
    "家次": "家次",
    "户次": "户次",
    "篇次": "篇次",
    "课时": "课时",
    "学时": "学时",
    "小时": "小时",
    "分钟": "分钟",
    "个月": "个月",
    "周年": "周年",
    "人": "人",
    "名": "人",
    "位": "人",
    "次": "次",
    "场": "次",
    "回": "次",
    "个": "个",
    "项": "个",
    "期": "期",
    "篇": "篇",
    "条": "条",
    "场次": "次",
    "家": "个",  # 12个支行 = 12家支行
    "起": "起",
    "件": "件",
    "批": "批",
    "户": "户",
    "所": "所",
    "支": "支",
    "类": "类",
    "册": "册",
    "本": "册",
    "天": "天",
    "日": "天",
    "周": "周",
    "届": "届",
    "岁": "岁",
    "处": "处",
    "门": "门",
    "部": "部",
    "台": "台",
    "套": "套",
    "份": "份",
    "单": "单",
    "幅": "幅",
    "块": "块",
    "张": "张",
    "面": "面",
    "节": "节",
    "课": "课",
    "讲": "讲",
    "轮": "轮",
    "组": "组",
    "队": "队",
    "座": "座",
    "栋": "栋",
    "间": "间",
    "辆": "辆",
    "对": "对",
    "首": "首",
    "种": "种",
    "村": "村",
    "年": "年",
    "元": "元",
    "万元": "元",
    "亿元": "元",
    "千元": "元",
}
_MEASURE_RE = "|".join(sorted(_MEASURES, key=len, reverse=True))
_NUM = rf"\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+"
_APPROX_BEFORE = "近|约|将近|大约|逾|超过|超|多于|高于|不足|不到|未满|少于|低于|不少于|至少"
_APPROX_AFTER = "左右|以上|上下|以内"
QUALIFIER_CLASS = {
    # at least / more than
    "余": "up",
    "多": "up",
    "逾": "up",
    "超过": "up",
    "超": "up",
    "多于": "up",
    "高于": "up",
    "以上": "up",
    "不少于": "up",
    "至少": "up",
    # nearly (just under): 近500 is not 约500
    "近": "nearly",
    "将近": "nearly",
    # about (either side)
    "约": "about",
    "大约": "about",
    "左右": "about",
    "上下": "about",
    # below
    "不足": "below",
    "不到": "below",
    "未满": "below",
    "少于": "below",
    "低于": "below",
    "以内": "below",
}
_COUNT = re.compile(
    rf"(?P<pre>{_APPROX_BEFORE})?(?P<num>{_NUM})(?P<q1>余|多)?(?P<scale>万|亿)?(?P<q2>余|多)?"
    rf"(?P<unit>{_MEASURE_RE})(?P<post>{_APPROX_AFTER})?"
)
_PERCENT = re.compile(rf"(?P<pre>{_APPROX_BEFORE})?(?P<num>\d+(?:\.\d+)?)\s*[%％](?P<post>{_APPROX_AFTER})?")
_PERCENT_CN = re.compile(rf"(?P<pre>{_APPROX_BEFORE})?百分之(?P<num>[{CN_NUMERAL_CHARS}]+|\d+(?:\.\d+)?)")
_RATIO = re.compile(
    r"(?P<cn>[一二三四五六七八九两]成(?:半)?)(?:以上|左右|多)?|(?P<den>[一二三四五六七八九十百\d]+)分之(?P<nom>[一二三四五六七八九十\d]+)"
    r"|(?P<fold>翻(?:了)?(?:一|两|二|三)?番|(?:增长|提高|提升|增加|下降|减少|降低)(?:了)?(?:[一二三四五六七八九十\d.]+)倍)"
)
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2}|[一二][〇零九][〇零一二三四五六七八九]{2})\s*年"
    r"(?:\s*(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?)?"
)
_MONTH_RANGE = re.compile(r"(?P<a>\d{1,2})\s*(?:月)?\s*(?:至|到|—|-|－|~|～)\s*(?P<b>\d{1,2})\s*月")
_MONTH_DAY = re.compile(r"(?<![\d年.])(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?")
_MONTH_CN = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<m>十[一二]?|[一二三四五六七八九])月(?:份)?(?=[\u4e00-\u9fff，。、；：]|$)"
)
_QUOTED = re.compile(r"“(?P<q>[^“”\n]{1,30})”|《(?P<t>[^《》\n]{1,40})》|「(?P<c>[^「」\n]{1,30})」")
# The writer's count of the points that follow: 以下两个方面, 三点, 两项工作.
SELF_COUNT = re.compile(
    r"(?P<n>[两二三四五六七八九十]|[2-9])(?P<what>个方面)"  # N个方面 is always the writer's own count
    r"|(?:以下|如下|下列|下面|存在|还存在|主要有|有|从|抓好|抓了|做好|做了|突出|聚焦|重点|着力|主要表现在|表现在|体现在)"
    r"(?P<n2>[两二三四五六七八九十]|[2-9])(?P<what2>方面|项|点|条|个问题|个短板|个不足)"
)
# Numerals inside the genre's set phrases and ordinary words are no figures.
SET_PHRASES = re.compile(
    r"四个意识|四个自信|两个维护|两个确立|两个结合|三会一课|一岗双责|两学一做|三严三实|一把手|五位一体|四个全面|"
    r"第一议题|第一责任人|一以贯之|一体推进|一线|一道|一起|一致|一定|一些|一批|一步|一流|一系列|一方面|一年来|"
    r"[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十百\d]+[次届个批期轮]?|[一二三四五六七八九十]+届[一二三四五六七八九十]+中全会|"
    r"[一二三四五六七八九十]+大(?:精神|报告|以来)?|十四五|十五五|一带一路|两新|三重一大|一级|一把|一次性|"
    r"一季度|二季度|三季度|四季度|万众一心|一心|统一|唯一|之一|一手|两手|一盘棋|一张网|一站式|一件事|一网|每一|"
    r"一种|一项项|一个个|一面|千方百计|千家万户|百姓|两个一百年|百年|三农|一条龙|全覆盖|零容忍|零距离|一线|"
    r"一对一|一帮一|一事一议|一村一|一企一|一人一|一季一|一月一|一周一|三审三校|双向|双重|四下基层|五个一|"
    r"三个区分开来|两个责任|两个覆盖|[一二三四五六七八九十]+个(?:字|维护|确立|意识|自信|务必|全面|坚持|必须)"
)


@dataclass(frozen=True)
class Particular:
    kind: str  # count | money | percent | ratio | date | month_range | name | unreadable
    value: str  # normalised, e.g. "13|个", "865000|元", "92.6%", "2024-07-12", "07-12", "07", "07..09", "家风润万家"
    qualifier: str  # "" exact, "up" (余/多/以上/超过), "near" (近/约/左右), "below" (不足/不到)
    text: str  # as written
    start: int
    end: int
    weak: bool = False  # 一次, 一个: an ordinary word as often as a figure; never an invention alone

    @property
    def number(self) -> str:
        return self.value.split("|", 1)[0]


_HALF_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"％": "%", "．": "."})


def normalise(text: str) -> str:
    """Full-width digits and ％ as ASCII; nothing else changes (the Chinese punctuation is kept, and
    the length is the same, so positions hold)."""
    return text.translate(_HALF_WIDTH)


def _qualifier(*words: str | None) -> str:
    for w in words:
        if w:
            return QUALIFIER_CLASS.get(w, "")
    return ""


def _month(token: str) -> int | None:
    value = parse_number(token)
    return int(value) if value is not None and 1 <= value <= 12 and value == int(value) else None


PIECE = 600  # characters; a real sentence is shorter, a hostile one is cut so that the work stays linear
RUN = 200  # a clause with no mark in it longer than this is cut too (no figure is that long)
_PIECE_SPLIT = re.compile(r"(?<=[。；！？，、：])")


def extract(text: str) -> list[Particular]:
    """Every particular in text, left to right (text should be one paragraph or sentence). Text longer
    than PIECE is read in pieces cut at clause marks (or, with none, every PIECE characters), so that
    no pattern backtracks over more than a piece."""
    text = normalise(text)
    if len(text) <= PIECE:
        return _extract_piece(text)
    found: list[Particular] = []
    offset = 0
    for piece in _pieces(text):
        found += [_shifted(p, offset) for p in _extract_piece(piece)]
        offset += len(piece)
    return found


def _pieces(text: str) -> list[str]:
    out: list[str] = []
    current = ""
    for clause in _PIECE_SPLIT.split(text):
        while len(clause) > RUN:
            if current:
                out.append(current)
                current = ""
            out.append(clause[:RUN])
            clause = clause[RUN:]
        if len(current) + len(clause) > PIECE:
            out.append(current)
            current = ""
        current += clause
    if current:
        out.append(current)
    return out


def _shifted(p: Particular, offset: int) -> Particular:
    return Particular(p.kind, p.value, p.qualifier, p.text, p.start + offset, p.end + offset, p.weak)


# A run of digits or numerals longer than any figure (an ID, a pasted table, a hostile line): not a
# figure, and blanked before the figure patterns run so that none of them backtracks over it.
_LONG_RUN = re.compile(rf"\d{{16,}}|[{CN_NUMERAL_CHARS}]{{13,}}")


def _extract_piece(text: str) -> list[Particular]:
    text = _LONG_RUN.sub(lambda m: "#" * len(m.group()), text)
    found: list[Particular] = []
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in SET_PHRASES.finditer(text)]
    taken += [(m.start(), m.end()) for m in SELF_COUNT.finditer(text)]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(p: Particular) -> None:
        found.append(p)
        taken.append((p.start, p.end))

    for name in _names(text):
        found.append(name)  # a name's own numerals (“五个一”工程) are part of the name
        taken.append((name.start, name.end))
    for m in _DATE.finditer(text):
        if free(m.start(), m.end()):
            add(_date(m))
    for m in _MONTH_RANGE.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if free(m.start(), m.end()) and 1 <= a < b <= 12:
            add(Particular("month_range", f"{a:02d}..{b:02d}", "", m.group(), m.start(), m.end()))
    for m in _MONTH_DAY.finditer(text):
        month = int(m.group("m"))
        if free(m.start(), m.end()) and 1 <= month <= 12:
            day = m.group("d")
            md = f"{month:02d}-{int(day):02d}" if day else f"{month:02d}"
            add(Particular("date", md, "", m.group(), m.start(), m.end()))
    for m in _MONTH_CN.finditer(text):
        cn_month = _month(m.group("m"))
        if cn_month and free(m.start(), m.end()):
            add(Particular("date", f"{cn_month:02d}", "", m.group(), m.start(), m.end()))
    for pattern in (_PERCENT_CN, _PERCENT):
        for m in pattern.finditer(text):
            share = parse_number(m.group("num"))
            if share is not None and free(m.start(), m.end()):
                q = _qualifier(m.group("pre"), m.groupdict().get("post"))
                add(Particular("percent", f"{format_number(share)}%", q, m.group(), m.start(), m.end()))
    for m in _RATIO.finditer(text):
        if free(m.start(), m.end()):
            add(Particular("ratio", m.group(), "", m.group(), m.start(), m.end()))
    for m in _COUNT.finditer(text):
        count = _count(m)
        if count is not None and free(m.start(), m.end()):
            add(count)
    found.sort(key=lambda p: p.start)
    return found


def _date(m: re.Match[str]) -> Particular:
    year = parse_number(m.group("y"))
    value = format_number(year) if year is not None else m.group("y")
    if m.group("m"):
        month = _month(m.group("m"))
        value += f"-{month:02d}" if month else ""
        if m.group("d"):
            value += f"-{int(m.group('d')):02d}"
    return Particular("date", value, "", m.group(), m.start(), m.end())


def _count(m: re.Match[str]) -> Particular | None:
    num = m.group("num")
    unit = m.group("unit")
    is_cn = not num[0].isdigit()
    if is_cn and set(num) <= set("十百千万亿点") and num != "十":
        return None  # 万元, 百人: a unit, not a number
    value = parse_number(num)
    if value is None:
        # A numeral the parser cannot read is never passed silently: the check says it cannot decide.
        return Particular("unreadable", num + unit, "", m.group(), m.start(), m.end())
    if unit == "年" and not is_cn and value >= 1900:
        return None  # a year written without 年's date context (handled as a date)
    scale = m.group("scale")
    if scale:
        value *= 10_000 if scale == "万" else 100_000_000
    measure = _MEASURES[unit]
    if unit in ("万元",):
        value *= 10_000
    elif unit == "亿元":
        value *= 100_000_000
    elif unit == "千元":
        value *= 1_000
    q = _qualifier(m.group("pre"), m.group("q1"), m.group("q2"), m.group("post"))
    kind = "money" if measure == "元" else "count"
    weak = is_cn and value <= 1
    return Particular(kind, f"{format_number(value)}|{measure}", q, m.group(), m.start(), m.end(), weak)


# A quoted phrase is a name when an activity word follows it or an action verb introduces it;
# otherwise it is the writer's rhetoric (打通“最后一米”, 从“有形覆盖”向“有效覆盖”转变).
_NAME_AFTER = re.compile(
    r"(?:主题)?(?:活动|品牌|公众号|微信公众号|视频号|抖音号|平台|讲堂|大讲堂|课堂|专栏|栏目|系列|工程|行动|专项行动|计划|"
    r"项目|评选|评比|比赛|竞赛|大赛|论坛|宣讲|宣讲团|工作室|志愿服务|服务队|小分队|APP|小程序|基地|示范点|读书班|读书会|"
    r"培训班|机制|模式|工作法|群|展览|展|演出|晚会|汇演|征文|知识竞赛|党日|实践|微课|书屋|驿站|中心|之家|联盟|清单|手册|"
    r"读本|杂志|报|刊|号|网|站|台|室|队|班|节|周|月|季|日)"
)
# A name noun a few characters on (“清风金融”微视频大赛), or ending the quote itself (“百姓宣讲团”).
_NAME_NEAR_AFTER = re.compile(
    r"^[\u4e00-\u9fff]{1,4}?(?:大赛|比赛|竞赛|评选|活动|讲堂|课堂|宣讲团|工作室|服务队|专栏|栏目|品牌|工程|行动|项目|平台|公众号|基地|融合点|示范点)"
)
_NAME_INSIDE = re.compile(
    r"(?:宣讲团|讲堂|课堂|工作室|服务队|志愿队|书屋|驿站|专栏|栏目|大赛|品牌|工程|行动|计划|融合点|示范点|之家|基地)$"
)
_NAME_BEFORE = re.compile(
    r"(?:开展|举办|打造|创建|推出|实施|组织|启动|开设|建立|成立|设立|创办|开通|编印|印发|出台|制定|承办|参加|参与|获评|"
    r"命名|评为|荣获|授予|入选|依托|通过|利用|用好|借助|组建|建成|创设|培育|推行|开辟|策划|创作|拍摄|制作|编排|排演|发起)[了]?$"
)


def _names(text: str) -> list[Particular]:
    out: list[Particular] = []
    for m in _QUOTED.finditer(text):
        title = m.group("t")
        quoted = m.group("q") or m.group("c")
        if title is not None:
            out.append(Particular("name", title.strip(), "", m.group(), m.start(), m.end()))
            continue
        if quoted is None or is_stock_phrase(quoted):
            continue
        after = text[m.end() : m.end() + 10]
        before = text[max(0, m.start() - 6) : m.start()]
        named = _NAME_AFTER.match(after) or _NAME_NEAR_AFTER.match(after) or _NAME_BEFORE.search(before)
        if named or _NAME_INSIDE.search(quoted):
            out.append(Particular("name", quoted.strip(), "", m.group(), m.start(), m.end()))
    return out


def quoted_phrases(text: str) -> list[str]:
    """Every “quoted” phrase of text (names and rhetoric alike)."""
    return [m.group("q") or m.group("c") or m.group("t") for m in _QUOTED.finditer(normalise(text))]


def self_counts(text: str) -> list[tuple[int, re.Match[str]]]:
    """The writer's counts of points (以下两个方面) with their value."""
    out = []
    for m in SELF_COUNT.finditer(normalise(text)):
        value = parse_number(m.group("n") or m.group("n2"))
        if value is not None:
            out.append((int(value), m))
    return out
