"""Every alert is built here: one rule text per code, its kind, and its usual severity and next step.

The policy, the tools and the flow raise alerts only through `make()`, so a rule is worded
once and the inspector can group alerts by kind (safety, coverage, stock, eligibility).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

from rxflow.domain import Alert, AlertCode, NextStep, Severity

AlertKind = Literal["safety", "coverage", "stock", "eligibility"]
ALERT_KINDS: tuple[AlertKind, ...] = get_args(AlertKind)  # the order the inspector groups them in
# How each severity shows in a reply and in the inspector.
SEVERITY_ICON: dict[Severity, str] = {Severity.MAJOR: "⛔", Severity.MODERATE: "⚠️", Severity.MINOR: "ℹ️",
                                      Severity.INFO: "ℹ️"}


@dataclass(frozen=True)
class Rule:
    kind: AlertKind
    text: str  # the rule in plain words; {fields} come from the alert's details
    severity: Severity
    blocking: bool
    next_step: NextStep = NextStep.NONE


C, S, N = AlertCode, Severity, NextStep
RULES: dict[AlertCode, Rule] = {
    C.DISCONTINUED: Rule("eligibility", "Only active prescriptions can be refilled.", S.MAJOR, True,
                         N.NEW_PRESCRIPTION),
    C.EXPIRED: Rule("eligibility", "Prescriptions expire one year after the date written.", S.MAJOR, True,
                    N.RENEWAL_REQUEST),
    C.NO_REFILLS: Rule("eligibility", "A refill needs a refill remaining.", S.MAJOR, True, N.RENEWAL_REQUEST),
    C.ORDER_IN_PROGRESS: Rule("eligibility", "A prescription is filled once at a time.", S.INFO, True),
    C.REFILL_TOO_SOON: Rule("eligibility", "A refill is due once {threshold:.0%} of the last fill's days supply "
                                           "has passed.", S.MODERATE, True, N.WAIT),
    C.CONTROLLED_C2: Rule("eligibility", "Schedule II controlled substances cannot be refilled (21 CFR 1306.12).",
                          S.MAJOR, True, N.NEW_PRESCRIPTION),
    C.CONTROLLED_LIMIT: Rule("eligibility", "Schedule III-IV prescriptions allow at most 5 refills, none more than "
                                            "6 months after they were written (21 CFR 1306.22).", S.MAJOR, True,
                             N.NEW_PRESCRIPTION),
    # Raised by auto_refill_plan only: a refill of any controlled substance is asked for each time.
    C.CONTROLLED_SUBSTANCE: Rule("eligibility", "Controlled substances are not refilled automatically: each refill "
                                                "is asked for.", S.MODERATE, True),
    C.RENEWAL_NEEDED: Rule("eligibility", "When the last refill is used, the prescriber must renew the prescription.",
                           S.INFO, False, N.RENEWAL_REQUEST),
    C.DRUG_ALLERGY: Rule("safety", "A drug the patient is allergic to, or one that cross-reacts, needs a pharmacist.",
                         S.MAJOR, True, N.PHARMACIST),
    C.DRUG_INTERACTION: Rule("safety", "Each refill is checked against all of the patient's active medications.",
                             S.MAJOR, True, N.PHARMACIST),
    C.DUPLICATE_THERAPY: Rule("safety", "Two active drugs that do the same job are reviewed by a pharmacist.",
                              S.MAJOR, True, N.PHARMACIST),
    C.MAX_DOSE_EXCEEDED: Rule("safety", "A daily dose above the usual maximum goes to a pharmacist.", S.MAJOR, True,
                              N.PHARMACIST),
    C.DOSE_MISMATCH: Rule("safety", "Refill only the prescribed strength and directions; a different dose is "
                                    "confirmed first.", S.MODERATE, True, N.PHARMACIST),
    C.DOSE_CHANGED: Rule("safety", "A dose the prescriber changed is verified with the prescriber before anything "
                                   "is filled.", S.MODERATE, True, N.PHARMACIST),
    C.PRIOR_AUTH_REQUIRED: Rule("coverage", "The plan pays only after it approves a prior-authorization request.",
                                S.MODERATE, True, N.PRIOR_AUTH),
    C.STEP_THERAPY: Rule("coverage", "Step therapy: the plan requires a first-line drug to be tried first.",
                         S.MODERATE, True, N.PRIOR_AUTH),
    C.QUANTITY_LIMIT: Rule("coverage", "The plan covers a limited quantity per 30 days.", S.MODERATE, True,
                           N.PRIOR_AUTH),
    C.NON_FORMULARY: Rule("coverage", "Drugs off the plan's formulary are not covered.", S.MODERATE, False,
                          N.PAY_CASH),
    C.OUT_OF_STOCK: Rule("stock", "Only pharmacies with enough stock are offered.", S.INFO, False),
}


def kind_of(code: AlertCode | str) -> AlertKind:
    return RULES[AlertCode(code)].kind


def make(code: AlertCode, reason: str, *, rx_id: str | None = None, severity: Severity | None = None,
         blocking: bool | None = None, next_step: NextStep | None = None, **details: Any) -> Alert:
    """An alert with its rule's text; severity, blocking and next step default to the rule's."""
    rule = RULES[code]
    severity = rule.severity if severity is None else severity
    if blocking is None:
        # Review rules block at major severity only; the others block as their rule says.
        blocking = (severity == S.MAJOR) if rule.kind == "safety" and code not in (C.DOSE_MISMATCH, C.DOSE_CHANGED) \
            else rule.blocking
    if next_step is None:
        next_step = rule.next_step if blocking or rule.kind != "safety" else N.NONE
    return Alert(code=code, severity=severity, blocking=blocking, rule=rule.text.format(**details), reason=reason,
                 next_step=next_step, rx_id=rx_id, details=details)
