"""The refill rules, table-driven, with their boundary days."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TODAY

from rxflow import policy
from rxflow.domain import AlertCode, NextStep, Plan

D = dt.date.fromisoformat


def case_for(ctx_for, patient, rx_id, **changes):
    ctx = ctx_for(patient)
    case = ctx.refill_case(ctx.own_prescription(rx_id))
    rx_changes = {k: v for k, v in changes.items() if k in type(case.prescription).model_fields}
    other = {k: v for k, v in changes.items() if k not in rx_changes}
    case = case.model_copy(update={"prescription": case.prescription.model_copy(update=rx_changes), **other})
    return case


def codes(decision):
    return [a.code for a in decision.alerts]


@pytest.mark.parametrize("patient,rx,expected,step", [
    ("P003", "RX3001", AlertCode.REFILL_TOO_SOON, NextStep.WAIT),
    ("P003", "RX3002", AlertCode.NO_REFILLS, NextStep.RENEWAL_REQUEST),
    ("P003", "RX3003", AlertCode.EXPIRED, NextStep.RENEWAL_REQUEST),
    ("P004", "RX4001", AlertCode.CONTROLLED_C2, NextStep.NEW_PRESCRIPTION),
    ("P004", "RX4002", AlertCode.CONTROLLED_LIMIT, NextStep.NEW_PRESCRIPTION),
    ("P005", "RX5001", AlertCode.DRUG_ALLERGY, NextStep.PHARMACIST),
    ("P005", "RX5003", AlertCode.DRUG_INTERACTION, NextStep.PHARMACIST),
    ("P007", "RX7002", AlertCode.DUPLICATE_THERAPY, NextStep.PHARMACIST),
    ("P006", "RX6001", AlertCode.PRIOR_AUTH_REQUIRED, NextStep.PRIOR_AUTH),
    ("P018", "RX1903", AlertCode.DISCONTINUED, NextStep.NEW_PRESCRIPTION),
    ("P022", "RX2403", AlertCode.DISCONTINUED, NextStep.PHARMACIST),  # on hold
    ("P009", "RX9002", AlertCode.ORDER_IN_PROGRESS, NextStep.NONE),
    ("P011", "RX1202", AlertCode.DRUG_INTERACTION, NextStep.PHARMACIST),  # fluoxetine + tramadol
    ("P017", "RX1801", AlertCode.DRUG_INTERACTION, NextStep.PHARMACIST),  # simvastatin + clarithromycin
])
def test_demo_refusals(ctx_for, patient, rx, expected, step):
    d = policy.evaluate(case_for(ctx_for, patient, rx))
    assert not d.allowed and d.blocking[0].code == expected and d.next_step == step


@pytest.mark.parametrize("patient,rx", [
    ("P001", "RX1001"), ("P001", "RX1002"), ("P001", "RX1003"), ("P002", "RX2001"), ("P002", "RX2002"),
    ("P002", "RX2003"), ("P004", "RX4003"), ("P006", "RX6003"), ("P007", "RX7003"), ("P008", "RX8001"),
    ("P008", "RX8002"), ("P008", "RX8003"), ("P005", "RX5004"),
])
def test_demo_refills_allowed(ctx_for, patient, rx):
    d = policy.evaluate(case_for(ctx_for, patient, rx))
    assert d.allowed, [a.code for a in d.blocking]


def test_finished_course_no_longer_interacts(ctx_for):
    # P004's 5-day oxycodone (no refills, supply gone) must not block zolpidem; alprazolam
    # (refills left on paper) still counts: benzodiazepine + hypnotic is moderate, shown.
    d = policy.evaluate(case_for(ctx_for, "P004", "RX4003"))
    assert d.allowed and [a.details["with_drug"] for a in d.alerts if a.code == AlertCode.DRUG_INTERACTION] == ["alprazolam"]
    fresh = case_for(ctx_for, "P004", "RX4003")
    oxy = ctx_for("P004").own_prescription("RX4001")
    assert not policy.is_current(oxy, TODAY) and policy.is_current(oxy, dt.date(2026, 11, 12))
    assert fresh.other_active and all(m.rx_id != "RX4001" for m in fresh.other_active)


def test_moderate_interaction_is_shown_not_blocking(ctx_for):
    d = policy.evaluate(case_for(ctx_for, "P005", "RX5004"))  # lisinopril + meloxicam / ibuprofen
    assert d.allowed and AlertCode.DRUG_INTERACTION in codes(d)
    assert all(a.severity == "moderate" for a in d.alerts if a.code == AlertCode.DRUG_INTERACTION)


def test_last_refill_warns_about_renewal(ctx_for):
    d = policy.evaluate(case_for(ctx_for, "P001", "RX1003"))  # metformin: 1 refill left
    assert d.allowed and codes(d) == [AlertCode.RENEWAL_NEEDED]


def test_non_formulary_is_not_blocking_but_flagged(ctx_for):
    d = policy.evaluate(case_for(ctx_for, "P006", "RX6002"))
    assert d.allowed and AlertCode.NON_FORMULARY in codes(d)
    assert next(a for a in d.alerts if a.code == AlertCode.NON_FORMULARY).next_step == NextStep.PAY_CASH


def test_prior_auth_is_insurance_only(ctx_for):
    d = policy.evaluate(case_for(ctx_for, "P006", "RX6001"))
    assert d.insurance_only and not d.allowed


# --- too soon: day 22 vs 23 of a 30-day fill at 75%; an 80% plan; day 67 vs 68 of 90.
@pytest.mark.parametrize("days_ago,supply,threshold,too_soon", [
    (22, 30, 0.75, True), (23, 30, 0.75, False), (23, 30, 0.80, True), (24, 30, 0.80, False),
    (67, 90, 0.75, True), (68, 90, 0.75, False), (0, 30, 0.75, True),
])
def test_too_soon_boundaries(ctx_for, days_ago, supply, threshold, too_soon):
    plan = Plan(plan_id="X", name="Test plan", kind="commercial", too_soon_threshold=threshold)
    case = case_for(ctx_for, "P001", "RX1001", last_fill_date=TODAY - dt.timedelta(days=days_ago),
                    days_supply=supply, plan=plan)
    assert (policy.check_too_soon(case) is not None) is too_soon


def test_too_soon_states_the_earliest_date(ctx_for):
    a = policy.check_too_soon(case_for(ctx_for, "P003", "RX3001"))
    assert a.details["earliest_date"] == "2026-12-07" and "December 7, 2026" in a.reason


# --- expiry: one year after writing; within 120 days -> renewal, beyond -> new prescription.
@pytest.mark.parametrize("expired_days_ago,expected", [
    (-1, None), (0, None), (1, NextStep.RENEWAL_REQUEST), (119, NextStep.RENEWAL_REQUEST),
    (120, NextStep.RENEWAL_REQUEST), (121, NextStep.NEW_PRESCRIPTION),
])
def test_expiry_boundaries(ctx_for, expired_days_ago, expected):
    expires = TODAY - dt.timedelta(days=expired_days_ago)
    written = expires.replace(year=expires.year - 1)
    a = policy.check_expired(case_for(ctx_for, "P001", "RX1001", date_written=written))
    assert (a.next_step if a else None) == expected


# --- Schedule III/IV: refills end six months after the date written.
@pytest.mark.parametrize("written,blocked", [
    ("2026-05-24", False),  # exactly six months ago today: still allowed on the day
    ("2026-05-23", True), ("2026-06-01", False), ("2026-04-01", True),
])
def test_controlled_six_month_boundary(ctx_for, written, blocked):
    case = case_for(ctx_for, "P004", "RX4003", date_written=D(written))
    assert (policy.check_controlled(case) is not None) is blocked


def test_controlled_five_refill_cap_and_c2(ctx_for):
    case = case_for(ctx_for, "P004", "RX4003", refills_used=5)
    assert policy.check_controlled(case).code == AlertCode.CONTROLLED_LIMIT
    assert policy.check_controlled(case_for(ctx_for, "P004", "RX4001")).code == AlertCode.CONTROLLED_C2
    # Schedule V (pregabalin) has no federal refill cap.
    assert policy.check_controlled(case_for(ctx_for, "P022", "RX2402", refills_used=9)) is None


def test_eligibility_stops_at_first_failure(ctx_for):
    # Expired and out of refills: the expiry rule comes first and alone decides.
    case = case_for(ctx_for, "P003", "RX3003", refills_used=11)
    d = policy.evaluate(case)
    assert codes(d) == [AlertCode.EXPIRED]


def test_max_daily_dose(ctx_for):
    case = case_for(ctx_for, "P008", "RX8002", doses_per_day=13)  # gabapentin 300 mg x 13 = 3900 > 3600
    assert policy.review_max_dose(case)[0].code == AlertCode.MAX_DOSE_EXCEEDED
    assert policy.review_max_dose(case_for(ctx_for, "P008", "RX8002")) == []


def test_step_therapy_and_quantity_limit(ctx_for):
    # P013 (FlexChoice) takes semaglutide: non-formulary there. Move her to Acme: step therapy via metformin.
    store_ctx = ctx_for("P013")
    rx = store_ctx.own_prescription("RX1402")
    case = store_ctx.refill_case(rx)
    acme = store_ctx.store.formulary("PLN-ACME", "semaglutide")
    case = case.model_copy(update={"plan": store_ctx.store.plan("PLN-ACME"), "formulary": acme})
    got = {a.code for a in policy.review_coverage(case)}
    assert {AlertCode.PRIOR_AUTH_REQUIRED, AlertCode.STEP_THERAPY} <= got
    case2 = case.model_copy(update={"step_drugs_taken": ["metformin"]})
    assert AlertCode.STEP_THERAPY not in {a.code for a in policy.review_coverage(case2)}
    tramadol = policy.evaluate(case_for(ctx_for, "P011", "RX1202"))
    assert AlertCode.QUANTITY_LIMIT in codes(tramadol)


@pytest.mark.parametrize("strength,freq,verdict", [
    ("10 mg", "once daily", "consistent"), ("10mg", None, "consistent"), ("20 mg", None, "mismatch"),
    (None, "twice daily", "mismatch"), ("0.01 g", None, "consistent"), ("ten", None, "unclear"),
    (None, None, "consistent"),
])
def test_stated_dose(store, strength, freq, verdict):
    product = store.product("lisinopril-10-mg")
    assert policy.check_stated_dose(product, "once daily", strength, freq)[0] == verdict


def test_the_rules_are_one_ordered_list_and_the_checks_follow_it(ctx_for):
    assert [r.stage for r in policy.RULES] == sorted((r.stage for r in policy.RULES), key=policy.STAGES.index)
    assert len({r.name for r in policy.RULES}) == len(policy.RULES)
    # Too soon (eligibility fails): every later rule is listed, not reached, with its facts.
    d = policy.evaluate(case_for(ctx_for, "P003", "RX3001"))
    assert [(c.rule, c.title, c.stage) for c in d.checks] == [(r.name, r.title, r.stage) for r in policy.RULES]
    by_rule = {c.rule: c for c in d.checks}
    assert by_rule["check_too_soon"].outcome == "fail" and by_rule["check_too_soon"].facts["earliest"] == "2026-12-07"
    assert {c.outcome for c in d.checks[6:]} == {"not_reached"} and by_rule["review_coverage"].facts["plan"]
    # A rule is still called as the function it was written as.
    assert policy.check_too_soon(case_for(ctx_for, "P003", "RX3001")).code == AlertCode.REFILL_TOO_SOON
