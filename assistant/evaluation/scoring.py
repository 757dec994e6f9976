"""The records every compliance check returns, and the one way a defect count becomes a score."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    check: str  # the check that found it: parts, headings, numbering, facts, fidelity, hygiene, form
    kind: str  # e.g. missing_part, skipped_level, invented_figure, placeholder
    message: str
    line: int = 0  # 1-based line in the draft Markdown (0: the draft as a whole)
    weight: float = 1.0  # how much it costs in its check's penalty

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    name: str
    score: float  # in [0, 1]
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why the check did not run ("" when it ran)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ran(self) -> bool:
        return not self.skipped

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": round(self.score, 4),
            "skipped": self.skipped,
            "detail": self.detail,
            "findings": [f.to_dict() for f in self.findings],
        }


def decay(penalty: float, scale: float) -> float:
    """1 with no defect, strictly lower with every one, never 0: scale / (scale + penalty).

    Counting defects (not a ratio of defects to items) is deliberate: a missed fact or an invented
    figure is just as wrong in a long draft as in a short one."""
    return scale / (scale + max(0.0, penalty))


def penalised(name: str, findings: list[Finding], scale: float, **detail: Any) -> CheckResult:
    return CheckResult(name, decay(sum(f.weight for f in findings), scale), findings, detail=detail)


def skipped(name: str, reason: str) -> CheckResult:
    return CheckResult(name, 0.0, skipped=reason)
