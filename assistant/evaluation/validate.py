"""Does the compliance score separate good drafts from bad ones? Real reports (the bundled examples
and the shared corpus) are scored as drafts against their own outlines and facts, then again with one
defect made (see perturb.py). For every kind of defect: how often the copy scores lower than its
original (must be always), how often the findings name the defect (the right check fires, at the
right line when it has one), and the AUC of the total separating originals from copies
(Mann-Whitney: the chance that a random original outscores a random copy, ties half).

Two AUCs. `auc_clean` takes the originals that are good drafts to begin with — no masks (202_, ***)
and no paywall cut, by the corpus parser's own flags — against their copies. `auc_all` takes every
original, masked web copies included: an original with five masks cannot outscore a clean report's
copy with one, under any score that counts masks, so it measures the corpus as much as the score."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.compliance import ComplianceReport, evaluate
from assistant.evaluation.perturb import PERTURBATIONS, Perturbed
from assistant.evaluation.reports import Original, load_originals, render
from assistant.paths import REPO_DIR


def default_sources() -> list[Path]:
    return [REPO_DIR / "examples" / "reports", REPO_DIR.parent / "shared" / "corpus"]


@dataclass
class Case:
    original: str
    clean: bool  # the original is a clean one (see the module docstring)
    kind: str
    before: float
    after: float
    right: bool

    @property
    def lowered(self) -> bool:
        return self.after < self.before


@dataclass
class KindStats:
    kind: str
    n: int
    lowered: float  # share of copies scoring below their original
    right: float  # share whose findings name the defect
    mean_drop: float
    min_drop: float


@dataclass
class Scored:
    id: str
    source: str
    clean: bool
    total: float


@dataclass
class Validation:
    originals: list[Scored]
    cases: list[Case]
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def auc_all(self) -> float:
        return auc([o.total for o in self.originals], [c.after for c in self.cases])

    @property
    def auc_clean(self) -> float:
        return auc([o.total for o in self.originals if o.clean], [c.after for c in self.cases if c.clean])

    def kinds(self) -> list[KindStats]:
        out = []
        for kind in dict.fromkeys(c.kind for c in self.cases):
            cs = [c for c in self.cases if c.kind == kind]
            drops = [c.before - c.after for c in cs]
            out.append(
                KindStats(
                    kind,
                    len(cs),
                    sum(c.lowered for c in cs) / len(cs),
                    sum(c.right for c in cs) / len(cs),
                    sum(drops) / len(drops),
                    min(drops),
                )
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        clean = [o for o in self.originals if o.clean]
        return {
            "originals": len(self.originals),
            "clean_originals": len(clean),
            "copies": len(self.cases),
            "clean_copies": sum(c.clean for c in self.cases),
            "auc_clean": round(self.auc_clean, 4),
            "auc_all": round(self.auc_all, 4),
            "mean_original": round(sum(o.total for o in self.originals) / max(1, len(self.originals)), 4),
            "mean_clean_original": round(sum(o.total for o in clean) / max(1, len(clean)), 4),
            "min_clean_original": round(min((o.total for o in clean), default=0.0), 4),
            "mean_copy": round(sum(c.after for c in self.cases) / max(1, len(self.cases)), 4),
            "max_clean_copy": round(max((c.after for c in self.cases if c.clean), default=0.0), 4),
            "kinds": [
                {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(s).items()}
                for s in self.kinds()
            ],
            "failures": self.failures,
            "seconds": round(self.seconds, 2),
        }


def auc(positives: list[float], negatives: list[float]) -> float:
    """Mann-Whitney U / (n_pos × n_neg): P(positive > negative) + ½ P(tie)."""
    if not positives or not negatives:
        return 0.0
    wins = sum((p > q) + 0.5 * (p == q) for p in positives for q in negatives)
    return wins / (len(positives) * len(negatives))


def names_defect(before: ComplianceReport, after: ComplianceReport, p: Perturbed) -> bool:
    """The copy has more findings of the expected kind than the original, one of them at the
    defect's line when it has one."""
    was = Counter(f.kind for f in before.findings)[p.expect]
    now = [f for f in after.findings if f.kind == p.expect]
    return len(now) > was and (p.lines is None or any(f.line in p.lines for f in now))


def score(o: Original, markdown: str) -> ComplianceReport:
    return evaluate(markdown, outline=o.outline, facts=o.facts)


def run(sources: list[Path] | None = None) -> Validation:
    t0 = time.perf_counter()
    originals = load_originals(sources or default_sources())
    result = Validation([], [])
    for n, o in enumerate(originals):
        base = score(o, o.markdown)
        result.originals.append(Scored(o.id, o.source, o.clean, base.total))
        for make in PERTURBATIONS:
            p = make(o, n)
            if p is None:
                continue
            after = score(o, render(p.blocks))
            case = Case(o.id, o.clean, p.kind, base.total, after.total, names_defect(base, after, p))
            result.cases.append(case)
            if not case.lowered or not case.right:
                why = (
                    "not lowered" if not case.lowered else f"no {p.expect} finding at {sorted(p.lines or [])}"
                )
                result.failures.append(
                    f"{o.id} ({Path(o.source).name}) {p.kind}: {why} ({case.before:.3f} → {case.after:.3f})"
                )
    result.seconds = time.perf_counter() - t0
    return result


def render_table(v: Validation) -> str:
    """The per-kind table as Markdown (for eval/README.md and the console)."""
    lines = [
        "| defect | copies | scored lower | right finding | mean drop | min drop |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in v.kinds():
        lines.append(
            f"| {s.kind} | {s.n} | {s.lowered:.0%} | {s.right:.0%} | {s.mean_drop:.3f} | {s.min_drop:.3f} |"
        )
    d = v.to_dict()
    lines.append("")
    lines.append(
        f"{d['originals']} originals (mean total {d['mean_original']:.3f}), {d['copies']} copies (mean {d['mean_copy']:.3f}). "
        f"AUC, clean originals ({d['clean_originals']}) vs their copies ({d['clean_copies']}): {d['auc_clean']:.3f} "
        f"(lowest clean original {d['min_clean_original']:.3f}, highest copy {d['max_clean_copy']:.3f}); "
        f"AUC, all originals vs all copies: {d['auc_all']:.3f}. {d['seconds']:.1f} s."
    )
    return "\n".join(lines)
