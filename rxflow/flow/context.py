"""The conversation context: everything a session remembers between turns (a DuckDB row).

Every list here is bounded, so a session's stored context (rewritten each turn) costs the same at
turn 1,000 as at turn 10.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rxflow.domain import Alert, Offer
from rxflow.flow.pending import Focus, Outcome, Pending
from rxflow.flow.states import State
from rxflow.policy import Check

HISTORY_TURNS = 6  # what the programs see of the conversation
SHOWN_TURNS, SHOWN_CHARS = 12, 2000  # what a reloaded page shows of it
KEEP = 20  # alerts, outcomes, orders and requests remembered
KEEP_PATH = 30  # states remembered for the inspector's path
KEEP_DECIDED = 4  # refill verdicts remembered for the Explain panel (one per prescription; ~2 KB each)


class Slots(BaseModel):
    model_config = ConfigDict(extra="forbid")

    medication: str | None = None
    strength: str | None = None
    frequency: str | None = None
    rx_id: str | None = None
    pharmacy_id: str | None = None
    quantity: int | None = None
    days_supply: int | None = None


class TransferDraft(BaseModel):
    """A transfer from another pharmacy being put together: what the patient has said of it so far."""

    model_config = ConfigDict(extra="forbid")

    medication: str | None = Field(None, max_length=80)
    from_pharmacy: str | None = Field(None, max_length=80)
    pharmacy_id: str | None = None


class Decided(BaseModel):
    """The refill rules' verdict on one prescription as this conversation decided its refill (the rules' checks
    as they stood then). The Explain panel shows this one: asked again after the order, the same rules refuse,
    since the order just placed is now in progress."""

    rx_id: str
    at: dt.datetime = Field(description="the world's clock when the refill was decided")
    allowed: bool
    cash_only: bool = False
    checks: list[Check] = Field(default_factory=list, description="every rule in order, as it was applied then")


class Conversation(BaseModel):
    session_id: str
    patient_id: str
    today: dt.date
    sandbox: str = Field("", description="whose writes this session sees: '' is the shared world")
    record_id: str | None = Field(None, description="the dependant whose record the patient is acting on (a "
                                                    "caregiver); None: their own")
    record_name: str | None = Field(None, description="the dependant's name and relation, for every summary")
    record_relation: str | None = None
    now: dt.datetime | None = Field(None, description="the world's clock pinned at the start (evals); None: the "
                                                      "world's time now")
    clock_shift: int = Field(0, ge=0, le=60 * 24 * 400, description="minutes the demo's clock control moved "
                                                                     "this session's world forward")
    write_token: str = Field(default_factory=lambda: secrets.token_hex(8),
                             description="prefix of this conversation's idempotency keys (not the session id)")
    lang: Literal["en", "es"] = "en"
    program: Literal["offline", "hybrid", "lm"] | None = Field(None, description="a session's own program mode")
    state: State = State.START
    slots: Slots = Field(default_factory=Slots)
    candidates: list[str] = Field(default_factory=list, description="rx ids offered in CLARIFY_MEDICATION")
    queue: list[list[str]] = Field(default_factory=list, description="medications still to refill (candidate rx ids)")
    basket: list[str] = Field(default_factory=list, max_length=20,
                              description="everything due, refilled together (rx ids); empty: one at a time")
    offers: list[Offer] = Field(default_factory=list, description="the pharmacy offers shown, in order")
    others: list[Offer] = Field(default_factory=list, description="other in-stock pharmacies in reach, not shown")
    pay_cash: bool = False
    delivery: bool = Field(False, description="the refill in flight is to be delivered, not picked up")
    dosage: str | None = None
    dose_attempts: int = 0
    pending: Pending | None = None
    order_choice: list[str] = Field(default_factory=list, description="open orders offered for cancelling")
    focus: Focus | None = Field(None, description="what was just refused, ordered, sent or cancelled")
    focus_rx: str | None = Field(None, description="the prescription last in play (for 'when can I get it?')")
    cash_rx: str | None = Field(None, description="a prescription refused by insurance only: 'pay cash' refills it")
    focus_pharmacy: str | None = Field(None, description="the pharmacy last asked about ('that one')")
    chosen_pharmacies: list[tuple[str, str]] = Field(default_factory=list,
                                                     description="(medication, pharmacy id) chosen in this conversation")
    same_for_all: bool = False
    hints: list[str] = Field(default_factory=list, max_length=5,
                             description="next steps the last reply offered in words at rest, for the page's buttons "
                                         "('reminder:<medication>' after auto-refill was refused)")
    brands: dict[str, str] = Field(default_factory=dict, max_length=50,
                                   description="generic name -> the brand the patient called it by ('Eliquis'): replies say both")
    wanted_pharmacy: str | None = Field(None, description="the words of the request in flight, when they name its "
                                                          "pharmacy ('refill my lisinopril at the cvs on market')")
    wanted_delivery: bool = Field(False, description="the request in flight asked for delivery ('... and mail it')")
    alerts: list[Alert] = Field(default_factory=list)
    orders: list[str] = Field(default_factory=list)
    requests: list[str] = Field(default_factory=list, description="requests to a human sent in this conversation")
    settings: list[str] = Field(default_factory=list, description="enrolments and reminders written in this conversation")
    transfer: TransferDraft | None = Field(None, description="a transfer in, while its details are asked")
    outcomes: list[Outcome] = Field(default_factory=list)
    decided: list[Decided] = Field(default_factory=list, description="the refill verdicts this conversation acted "
                                                                     "on, the latest per prescription last")
    history: list[tuple[str, str]] = Field(default_factory=list)
    visited: list[State] = Field(default_factory=lambda: [State.START])
    lm_calls: int = 0
    tokens: int = 0
    tokens_unknown: int = Field(0, description="LM calls that reported no usage")
    fallbacks: int = 0
    turns: int = 0
    last_active: dt.datetime = Field(default_factory=dt.datetime.now)

    def reset_refill(self) -> None:
        """Forget the medication in flight (not the queue, the orders or the history)."""
        self.slots = Slots()
        self.candidates, self.offers, self.others = [], [], []
        self.pay_cash, self.dosage, self.dose_attempts, self.pending = False, None, 0, None
        self.delivery, self.basket = False, []
        self.focus_pharmacy = None

    def new_request(self) -> None:
        """A new request begins: what the last one volunteered (a pharmacy) no longer holds."""
        self.wanted_pharmacy, self.wanted_delivery = None, False

    def decide(self, rx_id: str, refill, at: dt.datetime) -> None:
        """Record the rules' verdict a refill was decided on (`refill`: patient_history's RefillStatus for it,
        already computed this turn: the rules do not run again for the record)."""
        self.decided = [d for d in self.decided if d.rx_id != rx_id][-(KEEP_DECIDED - 1):] + [Decided(
            rx_id=rx_id, at=at, allowed=refill.allowed, cash_only=refill.cash_only, checks=refill.checks)]

    def decision(self, rx_id: str | None) -> Decided | None:
        """The verdict this conversation decided `rx_id`'s refill on, if it did."""
        return next((d for d in reversed(self.decided) if d.rx_id == rx_id), None) if rx_id else None

    def remember(self, user: str, assistant: str) -> None:
        # Kept as shown (bounded), so a reloaded page shows the chat as it was; the programs see less.
        self.history = (self.history + [(user[:SHOWN_CHARS], assistant[:SHOWN_CHARS])])[-SHOWN_TURNS:]

    def trim(self) -> None:
        """Keep every list bounded (called before the context is stored)."""
        self.alerts, self.orders, self.outcomes = self.alerts[-KEEP:], self.orders[-KEEP:], self.outcomes[-KEEP:]
        self.requests, self.settings = self.requests[-KEEP:], self.settings[-KEEP:]
        self.chosen_pharmacies = self.chosen_pharmacies[-KEEP:]
        self.visited = self.visited[-KEEP_PATH:]
        self.decided = self.decided[-KEEP_DECIDED:]

    def history_text(self) -> str:
        return "\n".join(f"patient: {u[:300]}\nassistant: {a[:300]}" for u, a in self.history[-HISTORY_TURNS:])
