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

import json
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


@dataclass
class Student:
    """The fitted classifiers, which of them the offline program uses, and what was measured."""

    models: dict[str, Any] = field(default_factory=dict)
    use: dict[str, bool] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)

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
        joblib.dump({"models": self.models, "use": self.use, "report": self.report}, path, compress=3)
        path.with_suffix(".json").write_text(json.dumps({"use": self.use, "report": self.report}, indent=2,
                                                        default=str) + "\n")

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> Student | None:
        if not Path(path).exists():
            return None
        import joblib

        blob = joblib.load(path)
        return cls(blob["models"], blob["use"], blob.get("report", {}))
