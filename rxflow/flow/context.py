"""The conversation context: everything a session remembers between turns (a DuckDB row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rxflow.domain import Alert, Offer
from rxflow.flow.states import State

HISTORY_TURNS = 6


class Slots(BaseModel):
    model_config = ConfigDict(extra="forbid")

    medication: str | None = None
    strength: str | None = None
    frequency: str | None = None
    rx_id: str | None = None
    pharmacy_id: str | None = None
    quantity: int | None = None
    days_supply: int | None = None


class Conversation(BaseModel):
    session_id: str
    patient_id: str
    today: dt.date
    state: State = State.START
    slots: Slots = Field(default_factory=Slots)
    candidates: list[str] = Field(default_factory=list, description="rx ids offered in CLARIFY_MEDICATION")
    queue: list[list[str]] = Field(default_factory=list, description="medications still to refill (candidate rx ids)")
    offers: list[Offer] = Field(default_factory=list)
    pay_cash: bool = False
    dosage: str | None = None
    dose_attempts: int = 0
    confirm_nonce: int = 0
    pending_cancel: str | None = None
    alerts: list[Alert] = Field(default_factory=list)
    orders: list[str] = Field(default_factory=list)
    outcomes: list[dict[str, Any]] = Field(default_factory=list)
    history: list[tuple[str, str]] = Field(default_factory=list)
    visited: list[State] = Field(default_factory=lambda: [State.START])
    lm_calls: int = 0
    tokens: int = 0
    fallbacks: int = 0
    turns: int = 0
    last_active: dt.datetime = Field(default_factory=dt.datetime.now)

    def reset_refill(self) -> None:
        """Forget the medication in flight (not the queue, the orders or the history)."""
        self.slots = Slots()
        self.candidates, self.offers = [], []
        self.pay_cash, self.dosage, self.dose_attempts, self.pending_cancel = False, None, 0, None

    def remember(self, user: str, assistant: str) -> None:
        self.history = (self.history + [(user[:300], assistant[:300])])[-HISTORY_TURNS:]

    def history_text(self) -> str:
        return "\n".join(f"patient: {u}\nassistant: {a}" for u, a in self.history)
