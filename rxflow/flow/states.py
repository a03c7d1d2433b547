"""The conversation's states."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    START = "START"
    IDENTIFY_MEDICATION = "IDENTIFY_MEDICATION"
    CLARIFY_MEDICATION = "CLARIFY_MEDICATION"
    CONFIRM_DOSAGE = "CONFIRM_DOSAGE"
    CHECK_AUTHORIZATION = "CHECK_AUTHORIZATION"
    SELECT_PHARMACY = "SELECT_PHARMACY"
    CONFIRM_ORDER = "CONFIRM_ORDER"
    ESCALATE_PA = "ESCALATE_PA"
    REFER_PRESCRIBER = "REFER_PRESCRIBER"
    REFER_PHARMACIST = "REFER_PHARMACIST"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    CHOOSE_ORDER = "CHOOSE_ORDER"
    CONFIRM_CANCEL = "CONFIRM_CANCEL"
    CONFIRM_REQUEST = "CONFIRM_REQUEST"
    CONFIRM_SETTING = "CONFIRM_SETTING"
    COLLECT_TRANSFER = "COLLECT_TRANSFER"
    COMPLETE = "COMPLETE"
    ERROR = "ERROR"


# States where a refill is not in flight: any new request may start here.
IDLE = (State.START, State.COMPLETE, State.REFER_PRESCRIBER, State.REFER_PHARMACIST, State.NOT_ELIGIBLE,
        State.ESCALATE_PA, State.ERROR)
# States whose outcome ends one medication's refill: the next queued medication may start.
ENDS_A_REFILL = (State.COMPLETE, State.REFER_PRESCRIBER, State.REFER_PHARMACIST, State.NOT_ELIGIBLE,
                 State.ESCALATE_PA)
# States where a refill (or a cancellation, a request to a human) is in flight: leaving abandons it.
MID_FLOW = (State.IDENTIFY_MEDICATION, State.CLARIFY_MEDICATION, State.CONFIRM_DOSAGE, State.SELECT_PHARMACY,
            State.CONFIRM_ORDER, State.CONFIRM_CANCEL, State.CONFIRM_REQUEST, State.CONFIRM_SETTING,
            State.COLLECT_TRANSFER)
