"""Hybrid routing by a model of "are the rules right here?", and its risk-coverage curve:

    python -m evals.routing     # writes evals/results/routing.json

For each step the student reads (intent, dose verdict, answer to a summary, pharmacy criterion), every
labelled replay row (evals/examples.py) gives the rules' answer, whether it is right (evals/labels.py)
and three scores of how sure one can be of it: the rules' own confidence, the student's calibrated
probability of the rules' answer (what hybrid compares today, programs/modules.py), and a logistic
model of "the rules are right" over both (and whether the student agrees), fitted on the train split
and saved with its dev thresholds (programs/learned/router.py, router.joblib).

Per step, the threshold for an LM-call budget (the share of that step's turns sent to the LM) is the
score's quantile on dev; the curve (error rate of the turns the rules keep vs the share sent to the
LM) is drawn on dev and on the open probe sets, which choose nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals import examples, labels, reader_data, train_student
from programs.learned.router import ARTIFACT, Router, features
from programs.student import TASKS, Student

OUT = Path(__file__).resolve().parent / "results" / "routing.json"
BUDGETS = (0.05, 0.10, 0.20)
SCORES = ("rules_confidence", "student_probability", "router")
GRID = [round(i / 20, 2) for i in range(21)]  # shares of turns sent to the LM


def rows(source: str, student: Student) -> list[dict]:
    """One row per labelled step reading: task, the rules' right/wrong, and the scores' inputs."""
    out = []
    readers = {task: train_student._rules_reader(task) for task in TASKS}
    by_step = {step: task for task, (step, _) in TASKS.items()}
    for step, inputs, want in examples.replay(source):
        task = by_step.get(step)
        if task is None or TASKS[task][1] not in want:
            continue
        got = readers[task]("", inputs)
        name = TASKS[task][1]
        pred = student.predict(task, step, inputs) if task in student.models else None
        p = pred[2].get(str(got.get(name)), 0.0) if pred else 0.0
        out.append({"task": task, "right": bool(labels.correct(step, want, got, inputs)),
                    "rules_confidence": float(got.get("confidence", 1.0)), "student_probability": p,
                    "agree": bool(pred and pred[0] == str(got.get(name)))})
    return out


def _x(r: dict) -> list[float]:
    return features(r["task"], r["rules_confidence"], r["student_probability"], r["agree"])


def fit_router(train: list[dict]):
    """P(rules right | scores), or None when the train split has too few rule errors to learn from."""
    from sklearn.linear_model import LogisticRegression

    wrong = sum(not r["right"] for r in train)
    if wrong < 5:
        return None
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(
        [_x(r) for r in train], [r["right"] for r in train])


def score_rows(data: list[dict], router) -> None:
    probs = router.predict_proba([_x(r) for r in data])[:, list(router.classes_).index(True)] if router and data else []
    for r, p in zip(data, probs, strict=False):
        r["router"] = float(p)
    if router is None:
        for r in data:
            r["router"] = r["student_probability"]


def thresholds(dev: list[dict], score: str) -> dict[str, dict[str, float]]:
    """Per task and budget: send a turn to the LM when its score is below the threshold (dev's quantile)."""
    out: dict[str, dict[str, float]] = {}
    for task in TASKS:
        vals = sorted(r[score] for r in dev if r["task"] == task)
        if not vals:
            continue
        out[task] = {str(b): vals[min(len(vals) - 1, int(b * len(vals)))] for b in BUDGETS}
    return out


def curve(data: list[dict], score: str) -> list[dict]:
    """Error rate of the turns kept by the rules when the least sure share `sent` goes to the LM (the LM
    counted right: the curve is the rules' risk, not the LM's)."""
    ordered = sorted(data, key=lambda r: r[score])
    n = len(ordered)
    points = []
    for sent in GRID:
        kept = ordered[round(sent * n):]
        errors = sum(not r["right"] for r in kept)
        points.append({"sent": sent, "errors": errors, "error_rate": round(errors / n, 4) if n else None})
    return points


def aurc(points: list[dict]) -> float:
    """The area under the risk-coverage curve (mean error rate over the shares sent): lower is better."""
    return round(sum(p["error_rate"] or 0 for p in points) / len(points), 4)


def applied(data: list[dict], cut: dict[str, dict[str, float]], score: str, budget: float) -> dict:
    """The dev-chosen thresholds applied to a set: share sent to the LM and errors left to the rules."""
    routed = [r["task"] in cut and r[score] < cut[r["task"]][str(budget)] for r in data]
    sent = [r for r, x in zip(data, routed, strict=True) if x]
    kept_errors = sum(not r["right"] for r, x in zip(data, routed, strict=True) if not x)
    return {"sent": round(len(sent) / len(data), 4) if data else None,
            "errors_left": kept_errors, "errors": sum(not r["right"] for r in data), "n": len(data)}


def main() -> dict:
    student = Student.load()
    sets = {"train": rows("train", student), "dev": rows("dev", student),
            "probes": [r for p in reader_data.open_probes() for r in rows(str(p), student)]}
    router = fit_router(sets["train"])
    for data in sets.values():
        score_rows(data, router)
    report = {"router": "logistic regression on train" if router else
              f"none: the rules make {sum(not r['right'] for r in sets['train'])} errors on train, too few to learn "
              "from; the router is the student's probability of the rules' answer",
              "rule_errors": {k: {"errors": sum(not r["right"] for r in v), "n": len(v)} for k, v in sets.items()},
              "thresholds": {s: thresholds(sets["dev"], s) for s in SCORES},
              "curves": {name: {s: curve(data, s) for s in SCORES} for name, data in sets.items() if name != "train"},
              "aurc": {name: {s: aurc(curve(data, s)) for s in SCORES} for name, data in sets.items() if name != "train"},
              "applied": {name: {s: {str(b): applied(data, thresholds(sets["dev"], s), s, b) for b in BUDGETS}
                                 for s in SCORES} for name, data in sets.items() if name != "train"}}
    if router is not None:  # the model and its dev thresholds, for hybrid to use (programs/learned/router.py)
        Router(router, report["thresholds"]["router"]).save(ARTIFACT)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    r = main()
    print(r["router"])
    print(json.dumps(r["rule_errors"]))
    for name, by_score in r["applied"].items():
        for s, by_b in by_score.items():
            print(name, s, {b: (v["sent"], v["errors_left"], v["errors"]) for b, v in by_b.items()})
    print(f"wrote {OUT}")
