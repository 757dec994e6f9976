"""Remove web noise from example files (what noise is: assistant.genre.noise).

Works line by line: a noise line is dropped whole; paywall and truncation markers inside a line are
cut out and the paragraph is flagged `truncated`. Report text is otherwise kept as written, with
punctuation made consistently full-width."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.genre.noise import ELIDED, PAYWALL, cut_trailing_ellipsis, is_noise_line
from assistant.text import punctuate_cjk


@dataclass
class CleanLine:
    text: str
    flags: set[str] = field(default_factory=set)


@dataclass
class CleanResult:
    lines: list[CleanLine]
    removed: list[str]  # the noise lines dropped, for --json and debugging


def clean_text(text: str) -> CleanResult:
    lines: list[CleanLine] = []
    removed: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip().strip("\ufeff").strip()
        if not line:
            continue
        flags: set[str] = set()
        if PAYWALL.search(line):
            line = PAYWALL.sub("", line).strip()
            if not line:
                continue
        # Markdown copies: heading markers, emphasis and list bullets are layout, not text.
        line = re.sub(r"^#{1,6}\s*", "", line)
        line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
        line = re.sub(r"^[-*+]\s+(?=\S)", "", line).strip()
        if not line:
            continue
        if is_noise_line(line):
            removed.append(line)
            continue
        if ELIDED.search(line):
            line = ELIDED.sub("", line)
            flags.add("truncated")
        cut = cut_trailing_ellipsis(line)
        if cut is not None:
            line = cut
            flags.add("truncated")
        line = punctuate_cjk(re.sub(r"[ \t\u3000]+", " ", line)).strip()
        if line:
            lines.append(CleanLine(line, flags))
    return CleanResult(lines, removed)
