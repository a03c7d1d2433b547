"""Dialogue acts: what a patient can say in every state, handled before the stage's own reading.

Leave, start over, skip, help, switch medication, track or cancel an order, ask for a request to a
human (and follow or withdraw it), pay cash, and questions about the item in play. The acts know no
state: what each one means where the conversation rests is the current stage's hook (reprompt,
leave, abandon, set_aside, help), reached through the registry. A question is answered from the
tools without losing the place: the stage asks its question again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import answers, fulfilment, orders, referrals, refilling, services, transfers
from rxflow.flow.transitions import Trigger as T

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def take(w: TurnWork, ext) -> bool:
    """Handle the message if it is a dialogue act; False leaves it to the stage."""
    conv, intent, here = w.conv, ext.intent, w.stage
    if intent == "start_over":
        here.abandon(w)
        w.say("start_over")
        w.stage.settle(w)
        return True
    if intent in ("leave", "skip"):
        here.leave(w, skip=intent == "skip")
        return True
    if intent == "help":
        here.help(w)
        return True
    if intent in ("request_help", "withdraw_request"):
        rx_id = answers.subject_rx(w, ext)  # the prescription in play, before it is set aside
        here.set_aside(w, "request")
        if intent == "request_help":
            referrals.ask(w, ext, rx_id)
        else:
            referrals.withdraw(w, ext)
        return True
    if intent == "track_request":
        referrals.track(w, ext)
        return reprompt(w)
    if intent == "cancel_order":
        here.set_aside(w, "cancel")
        orders.cancel_order(w, ext)
        return True
    if intent == "track_order":
        orders.track(w, ext)
        return reprompt(w)
    if intent == "list_medications":
        w.line(refilling.med_list(w))
        return reprompt(w)
    if intent == "pay_cash" and conv.cash_rx and not here.mid_flow:
        refilling.set_current(w, conv.cash_rx)
        conv.pay_cash, conv.cash_rx = True, None
        w.say("cash_ok", medication=conv.slots.medication)  # what "pay cash" was taken to mean, said back
        refilling.offer_pharmacies(w, T.PAY_CASH)
        return True
    # Naming another of the patient's medications mid-flow switches to it: "actually my atorvastatin first",
    # and "what about my simvastatin" at the dose question (a question about nothing but that medication).
    if ext.mentions and here.switchable and not conv.basket and \
            (intent == "refill" or (intent == "question" and ext.topic in SWITCH_TOPICS)):
        groups = refilling.resolve_mentions(w, ext.mentions)
        groups = [g for g in groups if g[0] != [conv.slots.rx_id]]
        if groups:
            if conv.slots.rx_id:
                w.end_refill("abandoned")
            if intent == "refill":
                refilling.volunteered(w, ext)
            refilling.switch_to(w, groups)
            return True
    if ext.fulfilment != "none" and here.choosing and not ext.mentions:
        if ext.pharmacy:  # "costco, delivered": the stage reads the pharmacy, delivered
            conv.delivery = ext.fulfilment == "delivery"
            return False
        fulfilment.change(w, ext.fulfilment)
        return True
    if ext.fulfilment == "delivery" and not here.mid_flow and intent == "change" and conv.focus \
            and conv.focus.kind == "ordered":
        w.say("delivery_after_order", order_id=conv.focus.order_id)
        return reprompt(w)
    if ext.rx_number and not ext.mentions and here.switchable and intent == "refill":
        return switch_by_number(w, ext.rx_number)
    if intent == "question" and ext.topic in services.SETTINGS:
        services.take(w, ext)
        return True
    if intent == "question" and ext.topic == "transfer":
        transfers.ask(w, ext)
        return True
    if intent in ("question", "ask_price") and ext.topic != "none":
        return answers.answer(w, ext) and reprompt(w)
    return False


def switch_by_number(w: TurnWork, number: str) -> bool:
    """"actually rx 1003" mid-flow: that prescription instead (one not on the record is said, the place kept)."""
    conv = w.conv
    own = refilling.own_numbered(w, number)
    if own is None:
        return reprompt(w)
    if own.rx_id == conv.slots.rx_id:
        return reprompt(w)
    if conv.slots.rx_id:
        w.end_refill("abandoned")
    refilling.switch_to(w, [([own.rx_id], None)])
    return True


# A question that only names another medication ("what about my simvastatin?"; at the dose question the
# reader calls any question a dose question) moves to that medication.
SWITCH_TOPICS = ("none", "dose")


def reprompt(w: TurnWork) -> bool:
    """After an answer: the stage asks its pending question again (at rest: back to START)."""
    w.stage.reprompt(w)
    return True


def language_switched(w: TurnWork) -> None:
    """The patient asked for the other language: say so in it, and show the pending question again
    (a summary is shown again in the new language, and the yes binds to that one)."""
    w.say("language_switched")
    w.stage.reshow(w)
