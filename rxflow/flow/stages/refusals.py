"""The four ways a refill ends without an order: the rules said no, and said who to turn to next.

    REFER_PRESCRIBER   no refills left, expired, a controlled substance: a renewal or a new prescription
    REFER_PHARMACIST   an allergy, an interaction, a duplicate, a dose to check, no stock
    NOT_ELIGIBLE       too soon, already in progress: wait
    ESCALATE_PA        the plan needs a prior authorization: the prescriber asks, or the patient pays cash
"""

from __future__ import annotations

from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class ReferPrescriber(IdleStage):
    state = State.REFER_PRESCRIBER


@stage
class ReferPharmacist(IdleStage):
    state = State.REFER_PHARMACIST


@stage
class NotEligible(IdleStage):
    state = State.NOT_ELIGIBLE


@stage
class EscalatePriorAuth(IdleStage):
    state = State.ESCALATE_PA
    asks = "pay_cash"  # "pay cash" was just offered
