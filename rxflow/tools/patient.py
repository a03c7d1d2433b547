"""Patient tools: history, a prescription by its number, adherence, allergies, and whose records one manages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import Field

from rxflow import policy
from rxflow.domain import Alert, AlertCode
from rxflow.policy import Check
from rxflow.tools.base import NoArgs, ToolArgs, ToolContext, ToolError, ToolOutput, placeholder_rx, tool
from rxflow.tools.drugs import resolve_drug


class RefillStatus(ToolOutput):
    """The refill rules' verdict on one prescription today (policy.evaluate), in brief and in full."""

    status: Literal["due", "too_soon", "no_refills", "expired", "controlled", "in_progress", "needs_pharmacist",
                    "needs_prior_auth", "inactive"]
    allowed: bool
    cash_only: bool = Field(description="Only insurance blocks it: a cash or discount-card fill is allowed.")
    due_date: dt.date | None = Field(description="The earliest refill date under the plan's too-soon rule.")
    reason: str = Field(description="Why it cannot be refilled now (the first blocking rule), or ''.")
    alerts: list[Alert]
    checks: list[Check] = Field(description="Every rule in order, with pass / fail and the data it used.")


_STATUS = {AlertCode.REFILL_TOO_SOON: "too_soon", AlertCode.NO_REFILLS: "no_refills", AlertCode.EXPIRED: "expired",
           AlertCode.CONTROLLED_C2: "controlled", AlertCode.CONTROLLED_LIMIT: "controlled",
           AlertCode.ORDER_IN_PROGRESS: "in_progress", AlertCode.DISCONTINUED: "inactive"}


def refill_status(ctx: ToolContext, rx, orders=None) -> RefillStatus:
    case = ctx.refill_case(rx, orders)
    d = policy.evaluate(case)
    plan = case.plan
    due = policy.earliest_refill_date(rx, plan.too_soon_threshold if plan else policy.DEFAULT_TOO_SOON)
    if d.allowed:
        status = "due"
    elif d.insurance_only:
        status = "needs_prior_auth"
    else:
        status = _STATUS.get(d.blocking[0].code, "needs_pharmacist")
    return RefillStatus(status=status, allowed=d.allowed, cash_only=d.insurance_only, due_date=due,
                        reason=d.blocking[0].reason if d.blocking else "", alerts=d.alerts, checks=d.checks)


class MedicationLine(ToolOutput):
    rx_id: str
    drug_id: str
    name: str
    brand_names: list[str]
    drug_class: str
    strength: str
    dose_form: str
    sig: str
    frequency: str
    quantity: int
    days_supply: int
    refills_remaining: int
    last_fill_date: dt.date | None
    expires_on: dt.date
    status: str
    dispense_as_written: bool
    prescriber: str
    prescriber_phone: str
    prescriber_practice: str
    controlled_schedule: int
    last_pharmacy_id: str | None = Field(description="Where it was last filled, such as 'PH004'.")
    refill: RefillStatus


def medication_line(ctx: ToolContext, rx, orders=None) -> MedicationLine:
    """One prescription as patient_history lists it, with the rules' verdict today."""
    store = ctx.store
    d, prod = ctx.drug_of(rx), store.product(rx.product_id)
    prescriber = store.prescriber(rx.prescriber_id)
    fills = store.fills(rx.rx_id)
    return MedicationLine(
        rx_id=rx.rx_id, drug_id=d.drug_id, name=d.generic_name, brand_names=d.brand_names,
        drug_class=d.drug_class, strength=prod.strength_label, dose_form=prod.dose_form, sig=rx.sig,
        frequency=rx.frequency, quantity=rx.quantity, days_supply=rx.days_supply,
        refills_remaining=rx.refills_remaining, last_fill_date=rx.last_fill_date,
        expires_on=policy.expiry_date(rx), status=rx.status, dispense_as_written=rx.dispense_as_written,
        prescriber=prescriber.name if prescriber else "", prescriber_phone=prescriber.phone if prescriber else "",
        prescriber_practice=prescriber.practice if prescriber else "",
        controlled_schedule=d.dea_schedule, last_pharmacy_id=fills[-1]["pharmacy_id"] if fills else None,
        refill=refill_status(ctx, rx, orders))


class OrderLine(ToolOutput):
    order_id: str
    rx_id: str
    medication: str
    pharmacy_id: str
    status: str
    price: float
    created_at: dt.datetime


class PatientHistoryArgs(ToolArgs):
    include_inactive: bool = Field(False, description="Also list discontinued and on-hold prescriptions.")


class PatientHistory(ToolOutput):
    patient_id: str
    name: str
    phone: str = Field(description="The patient's phone on file (where a pharmacist would call back).")
    plan: str | None
    allergies: list[str]
    medications: list[MedicationLine]
    recent_orders: list[OrderLine]


@tool("patient")
def patient_history(ctx: ToolContext, args: PatientHistoryArgs) -> PatientHistory:
    """List the signed-in patient's prescriptions, allergies, plan and recent orders.

    Use it to see what the patient takes before resolving a medication they mention, when
    they ask "what are my medications?" or "what is due?". Each prescription carries the refill
    rules' verdict today (due / too soon until a date / no refills / expired / controlled / needs
    prior authorization or a pharmacist), with every check and the data it used. It reads only
    the signed-in patient's record.

    Args:
        include_inactive: also list discontinued and on-hold prescriptions, such as true.

    Returns:
        The patient's name, phone, plan, allergies, one line per prescription (id such as
        'RX1001', strength, directions, refills remaining, last fill and its pharmacy, expiry,
        prescriber, refill verdict) and the five latest orders.
    """
    store, p = ctx.store, ctx.patient
    plan = store.plan(p.plan_id)
    all_orders = store.orders(p.patient_id, ctx.sandbox)
    meds = [medication_line(ctx, rx, all_orders)
            for rx in store.prescriptions(p.patient_id, active_only=not args.include_inactive)]
    names = {m.rx_id: m.name for m in meds}
    orders = [OrderLine(order_id=o.order_id, rx_id=o.rx_id,
                        medication=names.get(o.rx_id) or ctx.drug_of(store.prescription(o.rx_id)).generic_name,
                        pharmacy_id=o.pharmacy_id, status=o.status, price=o.price, created_at=o.created_at)
              for o in all_orders[:5]]
    return PatientHistory(patient_id=p.patient_id, name=p.name, phone=p.phone, plan=plan.name if plan else None,
                          allergies=[f"{a.allergen} ({a.reaction})" for a in store.allergies(p.patient_id)],
                          medications=meds, recent_orders=orders)


class AdherenceArgs(ToolArgs):
    rx_id: str = Field(description="Prescription id, such as 'RX1001'.")
    window_days: int = Field(180, ge=30, le=730, description="Look-back window in days, such as 180.")


class Adherence(ToolOutput):
    rx_id: str
    window_days: int
    fills: int
    days_covered: int
    proportion_days_covered: float
    adherent: bool


@tool("patient")
def adherence_check(ctx: ToolContext, args: AdherenceArgs) -> Adherence:
    """Measure how consistently the patient has filled a prescription: proportion of days covered (PDC).

    PDC counts the days in the window on which the patient had medicine on hand, from the fill
    history (overlapping fills carry forward). 0.8 or more is the usual threshold for adherent.

    Args:
        rx_id: the prescription, such as 'RX1001'.
        window_days: the look-back window, such as 180.

    Returns:
        Fills in the window, days covered, the PDC (0..1) and whether it reaches 0.8.

    Raises:
        not_found / forbidden when the prescription is unknown or not the patient's.
    """
    rx = ctx.own_prescription(args.rx_id)
    start = ctx.today - dt.timedelta(days=args.window_days)
    fills = [f for f in ctx.store.fills(rx.rx_id) if f["fill_date"] <= ctx.today]
    if not fills:
        raise ToolError("not_found", f"No fills on record for {rx.rx_id}.", reason="no_fills")
    # Period: from the window start (or the first fill, if later) to today.
    period_start = max(start, fills[0]["fill_date"])
    covered: set[dt.date] = set()
    carry_from = period_start
    for f in fills:
        begin = max(f["fill_date"], carry_from)  # early refills carry forward
        for k in range(f["days_supply"]):
            day = begin + dt.timedelta(days=k)
            if period_start <= day <= ctx.today:
                covered.add(day)
        carry_from = begin + dt.timedelta(days=f["days_supply"])
    period = (ctx.today - period_start).days + 1
    pdc = round(len(covered) / period, 3)
    return Adherence(rx_id=rx.rx_id, window_days=args.window_days,
                     fills=sum(1 for f in fills if f["fill_date"] >= start), days_covered=len(covered),
                     proportion_days_covered=pdc, adherent=pdc >= 0.8)


class AllergyArgs(ToolArgs):
    drug: str = Field(description="A drug name, brand or id, such as 'amoxicillin' or 'Keflex'.")


class AllergyReport(ToolOutput):
    drug_id: str
    drug: str
    allergies_on_record: list[str]
    alerts: list[Alert]
    safe: bool


@tool("patient")
def allergy_check(ctx: ToolContext, args: AllergyArgs) -> AllergyReport:
    """Check a drug against the patient's recorded allergies, including cross-sensitivity by class.

    Penicillin allergy flags amoxicillin (same class, major) and cephalexin (shared side chain,
    moderate); ceftriaxone's side chain differs (minor). Sulfonamide antibiotics cross-react
    with each other.

    Args:
        drug: a drug name, brand or catalogue id, such as 'amoxicillin'.

    Returns:
        The alerts (severity, reason) and whether the drug is free of allergy concerns.
    """
    drug = resolve_drug(ctx, args.drug)
    allergies = ctx.store.allergies(ctx.patient_id)
    products = ctx.store.products(drug.drug_id)
    rx = next((r for r in ctx.store.prescriptions(ctx.patient_id) if r.drug_id == drug.drug_id), None)
    case = policy.RefillCase(
        prescription=rx or placeholder_rx(ctx, drug.drug_id, products[0].product_id), drug=drug, product=products[0],
        today=ctx.today, allergies=allergies, cross_sensitivity=ctx.store.cross_sensitivity())
    alerts = policy.review_allergies(case)
    return AllergyReport(drug_id=drug.drug_id, drug=drug.generic_name,
                         allergies_on_record=[a.allergen for a in allergies], alerts=alerts,
                         safe=not alerts)


class FindPrescriptionArgs(ToolArgs):
    number: str = Field(pattern=r"^(?i:(?:rx|#)?\s*#?\s*\d{1,9})$",
                        description="The prescription number as the patient says it, such as '1001', 'RX1001', "
                                    "'rx 1001' or '#1001'.")


@tool("patient")
def find_prescription(ctx: ToolContext, args: FindPrescriptionArgs) -> MedicationLine:
    """One of the patient's prescriptions by its number (the number on the label: 'RX1001', '1001', '#1001').

    A number that is not on the patient's own record gets the same answer whether or not it is
    someone else's: it is never said whose it is.

    Args:
        number: such as 'rx 1001' or '#1001'.

    Returns:
        The prescription as patient_history lists it (id, medication, strength, directions,
        refills, last fill and its pharmacy, the refill rules' verdict today).

    Raises:
        not_found (not_on_record) for a number not on the patient's record.
    """
    rx_id = "RX" + re.sub(r"\D", "", args.number)
    rx = ctx.store.prescription(rx_id)
    if rx is None or rx.patient_id != ctx.patient_id:  # one answer for "someone else's" and "no one's"
        raise ToolError("not_found", f"No prescription {rx_id} on this patient's record.", reason="not_on_record")
    return medication_line(ctx, rx, ctx.store.orders(ctx.patient_id, ctx.sandbox))


class Dependant(ToolOutput):
    patient_id: str
    first_name: str
    last_name: str
    relationship: str = Field(description="Who they are to the person typing, such as 'mother'.")


class Dependants(ToolOutput):
    dependants: list[Dependant]


@tool("patient")
def my_dependants(ctx: ToolContext, args: NoArgs) -> Dependants:
    """The people whose records the person typing is authorised to manage (a caregiver's dependants), if any.

    The person typing is the caregiver when one is acting for a dependant, else the patient.
    Only these records can be switched to; anyone else's cannot be reached.

    Args:
        (none)

    Returns:
        Each dependant's id, first and last name, and relationship (such as 'mother').
    """
    out = []
    for c in ctx.store.dependants(ctx.actor):
        p = ctx.store.patient(c.patient_id)
        if p is not None:
            out.append(Dependant(patient_id=p.patient_id, first_name=p.first_name, last_name=p.last_name,
                                 relationship=c.relationship))
    return Dependants(dependants=out)
