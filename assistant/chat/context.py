"""The messages for a revision: the rules, the last few turns, the outline, the section's current
text, the instruction and the section's facts — within a token budget. Old turns go first, then the
outline; the facts and the section text are never trimmed (the model cannot revise without them)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.draft import offline
from assistant.draft.facts import FactSheet
from assistant.draft.pipeline import Unit
from assistant.draft.prompts import render

DEFAULT_BUDGET = 6000
HISTORY_TURNS = 8  # at most this many earlier turns are considered
TURN_CHARS = 400  # an earlier answer is cut to this much: the current text is sent in full anyway


def estimate_tokens(messages: list[dict[str, str]]) -> int:
    """Chinese text runs at about one token a character; a few tokens of overhead per message."""
    return sum(len(m.get("content", "")) + 4 for m in messages)


@dataclass
class Built:
    messages: list[dict[str, str]]
    tokens: int
    budget: int
    turns_used: int
    turns_dropped: int
    outline_dropped: bool = False


def revise_messages(
    title: str,
    outline_text: str,
    unit: Unit,
    current: str,
    instruction: str,
    history: list[tuple[str, str]],  # (role, text), oldest first
    budget: int = DEFAULT_BUDGET,
) -> Built:
    facts = "\n".join(f"- {f.text}" for f in unit.facts) or "（本节没有事实，不得写入任何具体内容）"
    body = render(
        "revise", title=title, heading=unit.key, draft=current, instruction=instruction, facts=facts
    )
    system = {"role": "system", "content": render("system")}
    with_outline = {"role": "user", "content": f"【全文提纲】\n{outline_text.strip()}\n\n{body}"}
    final, outline_dropped = with_outline, False
    if estimate_tokens([system, final]) > budget:
        final, outline_dropped = {"role": "user", "content": body}, True
    room = budget - estimate_tokens([system, final])
    kept: list[dict[str, str]] = []
    recent = history[-HISTORY_TURNS:]
    for role, text in reversed(recent):  # newest first: the oldest are the ones that do not fit
        msg = {"role": role, "content": text if len(text) <= TURN_CHARS else text[:TURN_CHARS] + "……"}
        cost = estimate_tokens([msg])
        if cost > room:
            break
        kept.insert(0, msg)
        room -= cost
    # Chat APIs expect turns to alternate starting with the user; drop a leading assistant turn.
    while kept and kept[0]["role"] != "user":
        kept.pop(0)
    messages = [system, *kept, final]
    return Built(
        messages, estimate_tokens(messages), budget, len(kept), len(history) - len(kept), outline_dropped
    )


def base_text(unit: Unit, current: str, sheet: FactSheet) -> str:
    """What a revision starts from: the drafted text, or the offline text when there is none yet
    (facts only, so the model has a faithful base rather than a blank page)."""
    if current:
        return current
    return offline.section_body(unit.section, sheet, unit.facts) if unit.facts else ""
