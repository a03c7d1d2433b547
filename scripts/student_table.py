"""The README's table of the learned student against the rules, from the shipped artifact's own report
(`programs/compiled/student.joblib`, written when it was trained: accuracy and count per held-out set), each
accuracy with its Wilson 95% interval, so the table is regenerated rather than copied by hand.

    python scripts/student_table.py
"""

from __future__ import annotations

import sys

from evals.metrics import wilson
from programs import shipped_student

READINGS = {"intent": "intent", "verdict": "dose verdict", "answer": "answer to a summary",
            "criterion": "pharmacy criterion"}
SETS = ("dev", "test", "probes")


def cell(accuracy: float | None, n: int) -> str:
    if accuracy is None or not n:
        return "—"
    low, high = wilson(round(accuracy * n), n)
    return f"{accuracy:.3f} [{low:.2f}, {high:.2f}]"


def table(report: dict) -> str:
    head = " | ".join(f"student {s} | rules {s} (n)" for s in SETS)
    lines = [f"| reading | train | {head} |", "|---" * (2 + 2 * len(SETS)) + "|"]
    for task, name in READINGS.items():
        r = report.get(task)
        if not r:
            continue
        cells = " | ".join(f"{cell(r[f'{who}_{s}'], r[s])}" + (f" ({r[s]})" if who == "rules" else "")
                           for s in SETS for who in ("student", "rules"))
        lines.append(f"| {name} | {r['train']} | {cells} |")
    return "\n".join(lines)


def main() -> int:
    student = shipped_student()
    if student is None:
        print("no student shipped: python -m evals.compile --optimizer student --out programs/compiled/student.joblib")
        return 1
    print(table(student.report))
    print("used instead of the rules:", {t: u for t, u in student.use.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
