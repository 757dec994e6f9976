"""Numbers as 公文 writes them: 15, 1,200, 2.5万, 十五, 一万二, 两千, 三点五, 二〇二四, 百分之六十二点五.

Chinese numerals are read by cn2an (tested and maintained), in its "smart" mode, which also takes
the mixed forms (2.5万, 12万). Two colloquial forms it refuses are handled here: digit-by-digit
numbers (二〇二四 → 2024, a year as written in 公文) and a leading 两 (两千 → 2000 in normal mode
already; 两万 → 20000). Approximation words (余, 多, 近, 约) are not part of the number; callers keep
them as qualifiers, because 20余万元 is not 20万元."""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿点廿"
_DIGIT_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_ARABIC_SCALED = re.compile(r"(\d+(?:\.\d+)?)(万|亿)")
_DIGIT_BY_DIGIT = re.compile(rf"[{CN_DIGITS}]{{2,}}")


def parse_number(token: str) -> float | None:
    """The value of a number token, or None when it is not one. Thousands separators and full-width
    digits are accepted; a token with anything else in it is not a number."""
    token = unicodedata.normalize("NFKC", token).replace(",", "").strip()
    if not token:
        return None
    if _ARABIC.fullmatch(token):
        return float(token)
    scaled = _ARABIC_SCALED.fullmatch(token)
    if scaled:
        return float(scaled.group(1)) * (10_000 if scaled.group(2) == "万" else 100_000_000)
    if _DIGIT_BY_DIGIT.fullmatch(token) and "零" not in token[:1]:
        # 二〇二四, 一九九七: digit by digit (a number written with 十/百 is never in this form)
        return float("".join(str(_DIGIT_VALUE[c]) for c in token))
    if not set(token) <= set(CN_NUMERAL_CHARS):
        return None
    if set(token) <= set("十百千万亿点"):
        return 10.0 if token == "十" else None  # 万, 百 alone are units, not numbers
    value = _cn2an(token)
    if (
        value is None and token[-1] in "万亿" and len(token) > 1
    ):  # 三点五万: cn2an reads 三点五, not the scale
        head = parse_number(token[:-1])
        if head is not None:
            return head * (10_000 if token[-1] == "万" else 100_000_000)
    return value


def _cn2an(token: str) -> float | None:
    import cn2an  # lazily: 0.1 s to import

    for mode in ("normal", "smart"):
        try:
            return float(cn2an.cn2an(token, mode))
        except (ValueError, KeyError, IndexError, TypeError):
            continue
    return None


def format_number(x: float) -> str:
    """12.0 → "12", 62.5 → "62.5": the normalised text of a value."""
    return str(int(x)) if x == int(x) else repr(round(x, 6))
