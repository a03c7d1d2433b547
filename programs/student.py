"""The learned offline student: small scikit-learn classifiers for four of the offline readings
(intent, dose verdict, answer to a summary, pharmacy criterion), trained on the train split's
labels, calibrated, and selected on dev against the rules. Never the consent gate.

Where a classifier beats the rules on dev (and does not lose on the probe sets), the offline
program uses its answer; everywhere, its calibrated probability of the answer given is the step's
confidence, which is what the hybrid program compares with its threshold to decide when to ask
the LM. The artifact is a joblib file of the fitted pipelines and what was measured when they
were chosen. This module loads and uses it; training it reads the datasets, so it lives in
evals/train_student.py:

    python -m evals.compile --optimizer student --out programs/compiled/student.joblib
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTIFACT = Path(__file__).resolve().parent / "compiled" / "student.joblib"

# signature -> (step, the field it predicts)
TASKS: dict[str, tuple[str, str]] = {
    "intent": ("extract", "intent"),
    "verdict": ("dosage", "verdict"),
    "answer": ("confirm", "answer"),
    "criterion": ("pharmacy", "criterion"),
}


def text_of(step: str, inputs: dict[str, Any]) -> str:
    """What a classifier reads: the message, with what was just asked for intents."""
    message = str(inputs.get("message", ""))
    if step == "extract":
        return f"__{inputs.get('asks', 'nothing')}__ {message}"
    return message


def _artifact(path: Path) -> dict[str, Any]:
    return _read(path, path.stat().st_mtime_ns)  # a file saved again is read again


@functools.lru_cache(maxsize=4)
def _read(path: Path, mtime_ns: int) -> dict[str, Any]:
    import joblib

    return joblib.load(path)


class _Stored(Mapping):
    """One part of the artifact ("models", "report"), read from the file when first used. The offline program
    reads only `use` (the JSON beside it) and asks no classifier while `use` is all False; importing
    scikit-learn and unpickling the pipelines cost about 1.6 s of CPU in every process that built an offline
    program (the suite's workers, notebook kernels, the app)."""

    def __init__(self, path: Path, part: str):
        self._path, self._part = path, part

    def _data(self) -> Mapping:
        return _artifact(self._path).get(self._part, {})

    def __getitem__(self, key):
        return self._data()[key]

    def __iter__(self):
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())


@dataclass
class Student:
    """The fitted classifiers, which of them the offline program uses, and what was measured."""

    models: Mapping[str, Any] = field(default_factory=dict)
    use: dict[str, bool] = field(default_factory=dict)
    report: Mapping[str, Any] = field(default_factory=dict)

    def predict(self, task: str, step: str, inputs: dict[str, Any]) -> tuple[str, float, dict[str, float]] | None:
        """(label, its probability, every class's probability), or None without a model for `task`."""
        model = self.models.get(task)
        if model is None:
            return None
        probs = model.predict_proba([text_of(step, inputs)])[0]
        by_class = {str(c): float(p) for c, p in zip(model.classes_, probs, strict=True)}
        label = max(by_class, key=by_class.get)
        return label, by_class[label], by_class

    def save(self, path: Path) -> None:
        import joblib

        path.parent.mkdir(parents=True, exist_ok=True)
        # (a loaded Student's models and report are read from its file on demand: saved as what they hold)
        models, report = dict(self.models), dict(self.report)
        joblib.dump({"models": models, "use": self.use, "report": report}, path, compress=3)
        path.with_suffix(".json").write_text(json.dumps({"use": self.use, "report": report}, indent=2,
                                                        default=str) + "\n")

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> Student | None:
        """The artifact at `path`: `use` from the JSON that save() writes beside it, the classifiers and the
        report from the joblib file when first used."""
        path = Path(path)
        if not path.exists():
            return None
        beside = path.with_suffix(".json")
        if not beside.exists():  # an artifact saved without its JSON: all of it now
            blob = _artifact(path)
            return cls(blob["models"], blob["use"], blob.get("report", {}))
        return cls(_Stored(path, "models"), json.loads(beside.read_text())["use"], _Stored(path, "report"))
