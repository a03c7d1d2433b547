"""Refill eligibility and drug-use review: pure functions over a RefillCase, no store, no LM.

Each rule is one small function returning an Alert or None (or a list, for the review and
coverage rules that can fire more than once), declared with `@rule(stage, title, facts)`: where it
runs, its title and the facts the inspector shows for it, side by side. RULES, near the bottom, is
the policy's order as data.

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
from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import Field

from rxflow import alerts
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
from rxflow.units import Strength, doses_per_day, parse_strength, same_strength, units_per_dose

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


def _alert(case: RefillCase, code: AlertCode, reason: str, **kw) -> Alert:
    """An alert about this case's prescription. Its details carry the facts of its reason (the drug
    included), so a reply can say it in any language from the same facts."""
    return alerts.make(code, reason, rx_id=case.prescription.rx_id, drug=case.drug.generic_name, **kw)


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


# ----------------------------------------------------------------------------- the rules as data
Stage = Literal["eligibility", "review", "coverage"]
STAGES: tuple[Stage, ...] = get_args(Stage)  # the order they run in


@dataclass(frozen=True)
class Rule:
    """One rule of the policy: its check, the stage it runs in, its title and the facts it reads (computed
    only when explained). Eligibility checks return an Alert or None; review and coverage checks a list."""

    check: Callable[[RefillCase], Alert | None | list[Alert]]
    stage: Stage
    title: str
    facts: Callable[[RefillCase], dict]

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, case: RefillCase):
        return self.check(case)

    def alerts(self, case: RefillCase) -> list[Alert]:
        found = self.check(case)
        return found if isinstance(found, list) else [found] if found is not None else []


def rule(stage: Stage, title: str, facts: Callable[[RefillCase], dict]):
    """Declare a rule where its check is written: `@rule("eligibility", "Not expired", facts=...)`."""

    def declare(check) -> Rule:
        return Rule(check, stage, title, facts)

    return declare


def _too_soon_facts(case: RefillCase) -> dict:
    rx = case.prescription
    threshold = case.plan.too_soon_threshold if case.plan else DEFAULT_TOO_SOON
    earliest = earliest_refill_date(rx, threshold)
    return {"last_fill": rx.last_fill_date.isoformat() if rx.last_fill_date else None,
            "days_supply": rx.days_supply, "threshold": threshold, "earliest": earliest.isoformat() if earliest else None}


def _others(case: RefillCase) -> dict:
    return {"checked_against": [m.drug.generic_name for m in case.other_active]}


def _max_dose_facts(case: RefillCase) -> dict:
    d, rx = case.drug, case.prescription
    return {"daily": f"{case.product.strength_value * rx.doses_per_day:g} {case.product.strength_unit}",
            "usual_max": f"{d.max_daily_dose:g} {d.max_daily_unit}" if d.max_daily_dose else None}


def _coverage_facts(case: RefillCase) -> dict:
    f, plan = case.formulary, case.plan
    return {"plan": plan.name if plan else None, "covered": f is not None, "tier": f.tier if f else None,
            "prior_auth": bool(f and f.prior_auth), "step_therapy": f.step_therapy if f else None,
            "quantity_limit_30": f.quantity_limit_30 if f else None}


# ----------------------------------------------------------------------------- eligibility
@rule("eligibility", "Prescription is active", facts=lambda case: {"status": case.prescription.status})
def check_active(case: RefillCase) -> Alert | None:
    rx = case.prescription
    if rx.status == "active":
        return None
    if rx.status == "on_hold":
        return _alert(case, AlertCode.DISCONTINUED, f"This {case.drug.generic_name} prescription is on hold.",
                      next_step=NextStep.PHARMACIST, status=rx.status)
    return _alert(case, AlertCode.DISCONTINUED, f"This {case.drug.generic_name} prescription was discontinued.",
                  status=rx.status)


@rule("eligibility", "Controlled-substance limits", facts=lambda case: {
    "schedule": case.drug.dea_schedule or "not controlled", "written": case.prescription.date_written.isoformat(),
    "refills_used": case.prescription.refills_used})
def check_controlled(case: RefillCase) -> Alert | None:
    sched, rx = case.drug.dea_schedule, case.prescription
    if sched == 2:
        return _alert(case, AlertCode.CONTROLLED_C2,
                      f"{case.drug.generic_name.capitalize()} is Schedule II: each fill needs a new prescription.",
                      schedule=2)
    if sched in (3, 4):
        limit = add_months(rx.date_written, CONTROLLED_MONTHS)
        if case.today > limit:
            return _alert(case, AlertCode.CONTROLLED_LIMIT,
                          f"Written {rx.date_written:%B %-d, %Y}; refills ended {limit:%B %-d, %Y}.",
                          schedule=sched, limit_date=limit.isoformat(), written=rx.date_written.isoformat())
        if rx.refills_used >= CONTROLLED_MAX_REFILLS:
            return _alert(case, AlertCode.CONTROLLED_LIMIT, f"All {CONTROLLED_MAX_REFILLS} refills have been used.",
                          schedule=sched, refills=CONTROLLED_MAX_REFILLS)
    return None


@rule("eligibility", "Not expired", facts=lambda case: {
    "written": case.prescription.date_written.isoformat(), "expires": expiry_date(case.prescription).isoformat()})
def check_expired(case: RefillCase) -> Alert | None:
    expires = expiry_date(case.prescription)
    if case.today <= expires:
        return None
    ago = (case.today - expires).days
    if ago <= RENEWAL_WINDOW_DAYS:
        step, what = NextStep.RENEWAL_REQUEST, "a renewal request can go to the prescriber"
    else:
        step, what = NextStep.NEW_PRESCRIPTION, "a new prescription is needed"
    return _alert(case, AlertCode.EXPIRED, f"It expired on {expires:%B %-d, %Y} ({ago} days ago); {what}.",
                  next_step=step, expired_on=expires.isoformat(), days_ago=ago)


@rule("eligibility", "Refills remain", facts=lambda case: {
    "authorised": case.prescription.refills_authorized, "used": case.prescription.refills_used})
def check_refills_remain(case: RefillCase) -> Alert | None:
    rx = case.prescription
    if rx.refills_remaining > 0:
        return None
    return _alert(case, AlertCode.NO_REFILLS, f"All {rx.refills_authorized} authorised refills have been used.",
                  refills=rx.refills_authorized)


@rule("eligibility", "No order already in progress", facts=lambda case: {
    "open_orders": [o.order_id for o in case.open_orders]})
def check_no_open_order(case: RefillCase) -> Alert | None:
    if not case.open_orders:
        return None
    o = case.open_orders[0]
    return _alert(case, AlertCode.ORDER_IN_PROGRESS,
                  f"Order {o.order_id} for it is already {o.status.replace('_', ' ')}.", order_id=o.order_id,
                  status=o.status)


def earliest_refill_date(rx: Prescription, threshold: float) -> dt.date | None:
    if rx.last_fill_date is None:
        return None
    return rx.last_fill_date + dt.timedelta(days=math.ceil(threshold * rx.days_supply - 1e-9))


@rule("eligibility", "Not too soon", facts=_too_soon_facts)
def check_too_soon(case: RefillCase) -> Alert | None:
    rx = case.prescription
    threshold = case.plan.too_soon_threshold if case.plan else DEFAULT_TOO_SOON
    earliest = earliest_refill_date(rx, threshold)
    if earliest is None or case.today >= earliest:
        return None
    elapsed = (case.today - rx.last_fill_date).days
    return _alert(case, AlertCode.REFILL_TOO_SOON,
                  f"Last filled {rx.last_fill_date:%B %-d} for {rx.days_supply} days ({elapsed} days ago); "
                  f"the earliest refill date is {earliest:%B %-d, %Y}.",
                  earliest_date=earliest.isoformat(), threshold=threshold, days_elapsed=elapsed,
                  last_fill=rx.last_fill_date.isoformat(), days_supply=rx.days_supply)


# ----------------------------------------------------------------------------- drug-use review
def _matches(drug: Drug, target: str, level: str) -> bool:
    return (drug.drug_class == target) if level == "class" else (drug.ingredient == target)


@rule("review", "Allergies", facts=lambda case: {"allergies": [a.allergen for a in case.allergies]})
def review_allergies(case: RefillCase) -> list[Alert]:
    found = []
    for allergy in case.allergies:
        hit = next((c for c in case.cross_sensitivity if c["allergy_class"] == allergy.allergy_class
                    and _matches(case.drug, c["target"], c["target_level"])), None)
        if hit is None and allergy.allergen.lower() in (case.drug.ingredient, case.drug.generic_name.lower()):
            hit = {"severity": Severity.MAJOR, "note": "The same drug."}
        if hit is None:
            continue
        found.append(_alert(case, AlertCode.DRUG_ALLERGY,
                            f"Recorded allergy to {allergy.allergen} ({allergy.reaction}). {hit['note']}",
                            severity=Severity(hit["severity"]), allergen=allergy.allergen, reaction=allergy.reaction,
                            note=hit["note"]))
    return found


@rule("review", "Interactions", facts=_others)
def review_interactions(case: RefillCase) -> list[Alert]:
    found = []
    for other in case.other_active:
        for ix in case.interactions:
            pairs = ((case.drug, other.drug), (other.drug, case.drug))
            if not any(_matches(x, ix.a, ix.a_level) and _matches(y, ix.b, ix.b_level) for x, y in pairs):
                continue
            found.append(_alert(case, AlertCode.DRUG_INTERACTION,
                                f"{case.drug.generic_name.capitalize()} with {other.drug.generic_name}: {ix.effect}",
                                severity=Severity(ix.severity), with_drug=other.drug.generic_name,
                                with_rx=other.rx_id, management=ix.management, effect=ix.effect))
            break  # one alert per pair of drugs: the first (most specific) row listed wins
    return found


@rule("review", "Duplicate therapy", facts=_others)
def review_duplicates(case: RefillCase) -> list[Alert]:
    groups = {g["drug_class"]: g for g in case.duplicate_groups}
    mine = groups.get(case.drug.drug_class)
    found = []
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
        sev = Severity.MAJOR if same else Severity(mine["severity"] if mine else Severity.MODERATE)
        found.append(_alert(case, AlertCode.DUPLICATE_THERAPY,
                            f"{case.drug.generic_name.capitalize()} and {other.drug.generic_name} are both "
                            f"{case.drug.drug_class.replace('_', ' ')}s." if same else
                            f"{case.drug.generic_name.capitalize()} and {other.drug.generic_name} overlap "
                            f"({(mine or {}).get('group_name', '').replace('_', ' ')}).",
                            severity=sev, with_drug=other.drug.generic_name, with_rx=other.rx_id,
                            same_class=same, drug_class=case.drug.drug_class))
    return found


@rule("review", "Maximum daily dose", facts=_max_dose_facts)
def review_max_dose(case: RefillCase) -> list[Alert]:
    d, rx = case.drug, case.prescription
    if d.max_daily_dose is None or d.max_daily_unit != case.product.strength_unit:
        return []
    daily = case.product.strength_value * rx.doses_per_day
    if daily <= d.max_daily_dose + 1e-9:
        return []
    return [_alert(case, AlertCode.MAX_DOSE_EXCEEDED,
                   f"{daily:g} {d.max_daily_unit} a day is above the usual maximum of {d.max_daily_dose:g} "
                   f"{d.max_daily_unit}.", daily=daily, unit=d.max_daily_unit, usual_max=d.max_daily_dose)]


# ----------------------------------------------------------------------------- insurance
@rule("coverage", "Insurance coverage", facts=_coverage_facts)
def review_coverage(case: RefillCase) -> list[Alert]:
    if case.plan is None:
        return []  # no insurance: cash or discount card, nothing to flag
    f = case.formulary
    if f is None:
        return [_alert(case, AlertCode.NON_FORMULARY,
                       f"{case.plan.name} does not cover {case.drug.generic_name}; it can be paid in cash or with "
                       "a discount card.", plan=case.plan.name)]
    found = []
    if f.prior_auth:
        found.append(_alert(case, AlertCode.PRIOR_AUTH_REQUIRED,
                            f"{case.plan.name} requires prior authorization for {case.drug.generic_name}.",
                            criteria=f.pa_criteria, turnaround_days=f.pa_turnaround_days, plan=case.plan.name))
    if f.step_therapy and f.step_therapy not in case.step_drugs_taken:
        found.append(_alert(case, AlertCode.STEP_THERAPY,
                            f"{case.plan.name} requires {f.step_therapy} first; none is on record.",
                            required=f.step_therapy, plan=case.plan.name))
    if f.quantity_limit_30 is not None:
        per_30 = case.prescription.quantity * 30 / max(case.prescription.days_supply, 1)
        if per_30 > f.quantity_limit_30 + 1e-9:
            found.append(_alert(case, AlertCode.QUANTITY_LIMIT,
                                f"{case.plan.name} covers up to {f.quantity_limit_30} per 30 days; this "
                                f"prescription is {per_30:g} per 30 days.", limit=f.quantity_limit_30, plan=case.plan.name,
                                per_30=per_30))
    return found


@rule("coverage", "Refills after this one", facts=lambda case: {
    "refills_remaining": case.prescription.refills_remaining})
def note_last_refill(case: RefillCase) -> list[Alert]:
    if case.prescription.refills_remaining != 1:
        return []
    return [_alert(case, AlertCode.RENEWAL_NEEDED,
                   "This is the last refill on this prescription; ask your prescriber for a renewal.")]


# ----------------------------------------------------------------------------- the policy as data
# The order they apply in: eligibility stops at its first failure, then review and coverage all run.
RULES: tuple[Rule, ...] = (
    check_active, check_controlled, check_expired, check_refills_remain, check_no_open_order, check_too_soon,
    review_allergies, review_interactions, review_duplicates, review_max_dose,
    review_coverage, note_last_refill,
)
assert [STAGES.index(r.stage) for r in RULES] == sorted(STAGES.index(r.stage) for r in RULES), "stages out of order"

# Alerts that block only the insurance claim: the patient may still pay cash.
INSURANCE_ONLY = {AlertCode.PRIOR_AUTH_REQUIRED, AlertCode.STEP_THERAPY, AlertCode.QUANTITY_LIMIT}


class Check(Model):
    """One rule as it was applied to one prescription: for the inspector's "Explain" panel."""

    rule: str
    title: str
    stage: Stage
    outcome: Literal["pass", "fail", "warn", "not_reached"]
    facts: dict = Field(default_factory=dict, description="the data the rule used")
    alerts: list[AlertCode] = Field(default_factory=list)


class Decision(Model):
    allowed: bool
    alerts: list[Alert]
    blocking: list[Alert]
    insurance_only: bool = Field(False, description="Only insurance rules block: a cash fill is allowed.")
    checks: list[Check] = Field(default_factory=list, description="every rule in order, with what it found")

    @property
    def next_step(self) -> NextStep:
        return self.blocking[0].next_step if self.blocking else NextStep.NONE


def evaluate(case: RefillCase) -> Decision:
    """All alerts for a refill. Eligibility stops at its first failure; review and coverage all run.
    `checks` records every rule in order (pass / fail / warn / not reached) with the facts it used."""
    checks: list[Check] = []
    failed: Alert | None = None
    found: list[Alert] = []
    for r in RULES:
        reached = failed is None
        got = r.alerts(case) if reached else []
        if r.stage == "eligibility":
            failed = got[0] if got else failed
        else:
            found.extend(got)
        outcome = "not_reached" if not reached else ("fail" if any(a.blocking for a in got) else "warn" if got else "pass")
        checks.append(Check(rule=r.name, title=r.title, stage=r.stage, outcome=outcome, facts=r.facts(case),
                            alerts=[a.code for a in got]))
    if failed is not None:
        return Decision(allowed=False, alerts=[failed], blocking=[failed], checks=checks)
    blocking = [a for a in found if a.blocking]
    insurance_only = bool(blocking) and all(a.code in INSURANCE_ONLY for a in blocking)
    # Sort blocking alerts so the clinical ones (pharmacist) come before insurance ones.
    blocking.sort(key=lambda a: a.code in INSURANCE_ONLY)
    return Decision(allowed=not blocking, alerts=found, blocking=blocking, insurance_only=insurance_only,
                    checks=checks)


# ----------------------------------------------------------------------------- dose check
def check_stated_dose(prescribed: Product, prescribed_frequency: str, stated_strength: str | None,
                      stated_frequency: str | None, stated_count: float | None = None,
                      directions: str = "") -> tuple[str, str, dict]:
    """Compare what the patient says they take with the prescription: (verdict, reason, facts), the
    facts saying which part differs ('strength', 'frequency' or 'count'), what was said and prescribed.

    consistent: everything stated matches (saying nothing about a part is fine: the user was
    shown the prescription and confirmed it). mismatch: a stated strength, frequency or count of
    tablets per dose differs. unclear: a stated strength could not be read.
    """
    # "90 mcg/actuation" compares as 90 mcg: the per-actuation (per-mL, per-spray) part is the form.
    rx_strength = parse_strength(prescribed.strength_label) or Strength(prescribed.strength_value,
                                                                        prescribed.strength_unit)
    if stated_strength:
        s = parse_strength(stated_strength)
        if s is None:
            return "unclear", f"I could not read the strength '{stated_strength}'.", {}
        if not same_strength(s, rx_strength):
            return "mismatch", f"You said {s}, but the prescription is for {prescribed.strength_label}.", {
                "part": "strength", "stated": str(s), "prescribed": prescribed.strength_label}
    if stated_frequency:
        said, rx = doses_per_day(stated_frequency), doses_per_day(prescribed_frequency)
        # "as needed" (0/day) is compatible with any as-needed prescription.
        if said is not None and rx is not None and said != 0 and abs(said - rx) > 1e-6:
            return "mismatch", f"You said {stated_frequency}, but the directions are {prescribed_frequency}.", {
                "part": "frequency", "stated": stated_frequency, "prescribed": prescribed_frequency}
    per_dose = units_per_dose(directions)
    if stated_count is not None and per_dose is not None and abs(stated_count - per_dose) > 1e-6:
        return "mismatch", f"You said {stated_count:g} per dose, but the directions say {per_dose:g}.", {
            "part": "count", "stated": f"{stated_count:g}", "prescribed": f"{per_dose:g}"}
    return "consistent", "Matches the prescription.", {}
