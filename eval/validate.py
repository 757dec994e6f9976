"""Validate the outline-compliance score on real reports: `python eval/validate.py [--json]`.

Scores every unique report of the bundled examples and ../shared/corpus (at least two 一、 parts) as a
draft against its own outline, then copies of it with one defect each, and prints per defect kind how
often the copy scored lower, how often the findings named the defect, and the AUC. Core:
assistant/evaluation/validate.py; the figures are recorded in eval/README.md."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from assistant.evaluation.validate import render_table, run  # noqa: E402


def main(argv: list[str]) -> int:
    if any(a not in ("--json",) for a in argv):
        print("usage: python eval/validate.py [--json]", file=sys.stderr)
        return 2
    result = run()
    if "--json" in argv:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(render_table(result))
        for failure in result.failures:
            print("FAIL", failure)
    return 0 if not result.failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
