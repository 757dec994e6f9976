"""What a chat model says around the text it was asked for: preambles (好的，以下是本节正文：),
closing remarks (以上内容供参考 / 如需调整请告知), revision notes (修改说明：…), Markdown fences and
headings it was told not to write. Stripped before the check, and counted in the log."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_PREAMBLE = re.compile(
    r"^\s*(?:好的|当然|没问题|明白|收到|可以)[，,。！!：:\s]*(?:[^。\n]{0,40}(?:以下|如下|为您|您|正文|草稿|初稿|撰写|起草|修改)[^。\n]{0,30})?[：:。！!]?\s*$"
    r"|^\s*(?:以下|下面)(?:是|为)(?:[^。\n]{0,30})(?:正文|内容|草稿|初稿|段落|修改稿|改写|全文|本节)[^。\n]{0,10}[：:]?\s*$"
    r"|^\s*(?:根据|按照)您?(?:提供|给出|的要求)[^。\n]{0,40}[：:]\s*$"
    r"|^\s*(?:本节)?正文(?:如下)?[：:]\s*$"
)
_CLOSING = re.compile(
    r"^\s*(?:以上(?:内容|是|为|仅)?[^。\n]{0,20}(?:供参考|仅供参考|参考)|以上(?:是|为)[^。\n]{0,30}(?:部分|内容|正文)|如需(?:调整|修改|补充)|如有(?:需要|问题|不妥)|"
    r"希望(?:对您|以上|这)|请(?:根据实际|结合实际|您)[^。\n]{0,20}(?:调整|修改|补充)|注[：:]|说明[：:]|备注[：:]|"
    r"修改说明|修改要点|改动说明|（注[：:])"
)
# A note to the reader in the middle of the text: （此处可根据实际补充…）（注：…）（下面写第二项措施）,
# and anything addressed to 您 — a 工作总结 never says 您.
INLINE_NOTE = re.compile(
    r"[（(](?:注|备注|说明|此处|这里|下面|下文|以下|以上|可根据|可视|请根据|根据实际|如需|待补充具体|建议)[^（）()\n]{0,60}[）)]"
    r"|[^。；！？\n]{0,80}您[^。；！？\n]{0,80}[。；！？]?"
)
_FENCE = re.compile(r"^\s*```")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s")
_BOLD = re.compile(r"\*\*([^*\n]{1,40})\*\*")


@dataclass
class Stripped:
    text: str
    removed: list[str] = field(default_factory=list)


def strip_chatter(text: str) -> Stripped:
    """The body without the model's chatter. Leading preamble lines and everything from a closing
    remark or revision note on are removed (a revision note runs to the end of the answer)."""
    lines = text.split("\n")
    removed: list[str] = []
    start = 0
    while start < len(lines) and (not lines[start].strip() or _is_preamble(lines[start])):
        if lines[start].strip():
            removed.append(lines[start].strip())
        start += 1
    kept: list[str] = []
    for i in range(start, len(lines)):
        line = lines[i]
        if _CLOSING.match(line):
            removed.extend(ln.strip() for ln in lines[i:] if ln.strip())
            break
        if _FENCE.match(line) or _MD_HEADING.match(line):
            removed.append(line.strip())
            continue
        notes = [m.group() for m in INLINE_NOTE.finditer(line)]
        if notes:
            removed.extend(n.strip() for n in notes)
            line = INLINE_NOTE.sub("", line)
        kept.append(_BOLD.sub(r"\1", line))
    return Stripped("\n".join(kept).strip(), removed)


def _is_preamble(line: str) -> bool:
    return bool(_PREAMBLE.match(line)) or bool(_FENCE.match(line))


def chatter_lines(text: str) -> list[str]:
    """The chatter in text (for the check of a draft already assembled): whole lines of preamble or
    closing remarks, and notes to the reader inside a line."""
    out = []
    for ln in text.split("\n"):
        if not ln.strip():
            continue
        if _is_preamble(ln) or _CLOSING.match(ln):
            out.append(ln.strip())
        else:
            out.extend(m.group().strip() for m in INLINE_NOTE.finditer(ln) if m.group().strip())
    return out


def chatter_count(text: str) -> int:
    """How many lines of a model's answer are chatter (what strip_chatter removes)."""
    return len(strip_chatter(text or "").removed)
