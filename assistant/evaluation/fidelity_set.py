"""The fidelity dev set (eval/fidelity/): model-written drafts with labelled one-edit variants, and
the check's precision and recall on them, per split (dev / heldout) and per kind.

A variant is *flagged* when the check on it reports a finding the faithful draft does not have
(compared by kind and sentence), so a false alarm on the faithful draft neither catches defects
for free nor fails every legit variant; the faithful drafts' own findings are reported apart."""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InputError

REFERENCES_HEADING = "【参考范文】"


@dataclass
class Variant:
    id: str
    label: str  # legit | defect
    kind: str
    find: str
    replace: str
    why: str = ""


@dataclass
class Case:
    name: str
    folder: Path
    split: str
    facts_path: Path
    draft: str
    variants: list[Variant]
    meta: dict[str, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)

    def apply(self, v: Variant) -> str:
        if self.draft.count(v.find) != 1:
            raise InputError(f"{self.name}/{v.id}: find must occur exactly once in draft.md: {v.find!r}")
        return self.draft.replace(v.find, v.replace, 1)


@dataclass
class Outcome:
    case: str
    split: str
    variant: Variant
    flagged: bool
    findings: list[str]

    @property
    def correct(self) -> bool:
        return self.flagged == (self.variant.label == "defect")


@dataclass
class FidelityReport:
    outcomes: list[Outcome]
    base_findings: dict[str, list[str]]  # case → findings on the faithful draft
    check_ms: list[float]

    def splits(self) -> list[str]:
        return sorted({o.split for o in self.outcomes})

    def summary(self, split: str | None = None) -> dict[str, Any]:
        rows = [o for o in self.outcomes if split is None or o.split == split]
        legit = [o for o in rows if o.variant.label == "legit"]
        defects = [o for o in rows if o.variant.label == "defect"]
        caught = sum(o.flagged for o in defects)
        false_alarms = sum(o.flagged for o in legit)
        per_kind: dict[str, dict[str, Any]] = {}
        by_kind: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
        for o in rows:
            by_kind[(o.variant.label, o.variant.kind)].append(o)
        for (label, kind), items in sorted(by_kind.items()):
            right = sum(o.correct for o in items)
            per_kind[f"{label}:{kind}"] = {"n": len(items), "correct": right, "rate": right / len(items)}
        cases = sorted({o.case for o in rows})
        return {
            "split": split or "all",
            "legit": len(legit),
            "defects": len(defects),
            "legit_pass_rate": _rate(len(legit) - false_alarms, len(legit)),
            "defect_recall": _rate(caught, len(defects)),
            "precision": _rate(caught, caught + false_alarms),
            "faithful_drafts_clean": sum(not self.base_findings.get(c) for c in cases),
            "faithful_drafts": len(cases),
            "per_kind": per_kind,
        }

    def misclassified(self, split: str | None = None) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct and (split is None or o.split == split)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "summaries": [self.summary(s) for s in self.splits()] + [self.summary()],
            "base_findings": self.base_findings,
            "check_ms": {"mean": _mean(self.check_ms), "max": max(self.check_ms, default=0.0)},
            "misclassified": [
                {
                    "case": o.case,
                    "id": o.variant.id,
                    "label": o.variant.label,
                    "kind": o.variant.kind,
                    "findings": o.findings,
                }
                for o in self.misclassified()
            ],
        }


def _rate(a: int, b: int) -> float:
    return a / b if b else 1.0


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def load_cases(root: Path) -> list[Case]:
    """Every case folder under root (one holding variants.yaml), in name order."""
    if not root.is_dir():
        raise InputError(f"{root}: no such folder")
    cases = [load_case(p.parent) for p in sorted(root.glob("*/variants.yaml"))]
    if not cases:
        raise InputError(f"{root}: no case folders (with variants.yaml) in it")
    return cases


def load_case(folder: Path) -> Case:
    import yaml

    spec = yaml.safe_load((folder / "variants.yaml").read_text("utf-8")) or {}
    facts = next((p for p in sorted(folder.glob("facts.*")) if p.suffix in (".md", ".txt", ".docx")), None)
    if facts is None:
        raise InputError(f"{folder}: no facts.md, facts.txt or facts.docx")
    variants = [
        Variant(
            str(v["id"]),
            str(v["label"]),
            str(v["kind"]),
            str(v["find"]),
            str(v.get("replace") or ""),
            str(v.get("why") or ""),
        )
        for v in spec.get("variants") or []
    ]
    return Case(
        name=folder.name,
        folder=folder,
        split=str(spec.get("split") or "dev"),
        facts_path=facts,
        draft=(folder / "draft.md").read_text("utf-8"),
        variants=variants,
        meta={k: str(v) for k, v in (spec.get("meta") or {}).items()},
        references=references_of(folder / "prompts.jsonl"),
    )


def references_of(prompts: Path) -> list[str]:
    """The example paragraphs the tool's prompts showed the model (for the copy test)."""
    if not prompts.exists():
        return []
    seen: dict[str, None] = {}
    for line in prompts.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        for message in record.get("messages") or []:
            content = str(message.get("content") or "")
            if REFERENCES_HEADING not in content:
                continue
            block = content.split(REFERENCES_HEADING, 1)[1]
            block = block.split("\n【", 1)[0]
            for para in re.split(r"\n\s*\n", block):
                lines = (
                    [ln for ln in para.splitlines()[1:] if ln.strip()]
                    if para.startswith("（")
                    else para.splitlines()
                )
                text = "".join(ln.strip() for ln in lines)
                if len(text) >= 20:
                    seen.setdefault(text)
    return list(seen)


def evaluate(cases: list[Case]) -> FidelityReport:
    outcomes: list[Outcome] = []
    base: dict[str, list[str]] = {}
    times: list[float] = []
    for case in cases:
        checker = _CaseChecker(case, times)
        faithful = checker.findings(case.draft)
        base[case.name] = [m for _, _, m in faithful]
        known = {(k, s) for k, s, _ in faithful}
        for v in case.variants:
            new = [m for k, s, m in checker.findings(case.apply(v)) if (k, s) not in known]
            outcomes.append(Outcome(case.name, case.split, v, bool(new), new))
    return FidelityReport(outcomes, base, times)


class _CaseChecker:
    """The check as drafting runs it for one case: its facts, its outline's part roles, its references."""

    def __init__(self, case: Case, times: list[float]) -> None:
        from assistant.draft.facts import load_facts
        from assistant.draft.outline import build_outline
        from assistant.draft.prompts import instruction_texts

        self.instructions = instruction_texts()
        self.case = case
        self.times = times
        self.sheet = load_facts(case.facts_path, overrides=case.meta or None)
        self.roles = {p.title: p.roles for p in build_outline(self.sheet, None).parts}

    def findings(self, markdown: str) -> list[tuple[str, str, str]]:
        from assistant.check.fidelity import check_draft

        t0 = time.perf_counter()
        report = check_draft(
            markdown,
            self.sheet,
            part_roles=self.roles,
            references=self.case.references,
            instructions=self.instructions,
        )
        self.times.append((time.perf_counter() - t0) * 1000)
        return [(f.kind, f.sentence, f.message) for f in report.findings]


def render(report: FidelityReport, *, show_misclassified: bool = True) -> str:
    out: list[str] = []
    for split in [*report.splits(), None]:
        s = report.summary(split)
        out.append(
            f"[{s['split']}] legit {s['legit']}, defects {s['defects']}: "
            f"legit pass {s['legit_pass_rate']:.1%}, defects caught {s['defect_recall']:.1%}, "
            f"precision {s['precision']:.1%}; faithful drafts clean {s['faithful_drafts_clean']}/{s['faithful_drafts']}"
        )
        if split is not None:
            for kind, k in s["per_kind"].items():
                out.append(f"    {kind:<28} {k['correct']:>3}/{k['n']:<3} {k['rate']:.0%}")
    ms = report.check_ms
    out.append(f"check time per draft: mean {_mean(ms):.1f} ms, max {max(ms, default=0):.1f} ms")
    for case, findings in report.base_findings.items():
        for f in findings:
            out.append(f"faithful draft {case}: {f}")
    if show_misclassified:
        for o in report.misclassified():
            what = "missed" if o.variant.label == "defect" else "false alarm"
            detail = "; ".join(o.findings)[:160]
            out.append(
                f"{what}: {o.case}/{o.variant.id} [{o.variant.kind}] {o.variant.why} {detail}".rstrip()
            )
    return "\n".join(out)
