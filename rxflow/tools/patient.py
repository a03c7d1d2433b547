"""Patient tools: history, adherence, allergies."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from rxflow import policy
from rxflow.domain import Alert
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, placeholder_rx, tool
from rxflow.tools.drugs import resolve_drug


class MedicationLine(ToolOutput):
    rx_id: str
    drug_id: str
    name: str
    brand_names: list[str]
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
    controlled_schedule: int


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
    plan: str | None
    allergies: list[str]
    medications: list[MedicationLine]
    recent_orders: list[OrderLine]


@tool("patient")
def patient_history(ctx: ToolContext, args: PatientHistoryArgs) -> PatientHistory:
    """List the signed-in patient's prescriptions, allergies, plan and recent orders.

    Use it to see what the patient takes before resolving a medication they mention, or when
    they ask "what are my medications?". It reads only the signed-in patient's record.

    Args:
        include_inactive: also list discontinued and on-hold prescriptions, such as true.

    Returns:
        The patient's name, plan, allergies, one line per prescription (id such as 'RX1001',
        strength, directions, refills remaining, last fill, expiry) and the five latest orders.
    """
    store, p = ctx.store, ctx.patient
    plan = store.plan(p.plan_id)
    meds = []
    for rx in store.prescriptions(p.patient_id, active_only=not args.include_inactive):
        d, prod = ctx.drug_of(rx), store.product(rx.product_id)
        prescriber = store.prescriber(rx.prescriber_id)
        meds.append(MedicationLine(
            rx_id=rx.rx_id, drug_id=d.drug_id, name=d.generic_name, brand_names=d.brand_names,
            strength=prod.strength_label, dose_form=prod.dose_form, sig=rx.sig, frequency=rx.frequency,
            quantity=rx.quantity, days_supply=rx.days_supply, refills_remaining=rx.refills_remaining,
            last_fill_date=rx.last_fill_date, expires_on=policy.expiry_date(rx), status=rx.status,
            dispense_as_written=rx.dispense_as_written, prescriber=prescriber.name if prescriber else "",
            controlled_schedule=d.dea_schedule))
    names = {m.rx_id: m.name for m in meds}
    orders = [OrderLine(order_id=o.order_id, rx_id=o.rx_id,
                        medication=names.get(o.rx_id) or ctx.drug_of(store.prescription(o.rx_id)).generic_name,
                        pharmacy_id=o.pharmacy_id, status=o.status, price=o.price, created_at=o.created_at)
              for o in store.orders(p.patient_id)[:5]]
    return PatientHistory(patient_id=p.patient_id, name=p.name, plan=plan.name if plan else None,
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
        raise ToolError("not_found", f"No fills on record for {rx.rx_id}.")
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
