"""The I/O types of the programs: what language understanding may produce.

These live beside the signatures (programs/ knows nothing of DuckDB or tools); the runtime
imports them to read the programs' answers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

Intent = Literal[
    "refill", "confirm", "deny", "change", "choose_pharmacy", "ask_price", "track_order", "cancel_order",
    "list_medications", "question", "greeting", "other", "leave", "skip", "start_over", "help", "pay_cash",
    "request_help", "track_request", "withdraw_request",
]
INTENTS: tuple[str, ...] = Intent.__args__

# What a question is about. The runtime answers each from a tool, keeping the conversation's place.
# With a request to a human (request_help...), who the patient asks for: renewal (the prescriber),
# prior_auth (the plan) or pharmacist; the runtime decides which request the rules allow.
Topic = Literal[
    "none", "price", "cash_price", "hours", "wait", "stock", "generic", "coverage", "refill_date", "prior_auth",
    "due", "interaction", "allergy", "adherence", "nearby", "dose", "what_happens", "alternatives", "renewal",
    "pharmacist", "why", "safe", "next_step", "reminder", "auto_refill", "transfer", "texts", "delivery",
]
TOPICS: tuple[str, ...] = Topic.__args__

# What the assistant just asked, which is all a reader needs of the conversation's place: a "yes"
# answers order_yes, "the second one" answers which_of_several or pharmacy. "nothing": no question
# is open (idle, or a refill just ended); "pay_cash": idle, but paying cash was just offered;
# "which_order": which of several open orders to cancel (nothing is in flight until one is chosen);
# "next_step": a refusal just offered its next step (a request to a human): "ok then do that" takes it.
# "setting_yes": change a standing setting as summarised?; "transfer_details": which medication, or which
# pharmacy it is at now, for a transfer.
Asks = Literal["nothing", "which_medication", "which_of_several", "dose", "pharmacy", "order_yes", "cancel_yes",
               "request_yes", "pay_cash", "which_order", "next_step", "setting_yes", "transfer_details"]
ASKS: tuple[str, ...] = Asks.__args__
# A refill, a cancellation or a request to a human is in flight: a question of it is open.
MID_FLOW_ASKS: frozenset[str] = frozenset(ASKS) - {"nothing", "pay_cash", "which_order", "next_step"}

# What to do with a standing setting (topics reminder, auto_refill, texts) or a transfer: turn it on (the
# default), off, pause or resume it, or list what is set.
Action = Literal["on", "off", "pause", "resume", "list"]
# Delivery instead of pickup, or back to pickup; none: not said.
Fulfilment = Literal["none", "delivery", "pickup"]

DosageVerdict = Literal["consistent", "mismatch", "unclear"]
ConfirmAnswer = Literal["yes", "no", "change", "unclear"]
ChangeTarget = Literal["pharmacy", "medication", "dose", "none"]
# How a patient can pick a pharmacy without naming it. Which offer meets a criterion is
# arithmetic over the offers, done by the runtime (rxflow/offers.py), never by a program.
Criterion = Literal["cheapest", "closest", "fastest", "drive_thru", "open_24h", "open_late", "last_time",
                    "same_as_before", "none"]
CRITERIA: tuple[str, ...] = Criterion.__args__
Language = Literal["en", "es"]

# Canonical frequency names and how many doses a day each means. The offline extractor maps
# phrasing ("bid", "2x a day", "every 12 hours") onto these; the dosage rule compares doses/day.
FREQUENCY_PER_DAY: dict[str, float] = {
    "once daily": 1,
    "twice daily": 2,
    "three times daily": 3,
    "four times daily": 4,
    "every 4 hours": 6,
    "every 6 hours": 4,
    "every 8 hours": 3,
    "every 12 hours": 2,
    "once weekly": 1 / 7,
    "every 2 weeks": 1 / 14,
    "as needed": 0,
}
Frequency = Literal[tuple(FREQUENCY_PER_DAY)]  # type: ignore[valid-type]


class LMOutput(BaseModel):
    """Base for step outputs: LMs write 'null' or 'None' for a missing value; that means None."""

    @field_validator("*", mode="before")
    @classmethod
    def _null_strings(cls, v, info):
        optional = type(None) in getattr(cls.model_fields[info.field_name].annotation, "__args__", ())
        if optional and isinstance(v, str) and v.strip().lower() in ("null", "none", ""):
            return None
        return v


class MedicationMention(LMOutput):
    """One medication the user named, as they said it, with what they said of its dose."""

    text: str = Field(description="the words the user used for the drug, e.g. 'lisinipril', 'water pill'")
    strength: str | None = Field(None, description="number and unit, e.g. '10 mg', '0.5 mg', '75 mcg'")
    frequency: str | None = Field(None, description="one of the canonical frequencies, e.g. 'once daily'")


class Extraction(LMOutput):
    intent: Intent
    topic: Topic = "none"
    mentions: list[MedicationMention] = Field(default_factory=list)
    order_id: str | None = Field(None, description="an order number the user mentioned, e.g. 'ORD-30001'")
    pharmacy: str | None = Field(None, description="a pharmacy the user named or asked about, as they wrote it")
    reply_language: Language = Field("en", description="the language to answer in from now on")
    refers: bool = Field(False, description="the message points back at what was just shown or discussed "
                                            "('it', 'that', 'esa', 'the one you just placed') instead of naming it")
    rx_number: str | None = Field(None, description="a prescription number the user gave, e.g. 'RX1001'")
    everything: bool = Field(False, description="the user wants every prescription that is due refilled")
    fulfilment: Fulfilment = Field("none", description="delivery or pickup, when the user says which")
    action: Action = Field("on", description="for a setting or a transfer: on, off, pause, resume or list; off also "
                                             "for leaving an item out ('without the metformin')")


class MedicationOption(BaseModel):
    """One of the patient's prescriptions, as the programs see it (no ids beyond the key)."""

    key: str = Field(description="the prescription's id")
    name: str = Field(description="generic name, e.g. 'lisinopril'")
    brands: list[str] = Field(default_factory=list)
    drug_class: str = ""
    strength: str = ""
    frequency: str = ""
    position: int | None = Field(None, description="1-based position in the list last shown to the user, if any")


class OfferOption(BaseModel):
    """An offer on the table, as the programs see it."""

    key: str = Field(description="pharmacy id, e.g. 'PH004'")
    name: str
    chain: str
    address: str = ""
    position: int = Field(description="1-based position in the list shown to the user")
    price: float
    distance_km: float
    wait_minutes: int
    hours: str = Field("", description="opening hours, e.g. '08:00-22:00' or 'open 24 hours'")
    is_24h: bool = False
    drive_thru: bool = False
    last_used: bool = Field(False, description="where this prescription was filled last time")
    chosen_before: bool = Field(False, description="chosen for another medication earlier in this conversation")
    asked_about: bool = Field(False, description="the pharmacy the patient just asked about ('that one')")


class PharmacyPlace(BaseModel):
    """One of the world's pharmacies, as the offline readers know it: where its words are places."""

    name: str = Field(description="e.g. 'CVS Pharmacy - Market St'")
    chain: str = Field(description="e.g. 'CVS', or 'independent'")
    street: str = Field("", description="e.g. '120 Market St'")
    town: str = Field("", description="e.g. 'Riverton'")


class Resolution(LMOutput):
    """Which of the patient's prescriptions a mention refers to."""

    matches: list[str] = Field(default_factory=list, description="matching prescription ids; several = ambiguous")


class PharmacyChoice(LMOutput):
    pharmacy_id: str | None = Field(None, description="the chosen offer's key, if one was named")
    criterion: Criterion = "none"
    for_all: bool = Field(False, description="the patient wants this pharmacy for every medication in the request")


class DosageCheck(LMOutput):
    stated_strength: str | None = None
    stated_frequency: str | None = None
    stated_count: float | None = Field(None, description="tablets/capsules/puffs per dose the patient states")
    dose_changed: bool = Field(False, description="the patient says their prescriber changed the dose")
    verdict: DosageVerdict
    reason: str = ""


class ConfirmDecision(LMOutput):
    answer: ConfirmAnswer
    change: ChangeTarget = "none"
