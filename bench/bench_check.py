"""How long the fidelity check takes on the fidelity set's drafts, and on a 3,000-character draft.

    python bench/bench_check.py [--repeat 30] [--out bench/out/check.json]

Each draft is checked as drafting checks it (its facts, its outline's part roles, the references of its
prompts, the prompts' fixed wording); the first call of a process (imports, caches) is reported apart."""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from assistant.check.fidelity import check_draft
from assistant.draft.facts import load_facts
from assistant.draft.outline import build_outline
from assistant.draft.prompts import instruction_texts
from assistant.evaluation.fidelity_set import load_cases

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "check.json")
    args = ap.parse_args()
    instructions = instruction_texts()
    results = []
    first_ms = None
    for case in load_cases(REPO / "eval" / "fidelity"):
        sheet = load_facts(case.facts_path, overrides=case.meta or None)
        roles = {p.title: p.roles for p in build_outline(sheet, None).parts}
        body = case.draft.split("\n## ", 1)
        doubled = case.draft + "\n\n## " + body[1] if len(body) == 2 else case.draft + case.draft
        for name, md in ((case.name, case.draft), (case.name + " ×2", doubled)):
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                check_draft(
                    md, sheet, part_roles=roles, references=case.references, instructions=instructions
                )
                times.append((time.perf_counter() - t0) * 1000)
                first_ms = first_ms if first_ms is not None else times[0]
            chars = sum(1 for ch in md if "\u4e00" <= ch <= "\u9fff" or ch in "，。；：“”、")
            results.append(
                {
                    "draft": name,
                    "chars": chars,
                    "facts": len(sheet.facts()),
                    "median_ms": round(statistics.median(times), 2),
                    "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 2),
                }
            )
    report = {"first_call_ms": round(first_ms or 0, 1), "repeat": args.repeat, "drafts": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), "utf-8")
    for r in results:
        print(
            f"{r['draft']:<36} {r['chars']:>5} chars {r['facts']:>3} facts  median {r['median_ms']:>6.1f} ms  p95 {r['p95_ms']:>6.1f} ms"
        )
    print(f"first call of the process: {report['first_call_ms']} ms")


if __name__ == "__main__":
    main()
