"""The programs: one dspy.Module per conversation state that needs language understanding.

Every step wraps a `dspy.Predict` over its signature (what optimizers compile and what is
saved) and the offline predictor for the same signature. A step runs in one of three modes:

- offline: the deterministic predictor only; no LM is touched.
- lm: the LM first; an error, timeout or invalid answer falls back to the offline answer.
- hybrid: the offline answer when it is confident, else the LM (with the same fallback).

The LM is given per call through `dspy.context(lm=...)`, never `dspy.configure`, so
concurrent sessions do not share settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import dspy
from pydantic import BaseModel

from programs import offline
from programs.signatures import CheckDosage, ChoosePharmacy, ConfirmOrder, ExtractRequest, ResolveMedication
from programs.types import ConfirmDecision, DosageCheck, Extraction, PharmacyChoice, Resolution

Mode = Literal["offline", "lm", "hybrid"]
HYBRID_THRESHOLD = 0.75


@dataclass
class StepTrace:
    """What one step did, for the turn record and the inspector."""

    step: str
    source: Literal["offline", "lm", "fallback"]
    ms: float
    lm_calls: int = 0
    tokens: int = 0
    error: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] | None = None  # kept only when the program captures (to build compile examples)


class InvalidAnswer(ValueError):
    """An LM answer that parsed but is not allowed here (a key not on offer, say)."""


class Step(dspy.Module):
    def __init__(self, name: str, signature: type[dspy.Signature], offline_fn: Callable[..., dict],
                 output: type[BaseModel], check: Callable[[BaseModel, dict], None] | None = None):
        super().__init__()
        self.name = name
        self.predict = dspy.Predict(signature)
        self._offline_fn = offline_fn
        self._output = output
        self._check = check
        self._output_names = list(signature.output_fields)

    def _offline(self, inputs: dict) -> tuple[BaseModel, float]:
        raw = dict(self._offline_fn(**inputs))
        confidence = float(raw.pop("confidence", 1.0))
        return self._output.model_validate(raw), confidence

    def _lm(self, inputs: dict, lm: dspy.LM) -> tuple[BaseModel, int]:
        # An explicit tracker around this one call: tokens are counted here whatever the global
        # dspy.settings.track_usage says (an outer tracker would otherwise swallow the usage).
        with dspy.context(lm=lm), dspy.track_usage() as tracker:
            pred = self.predict(**inputs)
        values = {k: pred.get(k) for k in self._output_names}
        out = self._output.model_validate(
            {k: (v.model_dump() if isinstance(v, BaseModel) else
                 [x.model_dump() if isinstance(x, BaseModel) else x for x in v] if isinstance(v, list) else v)
             for k, v in values.items()})
        if self._check:
            self._check(out, inputs)
        usage = tracker.get_total_tokens() or {}
        tokens = sum(int(u.get("total_tokens") or 0) for u in usage.values())
        return out, tokens

    def forward(self, *, mode: Mode = "offline", lm: dspy.LM | None = None, **inputs) -> tuple[BaseModel, StepTrace]:
        start = time.perf_counter()
        offline_answer: BaseModel | None = None
        if mode == "offline" or lm is None or mode == "hybrid":
            offline_answer, confidence = self._offline(inputs)
            if mode == "offline" or lm is None or confidence >= HYBRID_THRESHOLD:
                return offline_answer, StepTrace(self.name, "offline", _ms(start), outputs=offline_answer.model_dump())
        try:
            answer, tokens = self._lm(inputs, lm)
            return answer, StepTrace(self.name, "lm", _ms(start), lm_calls=1, tokens=tokens,
                                     outputs=answer.model_dump())
        except Exception as e:  # any LM failure: the offline predictor answers this step
            if offline_answer is None:
                offline_answer, _ = self._offline(inputs)
            error = f"{type(e).__name__}: {str(e)[:160]}"
            return offline_answer, StepTrace(self.name, "fallback", _ms(start), lm_calls=1, error=error,
                                             outputs=offline_answer.model_dump())


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


# --- validity checks for LM answers (an answer outside what is on offer is not an answer)
def _check_resolution(out: Resolution, inputs: dict) -> None:
    allowed = {m.key for m in inputs["medications"]}
    if any(k not in allowed for k in out.keys):
        raise InvalidAnswer("a key that is not among the patient's prescriptions")


def _check_choice(out: PharmacyChoice, inputs: dict) -> None:
    if out.pharmacy_id is not None and out.pharmacy_id not in {o.key for o in inputs["offers"]}:
        raise InvalidAnswer("a pharmacy that is not among the offers")


class Steps:
    """The five steps, built once per program (their predictors are what gets compiled)."""

    def __init__(self, vocabulary: offline.Vocabulary):
        def extract_fn(message, history, medications):
            return offline.extract(message, history, medications, vocabulary)

        self.extract = Step("extract", ExtractRequest, extract_fn, Extraction)
        self.resolve = Step("resolve", ResolveMedication, offline.resolve, Resolution, _check_resolution)
        self.dosage = Step("dosage", CheckDosage, offline.check_dosage, DosageCheck)
        self.pharmacy = Step("pharmacy", ChoosePharmacy, offline.choose_pharmacy, PharmacyChoice, _check_choice)
        self.confirm = Step("confirm", ConfirmOrder, offline.confirm, ConfirmDecision)


# --- one module per state that needs language understanding. They hold the shared steps
# through a plain container (not as sub-modules): each predictor is registered once, on the
# program, so save/load name it once ("extract.predict") and DSPy's deep copies stay consistent.
class _StateModule(dspy.Module):
    step_names: tuple[str, ...] = ()

    def __init__(self, steps: Steps):
        super().__init__()
        self._steps = steps

    def forward(self, **kw):
        return getattr(self._steps, self.step_names[-1])(**kw)


class Router(_StateModule):
    """START / COMPLETE: what does the patient want, and which medications do they name?"""

    step_names = ("extract",)


class IdentifyMedication(_StateModule):
    """IDENTIFY / CLARIFY_MEDICATION: which of the patient's prescriptions is meant?"""

    step_names = ("extract", "resolve")


class ConfirmDosage(_StateModule):
    """CONFIRM_DOSAGE: does the reply confirm the prescribed strength and directions?"""

    step_names = ("dosage",)


class SelectPharmacy(_StateModule):
    """SELECT_PHARMACY: which offer, or which criterion?"""

    step_names = ("pharmacy",)


class ConfirmOrderModule(_StateModule):
    """CONFIRM_ORDER: an explicit yes, a no, or a change?"""

    step_names = ("confirm",)


class RxPrograms(dspy.Module):
    """The whole language side of RxFlow. `mode` and `lm` say how each step answers."""

    def __init__(self, name: str, mode: Mode = "offline", lm: dspy.LM | None = None,
                 vocabulary: offline.Vocabulary | None = None):
        super().__init__()
        steps = Steps(vocabulary or offline.Vocabulary())
        # The five steps: the program's parameters (what optimizers compile and save).
        self.extract, self.resolve, self.dosage = steps.extract, steps.resolve, steps.dosage
        self.pharmacy, self.confirm = steps.pharmacy, steps.confirm
        # The state modules, by state.
        self.states = {"START": Router(steps), "IDENTIFY_MEDICATION": IdentifyMedication(steps),
                       "CONFIRM_DOSAGE": ConfirmDosage(steps), "SELECT_PHARMACY": SelectPharmacy(steps),
                       "CONFIRM_ORDER": ConfirmOrderModule(steps)}
        self._steps = steps
        self._name, self._mode, self._lm = name, mode, lm

    @property
    def label(self) -> str:
        model = getattr(self._lm, "model", None)
        return f"{self._name} ({model})" if model and self._mode != "offline" else self._name

    @property
    def mode(self) -> Mode:
        return self._mode

    capture: bool = False

    def step(self, name: str, **inputs) -> tuple[BaseModel, StepTrace]:
        """Run one step by name with this program's mode and LM."""
        answer, trace = getattr(self._steps, name)(mode=self._mode, lm=self._lm, **inputs)
        if self.capture:
            trace.inputs = dict(inputs)
        return answer, trace

    def forward(self, step: str, **inputs):
        return self.step(step, **inputs)


