"""Small text utilities shared by parsing, search and checking."""

from __future__ import annotations

import re
import unicodedata

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")

# ASCII punctuation that should be full-width inside Chinese prose.
_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


def fold_width(text: str) -> str:
    """Full-width ASCII letters/digits/symbols to half-width; ideographic space to space."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        elif code == 0x3000:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


_MATCH_PUNCT = str.maketrans("，。：；（）", ",.:;()")


def normalize_for_match(text: str) -> str:
    """A folded form for comparing and deduplicating: NFKC, no spaces, one punctuation style."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.translate(_MATCH_PUNCT)


def punctuate_cjk(text: str) -> str:
    """Use full-width punctuation in Chinese prose (web copies mix both); digits stay half-width."""
    text = re.sub(r"[０-９]", lambda m: chr(ord(m.group()) - 0xFEE0), text)

    def repl(m: re.Match[str]) -> str:
        return _TO_FULL[m.group(1)]

    # A half-width mark touching a CJK character or a closing quote is Chinese punctuation.
    text = re.sub(rf"(?<=[{CJK}”’》）])\s*([,:;?!])", repl, text)
    text = re.sub(rf"([,:;?!])\s*(?=[{CJK}“‘《（])", repl, text)
    # Brackets around Chinese text or Chinese numerals.
    text = re.sub(rf"\(([^()]*[{CJK}][^()]*)\)", r"（\1）", text)
    return text


def char_ngrams(text: str, n: int) -> set[str]:
    text = normalize_for_match(text)
    if len(text) < n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(a: set[str], b: set[str]) -> float:
    """How much of a is in b."""
    if not a:
        return 0.0
    return len(a & b) / len(a)
