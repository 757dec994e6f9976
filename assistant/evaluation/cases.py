"""`assistant eval run`: draft every eval case with the outline its facts give, and score the draft
against the case's expected outline.txt (see eval/cases/README.md for how those were derived)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import InputError
from assistant.evaluation.compliance import ComplianceReport, evaluate
from assistant.evaluation.similarity import Similarity
from assistant.i18n import _

if TYPE_CHECKING:
    from assistant.draft.retriever import Retriever
    from assistant.llm.base import ChatBackend


@dataclass
class CaseResult:
    name: str
    report: ComplianceReport
    seconds: float
    markdown: str = field(repr=False, default="")

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.name, "seconds": round(self.seconds, 3), **self.report.to_dict()}


def case_dirs(root: Path) -> list[Path]:
    if not root.is_dir():
        raise InputError(_("{path}：不是评测用例文件夹", path=root))
    dirs = sorted(d for d in root.iterdir() if d.is_dir() and (d / "outline.txt").exists())
    if not dirs:
        raise InputError(
            _("{path}：没有评测用例（应为含 outline.txt 和 facts.md/.txt 的子文件夹）", path=root)
        )
    return dirs


def facts_file(case: Path) -> Path:
    for name in ("facts.md", "facts.txt", "facts.docx"):
        if (case / name).exists():
            return case / name
    raise InputError(_("{path}：没有 facts.md、facts.txt 或 facts.docx", path=case))


def case_meta(root: Path) -> dict[str, dict[str, str]]:
    """unit / period / topic per case from the README's table: plain .txt facts cannot say them, and
    the README is where the cases give them (as a user would pass --unit/--period/--topic)."""
    readme = root / "README.md"
    if not readme.exists():
        return {}
    out: dict[str, dict[str, str]] = {}
    for line in readme.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.match(r"^\d{2}-", cells[0]):
            out[cells[0]] = {"unit": cells[1], "period": cells[2], "topic": cells[3]}
    return out


def run_cases(
    root: Path,
    *,
    backend: ChatBackend | None = None,
    retriever: Retriever | None = None,
    similarity: Similarity | None = None,
) -> list[CaseResult]:
    """Draft each case through the drafting service `assistant draft` uses (outline refined by the
    model, part names from the retriever, the same prompts and repairs), then score it. Nothing is
    written to the run log."""
    from assistant.draft.facts import load_facts
    from assistant.draft.outline import load_outline_file
    from assistant.draft.service import DraftService

    meta = case_meta(root)
    service = DraftService(backend, retriever, log=False)
    results = []
    for case in case_dirs(root):
        t0 = time.perf_counter()
        path = facts_file(case)
        # Front matter wins; the README's values only fill what the facts file cannot say.
        sheet = load_facts(path)
        missing = {k: v for k, v in meta.get(case.name, {}).items() if not sheet.meta.get(k)}
        if missing:
            sheet = load_facts(path, overrides=missing)
        markdown = service.run(sheet, str(path)).result.markdown
        target = load_outline_file(case / "outline.txt")
        report = evaluate(markdown, outline=target, facts=sheet, similarity=similarity)
        results.append(CaseResult(case.name, report, time.perf_counter() - t0, markdown))
    return results
