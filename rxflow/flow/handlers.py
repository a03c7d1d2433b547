"""One turn of the conversation: the consent gate, then the dialogue acts, then the state's handler.

    run(w)   1. a pending write (an order, a cancellation, a request to a human or its withdrawal) and an
                unconditional yes to it (programs/consent.py) -> carry it out
             2. read the message (the Understand module: intent, topic, mentions, and the language
                to answer in from now on)
             3. a dialogue act (rxflow/flow/acts.py) takes it, in any state
             4. otherwise the handler of the current state (HANDLERS) answers it
"""

from __future__ import annotations

from collections.abc import Callable

from rxflow.flow import acts, referrals, refill, replies, writes
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.turn import TurnWork


def run(w: TurnWork) -> None:
    conv = w.conv
    if conv.state in writes.WRITE_STATES and writes.consented(w):
        return WRITERS[conv.pending.kind](w)
    ext = w.programs.understand(message=w.message, history=conv.history_text(), asks=ASKS[conv.state],
                                medications=w.med_options(), offers=w.offer_options() if conv.offers else [],
                                language=conv.lang)
    w.intent, w.topic = ext.intent, ext.topic
    switched = ext.reply_language != conv.lang
    conv.lang = ext.reply_language
    if switched and ext.intent in ("other", "help") and not ext.mentions:
        return acts.language_switched(w)  # "in English please": nothing else asked
    if conv.order_choice and conv.state == State.START and acts.choose_order_to_cancel(w, ext):
        return
    if acts.take(w, ext):
        return
    HANDLERS[conv.state](w, ext)


def on_idle(w: TurnWork, ext) -> None:
    """START, COMPLETE, the refusal states and IDENTIFY_MEDICATION: a new request."""
    if ext.mentions or ext.intent == "refill" or w.conv.state == State.IDENTIFY_MEDICATION:
        return refill.start_refill(w, list(ext.mentions))
    example = acts.example(w)
    if ext.intent == "greeting":
        w.say("greeting", first=w.ctx.patient.first_name)
        w.add(replies.say(w.lang, "help_idle", example=example))
    else:
        w.say("help_idle", example=example)
    w.go(T.INFO)


# What a yes to each kind of pending write carries out.
WRITERS: dict[str, Callable[[TurnWork], None]] = {
    "order": refill.on_yes, "cancel": writes.cancel, "request": writes.send_request, "withdraw": writes.withdraw_request,
}

HANDLERS: dict[State, Callable[[TurnWork, object], None]] = {
    State.START: on_idle,
    State.COMPLETE: on_idle,
    State.REFER_PRESCRIBER: on_idle,
    State.REFER_PHARMACIST: on_idle,
    State.NOT_ELIGIBLE: on_idle,
    State.ESCALATE_PA: on_idle,
    State.ERROR: on_idle,
    State.IDENTIFY_MEDICATION: on_idle,
    State.CLARIFY_MEDICATION: refill.on_clarify,
    State.CONFIRM_DOSAGE: refill.on_dosage,
    State.SELECT_PHARMACY: refill.on_select,
    State.CONFIRM_ORDER: refill.on_confirm,
    State.CONFIRM_CANCEL: writes.on_confirm_cancel,
    State.CONFIRM_REQUEST: referrals.on_confirm,
    # CHECK_AUTHORIZATION is passed through within a turn; a session never rests there.
}


# What each state just asked the patient, as the reader is told it (temporary: the flow rewrite replaces it).
ASKS: dict[State, str] = {
    State.START: "nothing", State.COMPLETE: "nothing", State.REFER_PRESCRIBER: "nothing",
    State.REFER_PHARMACIST: "nothing", State.NOT_ELIGIBLE: "nothing", State.ERROR: "nothing",
    State.CHECK_AUTHORIZATION: "nothing", State.ESCALATE_PA: "pay_cash", State.IDENTIFY_MEDICATION: "which_medication",
    State.CLARIFY_MEDICATION: "which_of_several", State.CONFIRM_DOSAGE: "dose", State.SELECT_PHARMACY: "pharmacy",
    State.CONFIRM_ORDER: "order_yes", State.CONFIRM_CANCEL: "cancel_yes", State.CONFIRM_REQUEST: "request_yes",
}
