"""The users' language: messages are written in Chinese in the code (the default) and translated
through a gettext-style catalog (`assistant/locale/en.po`) when English is asked for.

English is chosen by ASSISTANT_LANG=en, or, when ASSISTANT_LANG is unset, by a locale that says
English (LC_ALL, LC_MESSAGES, LANG starting with "en"). Anything else — zh_CN, C, POSIX, unset —
is Chinese: the users are Chinese office writers, and a server's C locale says nothing about them.

    from assistant.i18n import _
    raise InputError(_("{path}：不是可读的事实文件", path=path))

The msgid is the Chinese text with its `{name}` fields; the catalog maps it to English with the same
fields. A msgid missing from the catalog shows in Chinese (tests/test_i18n.py keeps it complete).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

_LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def lang() -> str:
    """'zh' or 'en', read from the environment on every call (tests and the chat switch it)."""
    explicit = os.environ.get("ASSISTANT_LANG", "").strip().lower()
    if explicit:
        return "en" if explicit.startswith("en") else "zh"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip().lower()
        if value:
            return "en" if value.startswith("en") else "zh"
    return "zh"


def _(msgid: str, /, **fields: Any) -> str:
    """The message in the user's language, with `{name}` fields filled in."""
    text = msgid
    if lang() == "en":
        text = catalog("en").get(msgid) or msgid
    return text.format(**fields) if fields else text


def N_(msgid: str) -> str:
    """Marks a msgid for the catalog without translating it here (translated where it is shown)."""
    return msgid


@lru_cache(maxsize=4)
def catalog(language: str) -> dict[str, str]:
    path = _LOCALE_DIR / f"{language}.po"
    if not path.exists():
        return {}
    return parse_po(path.read_text(encoding="utf-8"))


def parse_po(text: str) -> dict[str, str]:
    """msgid → msgstr of a .po file (single and multi-line strings, comments; no plurals or
    contexts, which the project does not use). One pass over the lines."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                entries[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return entries


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(token: str) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        return ""
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)
