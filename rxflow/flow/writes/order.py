"""Placing an order: the summary of exactly what would be dispensed where and at what price."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import Offer
from rxflow.flow import delivery, refilling, replies
from rxflow.flow.pending import Focus, PendingOrder
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork



def order_summary(w: TurnWork, o: Offer, deliver: bool = False) -> tuple[str, str]:
    """The summary an order is confirmed against, and the digest of what it would write. `deliver`: to the
    address on file (delivery_quote says when, for what fee), else picked up when ready."""
    s = w.conv.slots
    m = w.med(s.rx_id)
    q = delivery.quote(w, s.rx_id, o.pharmacy_id) if deliver else None
    how = delivery.line(w, q) if q is not None else replies.say(
        w.lang, "summary_ready", when=replies.when(o.ready_at, w.ctx.clock, w.lang) if o.ready_at else "")
    text = replies.say(w.lang, "summary", medication=w.named(s.medication), strength=s.strength, form=m.dose_form,
                       what=replies.say(w.lang, "what.brand" if o.dispense_brand else "what.generic"),
                       quantity=s.quantity, days=s.days_supply, sig=m.sig, pharmacy=o.pharmacy_name,
                       km=f"{o.distance_km:.1f}", price=replies.money(o.price, w.lang),
                       price_type=replies.price_type(o.price_type, w.lang), how=how)
    key = digest(kind="order", rx=s.rx_id, pharmacy=o.pharmacy_id, price=o.price, price_type=o.price_type,
                 quantity=s.quantity, brand=o.dispense_brand, cash=w.conv.pay_cash,
                 delivery=(q.method, q.fee, q.address, q.arrives_from, q.arrives_until) if q else None)
    return text, key


def propose_order(w: TurnWork, offer: Offer, changed: bool = False) -> None:
    """Show the order at `offer` and wait for its yes (a new summary replaces any earlier one)."""
    conv, s = w.conv, w.conv.slots
    s.pharmacy_id = conv.focus_pharmacy = offer.pharmacy_id
    if changed:
        w.say("summary_changed")
    deliver = conv.delivery and delivery.delivers(offer)
    text, key = order_summary(w, offer, deliver)
    form, what = w.med(s.rx_id).dose_form, "what.brand" if offer.dispense_brand else "what.generic"
    # The words of the summary a yes may repeat ("yes, the generic at Costco"), as shown and in English.
    facts = f"{w.named(s.medication)} {s.strength} {form} {replies.world(form, w.lang)} {replies.say('en', what)} " \
            f"{replies.say(w.lang, what)} {offer.pharmacy_name} {offer.chain}"
    pending = PendingOrder(digest=key, summary=text, facts=facts, rx_id=s.rx_id, pharmacy_id=offer.pharmacy_id,
                           pay_cash=conv.pay_cash, delivery=deliver)
    propose(w, pending, T.SUMMARY_CHANGED if conv.state == State.CONFIRM_ORDER else T.PHARMACY_CHOSEN)


def pending_offer(w: TurnWork) -> Offer | None:
    """The offer the pending order summary is for (None when no order summary is pending)."""
    p = w.conv.pending
    return next((o for o in w.conv.offers if p and p.kind == "order" and o.pharmacy_id == p.pharmacy_id), None)


def failure(e: ToolFailed) -> str:
    """Why submit_order refused, by its error code and reason, as a catalogue key (order_failed.*)."""
    if e.reason == "out_of_stock":
        return "stock"
    if e.code == "refused":
        return "policy"
    return "in_progress" if e.reason == "already_in_progress" else "other"


@write
class OrderWrite(Write):
    kind = "order"
    question = "summary_question"

    def recheck(self, w: TurnWork, p: PendingOrder) -> Recheck:
        try:
            quotes = w.tools.price_lookup(rx_id=p.rx_id, pharmacy_id=p.pharmacy_id, pay_cash=p.pay_cash).quotes
        except ToolFailed:
            quotes = []
        offer = quotes[0] if quotes else None
        return Recheck(offer is not None and order_summary(w, offer, p.delivery)[1] == p.digest, offer)

    def changed(self, w: TurnWork, p: PendingOrder, check: Recheck) -> None:
        # A price or stock changed since the summary: nothing is written; show what holds now.
        w.say("summary_refreshed")
        offer = check.now
        if offer is None:
            w.line(replies.offer_lines(w.conv.offers, w.lang))
            return w.go(T.ORDER_REFUSED)
        w.conv.offers = [offer if o.pharmacy_id == offer.pharmacy_id else o for o in w.conv.offers]
        propose_order(w, offer)

    def execute(self, w: TurnWork, p: PendingOrder, check: Recheck):
        return w.tools.submit_order(rx_id=p.rx_id, pharmacy_id=p.pharmacy_id, confirmed=True,
                                    idempotency_key=f"{w.conv.write_token}:{p.digest}", pay_cash=p.pay_cash,
                                    delivery=p.delivery)

    def done(self, w: TurnWork, p: PendingOrder, d) -> None:
        conv, o = w.conv, d.order
        w.order = d.model_dump(mode="json")
        w.placed.append(o.order_id)
        if d.created:
            conv.orders.append(o.order_id)
        conv.focus = Focus(kind="ordered", rx_id=p.rx_id, medication=d.medication, order_id=o.order_id)
        conv.chosen_pharmacies.append((d.medication, o.pharmacy_id))
        w.say("order_placed", order_id=o.order_id, medication=d.medication, strength=d.strength,
              quantity=o.quantity, pharmacy=d.pharmacy_name, price=replies.money(o.price, w.lang),
              price_type=replies.price_type(o.price_type, w.lang))
        if o.fulfilment == "delivery" and o.arrives_from:
            w.add(replies.say(w.lang, "delivered_at", address=o.delivery_address,
                              window=replies.window(o.arrives_from, o.arrives_until, w.ctx.clock, w.lang)))
        elif o.ready_at:
            w.add(replies.say(w.lang, "ready_at", when=replies.when(o.ready_at, w.ctx.clock, w.lang)))
        w.go(T.CONFIRMED)
        refilling.end_and_continue(w, "order_placed")

    def failed(self, w: TurnWork, p: PendingOrder, check: Recheck, e: ToolFailed) -> None:
        why = failure(e)
        w.say("order_failed", why=replies.say(w.lang, f"order_failed.{why}",
                                              pharmacy=check.now.pharmacy_name if check.now else ""))
        w.add("\n" + replies.offer_lines(w.conv.offers, w.lang))
        w.go(T.ORDER_REFUSED)
