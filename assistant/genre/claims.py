"""Claims with no figure that a draft must not make unless the facts do: honours (荣获, 被评为, 受到表彰),
"zero" and clean-record claims (未发生, 零投诉), firsts and rankings (首次, 全市第一, 位居前列), and
named meetings and documents (召开…推进会, 印发《…》). A model adds them because every example report has
them; they are inventions all the same.

A claim is supported when a fact makes the same kind of claim about the same thing: the fact has a cue
of the claim's kind and shares the claim's object (character bigrams of the words after the cue)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STOP = "[。；;！!？?\n]"
CLAIM_PATTERNS: dict[str, re.Pattern[str]] = {
    "honour": re.compile(
        # 被评为/获评/荣获… name an honour whatever follows; 获得/受到… only with a word of honour.
        r"(?P<cue>荣获|获评|被评为|被授予|授予|评为|入选|荣膺|被命名为|被确定为)(?P<obj>[^。；;！!？?\n，,]{2,20})"
        r"|(?P<cue2>获得|获|受到|得到)"
        r"(?P<obj2>[^。；;！!？?\n，,]{0,16}?(?:称号|荣誉|先进|示范|标兵|模范|优秀|表彰|表扬|嘉奖|通报表扬|肯定|"
        r"一等奖|二等奖|三等奖|特等奖|金奖|银奖|铜奖|优秀奖|奖项|奖))"
    ),
    "complete": re.compile(
        # 全覆盖, 无一遗漏, 百分之百 — a claim of completeness the facts must make (覆盖率100%, 全部…)
        r"(?P<obj>[^。；;！!？?\n，,]{0,12}?)(?P<cue>全覆盖|无一遗漏|百分之百)"
    ),
    "zero": re.compile(
        r"(?P<cue>未发生|没有发生|未出现|没有出现|无一|无任何|没有任何|杜绝了|实现了?零|零)"
        r"(?P<obj>[^。；;！!？?\n，,]{0,12}?(?:舆情|事件|事故|案件|投诉|差错|问题|失误|错误|违纪|违规|炒作|发生|例|起))"
    ),
    "first": re.compile(
        r"(?P<cue>首次|首个|首家|首批|率先|全(?:国|省|市|县|区)(?:第一|首个|首家|领先)|第一名|排名第[一二三1-3]|"
        r"名列前茅|位居[^。；，,\n]{0,6}前列|走在[^。；，,\n]{0,6}前列|[居位列][^。；，,\n]{0,10}首位|榜首|领先|唯一)"
        r"(?P<obj>[^。；;！!？?\n，,]{0,10})"
    ),
    "meeting": re.compile(
        r"(?P<cue>召开|举行|组织召开)"
        r"(?P<obj>[^。；;！!？?\n，,]{2,20}?(?:推进会|座谈会|部署会|专题会|动员会|现场会|交流会|研讨会|联席会|"
        r"工作会议|大会|全会))"
    ),
    "document": re.compile(r"(?P<cue>印发|出台|制定|下发|修订|编印|发布)(?P<obj>《[^》\n]{2,40}》)"),
}
# Words of one family say the same claim: a fact supports a claim when it has a word of the claim's
# cue family and, for honours and meetings, the same kind of honour or meeting.
CUE_FAMILIES: dict[str, list[str]] = {
    "honour": ["荣获", "获评", "被评为", "评为", "授予", "入选", "获得", "获", "荣膺", "受到", "得到"],
    "zero": ["未发生", "没有发生", "未出现", "没有出现", "无一", "无任何", "没有任何", "杜绝", "零", "无"],
    "first:首": ["首次", "首个", "首家", "首批"],
    "first:第一": ["第一", "排名第"],
    "first:前列": ["前列", "前茅"],
    "first:首位": ["首位", "榜首", "第一"],
    "complete": ["100%", "全覆盖", "全部", "均", "所有", "无一遗漏", "百分之百", "每"],
    "first:领先": ["领先"],
    "first:率先": ["率先"],
    "first:唯一": ["唯一"],
}
HONOUR_TYPES = re.compile(
    r"称号|荣誉|先进|示范|标兵|模范|优秀|表彰|表扬|嘉奖|肯定|特等奖|一等奖|二等奖|三等奖|金奖|银奖|铜奖|优秀奖|奖项|奖"
)
MEETING_TYPES = re.compile(
    r"推进会|座谈会|部署会|专题会|动员会|现场会|交流会|研讨会|联席会|工作会议|大会|全会"
)


@dataclass(frozen=True)
class Claim:
    kind: str  # honour | complete | zero | first | meeting | document
    text: str  # the claim as written (cue + object)
    obj: str
    start: int
    end: int


def find_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for kind, pattern in CLAIM_PATTERNS.items():
        for m in pattern.finditer(text):
            groups = m.groupdict()
            obj = groups.get("obj") if groups.get("obj") is not None else groups.get("obj2")
            claims.append(Claim(kind, m.group(), str(obj or ""), m.start(), m.end()))
    return sorted(claims, key=lambda c: c.start)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[\s，。、；：“”《》（）]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _family(claim: Claim) -> list[str]:
    if claim.kind != "first":
        return CUE_FAMILIES.get(claim.kind, [])
    for name, words in CUE_FAMILIES.items():
        if name.startswith("first:") and any(w in claim.text for w in words):
            return words
    return []


def _type_word(claim: Claim) -> str | None:
    pattern = {"honour": HONOUR_TYPES, "meeting": MEETING_TYPES}.get(claim.kind)
    if pattern is None:
        return None
    found = pattern.findall(claim.obj)
    return found[-1] if found else None


# The level of an honour or a ranking: 省级 is not 市级.
LEVEL = re.compile(r"全国|国家级|国家|中央|总行|总部|总公司|省级|省|市级|市|县级|县|区级|区|镇|街道|乡")


_LEVEL_OF = {
    "全国": "国",
    "国家级": "国",
    "国家": "国",
    "中央": "国",
    "总行": "总",
    "总部": "总",
    "总公司": "总",
}


def _levels(text: str) -> set[str]:
    return {_LEVEL_OF.get(m.group(), m.group()[0]) for m in LEVEL.finditer(text)}


def is_supported(claim: Claim, fact_texts: list[str]) -> bool:
    """Whether some fact makes this claim: a word of the same cue family, the same kind of honour
    or meeting, and the claim's object in its words (half its bigrams at least)."""
    if claim.kind == "document":
        name = claim.obj.strip("《》")
        return any(name in fact for fact in fact_texts)
    family = _family(claim)
    type_word = _type_word(claim)
    obj = _bigrams(claim.obj)
    for fact in fact_texts:
        if claim.kind != "meeting" and not any(w in fact for w in family):
            continue
        if type_word and type_word not in fact:
            continue
        if claim.kind in ("honour", "first", "complete") and not _levels(claim.text) <= _levels(fact):
            continue
        if not obj or len(obj & _bigrams(fact)) / len(obj) >= 0.5:
            return True
    return False
