"""The parsing pipeline: files → cleaned lines → reports → headings, roles, chunks → dedup."""

from __future__ import annotations

from pathlib import Path

from assistant.corpus.build import build_report
from assistant.corpus.clean import clean_text
from assistant.corpus.dedup import dedup_chunks, dedup_reports
from assistant.corpus.loader import SkippedFile, load_file, scan_paths
from assistant.corpus.model import FileError, ParseResult, Report
from assistant.corpus.segment import classify, segment
from assistant.errors import InputError
from assistant.i18n import _


def parse_text(text: str, source: str = "<text>") -> list[Report]:
    """Parse one file's text into reports (no cross-file dedup)."""
    cleaned = clean_text(text)
    segs = segment(classify(cleaned.lines))
    return [build_report(s, source=source, ordinal=i + 1) for i, s in enumerate(segs)]


def parse_paths(paths: list[Path]) -> ParseResult:
    """Parse every supported file under paths. Every file not read, and why, is in .errors."""
    reports: list[Report] = []
    files, skipped = scan_paths(paths)
    errors = [_file_error(s) for s in skipped]
    for f in files:
        try:
            loaded = load_file(f)
        except SkippedFile as exc:
            errors.append(_file_error(exc))
            continue
        except InputError as exc:
            errors.append(FileError(str(f), str(exc), "unreadable", str(exc)))
            continue
        found = parse_text(loaded.text, source=str(f))
        if not found:
            errors.append(_file_error(SkippedFile(f, "no_text", _("没有找到报告正文"))))
        reports.extend(found)
    errors.sort(key=lambda e: e.path)
    dedup_reports(reports)
    dedup_chunks([c for r in reports if not r.duplicate_of for c in r.chunks])
    return ParseResult(reports, errors)


def _file_error(exc: SkippedFile) -> FileError:
    return FileError(exc.path, str(exc), exc.kind, exc.reason)
