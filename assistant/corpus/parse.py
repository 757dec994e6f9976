"""The parsing pipeline: files → cleaned lines → reports → headings, roles, chunks → dedup."""

from __future__ import annotations

from pathlib import Path

from assistant.corpus.build import build_report
from assistant.corpus.clean import clean_text
from assistant.corpus.dedup import dedup_chunks, dedup_reports
from assistant.corpus.loader import iter_files, load_file
from assistant.corpus.model import FileError, ParseResult, Report
from assistant.corpus.segment import classify, segment
from assistant.errors import InputError


def parse_text(text: str, source: str = "<text>") -> list[Report]:
    """Parse one file's text into reports (no cross-file dedup)."""
    cleaned = clean_text(text)
    segs = segment(classify(cleaned.lines))
    return [build_report(s, source=source, ordinal=i + 1) for i, s in enumerate(segs)]


def parse_paths(paths: list[Path]) -> ParseResult:
    """Parse every supported file under paths. Unreadable files are reported in .errors."""
    reports: list[Report] = []
    errors: list[FileError] = []
    files = iter_files(paths)
    for f in files:
        try:
            loaded = load_file(f)
        except InputError as exc:
            errors.append(FileError(str(f), str(exc)))
            continue
        found = parse_text(loaded.text, source=str(f))
        if not found:
            errors.append(FileError(str(f), f"{f}: no report text found"))
        reports.extend(found)
    dedup_reports(reports)
    dedup_chunks([c for r in reports if not r.duplicate_of for c in r.chunks])
    return ParseResult(reports, errors)
