"""Check the fidelity set's variants: python eval/fidelity/validate_variants.py [CASE_DIR ...]

Every case folder holds draft.md and variants.yaml; every variant's `find` must occur exactly once in
draft.md, ids are unique, labels and kinds come from the lists in README.md. Prints counts per case,
label and kind; exits 1 on any problem."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

LEGIT = {
    "stock_phrase", "self_count", "measure_word", "numeral_form", "period_equiv", "date_form",
    "unquoted_name", "equivalent", "fact_words", "approx_kept", "rephrase", "genre_formula",
}  # fmt: skip
DEFECT = {
    "changed_figure", "swapped_figures", "reattached_figure", "changed_percentage", "invented_figure",
    "invented_ratio", "approx_made_exact", "borrowed_date", "invented_honour", "invented_claim",
    "invented_event", "placeholder", "chatter", "dropped_fact", "plan_as_done", "injection",
    "copied_example", "other_unit",
}  # fmt: skip
KINDS = {"legit": LEGIT, "defect": DEFECT}
FIELDS = ("id", "label", "kind", "find", "replace", "why")


def check_case(case: Path, seen: set[str]) -> tuple[list[str], Counter[tuple[str, str]], str]:
    errors: list[str] = []
    draft = (case / "draft.md").read_text(encoding="utf-8")
    data = yaml.safe_load((case / "variants.yaml").read_text(encoding="utf-8")) or {}
    split = data.get("split", "")
    if split not in ("dev", "heldout"):
        errors.append(f"{case.name}: split is {split!r}, not dev or heldout")
    if not any((case / f"facts.{ext}").exists() for ext in ("md", "txt", "docx")):
        errors.append(f"{case.name}: no facts.md, facts.txt or facts.docx")
    prompts = case / "prompts.jsonl"
    if not prompts.exists():
        errors.append(f"{case.name}: no prompts.jsonl")
    else:
        for n, line in enumerate(prompts.read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(line)
            if not row.get("section") or not row.get("messages"):
                errors.append(f"{case.name}: prompts.jsonl line {n} lacks section or messages")
    counts: Counter[tuple[str, str]] = Counter()
    for v in data.get("variants") or []:
        vid = str(v.get("id", "?"))
        missing = [f for f in FIELDS if v.get(f) is None]
        if missing:
            errors.append(f"{vid}: missing {', '.join(missing)}")
            continue
        if vid in seen:
            errors.append(f"{vid}: duplicate id")
        seen.add(vid)
        if not vid.startswith(case.name + "-"):
            errors.append(f"{vid}: id does not start with the case id {case.name}")
        label, kind = v["label"], v["kind"]
        if kind not in KINDS.get(label, set()):
            errors.append(f"{vid}: kind {kind!r} is not a {label!r} kind")
        hits = draft.count(str(v["find"]))
        if hits != 1:
            errors.append(f"{vid}: find occurs {hits} times in draft.md: {v['find']!r}")
        if str(v["find"]) == str(v["replace"]):
            errors.append(f"{vid}: replace equals find")
        counts[(label, kind)] += 1
    return errors, counts, split


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent
    cases = [Path(a) for a in argv] or sorted(p for p in root.iterdir() if (p / "variants.yaml").exists())
    errors: list[str] = []
    seen: set[str] = set()
    totals: Counter[str] = Counter()
    for case in cases:
        errs, counts, split = check_case(case, seen)
        errors += errs
        by_label = Counter()
        for (label, _), n in counts.items():
            by_label[label] += n
            totals[label] += n
        print(f"{case.name} [{split}]: legit {by_label['legit']}, defect {by_label['defect']}")
        for label in ("legit", "defect"):
            kinds = sorted((k, n) for (lab, k), n in counts.items() if lab == label)
            print(f"  {label} ({len(kinds)} kinds): " + ", ".join(f"{k} {n}" for k, n in kinds))
    print(f"total: {len(cases)} cases, legit {totals['legit']}, defect {totals['defect']}")
    for e in errors:
        print("FAIL " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
