"""Every write the conversation can make, and the consent each one needs.

A write (an order, a cancellation, a request to a human, its withdrawal) happens in exactly one way: a summary is shown and recorded
as the conversation's PendingWrite, with a digest of the facts it shows; then a later message
that the consent gate (programs/consent.py) reads as an unconditional yes to that summary
carries it out, if the same facts would still be written (same digest). Anything else writes
nothing. The idempotency key is derived from the digest, so a repeated yes writes once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from programs import consent
from rxflow.domain import Offer
from rxflow.flow import replies
from rxflow.flow.context import PendingWrite
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.turn import TurnWork
from rxflow.guard import safe_echo
from rxflow.tools.orders import OrderReceipt
from rxflow.tools.requests import PATIENT_REQUEST, RequestLine


def _digest(**facts) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------- orders
def order_summary(w: TurnWork, o: Offer) -> tuple[str, str]:
    """The summary an order is confirmed against, and the digest of what it would write."""
    s = w.conv.slots
    m = w.med(s.rx_id)
    text = replies.say(w.lang, "summary", medication=s.medication, strength=s.strength, form=m.dose_form,
                       what=replies.say(w.lang, "what.brand" if o.dispense_brand else "what.generic"),
                       quantity=s.quantity, days=s.days_supply, sig=m.sig, pharmacy=o.pharmacy_name,
                       km=f"{o.distance_km:.1f}", price=replies.money(o.price, w.lang),
                       price_type=replies.price_type(o.price_type, w.lang), wait=o.wait_minutes)
    digest = _digest(kind="order", rx=s.rx_id, pharmacy=o.pharmacy_id, price=o.price, price_type=o.price_type,
                     quantity=s.quantity, brand=o.dispense_brand, cash=w.conv.pay_cash)
    return text, digest


def show_order(w: TurnWork, offer: Offer) -> None:
    text, digest = order_summary(w, offer)
    s = w.conv.slots
    form, what = w.med(s.rx_id).dose_form, "what.brand" if offer.dispense_brand else "what.generic"
    # The words of the summary a yes may repeat ("yes, the generic at Costco"), as shown and in English.
    facts = f"{s.medication} {s.strength} {form} {replies.world(form, w.lang)} {replies.say('en', what)} " \
            f"{replies.say(w.lang, what)} {offer.pharmacy_name} {offer.chain}"
    w.conv.pending = PendingWrite(kind="order", digest=digest, summary=text, facts=facts, rx_id=s.rx_id,
                                  pharmacy_id=offer.pharmacy_id, pay_cash=w.conv.pay_cash)
    w.line(text + "\n" + replies.say(w.lang, "summary_question"))


def pending_offer(w: TurnWork) -> Offer | None:
    p = w.conv.pending
    return next((o for o in w.conv.offers if p and p.kind == "order" and o.pharmacy_id == p.pharmacy_id), None)


def consented(w: TurnWork) -> bool:
    """The gate: is this message an unconditional yes to the summary last shown?"""
    p = w.conv.pending
    return p is not None and consent.agrees(w.message, p.facts, p.kind)


@dataclass
class Written:
    """What became of a yes to an order summary."""

    outcome: Literal["placed", "changed", "failed"]
    offer: Offer | None = None
    receipt: OrderReceipt | None = None
    error: str = ""


def submit_pending_order(w: TurnWork) -> Written:
    """The patient said yes to the pending order: write it, if it still says what was shown."""
    conv, p = w.conv, w.conv.pending
    fresh = w.call("price_lookup", rx_id=p.rx_id, pharmacy_id=p.pharmacy_id, pay_cash=p.pay_cash)
    offer = fresh.output.quotes[0] if fresh.ok and fresh.output.quotes else None
    if offer is None or order_summary(w, offer)[1] != p.digest:
        # What would be written is not what was shown (a price or stock changed): nothing is written.
        conv.pending = None
        return Written("changed", offer=offer)
    r = w.call("submit_order", rx_id=p.rx_id, pharmacy_id=p.pharmacy_id, confirmed=True,
               idempotency_key=f"{conv.write_token}:{p.digest}", pay_cash=p.pay_cash)
    conv.pending = None
    if not r.ok:
        return Written("failed", error=failure(r.error), offer=offer)
    w.order = r.data
    if r.output.created:
        conv.orders.append(r.output.order.order_id)
    conv.chosen_pharmacies.append((r.output.medication, r.output.order.pharmacy_id))
    return Written("placed", offer=offer, receipt=r.output)


def failure(error: dict) -> str:
    """Why submit_order refused, as a catalogue key (the reply is said in the patient's language)."""
    if "out_of_stock" in error.get("alerts", []):
        return "stock"
    if error["code"] == "refused":
        return "policy"
    return "in_progress" if error["code"] == "conflict" and "in progress" in error["message"] else "other"


# ----------------------------------------------------------------------------- cancellations
def order_error(w: TurnWork, r, order_id: str) -> None:
    code = r.error["code"]
    if code == "forbidden":
        w.say("order_not_yours", order_id=safe_echo(order_id, 20))
    elif code in ("not_found", "bad_input"):
        w.say("order_not_found", order_id=safe_echo(order_id, 20))
    else:
        w.say("order_other_error", order_id=safe_echo(order_id, 20))


def request_cancel(w: TurnWork, order_id: str) -> None:
    """Show the order and ask: cancelling is a write, it needs its own yes."""
    r = w.call("track_order", order_id=order_id)
    if not r.ok:
        order_error(w, r, order_id)
        return w.go(T.INFO)
    o = r.output
    if o.order.status in ("picked_up", "cancelled"):
        w.say("cant_cancel", status=replies.order_status(o.order, w.lang))
        return w.go(T.INFO)
    text = replies.say(w.lang, "cancel_ask", order_id=o.order.order_id, medication=o.medication, strength=o.strength,
                       pharmacy=o.pharmacy_name, status=replies.say(w.lang, f"order_word.{o.order.status}"))
    w.conv.pending = PendingWrite(kind="cancel", summary=text, order_id=o.order.order_id,
                                  facts=f"{o.order.order_id} {o.medication} {o.strength} {o.pharmacy_name}",
                                  digest=_digest(kind="cancel", order=o.order.order_id, status=o.order.status))
    w.line(text)
    w.go(T.CANCEL_REQUESTED)


def cancel(w: TurnWork) -> None:
    """The patient said yes to "cancel this order?": cancel it, if it is still as it was shown."""
    w.intent = "confirm"
    conv, p = w.conv, w.conv.pending
    now = w.call("track_order", order_id=p.order_id)
    if not now.ok or _digest(kind="cancel", order=p.order_id, status=now.output.order.status) != p.digest:
        conv.pending = None
        if now.ok:
            w.say("cant_cancel", status=replies.order_status(now.output.order, w.lang))
        else:
            order_error(w, now, p.order_id)
        return w.go(T.CANCEL_CONFIRMED)
    r = w.call("cancel_order", order_id=p.order_id)
    if r.ok:
        w.say("cancel_done", order_id=r.output.order.order_id)
        w.outcome = "order_cancelled"
        conv.outcomes.append({"status": "order_cancelled", "order_id": p.order_id})
    else:
        order_error(w, r, p.order_id)
    conv.pending = None
    w.go(T.CANCEL_CONFIRMED)


def on_confirm_cancel(w: TurnWork, ext) -> None:
    """At "cancel this order?", anything but a yes: a no keeps it; anything else asks again."""
    conv = w.conv
    order_id = conv.pending.order_id if conv.pending else ""
    if ext.intent in ("deny", "leave"):
        conv.pending = None
        w.say("cancel_kept", order_id=order_id)
        return w.go(T.CANCEL_DECLINED)
    w.say("cancel_unclear", order_id=order_id)
    w.go(T.CANCEL_UNCLEAR)


# ----------------------------------------------------------------------------- requests to a human
# The words a yes to a request may use for whom it goes to ("yes, send it to my doctor").
_RECIPIENT_WORDS = {
    "renewal": "doctor prescriber renewal medico medica doctora renovacion receta",
    "prior_auth": "doctor prescriber plan prior authorization medico medica doctora autorizacion previa",
    "pharmacist_callback": "pharmacist call callback farmaceutico llamada llame",
}


def request_to(w: TurnWork, kind: str, prescriber: str, practice: str, phone: str, plan: str | None,
               callback: str | None) -> str:
    """Who a request goes to, in words, from the tools' facts."""
    return replies.say(w.lang, f"request_to.{kind}", prescriber=prescriber, practice=practice, phone=phone,
                       plan=plan or "", callback=callback or "")


def request_summary(w: TurnWork, rx_id: str, kind: str, reason: str) -> tuple[str, str, str]:
    """The summary a request is confirmed against, the digest of what it would send, and the words a
    yes may restate. Every fact comes from the tools: the prescription and its prescriber
    (patient_history), the plan and its turnaround (prior_auth_lookup), the patient's phone."""
    m = w.med(rx_id)
    plan, days, callback = None, None, None
    if kind == "prior_auth":
        pa = w.call("prior_auth_lookup", rx_id=rx_id).output
        plan, days = pa.plan, pa.turnaround_days
    if kind == "pharmacist_callback":
        callback = w.history().phone
    if reason == PATIENT_REQUEST:
        why = replies.say(w.lang, "why.patient_request")
    else:
        alert = next((a for a in m.refill.alerts if a.code == reason), None) or next(
            (a for a in reversed(w.conv.alerts) if a.rx_id == rx_id and a.code == reason), None)
        why = replies.why(alert, w.lang) if alert else reason
    note = "" if kind == "prior_auth" and not days else replies.say(
        w.lang, f"request_note.{kind}", plan=plan or "", days=days or "", prescriber=m.prescriber)
    text = replies.say(w.lang, "request_summary", what=replies.say(w.lang, f"request_what.{kind}"), medication=m.name,
                       strength=m.strength, why=why, note=note,
                       to=request_to(w, kind, m.prescriber, m.prescriber_practice, m.prescriber_phone, plan, callback))
    digest = _digest(kind="request", rx=rx_id, request=kind, reason=reason, prescriber=m.prescriber,
                     practice=m.prescriber_practice, phone=m.prescriber_phone, plan=plan, days=days, callback=callback)
    facts = f"{m.name} {m.strength} {m.prescriber} {m.prescriber_practice} {plan or ''} {_RECIPIENT_WORDS[kind]}"
    return text, digest, facts


def show_request(w: TurnWork, rx_id: str, kind: str, reason: str) -> None:
    """Show exactly what would be sent, and wait for its own yes."""
    text, digest, facts = request_summary(w, rx_id, kind, reason)
    w.conv.pending = PendingWrite(kind="request", digest=digest, summary=text, facts=facts, rx_id=rx_id,
                                  request_kind=kind, reason=reason)
    w.line(text + "\n" + replies.say(w.lang, "request_question"))
    w.go(T.REQUEST_ASKED)


def say_request_exists(w: TurnWork, line: RequestLine) -> None:
    r = line.request
    w.say("request_exists", request_id=r.request_id, what=replies.say(w.lang, f"request_what.{r.kind}"),
          medication=line.medication, date=replies.date(r.created_at.date(), w.lang))


def send_request(w: TurnWork) -> None:
    """The patient said yes to the pending request: send it, if it still says what was shown."""
    w.intent = "confirm"
    conv, p = w.conv, w.conv.pending
    conv.pending = None
    if all(m.rx_id != p.rx_id for m in w.history().medications):
        w.say("request_failed")
        return w.go(T.REQUEST_DECLINED)
    if request_summary(w, p.rx_id, p.request_kind, p.reason)[1] != p.digest:
        # What would be sent is not what was shown (a prescriber or plan changed): show it again.
        w.say("request_changed")
        return show_request(w, p.rx_id, p.request_kind, p.reason)
    r = w.call("create_request", rx_id=p.rx_id, kind=p.request_kind, reason=p.reason, confirmed=True,
               idempotency_key=f"{conv.write_token}:{p.digest}")
    if not r.ok:
        sent = r.error.get("request_id") if r.error["code"] == "conflict" else None
        found = w.call("list_requests", request_id=sent) if sent else None
        if found is not None and found.ok:
            say_request_exists(w, found.output.requests[0])
        else:
            w.say("request_failed")
        return w.go(T.REQUEST_DECLINED)
    d, q = r.output, r.output.request
    w.say("request_sent", request_id=q.request_id, what=replies.say(w.lang, f"request_what.{q.kind}"),
          medication=d.medication, to=request_to(w, q.kind, d.prescriber, d.practice, d.prescriber_phone, d.plan,
                                                  d.callback_phone))
    w.add(replies.say(w.lang, "request_follow", request_id=q.request_id))
    if d.created:
        conv.requests.append(q.request_id)
    w.outcome = "request_sent"
    w.go(T.REQUEST_DONE)


def request_error(w: TurnWork, r, request_id: str) -> None:
    code = r.error["code"]
    key = {"forbidden": "request_not_yours", "not_found": "request_not_found", "bad_input": "request_not_found"}
    w.say(key.get(code, "request_other_error"), request_id=safe_echo(request_id, 20))


def leave_request_state(w: TurnWork) -> None:
    """Back to an idle state from wherever a request was asked about (nothing written)."""
    if w.conv.state == State.CONFIRM_REQUEST:
        w.conv.pending = None
        w.go(T.REQUEST_DECLINED)
    elif w.conv.state != State.START:
        w.go(T.INFO)


def request_withdrawal(w: TurnWork, request_id: str) -> None:
    """Show the request and ask: withdrawing is a write, it needs its own yes."""
    r = w.call("list_requests", request_id=request_id)
    if not r.ok:
        request_error(w, r, request_id)
        return leave_request_state(w)
    d = r.output.requests[0]
    q = d.request
    if q.status != "sent":
        w.say("request_already_withdrawn", request_id=q.request_id)
        return leave_request_state(w)
    text = replies.say(w.lang, "withdraw_ask", request_id=q.request_id, medication=d.medication,
                       what=replies.say(w.lang, f"request_what.{q.kind}"),
                       to=request_to(w, q.kind, d.prescriber, d.practice, d.prescriber_phone, d.plan, d.callback_phone))
    w.conv.pending = PendingWrite(kind="withdraw", summary=text, request_id=q.request_id, rx_id=q.rx_id,
                                  request_kind=q.kind, facts=f"{q.request_id} {d.medication} {d.prescriber}",
                                  digest=_digest(kind="withdraw", request=q.request_id, status=q.status))
    w.line(text)
    w.go(T.WITHDRAW_ASKED)


def withdraw_request(w: TurnWork) -> None:
    """The patient said yes to "withdraw this request?": withdraw it, if it is still as it was shown."""
    w.intent = "confirm"
    conv, p = w.conv, w.conv.pending
    conv.pending = None
    now = w.call("list_requests", request_id=p.request_id)
    if not now.ok or _digest(kind="withdraw", request=p.request_id, status=now.output.requests[0].request.status) \
            != p.digest:
        if now.ok:
            w.say("request_already_withdrawn", request_id=p.request_id)
        else:
            request_error(w, now, p.request_id)
        return w.go(T.REQUEST_DECLINED)
    r = w.call("withdraw_request", request_id=p.request_id)
    if r.ok:
        w.say("request_withdrawn", request_id=r.output.request.request_id)
        w.outcome = "request_withdrawn"
    else:
        request_error(w, r, p.request_id)
    w.go(T.REQUEST_DONE)


WRITE_STATES = (State.CONFIRM_ORDER, State.CONFIRM_CANCEL, State.CONFIRM_REQUEST)
