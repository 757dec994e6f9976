"""What drafting reports while it runs, as typed events: the pipeline emits them, the CLI's printer
and the chat show them. A caller matches on the class (no string kinds to misspell)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Repair:
    """What the check-and-repair did to one section's text."""

    key: str  # the section's heading
    problems: list[str]  # what the first check found, as the user reads it
    rounds: int  # repair calls made
    before: str  # the text as it streamed (cleaned as a section body)
    after: str  # the text that is saved

    @property
    def changed(self) -> bool:
        return self.rounds > 0 and self.after != self.before


@dataclass(frozen=True)
class SectionStarted:
    key: str


@dataclass(frozen=True)
class Delta:
    """A piece of a section's text as it streams in."""

    key: str
    text: str


@dataclass(frozen=True)
class Repairing:
    """The check found what a repair can fix: a repair call follows."""

    key: str
    problems: list[str]


@dataclass(frozen=True)
class Repaired:
    """The text saved for a section is not the one that streamed."""

    repair: Repair

    @property
    def key(self) -> str:
        return self.repair.key


@dataclass(frozen=True)
class SectionDone:
    key: str
    text: str  # as saved


@dataclass(frozen=True)
class DraftWarning:
    """Something the user should know that does not stop drafting (e.g. a failed retrieval)."""

    message: str


DraftEvent = SectionStarted | Delta | Repairing | Repaired | SectionDone | DraftWarning
OnEvent = Callable[[DraftEvent], None]


def ignore(event: DraftEvent) -> None:
    """The listener of a caller that shows no progress."""
