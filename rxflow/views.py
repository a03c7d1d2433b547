"""What the page shows beside the chat: the SessionView that `Assistant.view(session_id, turn)` returns.

A turn's own answers are reused (the patient_history it read after its last write, with every refill
rule's verdict, and its list of requests), so the panels never run the rules a second time; the UI
calls no tool and reads no table: rxflow/ui/render.py puts these facts in words.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator

from rxflow.domain import OPEN_ORDER_STATUSES, OPEN_REQUEST_STATUSES, Fulfilment
from rxflow.flow.context import Conversation
from rxflow.tools.orders import StatusNow, status_now
from rxflow.tools.patient import MedicationLine, OrderLine, PatientHistory
from rxflow.tools.requests import RequestLine
from rxflow.tools.services import Outbox


class OrderRow(BaseModel):
    """One of the patient's orders this session can see (in demo mode: the seeded ones and its own)."""

    order_id: str
    medication: str
    strength: str
    quantity: int
    pharmacy: str
    price: float
    price_type: str
    status: str
    created_at: dt.datetime
    ready_at: dt.datetime | None
    fulfilment: Fulfilment = "pickup"
    arrives_from: dt.datetime | None = None
    arrives_until: dt.datetime | None = None
    status_now: StatusNow | None = Field(None, description="The order as it is at the session's world clock: "
                                                           "track_order's rule (past its ready time it is ready; a "
                                                           "delivery is then on its way, then delivered).")

    @field_validator("fulfilment", mode="before")
    @classmethod
    def _pickup(cls, v):
        return v if isinstance(v, str) and v else "pickup"  # orders written before delivery existed

    @classmethod
    def at(cls, row: dict, clock: dt.datetime) -> OrderRow:
        """A row of the store's order lines (Store.order_lines), with its status at `clock` (status_now reads only the row's
        status, ready time, fulfilment and end of delivery window, all of which the row has)."""
        o = cls.model_validate(row)
        return o.model_copy(update={"status_now": status_now(o, clock)})


class Receipt(BaseModel):
    """The latest order this session placed, as raw facts (the Inspector's receipt says them in words)."""

    order_id: str
    medication: str
    strength: str
    brand: bool
    quantity: int
    days_supply: int
    pharmacy: str
    price: float
    price_type: str
    status: str
    ready_at: dt.datetime | None
    fulfilment: Fulfilment = "pickup"
    arrives_from: dt.datetime | None = None
    arrives_until: dt.datetime | None = None
    status_now: StatusNow | None = Field(None, description="The order at the session's world clock (as OrderRow).")


class RequestRow(BaseModel):
    """One request to a human (renewal, prior authorization, pharmacist call back). No idempotency key."""

    request_id: str
    medication: str
    strength: str
    kind: str
    prescriber: str
    reason: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, line: RequestLine) -> RequestRow:
        r = line.request
        return cls(request_id=r.request_id, medication=line.medication, strength=line.strength, kind=r.kind,
                   prescriber=line.prescriber, reason=r.reason, status=r.status, created_at=r.created_at,
                   updated_at=r.updated_at)


class SessionView(BaseModel):
    conversation: Conversation
    now: dt.datetime = Field(description="The world's clock for this session (its time zone; moved on by the "
                                         "demo's clock control).")
    record_name: str | None = Field(None, description="Whose record is in use, when it is a dependant's "
                                                      "(a caregiver acting for them).")
    record_relation: str | None = Field(None, description="Who the dependant is to the patient, such as 'mother' "
                                                          "(with record_name).")
    outbox: Outbox | None = Field(None, description="The texts sent to the phone on file by the world's clock "
                                                    "(ready for pickup, on its way, reminders); None when the "
                                                    "tool failed.")
    program: str = Field(description="The label of the program answering this session.")
    first_name: str
    history: PatientHistory | None = Field(description="The patient_history answer: plan, allergies, each "
                                                       "prescription's refill verdict today with every check; "
                                                       "None when the tool failed.")
    requests: list[RequestRow] = Field(description="The patient's requests this session can see, newest first.")
    orders: list[OrderRow] = Field(description="The patient's orders this session can see, newest first.")
    receipt: Receipt | None = Field(description="The latest order this session placed, if any.")
    open_order: str | None = Field(description="The latest order of this session that can still be tracked or "
                                               "cancelled.")

    def medication(self, rx_id: str | None) -> MedicationLine | None:
        """A prescription's line (with its refill checks: the Explain panel's data), or None."""
        meds = self.history.medications if self.history else []
        return next((m for m in meds if m.rx_id == rx_id), None) if rx_id else None

    @property
    def open_orders(self) -> list[OrderLine]:
        """The patient's recent orders still open (the patient card's line)."""
        return [o for o in self.history.recent_orders if o.status in OPEN_ORDER_STATUSES] if self.history else []

    @property
    def requests_sent(self) -> list[RequestRow]:
        return [r for r in self.requests if r.status in OPEN_REQUEST_STATUSES]
