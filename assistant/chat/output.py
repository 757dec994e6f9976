"""Where the chat writes: answers to stdout, errors as one line to stderr; colour only on a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

_DIM, _RED, _RESET = "\x1b[2m", "\x1b[31m", "\x1b[0m"


class Output:
    def __init__(self, color: bool = False, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.color = color
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._mid_line = False  # a stream left the cursor after text
        self.errors = 0

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
        self.err.write((f"{_RED}error: {line}{_RESET}" if self.color else f"error: {line}") + "\n")
        self.err.flush()

    def delta(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()
        self._mid_line = not text.endswith("\n")

    def end_stream(self) -> None:
        if self._mid_line:
            self.out.write("\n")
            self.out.flush()
            self._mid_line = False
