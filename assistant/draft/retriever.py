"""What drafting needs from the example index: paragraphs like a query, and the part headings of
given reports (for part names). `assistant.index.search.Searcher` is one; tests may bring another."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from assistant.index.search import Hit, PartHeading, Query


class Retriever(Protocol):
    def search(self, q: Query) -> list[Hit]: ...

    def part_headings(self, report_ids: Collection[str]) -> list[PartHeading]: ...
