"""Pickup or delivery, changed while choosing a pharmacy or at the order summary ("deliver it", "actually
I'll pick it up"): the same pharmacy when it can, else the offers that deliver. A new summary needs its own
yes (the facts of a delivery: rxflow/flow/delivery.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import basket, delivery, replies
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.order import pending_offer, propose_order

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def change(w: TurnWork, fulfilment: str) -> None:
    """"deliver it" / "actually I'll pick it up" while choosing a pharmacy or at the order summary."""
    conv = w.conv
    conv.delivery = fulfilment == "delivery"
    if conv.basket:
        return _basket(w)
    shown = pending_offer(w)
    if shown is not None and (not conv.delivery or delivery.delivers(shown)):
        return propose_order(w, shown, changed=True)  # the same pharmacy, delivered (or picked up)
    if conv.delivery:
        offers = [o for o in (*conv.offers, *conv.others) if delivery.delivers(o)]
        if not offers:
            conv.delivery = False
            w.say("delivery_none")
            w.add("\n" + replies.offer_lines(conv.offers, w.lang))
            return w.go(T.DECLINED) if shown is not None else w.go(T.PHARMACY_UNCLEAR)
        conv.offers = sorted(offers, key=lambda o: o.distance_km)[:3]
        conv.others = [o for o in offers if o not in conv.offers]
        w.say("delivery_offers", pharmacy=shown.pharmacy_name if shown else "")
    else:
        w.say("pickup_offers")
    w.add("\n" + replies.offer_lines(conv.offers, w.lang))
    conv.pending = None
    w.go(T.DECLINED) if shown is not None or w.stage.asks == "order_yes" else w.go(T.PHARMACY_UNCLEAR)


def _basket(w: TurnWork) -> None:
    """Everything due, delivered (or picked up): the pharmacies with it all in stock that deliver."""
    conv = w.conv
    at_summary = conv.pending is not None
    conv.pending = None
    if not basket.offer(w):
        return None  # none has it all: said, and at rest
    w.say("delivery_offers" if conv.delivery else "pickup_offers")
    w.add("\n" + replies.offer_lines(conv.offers, w.lang))
    w.go(T.DECLINED if at_summary else T.PHARMACY_UNCLEAR)
