"""TurnWork: what one turn accumulates (tool calls, steps, alerts, replies, the state path),
and the Turn it becomes: the object the UI, the CLI and the evals all read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from programs.modules import StepTrace
from programs.types import MedicationOption, OfferOption
from rxflow.domain import Alert, Offer
from rxflow.flow import replies
from rxflow.flow.context import Conversation, Slots
from rxflow.flow.pending import Outcome
from rxflow.flow.registry import stage_of
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger, fire
from rxflow.tools import ToolContext, ToolResult, Tools
from rxflow.tools.patient import MedicationLine, PatientHistory


class Turn(BaseModel):
    session_id: str = Field(description="a short digest of the session, never the session id itself")
    turn_no: int
    state_before: State
    state: State
    path: list[State]
    reply: str
    language: str = "en"
    record: str | None = Field(None, description="whose record is in use after the turn (a caregiver's dependant)")
    intent: str | None = None
    topic: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    dosage: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list)
    order: dict[str, Any] | None = None
    placed: list[str] = Field(default_factory=list, description="the order numbers this turn placed")
    outcome: str | None = None
    program: str = "offline"
    lm_calls: int = 0
    tokens: int | None = 0
    fallbacks: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    guarded: bool = Field(False, description="True when the input guard answered and nothing else ran.")
    ms: float = 0.0
    at: dt.datetime = Field(default_factory=dt.datetime.now)
    _traces: list[StepTrace] = PrivateAttr(default_factory=list)  # with inputs, when the program captures
    # Tool answers still true when the turn ends (read with no arguments after its last write), by tool
    # name: the page's panels reuse them (Assistant.view) instead of calling the tools again.
    _fresh: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def traces(self) -> list[StepTrace]:
        return self._traces

    def public(self) -> dict[str, Any]:
        """The turn as the chat API returns it: a step's error text (an exception's name and message)
        stays in the logs and the stored record, the client learns only that the step fell back."""
        d = self.model_dump(mode="json")
        for entry in (*d["fallbacks"], *d["steps"]):
            if entry.get("error"):
                entry["error"] = "failed"
        return d


class TurnWork:
    def __init__(self, conv: Conversation, message: str, ctx: ToolContext, programs, record=None):
        self.conv, self.message, self.ctx, self.programs = conv, message, ctx, programs
        self.switched = record  # the record this turn switched to, if it changed (rxflow/flow/caregiving.py)
        self.state_before = conv.state
        self.path: list[State] = [conv.state]
        self.replies: list[str] = []
        self.tool_calls: list[ToolResult] = []
        self.traces: list[StepTrace] = []
        self.alerts: list[Alert] = []
        self.order: dict[str, Any] | None = None
        self.placed: list[str] = []  # order numbers placed this turn (several at once: everything due)
        self.intent: str | None = None
        self.topic: str | None = None
        self.dosage: str | None = None  # this turn's dose verdict (the conversation's is reset on refusal)
        self.outcome: str | None = None
        self._history: PatientHistory | None = None
        self.ended: Slots | None = None  # the slots of the medication that ended this turn (refused, ordered)
        self.tools = Tools(ctx, self.record)  # every call is recorded on the turn
        conv.hints = []  # what the last reply offered in words is offered until the next turn

    # -- tools
    def record(self, result: ToolResult) -> None:
        self.tool_calls.append(result)
        if result.kind == "write":
            self._history = None  # a write changes what the patient's history shows

    def history(self) -> PatientHistory:
        """patient_history, read at most once a turn (and again after a write)."""
        if self._history is None:
            self._history = self.tools.patient_history()
        return self._history

    def med(self, rx_id: str) -> MedicationLine:
        return next(m for m in self.history().medications if m.rx_id == rx_id)

    def med_options(self, keys: list[str] | None = None) -> list[MedicationOption]:
        """The patient's active prescriptions as the programs see them (in `keys` order, numbered, if given)."""
        meds = self.history().medications
        if keys is not None:
            meds = [self.med(k) for k in keys]
        return [MedicationOption(key=m.rx_id, name=m.name, brands=m.brand_names, drug_class=m.drug_class,
                                 strength=m.strength, frequency=m.frequency,
                                 position=i if keys is not None else None) for i, m in enumerate(meds, 1)]

    def offer_options(self, offers: list[Offer] | None = None) -> list[OfferOption]:
        conv = self.conv
        last = self.med(conv.slots.rx_id).last_pharmacy_id if conv.slots.rx_id else None
        earlier = {p for _, p in conv.chosen_pharmacies}
        return [OfferOption(key=o.pharmacy_id, name=o.pharmacy_name, chain=o.chain, address=o.address, position=i,
                            price=o.price, distance_km=o.distance_km, wait_minutes=o.wait_minutes, hours=o.hours,
                            is_24h=o.is_24h, drive_thru=o.drive_thru, last_used=o.pharmacy_id == last,
                            chosen_before=o.pharmacy_id in earlier, asked_about=o.pharmacy_id == conv.focus_pharmacy)
                for i, o in enumerate(conv.offers if offers is None else offers, 1)]

    # -- replies, alerts, the state
    def say(self, key: str, **facts) -> str:
        if isinstance(facts.get("medication"), str):
            facts["medication"] = self.named(facts["medication"])
        text = replies.say(self.conv.lang, key, **facts)
        self.replies.append(text)
        return text

    def named(self, medication: str) -> str:
        """A medication as the patient called it: "Eliquis (apixaban)" when they named its brand (the brand
        as the drug catalogue spells it, noted by refilling.note_brand), else its generic name."""
        brand = self.conv.brands.get(medication)
        return replies.brand_named(medication, brand, self.lang) if brand else medication

    def add(self, text: str) -> None:
        """Append to the last reply (a line built from several catalogue entries)."""
        if self.replies:
            self.replies[-1] += text
        else:
            self.replies.append(text)

    def line(self, text: str) -> None:
        self.replies.append(text)

    def alert(self, a: Alert) -> None:
        self.alerts.append(a)
        self.conv.alerts.append(a)

    @property
    def stage(self):
        """The stage the conversation rests in now (rxflow/flow/stage.py)."""
        return stage_of(self.conv.state)

    def go(self, trigger: Trigger, **facts) -> None:
        """Fire the transition table; the destination stage's `enter` says what it asks."""
        self.conv.state = fire(self.conv.state, trigger, self.conv)
        self.path.append(self.conv.state)
        self.conv.visited.append(self.conv.state)
        self.stage.enter(self, trigger, **facts)

    def decide(self, m: MedicationLine) -> None:
        """This turn decides `m`'s refill on the rules' verdict its patient_history carries: kept on the
        conversation, so the inspector explains the decision as it was taken, not as the rules stand later."""
        self.conv.decide(m.rx_id, m.refill, self.ctx.clock)

    def end_refill(self, status: str) -> None:
        """Record how the medication in flight ended (the evals judge these)."""
        self.outcome = status
        self.ended = self.conv.slots.model_copy()
        self.conv.outcomes.append(Outcome(status=status, rx_id=self.conv.slots.rx_id,
                                          medication=self.conv.slots.medication))

    @property
    def slots(self) -> Slots:
        """What this turn was about: the medication in flight, else the one that just ended (refused, ordered)."""
        s = self.conv.slots
        return s if s.rx_id or self.ended is None else self.ended

    @property
    def first_name(self) -> str:
        """The first name of the person typing (a caregiver's own, while acting on a dependant's record)."""
        p = self.ctx.store.patient(self.conv.patient_id)
        return p.first_name if p else ""

    def whose(self) -> dict[str, str]:
        """How replies say whose prescriptions these are: "your", or the dependant's name while a caregiver
        acts for them ("Eleanor's"; in Spanish "su" fits both)."""
        if self.lang == "es":  # "su" is hers as well as yours
            return {"whose": "su", "Whose": "Sus"}
        name = self.conv.record_name if self.conv.record_id else None
        first = name.split()[0] if name else None
        return {"whose": f"{first}'s" if first else "your", "Whose": f"{first}'s" if first else "Your"}

    @property
    def lang(self) -> str:
        return self.conv.lang

    @property
    def reply(self) -> str:
        return replies.paragraphs("\n\n".join(r for r in self.replies if r))
