"""Hybrid routing by a model of "are the rules right here?" (fitted and measured by evals/routing.py,
saved beside this file as router.joblib): the probability that the rules' reading of a step is right,
from the rules' own confidence, the student's probability of the rules' answer and whether the student
agrees; and, per step, the threshold under which a reading goes to the LM for an LM-call budget
(dev's quantile). Hybrid (programs/modules.py) sends a step to the LM when
`sure(...) < threshold(task, budget)`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARTIFACT = Path(__file__).resolve().parent / "router.joblib"
TASKS = ("intent", "verdict", "answer", "criterion")  # programs/student.py's, in its order


def features(task: str, rules_confidence: float, student_probability: float, agree: bool) -> list[float]:
    return [rules_confidence, student_probability, float(agree), *(float(task == t) for t in TASKS)]


@dataclass
class Router:
    model: Any
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)  # task -> budget -> threshold

    def sure(self, task: str, rules_confidence: float, student_probability: float, agree: bool) -> float:
        """P(the rules' reading is right)."""
        p = self.model.predict_proba([features(task, rules_confidence, student_probability, agree)])[0]
        return float(p[list(self.model.classes_).index(True)])

    def threshold(self, task: str, budget: float) -> float:
        return self.thresholds[task][str(budget)]

    @property
    def budgets(self) -> tuple[float, ...]:
        """The budgets every task has a dev threshold for."""
        common = set.intersection(*(set(by_budget) for by_budget in self.thresholds.values())) if self.thresholds else set()
        return tuple(sorted(float(b) for b in common))

    def save(self, path: Path = ARTIFACT) -> None:
        import joblib

        joblib.dump({"model": self.model, "thresholds": self.thresholds}, path, compress=3)

    @classmethod
    @functools.lru_cache(maxsize=2)
    def load(cls, path: Path = ARTIFACT) -> Router | None:
        if not Path(path).exists():
            return None
        import joblib

        blob = joblib.load(path)
        return cls(blob["model"], blob["thresholds"])
