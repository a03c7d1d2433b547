"""The labelled-conversation format (../shared/DATASETS.md) as pydantic models, and its loader."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from programs.types import Criterion, Intent, Topic

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "datasets" / "conversations"
Status = Literal["order_placed", "order_cancelled", "escalated_prior_auth", "referred_to_prescriber",
                 "referred_to_pharmacist", "refused", "info_only", "abandoned"]
SLOT_KEYS = ("medication", "strength", "frequency", "pharmacy_id", "quantity", "days_supply")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExpectSlots(Strict):
    medication: str | None = None
    strength: str | None = None
    frequency: str | None = None
    pharmacy_id: str | None = None
    quantity: int | None = None
    days_supply: int | None = None


class Expect(Strict):
    state: str | None = None
    intent: Intent | None = None
    topic: Topic | None = Field(None, description="what a question is about, when the turn asks one")
    slots: ExpectSlots | None = None
    dosage: Literal["consistent", "mismatch", "unclear"] | None = None
    criterion: Criterion | None = Field(None, description="how the patient chose the pharmacy, when by a criterion")
    language: Literal["en", "es"] | None = Field(None, description="the language the reply must be written in")
    record: str | None = Field(None, description="whose record is in use after the turn (a caregiver acting for "
                                                 "a dependant: the dependant's patient id)")


class TurnSpec(Strict):
    user: str
    expect: Expect | None = None


class GoldOrder(Strict):
    medication: str
    strength: str | None = None
    pharmacy_id: str | None = None
    fulfilment: Literal["pickup", "delivery"] | None = None
    patient_id: str | None = Field(None, description="whose record the order is on (a caregiver's dependant)")


class GoldRequest(Strict):
    kind: Literal["renewal", "prior_auth", "pharmacist_callback", "transfer"] | None = None
    medication: str | None = None
    status: Literal["sent", "withdrawn"] | None = None


class GoldEnrolment(Strict):
    medication: str | None = None
    status: Literal["active", "paused", "stopped"] | None = None
    pharmacy_id: str | None = None


class GoldReminder(Strict):
    medication: str | None = None
    status: Literal["scheduled", "cancelled"] | None = None


class GoldNotification(Strict):
    channel: Literal["sms"] = "sms"
    value: Literal["on", "off"] | None = None


class Outcome(Strict):
    status: Status
    orders: list[GoldOrder] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    requests: list[GoldRequest] | None = Field(None, description="the requests to a human it must have written, "
                                               "and no others; left out: not checked")
    enrolments: list[GoldEnrolment] | None = Field(None, description="auto-refill enrolments written (their last "
                                                   "status), and no others; left out: not checked")
    reminders: list[GoldReminder] | None = Field(None, description="refill reminders written, and no others")
    notifications: list[GoldNotification] | None = Field(None, description="texts turned on or off, and no others")


class Conversation(Strict):
    id: str
    patient_id: str
    today: dt.date | None = None
    now: dt.datetime | None = Field(None, description="the world's clock at the start (world-local time); "
                                                      "default: today at 11:00")
    tags: list[str] = Field(default_factory=list)
    turns: list[TurnSpec] = Field(min_length=1)
    outcome: Outcome


def load(path: Path) -> list[Conversation]:
    rows = []
    for i, line in enumerate(Path(path).read_text().splitlines(), 1):
        if line.strip():
            try:
                rows.append(Conversation.model_validate_json(line))
            except ValueError as e:
                raise ValueError(f"{path}:{i}: {e}") from e
    return rows


def split_path(split: str) -> Path:
    return CONVERSATIONS / f"{split}.jsonl"


def sha256(path: Path) -> str:
    """The file's full sha256: what a recorded score names its dataset by."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def digest(path: Path) -> str:
    """The first 16 hex digits of its sha256: a short name (MLflow keeps at most 36 characters of a digest)."""
    return sha256(path)[:16]


def check_references(conversations: list[Conversation], store) -> list[str]:
    """Every patient, drug, pharmacy, state and alert code a conversation names must exist."""
    from rxflow.domain import AlertCode
    from rxflow.flow.states import State

    patients = {p.patient_id for p in store.patients()}
    drugs = {d.generic_name for d in store.catalogue.values()}
    pharmacies = {p.pharmacy_id for p in store.pharmacies()}
    strengths = {r["strength_label"] for r in store.rows("SELECT DISTINCT strength_label FROM products")}
    codes, states = {c.value for c in AlertCode}, {s.value for s in State}
    problems = []
    for c in conversations:
        if c.patient_id not in patients:
            problems.append(f"{c.id}: unknown patient {c.patient_id}")
        for t in c.turns:
            e = t.expect
            if e is None:
                continue
            if e.state and e.state not in states:
                problems.append(f"{c.id}: unknown state {e.state}")
            s = e.slots
            if s and s.medication and s.medication not in drugs:
                problems.append(f"{c.id}: unknown drug {s.medication}")
            if s and s.pharmacy_id and s.pharmacy_id not in pharmacies:
                problems.append(f"{c.id}: unknown pharmacy {s.pharmacy_id}")
            if s and s.strength and s.strength not in strengths:
                problems.append(f"{c.id}: unknown strength {s.strength}")
        for o in c.outcome.orders:
            if o.medication not in drugs or (o.pharmacy_id and o.pharmacy_id not in pharmacies):
                problems.append(f"{c.id}: bad gold order {o}")
        problems += [f"{c.id}: unknown alert {a}" for a in c.outcome.alerts if a not in codes]
    return problems


def dump(conversations: list[Conversation]) -> str:
    return "\n".join(json.dumps(c.model_dump(mode="json", exclude_none=True)) for c in conversations)
