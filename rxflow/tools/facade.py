"""The typed facade over the tools. GENERATED from the registry by `python -m rxflow.tools.gen_facade`:
do not edit by hand (tests/test_facade.py fails when this file is stale).

    tools = Tools(ctx, record=turn.record)    # every call, failed or not, is handed to `record`
    quotes = tools.price_lookup(rx_id="RX1001", pay_cash=True)   # -> PriceQuotes
    try:
        receipt = tools.submit_order(rx_id=..., pharmacy_id=..., confirmed=True, idempotency_key=...)
    except ToolFailed as e:                   # e.code, e.reason, e.message, e.details, e.result
        if e.reason == "out_of_stock": ...

A method validates, runs and times the call through call_tool (nothing else changes) and returns the
tool's output model, or raises ToolFailed. Every argument is passed on, defaults included, so the
record shows the whole call. A caller that wants the result object instead of an exception (to pass
the record on, or to branch on `ok`) calls `tools.result("price_lookup", rx_id=...)`: the same call,
recorded the same way, returning the ToolResult and never raising ToolFailed.
"""

from __future__ import annotations

from typing import Literal

from rxflow.domain import ReferralKind
from rxflow.tools.base import ToolCaller, ToolFailed
from rxflow.tools.cost import (
    Alternatives,
    BasketOffers,
    BrandGeneric,
    FormularyReport,
    PriceQuotes,
    PriorAuth,
)
from rxflow.tools.drugs import DosageReport, DrugLookup, InteractionReport
from rxflow.tools.orders import DeliveryQuote, OrderReceipt, OrderStatus
from rxflow.tools.patient import Adherence, AllergyReport, Dependants, MedicationLine, PatientHistory
from rxflow.tools.pharmacy import Inventory, Locator, PharmacyDetails, WaitTime
from rxflow.tools.requests import RequestLine, RequestList, RequestReceipt, TransferPlan
from rxflow.tools.services import (
    AutoRefillPlan,
    AutoRefills,
    EnrolmentChange,
    EnrolmentReceipt,
    NotificationChange,
    NotificationSettings,
    Outbox,
    ReminderChange,
    ReminderPlan,
    ReminderReceipt,
    Reminders,
)

__all__ = ["ToolFailed", "Tools"]


class Tools(ToolCaller):
    """One typed method per tool, bound to a session (ToolContext); see the module docstring."""

    # ----------------------------------------------------------------------- patient
    def adherence_check(self, *, rx_id: str, window_days: int = 180) -> Adherence:
        """Measure how consistently the patient has filled a prescription: proportion of days covered
        (PDC).
        """
        return self._run("adherence_check", rx_id=rx_id, window_days=window_days)

    def allergy_check(self, *, drug: str) -> AllergyReport:
        """Check a drug against the patient's recorded allergies, including cross-sensitivity by class."""
        return self._run("allergy_check", drug=drug)

    def find_prescription(self, *, number: str) -> MedicationLine:
        """One of the patient's prescriptions by its number (the number on the label: 'RX1001', '1001',
        '#1001').
        """
        return self._run("find_prescription", number=number)

    def my_dependants(self) -> Dependants:
        """The people whose records the person typing is authorised to manage (a caregiver's dependants),
        if any.
        """
        return self._run("my_dependants")

    def patient_history(self, *, include_inactive: bool = False) -> PatientHistory:
        """List the signed-in patient's prescriptions, allergies, plan and recent orders."""
        return self._run("patient_history", include_inactive=include_inactive)

    # ----------------------------------------------------------------------- drugs
    def dosage_verification(
        self, *, rx_id: str, stated_strength: str | None = None, stated_frequency: str | None = None,
        stated_count: float | None = None
    ) -> DosageReport:
        """Compare the dose the patient states with the prescription, with units normalised."""
        return self._run(
            "dosage_verification", rx_id=rx_id, stated_strength=stated_strength,
            stated_frequency=stated_frequency, stated_count=stated_count
        )

    def drug_lookup(self, *, query: str, limit: int = 5) -> DrugLookup:
        """Find drugs in the catalogue by generic name, brand, abbreviation or a misspelling."""
        return self._run("drug_lookup", query=query, limit=limit)

    def interaction_check(self, *, drug: str) -> InteractionReport:
        """Check a drug against all of the patient's active medications: interactions and duplicate
        therapy.
        """
        return self._run("interaction_check", drug=drug)

    # ----------------------------------------------------------------------- pharmacy
    def inventory_check(self, *, pharmacy_id: str, rx_id: str) -> Inventory:
        """Check whether a pharmacy has enough of a prescription's exact product in stock."""
        return self._run("inventory_check", pharmacy_id=pharmacy_id, rx_id=rx_id)

    def pharmacy_details(self, *, pharmacy_id: str) -> PharmacyDetails:
        """Address, phone, hours, 24-hour, drive-thru and delivery service of one pharmacy, with its
        distance.
        """
        return self._run("pharmacy_details", pharmacy_id=pharmacy_id)

    def pharmacy_locator(
        self, *, limit: int = 5, max_km: float | None = None, open_24h: bool = False, drive_thru: bool = False
    ) -> Locator:
        """Find pharmacies near the signed-in patient's address, nearest first."""
        return self._run(
            "pharmacy_locator", limit=limit, max_km=max_km, open_24h=open_24h, drive_thru=drive_thru
        )

    def wait_time(self, *, pharmacy_id: str) -> WaitTime:
        """Typical wait today, in minutes, from order to ready for pickup, at one pharmacy."""
        return self._run("wait_time", pharmacy_id=pharmacy_id)

    # ----------------------------------------------------------------------- cost
    def basket_offers(self, *, rx_ids: list[str], delivery: bool = False) -> BasketOffers:
        """Pharmacies that can fill several prescriptions at once ("refill everything that's due"), with
        the total.
        """
        return self._run("basket_offers", rx_ids=rx_ids, delivery=delivery)

    def brand_generic_compare(self, *, rx_id: str, pharmacy_id: str) -> BrandGeneric:
        """Compare brand and generic prices for a prescription at one pharmacy, and say which is dispensed."""
        return self._run("brand_generic_compare", rx_id=rx_id, pharmacy_id=pharmacy_id)

    def covered_alternatives(self, *, drug: str) -> Alternatives:
        """The drugs of the same class as a drug that the patient's plan covers: formulary alternatives."""
        return self._run("covered_alternatives", drug=drug)

    def formulary_check(self, *, drug: str) -> FormularyReport:
        """Whether the patient's plan covers a drug, at which tier and copay, and with which restrictions."""
        return self._run("formulary_check", drug=drug)

    def price_lookup(
        self, *, rx_id: str, pharmacy_id: str | None = None, pay_cash: bool = False
    ) -> PriceQuotes:
        """Price a prescription at one pharmacy or at every pharmacy nearby (within 15 km)."""
        return self._run("price_lookup", rx_id=rx_id, pharmacy_id=pharmacy_id, pay_cash=pay_cash)

    def prior_auth_lookup(self, *, rx_id: str) -> PriorAuth:
        """Whether the plan needs prior authorization for a prescription, its criteria and turnaround."""
        return self._run("prior_auth_lookup", rx_id=rx_id)

    # ----------------------------------------------------------------------- orders
    # write: call it only after the patient's explicit yes to what it does
    def cancel_order(self, *, order_id: str) -> OrderStatus:
        """Cancel one of the patient's orders before it is picked up."""
        return self._run("cancel_order", order_id=order_id)

    def delivery_quote(self, *, rx_id: str, pharmacy_id: str) -> DeliveryQuote:
        """Whether and when a pharmacy would deliver a refill ordered now, how, for what fee and to which
        address.
        """
        return self._run("delivery_quote", rx_id=rx_id, pharmacy_id=pharmacy_id)

    # write: call it only after the patient's explicit yes to what it does
    def submit_order(
        self, *, rx_id: str, pharmacy_id: str, confirmed: bool, idempotency_key: str, pay_cash: bool = False,
        delivery: bool = False
    ) -> OrderReceipt:
        """Place a refill order at a pharmacy, after the patient explicitly confirmed the summary."""
        return self._run(
            "submit_order", rx_id=rx_id, pharmacy_id=pharmacy_id, confirmed=confirmed,
            idempotency_key=idempotency_key, pay_cash=pay_cash, delivery=delivery
        )

    def track_order(self, *, order_id: str) -> OrderStatus:
        """Status of one of the patient's orders as it is now: being filled, ready, on its way, delivered,
        cancelled...
        """
        return self._run("track_order", order_id=order_id)

    # ----------------------------------------------------------------------- requests
    # write: call it only after the patient's explicit yes to what it does
    def create_request(
        self, *, rx_id: str, kind: ReferralKind, reason: str, confirmed: bool, idempotency_key: str
    ) -> RequestReceipt:
        """Send a request to a human, after the patient explicitly confirmed its summary."""
        return self._run(
            "create_request", rx_id=rx_id, kind=kind, reason=reason, confirmed=confirmed,
            idempotency_key=idempotency_key
        )

    def list_requests(self, *, request_id: str | None = None, rx_id: str | None = None) -> RequestList:
        """The patient's requests to a human (renewals, prior authorizations, call backs, transfers in),
        newest first.
        """
        return self._run("list_requests", request_id=request_id, rx_id=rx_id)

    # write: call it only after the patient's explicit yes to what it does
    def request_transfer(
        self, *, medication: str, from_pharmacy: str, pharmacy_id: str | None = None, confirmed: bool,
        idempotency_key: str
    ) -> RequestReceipt:
        """Send a transfer-in request to a pharmacist of ours, after the patient explicitly confirmed its
        summary.
        """
        return self._run(
            "request_transfer", medication=medication, from_pharmacy=from_pharmacy, pharmacy_id=pharmacy_id,
            confirmed=confirmed, idempotency_key=idempotency_key
        )

    def transfer_plan(
        self, *, medication: str, from_pharmacy: str, pharmacy_id: str | None = None
    ) -> TransferPlan:
        """What a transfer in of a prescription from another pharmacy would send: which drug, from where,
        to which of ours.
        """
        return self._run(
            "transfer_plan", medication=medication, from_pharmacy=from_pharmacy, pharmacy_id=pharmacy_id
        )

    # write: call it only after the patient's explicit yes to what it does
    def withdraw_request(self, *, request_id: str) -> RequestLine:
        """Withdraw one of the patient's requests that was sent (a renewal, prior authorization, call back
        or transfer).
        """
        return self._run("withdraw_request", request_id=request_id)

    # ----------------------------------------------------------------------- services
    def auto_refill_plan(self, *, rx_id: str, pharmacy_id: str | None = None) -> AutoRefillPlan:
        """What putting a prescription on auto-refill would set up: where, when the next fill is, how many
        refills are left.
        """
        return self._run("auto_refill_plan", rx_id=rx_id, pharmacy_id=pharmacy_id)

    # write: call it only after the patient's explicit yes to what it does
    def cancel_reminder(self, *, reminder_id: str, confirmed: bool, idempotency_key: str) -> ReminderChange:
        """Cancel one of the patient's refill reminders, after the patient explicitly confirmed it."""
        return self._run(
            "cancel_reminder", reminder_id=reminder_id, confirmed=confirmed, idempotency_key=idempotency_key
        )

    # write: call it only after the patient's explicit yes to what it does
    def change_auto_refill(
        self, *, enrolment_id: str, action: Literal['pause', 'resume', 'stop'], confirmed: bool,
        idempotency_key: str
    ) -> EnrolmentChange:
        """Pause, resume or stop one of the patient's auto-refills, after the patient explicitly confirmed
        it.
        """
        return self._run(
            "change_auto_refill", enrolment_id=enrolment_id, action=action, confirmed=confirmed,
            idempotency_key=idempotency_key
        )

    # write: call it only after the patient's explicit yes to what it does
    def enrol_auto_refill(
        self, *, rx_id: str, pharmacy_id: str, confirmed: bool, idempotency_key: str
    ) -> EnrolmentReceipt:
        """Put a prescription on auto-refill at a pharmacy, after the patient explicitly confirmed the
        summary.
        """
        return self._run(
            "enrol_auto_refill", rx_id=rx_id, pharmacy_id=pharmacy_id, confirmed=confirmed,
            idempotency_key=idempotency_key
        )

    def list_auto_refills(self) -> AutoRefills:
        """The patient's prescriptions on auto-refill (active, paused or stopped), newest first."""
        return self._run("list_auto_refills")

    def list_reminders(self) -> Reminders:
        """The patient's refill reminders (scheduled, sent or cancelled), newest first."""
        return self._run("list_reminders")

    def notification_settings(self) -> NotificationSettings:
        """Whether the patient's texts are on, and the phone on file they go to."""
        return self._run("notification_settings")

    def outbox(self) -> Outbox:
        """The texts the patient's phone has received by now (the world's clock), and how many are still to
        come.
        """
        return self._run("outbox")

    def reminder_plan(self, *, rx_id: str) -> ReminderPlan:
        """When a refill reminder for a prescription would be texted, to which phone, and why that day."""
        return self._run("reminder_plan", rx_id=rx_id)

    # write: call it only after the patient's explicit yes to what it does
    def schedule_reminder(self, *, rx_id: str, confirmed: bool, idempotency_key: str) -> ReminderReceipt:
        """Schedule a refill reminder (a text to the phone on file), after the patient explicitly confirmed
        the summary.
        """
        return self._run(
            "schedule_reminder", rx_id=rx_id, confirmed=confirmed, idempotency_key=idempotency_key
        )

    # write: call it only after the patient's explicit yes to what it does
    def set_notifications(self, *, sms_on: bool, confirmed: bool, idempotency_key: str) -> NotificationChange:
        """Turn the patient's texts on or off, after the patient explicitly confirmed it."""
        return self._run(
            "set_notifications", sms_on=sms_on, confirmed=confirmed, idempotency_key=idempotency_key
        )
