"""Training the learned offline student (programs/student.py): each classifier is fitted on the
train split's labels (evals/examples.py), measured with the rules on dev, test and the probe sets,
and kept where it wins on dev without losing task success on the probes.

    python -m evals.compile --optimizer student --out programs/compiled/student.joblib
"""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from pathlib import Path

from evals import dataset, examples, labels, metrics
from evals.run import build_assistant, evaluate
from programs import offline
from programs.student import ARTIFACT, TASKS, Student, text_of
from rxflow.assistant import vocabulary_of
from rxflow.config import get_settings
from rxflow.store import Store

# The open probe sets: the holdouts decide nothing (their aggregate is reported once, by evals.run).
PROBES = [p for p in sorted((Path(__file__).resolve().parent.parent / "datasets" / "probes").glob("*.jsonl"))
          if "holdout" not in p.name]
SEED = 20261126


def pipeline(seed: int):
    """The classifier every task gets: word and character n-grams, a calibrated logistic regression."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=1, max_features=3000, sublinear_tf=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=2, max_features=4000,
                                  sublinear_tf=True)),
    ])
    model = LogisticRegression(C=4.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("clf", CalibratedClassifierCV(model, method="sigmoid", cv=3))])


def _rows(split: str) -> dict[str, list[tuple[str, str, dict]]]:
    """(text, label, inputs) per task, from the split's labels (evals.examples), unbalanced."""
    sets = examples.build(split, balance=False)
    out: dict[str, list] = {task: [] for task in TASKS}
    for task, (step, name) in TASKS.items():
        for ex in sets.get(step, []):
            label = ex["_gold"].get(name)
            if label is not None:
                inputs = {k: ex[k] for k in ex.inputs()}
                out[task].append((text_of(step, inputs), str(label), inputs, ex["_gold"]))
    return out


def _accuracy(task: str, rows, predict) -> float | None:
    """Share of rows whose answer is right on the field both readers give; a pharmacy pick is right
    if it lands on the labelled pharmacy, whichever way it was named (evals.labels.correct)."""
    if not rows:
        return None
    step, name = TASKS[task]
    if task == "criterion":
        hits = sum(labels.correct(step, want, predict(text, inputs), inputs) for text, _, inputs, want in rows)
    else:  # the one field both readers give
        hits = sum(str(predict(text, inputs)[name]) == label for text, label, inputs, _ in rows)
    return round(hits / len(rows), 4)


def with_every_class(rows: list, folds: int = 3) -> list:
    """Every labelled class kept: a class with fewer examples than the calibration's folds has its
    examples repeated up to that many (in their order, so the result is deterministic). Dropping such
    classes (as the student once did: request_help, withdraw_request and confirm) left every turn of
    them to the rules and gave the student no answer for them."""
    counts = Counter(r[1] for r in rows)
    extra = [r for label, n in counts.items() if n < folds
             for r in itertools.islice(itertools.cycle([x for x in rows if x[1] == label]), folds - n)]
    return rows + extra


def _student_reader(task: str, model):
    _, name = TASKS[task]
    return lambda text, inputs: {name: str(model.predict([text])[0])}


def _rules_reader(task: str):
    """The offline rules' whole answer for the same inputs: knowing the world's pharmacies, and of its
    drugs only the patient's own (the inputs' medications), as when the student was first measured."""
    step, _ = TASKS[task]
    vocab = offline.Vocabulary(pharmacies=_world().pharmacies)
    fn = {"extract": lambda i: offline.extract(vocabulary=vocab, **i), "dosage": lambda i: offline.check_dosage(**i),
          "confirm": lambda i: offline.confirm(vocabulary=vocab, **i),
          "pharmacy": lambda i: offline.choose_pharmacy(vocabulary=vocab, **i)}[step]
    return lambda text, inputs: fn(inputs)


@functools.lru_cache(maxsize=1)
def _world() -> offline.Vocabulary:
    settings = get_settings()
    return vocabulary_of(Store(":memory:", settings.mock_dir))


def train(probe_check=None, held_out=("dev", "test", "probes")) -> Student:
    """Fit each classifier on train, measure it and the rules on dev (and test and the probes), keep it
    where it wins on dev. `probe_check(student, task) -> bool`: also require no loss of task success
    on the probe sets (the CLI passes one)."""
    train_rows = _rows("train")
    held = {name: _rows(name) for name in held_out if name != "probes"}
    if "probes" in held_out:
        held["probes"] = {task: [] for task in TASKS}
        for path in PROBES:
            for task, rows in _rows(str(path)).items():
                held["probes"][task] += rows
    student = Student()
    for task in TASKS:
        rows = with_every_class(train_rows[task])
        if len({label for _, label, _, _ in rows}) < 2:
            continue
        model = pipeline(SEED).fit([t for t, _, _, _ in rows], [label for _, label, _, _ in rows])
        student.models[task] = model
        student.report[task] = {"train": len(train_rows[task]), "classes": sorted({label for _, label, _, _ in rows})}
        for name, rows_by_task in held.items():
            rows_ = rows_by_task[task]
            student.report[task] |= {name: len(rows_),
                                     f"student_{name}": _accuracy(task, rows_, _student_reader(task, model)),
                                     f"rules_{name}": _accuracy(task, rows_, _rules_reader(task))}
        student.use[task] = student.report[task]["student_dev"] > student.report[task]["rules_dev"]
    if probe_check is not None:
        for task, used in student.use.items():
            if used:
                ok = probe_check(student, task)
                student.report[task]["probes_no_worse"] = ok
                student.use[task] = ok
    student.report["_data"] = {"seed": SEED}
    return student


def train_and_save(out: Path = ARTIFACT) -> dict:
    student = train(probe_check=_probe_check)
    student.save(out)
    return {"out": str(out), "use": student.use, "report": student.report}


def _probe_check(student: Student, task: str) -> bool:
    """Task success on the probe sets with this classifier in use vs the rules alone: no loss allowed."""
    convs = [c for p in PROBES for c in dataset.load(p)]
    scores = {}
    for name, use in (("rules", {}), ("student", {task: True})):
        a = build_assistant("offline")
        a.programs.student = Student(student.models, use, {})
        scores[name] = metrics.aggregate(evaluate(a, convs)[0])["task_success"]
    student.report[task]["probe_task_success"] = scores
    return scores["student"] >= scores["rules"]


def print_report(report: dict) -> None:
    for task, r in report["report"].items():
        if task.startswith("_"):
            continue
        print(f"{task:<10} train={r['train']:<4} " + "  ".join(
            f"{n}({r[n]}): student={r[f'student_{n}']} rules={r[f'rules_{n}']}" for n in ("dev", "test", "probes"))
            + f"  used={report['use'].get(task)}")
    print(f"saved {report['out']}")
