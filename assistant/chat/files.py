"""What the chat writes to disk: the draft (/save, /export) and the session's facts (/facts save).

A write never replaces a file without the user's say: on a terminal the chat asks, in a script it
refuses unless the command says --force. The session's own facts file is never written over, forced
or not (it is what the session was started from, and often the only copy of the facts). Writes are
atomic (assistant.atomic), so a failure leaves the old file whole; facts are written mode 600."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# Named here too for chat/commands.py, which imports them from this module (until it imports assistant.atomic).
from assistant.draft.facts import META_KEYS, FactSheet
from assistant.errors import UsageError
from assistant.i18n import _

__all__ = ["Target", "facts_markdown", "parse_target", "same_file"]

FORCE_FLAGS = ("--force", "-f")


@dataclass
class Target:
    path: Path | None  # None: the command's default, if it has one
    force: bool


def parse_target(arg: str, usage: str) -> Target:
    """FILE and --force from a command's argument ("a.md --force", "--force a.md")."""
    words = arg.split()
    force = any(w in FORCE_FLAGS for w in words)
    unknown = [w for w in words if w.startswith("--") and w not in FORCE_FLAGS]
    if unknown:
        raise UsageError(_("不认识的选项 {option}（用法：{usage}）", option=unknown[0], usage=usage))
    rest = arg
    for flag in FORCE_FLAGS:
        rest = re.sub(rf"(^|\s){re.escape(flag)}(?=\s|$)", " ", rest)
    rest = rest.strip()
    return Target(Path(rest).expanduser() if rest else None, force)


def same_file(a: Path, b: Path) -> bool:
    """True when a and b name one file (symlinks, hard links, `./` and case-insensitive names)."""
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


# --- the facts as a facts file ---------------------------------------------------------------


def facts_markdown(sheet: FactSheet, note: str = "") -> str:
    """The facts in the format `assistant draft` and `assistant chat` read (README “A facts file”):
    YAML front matter with what is known of unit/period/topic/title/leader/date, `##` parts,
    `###` groups, one `- fact` a line. load_facts of the result gives the same facts back."""
    lines: list[str] = []
    meta = {k: sheet.meta[k] for k in META_KEYS if sheet.meta.get(k)}
    if meta:
        dumped = yaml.safe_dump(
            meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**6
        )
        lines += ["---", *dumped.rstrip("\n").split("\n"), "---"]
    if note:
        lines.append(f"<!-- {note} -->")
    # Facts outside any part must come before the first heading, or a reader would file them under it.
    ordered = sorted(
        sheet.parts, key=lambda p: 0 if not p.explicit and not any(g.heading for g in p.groups) else 1
    )
    for part in ordered:
        if part.explicit:
            lines += ["", f"## {part.heading}"]
        # Likewise a part's facts outside any group go before its first `###`.
        for group in sorted(part.groups, key=lambda g: g.heading is not None):
            if group.heading:
                lines += ["", f"### {group.heading}"]
            lines += [f"- {_one_line(f.text)}" for f in group.facts]
    return "\n".join(lines).lstrip("\n") + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
