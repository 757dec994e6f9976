"""Hygiene beyond check_draft's placeholders and web noise: Markdown left in the text and
English (half-width) punctuation in Chinese prose. One finding per kind per line: a line with ten
stray commas is one thing to fix."""

from __future__ import annotations

import re

from assistant.evaluation.scoring import Finding
from assistant.i18n import _
from assistant.text import CJK

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ATX = re.compile(r"^#{1,6}(?![#A-Za-z])\s*")
# ** or __ around words; the lookarounds leave masks such as *** to the placeholder check.
_EMPHASIS = re.compile(r"(?<!\*)\*\*(?!\*)[^*\n]+?(?<!\*)\*\*(?!\*)|(?<!_)__(?!_)[^_\n]+?(?<!_)__(?!_)")
_BULLET = re.compile(r"^(?:[-*+]\s+|[•·▪●○■□◆◇]\s*)(?=\S)")
_HALF_PUNCT = re.compile(rf"[{CJK}“”‘’《》（）][,;:?!]|[,;:?!](?=[{CJK}“‘《（])|[{CJK}]\.(?![\d.])")
_HALF_PAREN = re.compile(rf"\([^()]*[{CJK}][^()]*\)")
_ASCII_QUOTE = re.compile(rf"[\"'](?=[{CJK}])|(?<=[{CJK}])[\"']")
_NUMBER_TOKEN = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[)）])")

MARKDOWN_WEIGHT = 0.5
PUNCT_WEIGHT = 0.25


def content_lines(markdown: str) -> list[tuple[int, str]]:
    """(line number, text) of non-blank lines, HTML comments blanked out (line numbers kept)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), markdown.replace("\r\n", "\n"))
    return [(n, raw.strip()) for n, raw in enumerate(text.split("\n"), 1) if raw.strip()]


def markdown_findings(markdown: str) -> list[Finding]:
    out: list[Finding] = []
    for n, line in content_lines(markdown):
        heading = _ATX.match(line)
        text = line[heading.end() :] if heading else line
        if _EMPHASIS.search(text):
            out.append(
                Finding(
                    "hygiene",
                    "markdown",
                    _("正文里留有强调标记 **：“{text}”", text=text[:24]),
                    n,
                    MARKDOWN_WEIGHT,
                )
            )
        if "`" in text:
            out.append(
                Finding(
                    "hygiene",
                    "markdown",
                    _("正文里留有代码标记 `：“{text}”", text=text[:24]),
                    n,
                    MARKDOWN_WEIGHT,
                )
            )
        if "#" in text or re.match(r"^#{7,}", line):
            out.append(
                Finding(
                    "hygiene", "markdown", _("正文里有多余的 #：“{text}”", text=text[:24]), n, MARKDOWN_WEIGHT
                )
            )
        if not heading and _BULLET.match(text):
            out.append(
                Finding(
                    "hygiene", "markdown", _("正文里有列表符号：“{text}”", text=text[:24]), n, MARKDOWN_WEIGHT
                )
            )
        if not heading and text.startswith(">"):
            out.append(
                Finding(
                    "hygiene",
                    "markdown",
                    _("正文里有引用标记 >：“{text}”", text=text[:24]),
                    n,
                    MARKDOWN_WEIGHT,
                )
            )
    return out


def punctuation_findings(markdown: str) -> list[Finding]:
    out: list[Finding] = []
    for n, line in content_lines(markdown):
        text = _NUMBER_TOKEN.sub("", _ATX.sub("", line))  # 1. and (1) tokens are numbering, not prose
        m = _HALF_PUNCT.search(text) or _HALF_PAREN.search(text) or _ASCII_QUOTE.search(text)
        if m:
            out.append(
                Finding(
                    "hygiene",
                    "halfwidth_punctuation",
                    _("中文里用了半角标点：“{mark}”", mark=m.group()),
                    n,
                    PUNCT_WEIGHT,
                )
            )
    return out


def emphasis_lines(markdown: str) -> set[int]:
    """Lines with ** emphasis, where check_draft's placeholder pattern also sees the ** markers."""
    return {n for n, line in content_lines(markdown) if _EMPHASIS.search(line)}
