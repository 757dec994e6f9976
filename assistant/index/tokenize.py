"""Tokens for BM25: character bigrams of normalised Chinese text (no word segmenter needed), whole
tokens for runs of Latin letters and digits; optionally jieba words."""

from __future__ import annotations

import re
import unicodedata

from assistant.text import CJK

_RUNS = re.compile(rf"[{CJK}]+|[A-Za-z0-9]+")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUNS.findall(normalize(text)):
        if not ("\u3400" <= run[0] <= "\ufaff"):
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def jieba_words(text: str) -> list[str]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [w for w in jieba.lcut(normalize(text)) if _RUNS.fullmatch(w)]


def tokenizer(name: str):  # type: ignore[no-untyped-def]
    if name == "bigram":
        return bigrams
    if name == "jieba":
        try:
            import jieba  # noqa: F401
        except ImportError:
            from assistant.errors import UsageError
            from assistant.i18n import _

            raise UsageError(_("--tokenizer jieba 需要 jieba 包：pip install jieba")) from None
        return jieba_words
    from assistant.errors import UsageError
    from assistant.i18n import _

    raise UsageError(_("未知的分词方式 {name}：可选 bigram 或 jieba", name=name))
