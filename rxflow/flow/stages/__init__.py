"""One stage per resting state. Importing this package registers them all (rxflow/flow/registry.py).

    start.py                START
    identify.py             IDENTIFY_MEDICATION     "which medication?"
    clarify.py              CLARIFY_MEDICATION      "which of these?"
    dosage.py               CONFIRM_DOSAGE          "is that the dose you take?"
    check_authorization.py  CHECK_AUTHORIZATION     the rules (passed through within a turn)
    select_pharmacy.py      SELECT_PHARMACY         "where would you like to pick it up?"
    confirm_order.py        CONFIRM_ORDER           the order's summary: a yes places it
    choose_order.py         CHOOSE_ORDER            "which order would you like to cancel?"
    confirm_cancel.py       CONFIRM_CANCEL          "cancel this order?"
    confirm_request.py      CONFIRM_REQUEST         a request to a human (or its withdrawal, a transfer): a yes sends it
    confirm_setting.py      CONFIRM_SETTING         auto-refill, a reminder, texts: a yes changes it
    collect_transfer.py     COLLECT_TRANSFER        a transfer in: "which medication?" / "from which pharmacy?"
    complete.py             COMPLETE
    refusals.py             REFER_PRESCRIBER, REFER_PHARMACIST, NOT_ELIGIBLE, ESCALATE_PA
    error.py                ERROR
"""

from rxflow.flow.registry import STAGES
from rxflow.flow.stages import (  # noqa: F401  (registers the stages)
    check_authorization,
    choose_order,
    clarify,
    collect_transfer,
    complete,
    confirm_cancel,
    confirm_order,
    confirm_request,
    confirm_setting,
    dosage,
    error,
    identify,
    refusals,
    select_pharmacy,
    start,
)
from rxflow.flow.states import State

missing = [s for s in State if s not in STAGES]
if missing:  # every state has its stage: a new state without one fails at import, not mid-conversation
    raise ImportError(f"No stage for {missing}")
