"""Refill eligibility and drug-use review: pure functions over a RefillCase, no store, no LM.

Each rule is one small function returning an Alert or None (or a list, for the review
rules that can fire more than once). The rule lists at the bottom are the policy's order.

Order of eligibility (../shared/DOMAIN.md, after the VA's refillability rules), with one
deliberate change: the controlled-substance rules run right after "active", before
"expired" and "refills remain". A Schedule II prescription has no refills by law, so the
generic "no refills left" would be true but less useful than "Schedule II can never be
refilled"; likewise for a Schedule III/IV prescription past its six-month limit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from pydantic import Field

from rxflow.domain import (
    Alert,
    AlertCode,
    Allergy,
    Drug,
    FormularyEntry,
    Interaction,
    Model,
    NextStep,
    Order,
    Plan,
    Prescription,
    Product,
    Severity,
)
from rxflow.units import Strength, doses_per_day, parse_strength, same_strength

DEFAULT_TOO_SOON = 0.75
RENEWAL_WINDOW_DAYS = 120  # expired at most this long ago: a renewal request is enough
CONTROLLED_MONTHS = 6  # 21 CFR 1306.22: no C-III/IV refill more than 6 months after issue
CONTROLLED_MAX_REFILLS = 5


class ActiveMed(Model):
    rx_id: str
    drug: Drug


class RefillCase(Model):
    """Everything the rules need to judge one refill, gathered by the tools from the store."""

    prescription: Prescription
    drug: Drug
    product: Product
    today: dt.date
    allergies: list[Allergy] = Field(default_factory=list)
    other_active: list[ActiveMed] = Field(default_factory=list)
    open_orders: list[Order] = Field(default_factory=list)
    plan: Plan | None = None
    formulary: FormularyEntry | None = None
    step_drugs_taken: list[str] = Field(default_factory=list, description="drug ids the patient has had")
    interactions: list[Interaction] = Field(default_factory=list)
    duplicate_groups: list[dict] = Field(default_factory=list)
    cross_sensitivity: list[dict] = Field(default_factory=list)


def _alert(case: RefillCase, code: AlertCode, severity: Severity, blocking: bool, rule: str, reason: str,
           next_step: NextStep = NextStep.NONE, **details) -> Alert:
    return Alert(code=code, severity=severity, blocking=blocking, rule=rule, reason=reason, next_step=next_step,
                 rx_id=case.prescription.rx_id, details=details)


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)


def expiry_date(rx: Prescription) -> dt.date:
    return add_months(rx.date_written, 12)


def is_current(rx: Prescription, today: dt.date) -> bool:
    """Whether a prescription counts in drug-use review: active, and either refillable or with
    supply still on hand. A finished course (a 5-day opioid with no refills, its supply gone)
    no longer interacts with today's refill; an as-needed drug with refills left still does.
    """
    if rx.status != "active":
        return False
    if rx.refills_remaining > 0:
        return True
    return rx.last_fill_date is not None and rx.last_fill_date + dt.timedelta(days=rx.days_supply) >= today


# ----------------------------------------------------------------------------- eligibility
def check_active(case: RefillCase) -> Alert | None:
    rx = case.prescription
    if rx.status == "active":
        return None
    if rx.status == "on_hold":
        return _alert(case, AlertCode.DISCONTINUED, Severity.MAJOR, True, "Only active prescriptions can be refilled.",
                      f"This {case.drug.generic_name} prescription is on hold.", NextStep.PHARMACIST, status=rx.status)
    return _alert(case, AlertCode.DISCONTINUED, Severity.MAJOR, True, "Only active prescriptions can be refilled.",
                  f"This {case.drug.generic_name} prescription was discontinued.", NextStep.NEW_PRESCRIPTION,
                  status=rx.status)


def check_controlled(case: RefillCase) -> Alert | None:
    sched, rx = case.drug.dea_schedule, case.prescription
    if sched == 2:
        return _alert(case, AlertCode.CONTROLLED_C2, Severity.MAJOR, True,
                      "Schedule II controlled substances cannot be refilled (21 CFR 1306.12).",
                      f"{case.drug.generic_name.capitalize()} is Schedule II: each fill needs a new prescription.",
                      NextStep.NEW_PRESCRIPTION, schedule=2)
    if sched in (3, 4):
        limit = add_months(rx.date_written, CONTROLLED_MONTHS)
        if case.today > limit:
            return _alert(case, AlertCode.CONTROLLED_LIMIT, Severity.MAJOR, True,
                          "Schedule III-IV prescriptions cannot be refilled more than 6 months after they were "
                          "written (21 CFR 1306.22).",
                          f"Written {rx.date_written:%B %-d, %Y}; refills ended {limit:%B %-d, %Y}.",
                          NextStep.NEW_PRESCRIPTION, schedule=sched, limit_date=limit.isoformat())
        if rx.refills_used >= CONTROLLED_MAX_REFILLS:
            return _alert(case, AlertCode.CONTROLLED_LIMIT, Severity.MAJOR, True,
                          "Schedule III-IV prescriptions allow at most 5 refills (21 CFR 1306.22).",
                          f"All {CONTROLLED_MAX_REFILLS} refills have been used.", NextStep.NEW_PRESCRIPTION,
                          schedule=sched)
    return None


def check_expired(case: RefillCase) -> Alert | None:
    expires = expiry_date(case.prescription)
    if case.today <= expires:
        return None
    ago = (case.today - expires).days
    if ago <= RENEWAL_WINDOW_DAYS:
        step, what = NextStep.RENEWAL_REQUEST, "a renewal request can go to the prescriber"
    else:
        step, what = NextStep.NEW_PRESCRIPTION, "a new prescription is needed"
    return _alert(case, AlertCode.EXPIRED, Severity.MAJOR, True,
                  "Prescriptions expire one year after the date written.",
                  f"It expired on {expires:%B %-d, %Y} ({ago} days ago); {what}.", step,
                  expired_on=expires.isoformat(), days_ago=ago)


def check_refills_remain(case: RefillCase) -> Alert | None:
    rx = case.prescription
    if rx.refills_remaining > 0:
        return None
    return _alert(case, AlertCode.NO_REFILLS, Severity.MAJOR, True, "A refill needs a refill remaining.",
                  f"All {rx.refills_authorized} authorised refills have been used.", NextStep.RENEWAL_REQUEST)


def check_no_open_order(case: RefillCase) -> Alert | None:
    if not case.open_orders:
        return None
    o = case.open_orders[0]
    return _alert(case, AlertCode.ORDER_IN_PROGRESS, Severity.INFO, True,
                  "A prescription is filled once at a time.",
                  f"Order {o.order_id} for it is already {o.status.replace('_', ' ')}.", NextStep.NONE,
                  order_id=o.order_id, status=o.status)


def earliest_refill_date(rx: Prescription, threshold: float) -> dt.date | None:
    if rx.last_fill_date is None:
        return None
    return rx.last_fill_date + dt.timedelta(days=math.ceil(threshold * rx.days_supply - 1e-9))


def check_too_soon(case: RefillCase) -> Alert | None:
    rx = case.prescription
    threshold = case.plan.too_soon_threshold if case.plan else DEFAULT_TOO_SOON
    earliest = earliest_refill_date(rx, threshold)
    if earliest is None or case.today >= earliest:
        return None
    elapsed = (case.today - rx.last_fill_date).days
    return _alert(case, AlertCode.REFILL_TOO_SOON, Severity.MODERATE, True,
                  f"A refill is due once {threshold:.0%} of the last fill's days supply has passed.",
                  f"Last filled {rx.last_fill_date:%B %-d} for {rx.days_supply} days ({elapsed} days ago); "
                  f"the earliest refill date is {earliest:%B %-d, %Y}.", NextStep.WAIT,
                  earliest_date=earliest.isoformat(), threshold=threshold, days_elapsed=elapsed)


# ----------------------------------------------------------------------------- drug-use review
def _matches(drug: Drug, target: str, level: str) -> bool:
    return (drug.drug_class == target) if level == "class" else (drug.ingredient == target)


def review_allergies(case: RefillCase) -> list[Alert]:
    alerts = []
    for allergy in case.allergies:
        hit = next((c for c in case.cross_sensitivity if c["allergy_class"] == allergy.allergy_class
                    and _matches(case.drug, c["target"], c["target_level"])), None)
        if hit is None and allergy.allergen.lower() in (case.drug.ingredient, case.drug.generic_name.lower()):
            hit = {"severity": "major", "note": "The same drug."}
        if hit is None:
            continue
        sev = Severity(hit["severity"])
        alerts.append(_alert(case, AlertCode.DRUG_ALLERGY, sev, sev == Severity.MAJOR,
                             "A drug the patient is allergic to, or one that cross-reacts, needs a pharmacist.",
                             f"Recorded allergy to {allergy.allergen} ({allergy.reaction}). {hit['note']}",
                             NextStep.PHARMACIST if sev == Severity.MAJOR else NextStep.NONE,
                             allergen=allergy.allergen))
    return alerts


def review_interactions(case: RefillCase) -> list[Alert]:
    alerts = []
    for other in case.other_active:
        for ix in case.interactions:
            pairs = ((case.drug, other.drug), (other.drug, case.drug))
            if not any(_matches(x, ix.a, ix.a_level) and _matches(y, ix.b, ix.b_level) for x, y in pairs):
                continue
            sev = Severity(ix.severity)
            alerts.append(_alert(case, AlertCode.DRUG_INTERACTION, sev, sev == Severity.MAJOR,
                                 "Each refill is checked against all of the patient's active medications.",
                                 f"{case.drug.generic_name.capitalize()} with {other.drug.generic_name}: {ix.effect}",
                                 NextStep.PHARMACIST if sev == Severity.MAJOR else NextStep.NONE,
                                 with_drug=other.drug.generic_name, with_rx=other.rx_id, management=ix.management))
            break  # one alert per pair of drugs: the first (most specific) row listed wins
    return alerts


def review_duplicates(case: RefillCase) -> list[Alert]:
    groups = {g["drug_class"]: g for g in case.duplicate_groups}
    mine = groups.get(case.drug.drug_class)
    alerts = []
    for other in case.other_active:
        if other.drug.drug_id == case.drug.drug_id or other.drug.ingredient == case.drug.ingredient:
            same = True
        else:
            theirs = groups.get(other.drug.drug_class)
            if not (mine and theirs and mine["group_name"] == theirs["group_name"]):
                continue
            same = other.drug.drug_class == case.drug.drug_class
        # Two drugs of one class (two PPIs) almost always means one should have replaced the
        # other: major. Related classes (PPI + H2 blocker) follow the group's severity.
        sev = Severity.MAJOR if same else Severity(mine["severity"] if mine else "moderate")
        alerts.append(_alert(case, AlertCode.DUPLICATE_THERAPY, sev, sev == Severity.MAJOR,
                             "Two active drugs that do the same job are reviewed by a pharmacist.",
                             f"{case.drug.generic_name.capitalize()} and {other.drug.generic_name} are both "
                             f"{case.drug.drug_class.replace('_', ' ')}s." if same else
                             f"{case.drug.generic_name.capitalize()} and {other.drug.generic_name} overlap "
                             f"({(mine or {}).get('group_name', '').replace('_', ' ')}).",
                             NextStep.PHARMACIST if sev == Severity.MAJOR else NextStep.NONE,
                             with_drug=other.drug.generic_name, with_rx=other.rx_id))
    return alerts


def review_max_dose(case: RefillCase) -> list[Alert]:
    d, rx = case.drug, case.prescription
    if d.max_daily_dose is None or d.max_daily_unit != case.product.strength_unit:
        return []
    daily = case.product.strength_value * rx.doses_per_day
    if daily <= d.max_daily_dose + 1e-9:
        return []
    return [_alert(case, AlertCode.MAX_DOSE_EXCEEDED, Severity.MAJOR, True,
                   "A daily dose above the usual maximum goes to a pharmacist.",
                   f"{daily:g} {d.max_daily_unit} a day is above the usual maximum of {d.max_daily_dose:g} "
                   f"{d.max_daily_unit}.", NextStep.PHARMACIST, daily=daily)]


# ----------------------------------------------------------------------------- insurance
def review_coverage(case: RefillCase) -> list[Alert]:
    if case.plan is None:
        return []  # no insurance: cash or discount card, nothing to flag
    f = case.formulary
    if f is None:
        return [_alert(case, AlertCode.NON_FORMULARY, Severity.MODERATE, False,
                       "Drugs off the plan's formulary are not covered.",
                       f"{case.plan.name} does not cover {case.drug.generic_name}; it can be paid in cash or with "
                       "a discount card.", NextStep.PAY_CASH, plan=case.plan.name)]
    alerts = []
    if f.prior_auth:
        alerts.append(_alert(case, AlertCode.PRIOR_AUTH_REQUIRED, Severity.MODERATE, True,
                             "The plan pays only after it approves a prior-authorization request.",
                             f"{case.plan.name} requires prior authorization for {case.drug.generic_name}.",
                             NextStep.PRIOR_AUTH, criteria=f.pa_criteria, turnaround_days=f.pa_turnaround_days))
    if f.step_therapy and f.step_therapy not in case.step_drugs_taken:
        alerts.append(_alert(case, AlertCode.STEP_THERAPY, Severity.MODERATE, True,
                             "Step therapy: the plan requires a first-line drug to be tried first.",
                             f"{case.plan.name} requires {f.step_therapy} first; none is on record.",
                             NextStep.PRIOR_AUTH, required=f.step_therapy))
    if f.quantity_limit_30 is not None:
        per_30 = case.prescription.quantity * 30 / max(case.prescription.days_supply, 1)
        if per_30 > f.quantity_limit_30 + 1e-9:
            alerts.append(_alert(case, AlertCode.QUANTITY_LIMIT, Severity.MODERATE, True,
                                 "The plan covers a limited quantity per 30 days.",
                                 f"{case.plan.name} covers up to {f.quantity_limit_30} per 30 days; this "
                                 f"prescription is {per_30:g} per 30 days.", NextStep.PRIOR_AUTH,
                                 limit=f.quantity_limit_30))
    return alerts


def note_last_refill(case: RefillCase) -> list[Alert]:
    if case.prescription.refills_remaining != 1:
        return []
    return [_alert(case, AlertCode.RENEWAL_NEEDED, Severity.INFO, False,
                   "When the last refill is used, the prescriber must renew the prescription.",
                   "This is the last refill on this prescription; ask your prescriber for a renewal.",
                   NextStep.RENEWAL_REQUEST)]


# ----------------------------------------------------------------------------- the policy as data
ELIGIBILITY_RULES: list[Callable[[RefillCase], Alert | None]] = [
    check_active, check_controlled, check_expired, check_refills_remain, check_no_open_order, check_too_soon,
]
REVIEW_RULES: list[Callable[[RefillCase], list[Alert]]] = [
    review_allergies, review_interactions, review_duplicates, review_max_dose,
]
COVERAGE_RULES: list[Callable[[RefillCase], list[Alert]]] = [review_coverage, note_last_refill]

# Alerts that block only the insurance claim: the patient may still pay cash.
INSURANCE_ONLY = {AlertCode.PRIOR_AUTH_REQUIRED, AlertCode.STEP_THERAPY, AlertCode.QUANTITY_LIMIT}


class Decision(Model):
    allowed: bool
    alerts: list[Alert]
    blocking: list[Alert]
    insurance_only: bool = Field(False, description="Only insurance rules block: a cash fill is allowed.")

    @property
    def next_step(self) -> NextStep:
        return self.blocking[0].next_step if self.blocking else NextStep.NONE


def evaluate(case: RefillCase) -> Decision:
    """All alerts for a refill. Eligibility stops at its first failure; review and coverage all run."""
    alerts: list[Alert] = []
    for rule in ELIGIBILITY_RULES:
        found = rule(case)
        if found is not None:
            return Decision(allowed=False, alerts=[found], blocking=[found])
    for rule in REVIEW_RULES + COVERAGE_RULES:
        alerts.extend(rule(case))
    blocking = [a for a in alerts if a.blocking]
    insurance_only = bool(blocking) and all(a.code in INSURANCE_ONLY for a in blocking)
    # Sort blocking alerts so the clinical ones (pharmacist) come before insurance ones.
    blocking.sort(key=lambda a: a.code in INSURANCE_ONLY)
    return Decision(allowed=not blocking, alerts=alerts, blocking=blocking, insurance_only=insurance_only)


# ----------------------------------------------------------------------------- dose check
def check_stated_dose(prescribed: Product, prescribed_frequency: str, stated_strength: str | None,
                      stated_frequency: str | None) -> tuple[str, str]:
    """Compare what the patient says they take with the prescription: (verdict, reason).

    consistent: everything stated matches (saying nothing about a part is fine: the user was
    shown the prescription and confirmed it). mismatch: a stated strength or frequency differs.
    unclear: a stated strength could not be read.
    """
    # "90 mcg/actuation" compares as 90 mcg: the per-actuation (per-mL, per-spray) part is the form.
    rx_strength = parse_strength(prescribed.strength_label) or Strength(prescribed.strength_value,
                                                                        prescribed.strength_unit)
    if stated_strength:
        s = parse_strength(stated_strength)
        if s is None:
            return "unclear", f"I could not read the strength '{stated_strength}'."
        if not same_strength(s, rx_strength):
            return "mismatch", f"You said {s}, but the prescription is for {prescribed.strength_label}."
    if stated_frequency:
        said, rx = doses_per_day(stated_frequency), doses_per_day(prescribed_frequency)
        # "as needed" (0/day) is compatible with any as-needed prescription.
        if said is not None and rx is not None and said != 0 and abs(said - rx) > 1e-6:
            return "mismatch", f"You said {stated_frequency}, but the directions are {prescribed_frequency}."
    return "consistent", "Matches the prescription."
