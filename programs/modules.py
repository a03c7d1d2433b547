"""The programs: the step table, one dspy.Module per step, one per conversation state, and RxPrograms.

Every step wraps a `dspy.Predict` over its signature (what optimizers compile and what is
saved) and the offline predictor for the same signature. A step runs in one of three modes:

- offline: the deterministic predictor only; no LM is touched.
- lm: the LM first; an error, timeout or invalid answer falls back to the offline answer
  (unless the program is strict: then the step fails, for LM-only evals).
- hybrid: the offline answer when it is confident, else the LM (with the same fallback). For a step
  the learned student reads, "confident" is the router's (programs/learned/router.py): its probability
  that the rules are right, against that step's dev threshold for the program's LM-call budget. A step
  the student does not read (resolve), or a program without a router, compares the offline confidence
  with one threshold.

The LM is given per call through `dspy.context(lm=...)`, never `dspy.configure`, so
concurrent sessions do not share settings. Every step returns a `dspy.Prediction` and records
a StepTrace (source, ms, LM calls, tokens) into the collector of the turn that runs it.
"""

from __future__ import annotations

import contextlib
import copy
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

import dspy
from dspy.utils.callback import BaseCallback
from pydantic import BaseModel

from programs import offline
from programs.signatures import CheckDosage, ChoosePharmacy, ConfirmOrder, ExtractRequest, ResolveMedication
from programs.types import ConfirmDecision, DosageCheck, Extraction, PharmacyChoice, Resolution

Mode = Literal["offline", "lm", "hybrid"]
HYBRID_THRESHOLD = 0.75  # the steps no router reads (resolve), and every step of a program without one
# The share of each routed step's labelled dev readings sent to the LM (the quantile the router saved; the
# flow's unlabelled readings are less sure, so more of them go: README, the bench): 0.2 is the
# saved budget under which dev's rules keep no error (evals/results/routing.json: 0 of 6 left at 0.2, 1 at 0.1).
HYBRID_BUDGET = 0.2
# Steps a learned student reads too (programs/student.py): step -> its task, task -> the field.
STUDENT_TASKS = {"extract": "intent", "dosage": "verdict", "confirm": "answer", "pharmacy": "criterion"}
STUDENT_FIELDS = {"intent": "intent", "verdict": "verdict", "answer": "answer", "criterion": "criterion"}


@dataclass
class StepTrace:
    """What one step did, for the turn record, the inspector and the evals."""

    step: str
    source: Literal["offline", "lm", "fallback", "failed"]
    ms: float
    lm_calls: int = 0
    tokens: int | None = 0  # None: the LM answered but reported no usage (unknown, not zero)
    error: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    inputs: dict[str, Any] | None = None  # kept only when the program captures (to build compile examples)


class InvalidAnswer(ValueError):
    """An LM answer that parsed but is not allowed here (a key not on offer, say)."""


class StepFailed(RuntimeError):
    """A strict (LM-only) program's step that the LM could not answer."""


# --- validity checks for LM answers (an answer outside what is on offer is not an answer)
def _check_resolution(out: Resolution, inputs: dict) -> None:
    allowed = {m.key for m in inputs["medications"]}
    if any(k not in allowed for k in out.matches):
        raise InvalidAnswer("a key that is not among the patient's prescriptions")


def _check_choice(out: PharmacyChoice, inputs: dict) -> None:
    if out.pharmacy_id is not None and out.pharmacy_id not in {o.key for o in inputs["offers"]}:
        raise InvalidAnswer("a pharmacy that is not among the offers")


@dataclass(frozen=True)
class StepSpec:
    """One row of the step table: everything that defines a step, named once."""

    name: str
    signature: type[dspy.Signature]
    offline: Callable[..., dict]  # offline(vocabulary, **inputs) -> outputs + confidence
    output: type[BaseModel]
    check: Callable[[BaseModel, dict], None] | None = None

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.signature.input_fields)

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(self.signature.output_fields)


STEPS: dict[str, StepSpec] = {s.name: s for s in (
    StepSpec("extract", ExtractRequest, lambda v, **kw: offline.extract(vocabulary=v, **kw), Extraction),
    StepSpec("resolve", ResolveMedication, lambda v, **kw: offline.resolve(vocabulary=v, **kw), Resolution,
             _check_resolution),
    StepSpec("dosage", CheckDosage, lambda v, **kw: offline.check_dosage(**kw), DosageCheck),
    StepSpec("pharmacy", ChoosePharmacy, lambda v, **kw: offline.choose_pharmacy(vocabulary=v, **kw), PharmacyChoice,
             _check_choice),
    StepSpec("confirm", ConfirmOrder, lambda v, **kw: offline.confirm(vocabulary=v, **kw), ConfirmDecision),
)}

# The traces of the steps run in the current turn (set by the runtime around a turn).
_COLLECTOR: ContextVar[list[StepTrace] | None] = ContextVar("rxflow_step_traces", default=None)


@contextlib.contextmanager
def collect_traces() -> Iterator[list[StepTrace]]:
    traces: list[StepTrace] = []
    token = _COLLECTOR.set(traces)
    try:
        yield traces
    finally:
        _COLLECTOR.reset(token)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _plain(v):
    if isinstance(v, BaseModel):
        return v.model_dump()
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


class Step(dspy.Module):
    """One signature: its dspy.Predict (compiled, saved) and its offline predictor."""

    def __init__(self, spec: StepSpec, vocabulary: offline.Vocabulary, program: RxPrograms):
        super().__init__()
        self.spec = spec
        self.predict = dspy.Predict(spec.signature)
        self._vocabulary = _Shared(names=vocabulary)
        self._program = _Ref(program)  # not a sub-module: the program owns the step, not the reverse

    def offline_answer(self, **inputs) -> tuple[BaseModel, float, float]:
        """The offline answer, how sure hybrid is of it, and the cut under which hybrid asks the LM."""
        raw = dict(self.spec.offline(self._vocabulary.names, **inputs))
        rules_confidence = float(raw.pop("confidence", 1.0))
        program = self._program.get()
        sure, cut = rules_confidence, program.threshold
        student, task = program.student, STUDENT_TASKS.get(self.spec.name)
        # The student is only asked where hybrid routes on it or where its answer won.
        if student is not None and task is not None and (program.mode == "hybrid" or student.use.get(task)):
            read = student.predict(task, self.spec.name, inputs)
            if read is not None:
                label, _, by_class = read
                name = STUDENT_FIELDS[task]
                if student.use.get(task):
                    raw[name] = label
                given = str(raw[name])
                probability = by_class.get(given, 0.0)  # the student's calibrated probability of the answer given
                router = program.router
                if router is not None:
                    # "Are the rules right here?" (fitted on the rules' answers: the answer given while the
                    # student's answers win nowhere), against this step's dev cut for the budget.
                    sure = router.sure(task, rules_confidence, probability, label == given)
                    cut = router.threshold(task, program.budget)
                else:
                    sure = probability
        return self.spec.output.model_validate(raw), sure, cut

    def _lm_answer(self, inputs: dict, lm: dspy.LM, calls: _CallCounter) -> BaseModel:
        # A callback counts the LM calls really made (an adapter may retry with another format).
        callbacks = [*(dspy.settings.get("callbacks") or []), calls]
        with dspy.context(lm=lm, callbacks=callbacks):
            pred = self.predict(**inputs)
        out = self.spec.output.model_validate({k: _plain(pred.get(k)) for k in self.spec.outputs})
        if self.spec.check:
            self.spec.check(out, inputs)
        return out

    @staticmethod
    def _tokens(tracker, calls: _CallCounter) -> int | None:
        """Tokens the LM reported for this step's calls; None when a call reported no usage."""
        entries = [u for rows in tracker.usage_data.values() for u in rows]
        if not entries or len(entries) < calls.n:
            return None
        total = sum(int(u.get("total_tokens") or (u.get("prompt_tokens") or 0) + (u.get("completion_tokens") or 0))
                    for u in entries)
        return total or None  # no call costs 0 tokens: a provider that filled in zeros reported nothing

    def forward(self, **inputs) -> dspy.Prediction:
        program = self._program.get()
        mode, strict = program.mode, program.strict
        lm = program.lm or (dspy.settings.lm if mode != "offline" else None)
        start = time.perf_counter()
        answer: BaseModel | None = None
        trace: StepTrace
        if mode in ("offline", "hybrid") or lm is None:
            answer, sure, cut = self.offline_answer(**inputs)
            if mode == "offline" or lm is None or sure >= cut:
                trace = StepTrace(self.spec.name, "offline", _ms(start), outputs=answer.model_dump())
                return self._done(answer, trace, inputs)
        calls = _CallCounter()
        # An explicit tracker around this one step: tokens are counted here whatever the global
        # dspy.settings.track_usage says (an outer tracker would otherwise swallow the usage).
        with dspy.track_usage() as tracker:
            try:
                lm_answer, error = self._lm_answer(inputs, lm, calls), None
            except Exception as e:  # any LM failure: the offline predictor answers this step, unless strict
                lm_answer, error, cause = None, f"{type(e).__name__}: {str(e)[:160]}", e
        tokens = self._tokens(tracker, calls)
        if lm_answer is not None:
            trace = StepTrace(self.spec.name, "lm", _ms(start), lm_calls=max(calls.n, 1), tokens=tokens,
                              outputs=lm_answer.model_dump())
            return self._done(lm_answer, trace, inputs)
        if strict:
            self._record(StepTrace(self.spec.name, "failed", _ms(start), lm_calls=max(calls.n, 1), tokens=tokens,
                                   error=error), inputs)
            raise StepFailed(f"{self.spec.name}: {error}") from cause
        if answer is None:
            answer, *_ = self.offline_answer(**inputs)
        trace = StepTrace(self.spec.name, "fallback", _ms(start), lm_calls=max(calls.n, 1), tokens=tokens,
                          error=error, outputs=answer.model_dump())
        return self._done(answer, trace, inputs)

    def _record(self, trace: StepTrace, inputs: dict) -> None:
        if self._program.get().capture:
            trace.inputs = dict(inputs)
        sink = _COLLECTOR.get()
        if sink is not None:
            sink.append(trace)

    def _done(self, answer: BaseModel, trace: StepTrace, inputs: dict) -> dspy.Prediction:
        self._record(trace, inputs)
        # Every field of the typed answer: the signature's outputs, and what only a reader fills (a default
        # where an LM answered, e.g. Extraction.refers).
        return dspy.Prediction(**{k: getattr(answer, k) for k in type(answer).model_fields if k != "confidence"})


class _CallCounter(BaseCallback):
    """Counts the LM calls made inside one step (a callback: per context, so per thread)."""

    def __init__(self):
        self.n = 0

    def on_lm_start(self, call_id, instance, inputs):
        self.n += 1


class _Ref:
    """A plain reference DSPy does not walk into (no parameter is registered twice). A deep copy
    of a program (optimizers make them) points its copies' references at the copied program."""

    def __init__(self, obj):
        self._obj = obj

    def get(self):
        return self._obj

    def __deepcopy__(self, memo):
        return _Ref(copy.deepcopy(self._obj, memo))


class _Shared:
    """Settings every copy of a program shares (the LM client is not copied). Pickled (a program
    logged as an MLflow model), it leaves the LM client out: whoever loads it configures an LM."""

    def __init__(self, **values):
        self.__dict__.update(values)

    def __deepcopy__(self, memo):
        return self

    def __getstate__(self):
        return {k: (None if k == "lm" else v) for k, v in self.__dict__.items()}


# --- one module per conversation state that needs language understanding. They hold the
# shared steps through a plain container (not as sub-modules): each predictor is registered
# once, on the program, so save/load name it once ("extract.predict").
class _StateModule(dspy.Module):
    def __init__(self, program: RxPrograms):
        super().__init__()
        self._program = _Ref(program)

    def step(self, name: str) -> Step:
        return getattr(self._program.get(), name)


class Understand(_StateModule):
    """Every state: what does the patient want (intent, topic), and what do they name?"""

    def forward(self, message: str, history: str, asks: str, medications, offers,
                language: str = "en") -> dspy.Prediction:
        return self.step("extract")(message=message, history=history, asks=asks, medications=medications,
                                    offers=offers, language=language)


class IdentifyMedication(_StateModule):
    """IDENTIFY / CLARIFY_MEDICATION (and any mention): which of the patient's prescriptions is meant?"""

    def forward(self, mention: str, medications) -> dspy.Prediction:
        return self.step("resolve")(mention=mention, medications=medications)


class ConfirmDosage(_StateModule):
    """CONFIRM_DOSAGE: what does the reply say of the dose? Every strength any reader found is
    returned, so the runtime compares them all: the check never hangs on one reader reporting it."""

    def forward(self, message: str, prescribed_strength: str, prescribed_frequency: str,
                prescribed_directions: str) -> dspy.Prediction:
        step = self.step("dosage")
        inputs = {"message": message, "prescribed_strength": prescribed_strength,
                  "prescribed_frequency": prescribed_frequency, "prescribed_directions": prescribed_directions}
        read = step(**inputs)
        plain, *_ = step.offline_answer(**inputs)
        strengths = list(dict.fromkeys(s for s in (read.stated_strength, plain.stated_strength) if s))
        counts = [c for c in (read.stated_count, plain.stated_count) if c is not None]
        return dspy.Prediction(verdict=read.verdict, reason=read.reason, stated_strengths=strengths,
                               stated_frequency=read.stated_frequency or plain.stated_frequency,
                               stated_count=counts[0] if counts else None,
                               dose_changed=bool(read.dose_changed or plain.dose_changed))


class SelectPharmacy(_StateModule):
    """SELECT_PHARMACY (and a change at the summary): which offer, or which criterion?"""

    def forward(self, message: str, offers) -> dspy.Prediction:
        return self.step("pharmacy")(message=message, offers=offers)


class ConfirmOrder(_StateModule):
    """CONFIRM_ORDER: how did the patient answer the summary (yes / no / change / unclear)?"""

    def forward(self, message: str, summary: str) -> dspy.Prediction:
        return self.step("confirm")(message=message, summary=summary)


class RxPrograms(dspy.Module):
    """The whole language side of RxFlow: the five steps (its parameters: what optimizers compile
    and what is saved) and the per-state modules the runtime calls. `mode` and `lm` say how each
    step answers; `strict` turns fallbacks into failures (LM-only evals)."""

    def __init__(self, name: str, mode: Mode = "offline", lm: dspy.LM | None = None,
                 vocabulary: offline.Vocabulary | None = None, strict: bool = False, student=None,
                 threshold: float = HYBRID_THRESHOLD, router=None, budget: float = HYBRID_BUDGET):
        super().__init__()
        vocabulary = vocabulary or offline.Vocabulary()
        self.extract = Step(STEPS["extract"], vocabulary, self)
        self.resolve = Step(STEPS["resolve"], vocabulary, self)
        self.dosage = Step(STEPS["dosage"], vocabulary, self)
        self.pharmacy = Step(STEPS["pharmacy"], vocabulary, self)
        self.confirm = Step(STEPS["confirm"], vocabulary, self)
        self.understand = Understand(self)
        self.identify = IdentifyMedication(self)
        self.confirm_dosage = ConfirmDosage(self)
        self.select_pharmacy = SelectPharmacy(self)
        self.confirm_order = ConfirmOrder(self)
        self._settings = _Shared(name=name, mode=mode, lm=lm, strict=strict, capture=False, student=student,
                                 threshold=threshold, router=None, budget=budget)
        self.router = router  # through the setter: a budget the router has no cut for is refused here

    name = property(lambda self: self._settings.name)
    mode = property(lambda self: self._settings.mode)
    lm = property(lambda self: self._settings.lm)
    strict = property(lambda self: self._settings.strict)

    @property
    def student(self):
        return self._settings.student

    @student.setter
    def student(self, value) -> None:
        self._settings.student = value

    @property
    def threshold(self) -> float:
        return self._settings.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self._settings.threshold = value

    @property
    def router(self):
        """The hybrid router (programs/learned/router.py), or None: then every step compares its offline
        confidence (the student's probability where it reads the step) with `threshold`, the route before
        the router, kept for the bench's before/after."""
        return self._settings.router

    @router.setter
    def router(self, value) -> None:
        self._check_budget(value, self._settings.budget)
        self._settings.router = value

    @property
    def budget(self) -> float:
        """The router's LM-call budget: the share of each routed step's labelled dev readings it sends to the LM."""
        return self._settings.budget

    @budget.setter
    def budget(self, value: float) -> None:
        self._check_budget(self._settings.router, value)
        self._settings.budget = value

    @staticmethod
    def _check_budget(router, budget: float) -> None:
        if router is not None and budget not in router.budgets:
            raise ValueError(f"The router has dev thresholds for budgets {router.budgets}, not {budget}.")

    @property
    def capture(self) -> bool:
        return self._settings.capture

    @capture.setter
    def capture(self, value: bool) -> None:
        self._settings.capture = value

    @property
    def label(self) -> str:
        model = getattr(self.lm, "model", None)
        return f"{self.name} ({model})" if model and self.mode != "offline" else self.name

    def forward(self, step: str, **inputs) -> dspy.Prediction:
        """One step by name: how optimizers run the whole program on a mixed set of examples."""
        return getattr(self, step)(**inputs)
