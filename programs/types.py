"""The I/O types of the programs: what language understanding may produce.

These live beside the signatures (programs/ knows nothing of DuckDB or tools); the runtime
imports them to read the programs' answers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

Intent = Literal[
    "refill", "confirm", "deny", "change", "choose_pharmacy", "ask_price", "track_order", "cancel_order",
    "list_medications", "question", "greeting", "other",
]
INTENTS: tuple[str, ...] = Intent.__args__

DosageVerdict = Literal["consistent", "mismatch", "unclear"]
ConfirmAnswer = Literal["yes", "no", "change", "unclear"]
ChangeTarget = Literal["pharmacy", "medication", "dose", "none"]
Criterion = Literal["cheapest", "closest", "fastest", "none"]

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
    mentions: list[MedicationMention] = Field(default_factory=list)
    order_id: str | None = Field(None, description="an order number the user mentioned, e.g. 'ORD-30001'")


class MedicationOption(BaseModel):
    """One of the patient's prescriptions, as the programs see it (no ids beyond the key)."""

    key: str = Field(description="the prescription's id")
    name: str = Field(description="generic name, e.g. 'lisinopril'")
    brands: list[str] = Field(default_factory=list)
    drug_class: str = ""
    strength: str = ""
    frequency: str = ""


class OfferOption(BaseModel):
    """An offer on the table, as the programs see it."""

    key: str = Field(description="pharmacy id, e.g. 'PH004'")
    name: str
    chain: str
    position: int = Field(description="1-based position in the list shown to the user")
    price: float
    distance_km: float
    wait_minutes: int


class Resolution(LMOutput):
    """Which of the patient's prescriptions a mention refers to."""

    keys: list[str] = Field(default_factory=list, description="matching prescription ids; several = ambiguous")
    confidence: float = Field(0.0, ge=0, le=1)


class PharmacyChoice(LMOutput):
    pharmacy_id: str | None = Field(None, description="the chosen offer's key, if one was named")
    criterion: Criterion = "none"
    confidence: float = Field(0.0, ge=0, le=1)


class DosageCheck(LMOutput):
    stated_strength: str | None = None
    stated_frequency: str | None = None
    verdict: DosageVerdict
    reason: str = ""


class ConfirmDecision(LMOutput):
    answer: ConfirmAnswer
    change: ChangeTarget = "none"
