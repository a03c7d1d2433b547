"""The typed vocabulary shared by the store, the tools, the policy and the flow."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


# ----------------------------------------------------------------------------- world rows
class Drug(Model):
    drug_id: str
    generic_name: str
    brand_names: list[str]
    abbreviations: list[str]
    ingredient: str
    drug_class: str
    dea_schedule: int = Field(0, description="0 = not controlled; 2..5 = DEA schedule II..V")
    dose_form: str
    max_daily_dose: float | None
    max_daily_unit: str | None
    generic_available: bool


class Product(Model):
    """A clinical drug: ingredient + strength + dose form (RxNorm SCD level)."""

    product_id: str
    drug_id: str
    strength_value: float
    strength_unit: str
    strength_label: str
    dose_form: str


class Allergy(Model):
    allergen: str
    allergy_class: str
    reaction: str
    severity: str


class Patient(Model):
    patient_id: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    plan_id: str | None
    member_id: str | None
    address: str
    lat: float
    lon: float
    phone: str
    sms_opt_in: bool = Field(True, description="Texts to the phone on file, as enrolled (a later choice is a "
                                               "preference row)")

    @field_validator("sms_opt_in", mode="before")
    @classmethod
    def _enrolled(cls, v: Any) -> Any:
        return True if v is None else v  # a file migrated but not yet re-seeded

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


RxStatus = Literal["active", "discontinued", "on_hold"]


class Prescription(Model):
    rx_id: str
    patient_id: str
    drug_id: str
    product_id: str
    sig: str
    frequency: str
    doses_per_day: float
    quantity: int
    days_supply: int
    refills_authorized: int
    refills_used: int
    date_written: dt.date
    last_fill_date: dt.date | None
    prescriber_id: str
    status: RxStatus
    dispense_as_written: bool

    @property
    def refills_remaining(self) -> int:
        return max(0, self.refills_authorized - self.refills_used)


class Prescriber(Model):
    prescriber_id: str
    name: str
    practice: str
    phone: str
    fax: str


class Plan(Model):
    plan_id: str
    name: str
    kind: str
    too_soon_threshold: float


class FormularyEntry(Model):
    plan_id: str
    drug_id: str
    tier: int
    prior_auth: bool
    step_therapy: str | None
    quantity_limit_30: int | None
    pa_criteria: str | None
    pa_turnaround_days: int | None
    copay_30: float
    copay_90: float


DeliveryMethod = Literal["courier", "mail", ""]


class Pharmacy(Model):
    pharmacy_id: str
    name: str
    chain: str
    address: str
    lat: float
    lon: float
    opens: str
    closes: str
    is_24h: bool
    drive_thru: bool
    phone: str
    delivery: DeliveryMethod = Field("", description="courier, mail, or '' when it does not deliver")
    delivery_fee: float | None = Field(None, description="0 when free; None when it does not deliver")
    delivery_cutoff: str = Field("", description="courier: ready by this time, delivered the same day, such as '14:00'")
    delivery_window: str = Field("", description="courier: the hours it comes, such as '16:00-20:00'; mail: "
                                                 "how long it takes, such as '3 days'")

    @field_validator("delivery", "delivery_cutoff", "delivery_window", mode="before")
    @classmethod
    def _blank(cls, v: Any) -> Any:
        return "" if v is None else v  # an empty CSV field is NULL in the store


class Caregiver(Model):
    """Who may act for whom: `caregiver_id` manages `patient_id`'s record, as authorised on a date."""

    caregiver_id: str
    patient_id: str
    relationship: str
    authorised_on: dt.date


class Interaction(Model):
    a: str
    a_level: Literal["ingredient", "class"]
    b: str
    b_level: Literal["ingredient", "class"]
    severity: Literal["major", "moderate", "minor"]
    effect: str
    management: str


OrderStatus = Literal["received", "in_progress", "ready", "picked_up", "cancelled"]
# Every status belongs to exactly one of these two: an open order can still be cancelled (and blocks a second
# order for its prescription); a closed one is done with.
OPEN_ORDER_STATUSES: tuple[OrderStatus, ...] = ("received", "in_progress", "ready")
CLOSED_ORDER_STATUSES: tuple[OrderStatus, ...] = ("picked_up", "cancelled")
# Open and not ready yet: the order's ready time is still ahead.
PREPARING_ORDER_STATUSES: tuple[OrderStatus, ...] = ("received", "in_progress")
PriceType = Literal["copay", "cash", "discount_card"]
Fulfilment = Literal["pickup", "delivery"]


class Order(Model):
    order_id: str
    patient_id: str
    rx_id: str
    product_id: str
    pharmacy_id: str
    quantity: int
    days_supply: int
    dispense_brand: bool
    price: float
    price_type: PriceType
    status: OrderStatus
    created_at: dt.datetime
    ready_at: dt.datetime | None
    # Server-side only: never in a tool result, a turn or a reply (a key is a conversation's secret).
    idempotency_key: str = Field(exclude=True)
    fulfilment: Fulfilment = "pickup"
    delivery_fee: float | None = None
    delivery_address: str | None = Field(None, description="the patient's address on file when it was placed")
    arrives_from: dt.datetime | None = None
    arrives_until: dt.datetime | None = None
    placed_by: str | None = Field(None, description="who placed it: the patient, or a caregiver acting for them")

    @field_validator("fulfilment", mode="before")
    @classmethod
    def _pickup(cls, v: Any) -> Any:
        return v or "pickup"  # orders written before delivery existed


# What a patient may ask of a prescriber or a pharmacist (create_request); a transfer has its own tool.
ReferralKind = Literal["renewal", "prior_auth", "pharmacist_callback"]
RequestKind = Literal["renewal", "prior_auth", "pharmacist_callback", "transfer"]
RequestStatus = Literal["sent", "withdrawn"]
OPEN_REQUEST_STATUSES: tuple[RequestStatus, ...] = ("sent",)  # still with a human; can be withdrawn


class Request(Model):
    """A request that reaches a human: a renewal to the prescriber, a prior authorization (the
    prescriber to the plan), a pharmacist's call back, or a transfer in (a pharmacist calls the
    other pharmacy). Written only after the patient's yes."""

    request_id: str
    patient_id: str
    rx_id: str = Field(description="'' for a transfer of a drug not on the patient's record here")
    kind: RequestKind
    reason: str = Field(description="the alert code that led to it, such as 'expired', or 'patient_request'")
    prescriber_id: str = Field(description="the prescription's prescriber when it was sent ('' for a transfer "
                                           "of a drug not on the record)")
    status: RequestStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    # Server-side only, as for orders.
    idempotency_key: str = Field(exclude=True)
    drug_id: str | None = None
    from_pharmacy: str | None = Field(None, description="a transfer: the pharmacy it is at now, as the patient named it")
    pharmacy_id: str | None = Field(None, description="a transfer: which of ours it comes to")
    placed_by: str | None = None


EnrolmentStatus = Literal["active", "paused", "stopped"]
OPEN_ENROLMENT_STATUSES: tuple[EnrolmentStatus, ...] = ("active", "paused")  # one per prescription at a time


class Enrolment(Model):
    """A prescription on auto-refill at one pharmacy: each refill is placed when the rules allow it."""

    enrolment_id: str
    patient_id: str
    rx_id: str
    pharmacy_id: str
    status: EnrolmentStatus
    next_fill_date: dt.date
    created_at: dt.datetime
    updated_at: dt.datetime
    placed_by: str | None = None
    idempotency_key: str = Field(exclude=True)


ReminderStatus = Literal["scheduled", "cancelled"]


class Reminder(Model):
    """A text to the phone on file on the day a prescription's refill comes due."""

    reminder_id: str
    patient_id: str
    rx_id: str
    remind_on: dt.date
    send_at: dt.datetime
    status: ReminderStatus
    created_at: dt.datetime
    placed_by: str | None = None
    idempotency_key: str = Field(exclude=True)


MessageKind = Literal["ready", "on_its_way", "reminder", "auto_refill"]


class Message(Model):
    """A text in the outbox: sent once the world's clock reaches send_at (unless cancelled before).
    `facts` say it in data, for a reply in any language; `body` is the English text."""

    message_id: str
    patient_id: str
    kind: MessageKind
    ref_id: str = Field(description="what it is about: an order, reminder or enrolment id")
    facts: dict[str, Any]
    body: str
    send_at: dt.datetime
    created_at: dt.datetime
    cancelled: bool


# ----------------------------------------------------------------------------- decisions
class Severity(StrEnum):
    MAJOR = "major"
    MODERATE = "moderate"
    MINOR = "minor"
    INFO = "info"


class AlertCode(StrEnum):
    DISCONTINUED = "discontinued"
    EXPIRED = "expired"
    NO_REFILLS = "no_refills"
    ORDER_IN_PROGRESS = "order_in_progress"
    REFILL_TOO_SOON = "refill_too_soon"
    CONTROLLED_C2 = "controlled_c2"
    CONTROLLED_LIMIT = "controlled_limit"
    DRUG_ALLERGY = "drug_allergy"
    DRUG_INTERACTION = "drug_interaction"
    DUPLICATE_THERAPY = "duplicate_therapy"
    DOSE_MISMATCH = "dose_mismatch"
    DOSE_CHANGED = "dose_changed"
    MAX_DOSE_EXCEEDED = "max_dose_exceeded"
    PRIOR_AUTH_REQUIRED = "prior_auth_required"
    STEP_THERAPY = "step_therapy"
    QUANTITY_LIMIT = "quantity_limit"
    NON_FORMULARY = "non_formulary"
    OUT_OF_STOCK = "out_of_stock"
    RENEWAL_NEEDED = "renewal_needed"
    CONTROLLED_SUBSTANCE = "controlled_substance"


class NextStep(StrEnum):
    NONE = "none"
    RENEWAL_REQUEST = "renewal_request"  # ask the prescriber to renew the prescription
    NEW_PRESCRIPTION = "new_prescription"  # the patient needs a new prescription (visit)
    PHARMACIST = "pharmacist"  # a pharmacist reviews before anything is filled
    PRIOR_AUTH = "prior_auth"  # a prior-authorization request to the prescriber
    WAIT = "wait"  # come back on a given date
    PAY_CASH = "pay_cash"  # not covered: cash or discount card


class Alert(Model):
    code: AlertCode
    severity: Severity
    blocking: bool = Field(description="True when the refill cannot go ahead as asked.")
    rule: str = Field(description="The rule, in plain words.")
    reason: str = Field(description="Why it applies to this prescription, with the facts.")
    next_step: NextStep = NextStep.NONE
    rx_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class Offer(Model):
    """One pharmacy's grounded offer for a prescription: every field comes from the store."""

    pharmacy_id: str
    pharmacy_name: str
    chain: str
    address: str = ""
    distance_km: float
    in_stock: bool
    on_hand: int
    wait_minutes: int
    price: float
    price_type: PriceType
    copay: float | None
    cash_price: float
    card_price: float | None
    dispense_brand: bool
    hours: str = Field("", description="opening hours, such as '08:00-22:00' or 'open 24 hours'")
    closes: str = Field("", description="closing time, such as '22:00' ('24:00' when open 24 hours)")
    is_24h: bool = False
    drive_thru: bool = False
    delivery: DeliveryMethod = Field("", description="courier, mail, or '' when the pharmacy does not deliver")
    delivery_fee: float | None = Field(None, description="0 when free; None when it does not deliver")
    ready_at: dt.datetime | None = Field(None, description="when an order placed now would be ready")
    labels: list[str] = Field(default_factory=list, description="closest / lowest price / shortest wait")
