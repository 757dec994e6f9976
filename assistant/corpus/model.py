"""The records a parse produces. Offsets are character offsets into Report.text (the cleaned report)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Heading:
    level: int  # 1 一、  2 （一）  3 1.  4 （1）
    number: str  # the numbering token as written (normalised to full-width brackets)
    ordinal: int  # the number's value: 一 → 1, （3） → 3
    text: str  # heading text without its number
    start: int
    end: int
    role: str = "other"
    roles: list[str] = field(default_factory=list)  # a merged part carries two
    children: list[Heading] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "number": self.number,
            "text": self.text,
            "role": self.role,
            "roles": self.roles,
            "start": self.start,
            "end": self.end,
            "children": [c.to_dict() for c in self.children],
        }


@dataclass
class Chunk:
    id: str
    report_id: str
    title: str
    heading_path: list[str]
    role: str
    text: str
    start: int
    end: int
    source: str = ""
    flags: list[str] = field(default_factory=list)  # has_placeholders, truncated, split, merged_items
    duplicate_of: str | None = None

    @property
    def has_placeholders(self) -> bool:
        return "has_placeholders" in self.flags

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chunk:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


@dataclass
class Report:
    id: str
    source: str
    ordinal: int  # position of the report in its file, from 1
    title: str
    text: str
    kind: str = "report"  # report | speech
    headings: list[Heading] = field(default_factory=list)  # top level; nested by children
    chunks: list[Chunk] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    duplicate_of: str | None = None

    def walk_headings(self) -> list[Heading]:
        out: list[Heading] = []

        def rec(hs: list[Heading]) -> None:
            for h in hs:
                out.append(h)
                rec(h.children)

        rec(self.headings)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "ordinal": self.ordinal,
            "title": self.title,
            "kind": self.kind,
            "flags": self.flags,
            "duplicate_of": self.duplicate_of,
            "text": self.text,
            "headings": [h.to_dict() for h in self.headings],
            "chunks": [c.to_dict() for c in self.chunks],
        }


@dataclass
class FileError:
    """A file that was not read (or held no report), with why: kind is a stable word (see
    corpus.loader.SkippedFile), reason the user's-language why, message "path：reason"."""

    path: str
    message: str
    kind: str = ""
    reason: str = ""


@dataclass
class ParseResult:
    reports: list[Report]
    errors: list[FileError] = field(default_factory=list)

    @property
    def unique_reports(self) -> list[Report]:
        return [r for r in self.reports if r.duplicate_of is None]

    def chunks(self, *, include_duplicates: bool = False) -> list[Chunk]:
        out: list[Chunk] = []
        for r in self.reports:
            if r.duplicate_of and not include_duplicates:
                continue
            out.extend(c for c in r.chunks if include_duplicates or c.duplicate_of is None)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "reports": [r.to_dict() for r in self.reports],
            "errors": [asdict(e) for e in self.errors],
            "counts": {
                "reports": len(self.reports),
                "unique_reports": len(self.unique_reports),
                "chunks": len(self.chunks()),
                "duplicate_reports": sum(1 for r in self.reports if r.duplicate_of),
                "duplicate_chunks": sum(
                    1 for r in self.reports if not r.duplicate_of for c in r.chunks if c.duplicate_of
                ),
            },
        }
