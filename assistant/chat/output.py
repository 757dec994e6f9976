"""Where the chat writes: answers to stdout, errors as one line to stderr; colour only on a terminal.
On a terminal it can also ask a yes/no question (before a file is overwritten)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from assistant.i18n import _


def display_width(text: str) -> int:
    """Columns on a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_DIM, _RED, _RESET = "\x1b[2m", "\x1b[31m", "\x1b[0m"


class Output:
    def __init__(self, color: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.color = color
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._mid_line = False  # a stream left the cursor after text
        self.errors = 0
        self.ask: Callable[[str], str] | None = None  # reads an answer; None when nobody can answer

    def say(self, text: str = "") -> None:
        self.end_stream()
        self.out.write(text + "\n")
        self.out.flush()

    def note(self, text: str) -> None:
        self.say(f"{_DIM}{text}{_RESET}" if self.color else text)

    def error(self, text: str) -> None:
        self.end_stream()
        self.errors += 1
        line = " ".join(text.split("\n")).strip()  # one line, whatever the message
        line = _("错误：{message}", message=line)
        self.err.write((f"{_RED}{line}{_RESET}" if self.color else line) + "\n")
        self.err.flush()

    def confirm(self, question: str) -> bool | None:
        """The user's yes (y, yes, 是) or no to a question; None when there is nobody to ask (a script).
        Anything else, Ctrl-C or end of input is a no."""
        if self.ask is None:
            return None
        self.end_stream()
        try:
            answer = self.ask(question)
        except (EOFError, KeyboardInterrupt):
            self.say()
            return False
        return answer.strip().lower() in ("y", "yes", "是", "是的")

    def delta(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()
        self._mid_line = not text.endswith("\n")

    def end_stream(self) -> None:
        if self._mid_line:
            self.out.write("\n")
            self.out.flush()
            self._mid_line = False
