"""Heading numbering per GB/T 9704-2012 (一、 → （一） → 1. → （1）) and the variants seen in the wild.

Shared by the corpus parser, the drafter and the checks, so that all three agree on what a heading is."""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零〇一二三四五六七八九十百"
_CN_VALUE = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CIRCLED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_CIRCLED_NUM = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; None if s is not a Chinese numeral."""
    if not s or any(ch not in _CN_VALUE and ch not in "十百千" for ch in s):
        return None
    total, num = 0, 0
    for ch in s:
        if ch in _CN_VALUE:
            num = _CN_VALUE[ch]
        elif ch == "十":
            total += (num or 1) * 10
            num = 0
        elif ch == "百":
            total += (num or 1) * 100
            num = 0
        elif ch == "千":
            total += (num or 1) * 1000
            num = 0
    return total + num


def int_to_cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def number_token(level: int, ordinal: int) -> str:
    """The official token for a level: 1 一、  2 （一）  3 1.  4 （1）."""
    if level == 1:
        return f"{int_to_cn(ordinal)}、"
    if level == 2:
        return f"（{int_to_cn(ordinal)}）"
    if level == 3:
        return f"{ordinal}."
    return f"（{ordinal}）"


_CN = "[一二三四五六七八九十]{1,3}"
_PATTERNS: list[tuple[int, str, re.Pattern[str]]] = [
    # (level, style, pattern); group "n" is the number. Order matters: brackets before bare digits.
    (2, "paren-cn", re.compile(rf"^[（(]\s*(?P<n>{_CN})\s*[)）]?\s*[、.．]?")),
    (4, "paren-ar", re.compile(r"^[（(]\s*(?P<n>\d{1,2})\s*[)）]\s*[、.．]?")),
    (4, "circled", re.compile(rf"^(?P<n>[{_CIRCLED}{_CIRCLED_NUM}])\s*[、.．]?")),
    (1, "cn-dun", re.compile(rf"^(?P<n>{_CN})\s*[、.．，,]")),
    (3, "ar-dot", re.compile(r"^(?P<n>\d{1,2})\s*(?:[.．](?!\d)|、)")),
]


@dataclass
class Numbered:
    level: int
    style: str  # cn-dun, paren-cn, ar-dot, paren-ar, circled
    ordinal: int
    token: str  # as written
    rest: str  # the text after the token


def match_number(line: str) -> Numbered | None:
    """Recognise a numbered line. `>` quote prefixes from web copies are ignored."""
    s = line.lstrip("> ＞\t")
    for level, style, pat in _PATTERNS:
        m = pat.match(s)
        if not m:
            continue
        raw = m.group("n")
        if style == "circled":
            ordinal = (_CIRCLED.index(raw) if raw in _CIRCLED else _CIRCLED_NUM.index(raw)) + 1
        elif raw.isdigit():
            ordinal = int(raw)
        else:
            ordinal = cn_to_int(raw) or 0
        rest = s[m.end() :].strip()
        if style == "cn-dun" and m.group(0)[-1] in "，,":
            continue  # 一，… is prose
        if style == "paren-cn" and not m.group(0).rstrip("、.． ").endswith((")", "）")) and not rest:
            continue
        if not rest:
            return None
        return Numbered(level, style, ordinal, m.group(0).strip(), rest)
    return None


# Points inside a paragraph, never headings: 一是/二是, 一要/二要, 首先/其次/再次/最后, 第一/第二.
POINT_RE = re.compile(
    r"(?:^|(?<=[。；;！？：:\s]))(?:[一二三四五六七八九十]{1,2}[是要]|首先|其次|再次|最后|第[一二三四五六七八九十]{1,2}[，,、])"
)


def starts_with_point(text: str) -> bool:
    return bool(
        re.match(
            r"^(?:[一二三四五六七八九十]{1,2}[是要]|首先|其次|再次|最后|第[一二三四五六七八九十]{1,2}[，,、])",
            text,
        )
    )


def point_offsets(text: str) -> list[int]:
    """Where in-paragraph points start (一是…二是…), for splitting long paragraphs."""
    return [
        m.start() if text[m.start()] not in "。；;！？：: " else m.start() + 1
        for m in POINT_RE.finditer(text)
    ]
