"""Delivery instead of pickup: which pharmacies deliver (courier the same or next day, or mail), to the
address on file, for what fee and in which window; all from the tools (the offers' delivery fields,
delivery_quote). The order summary says it, and a change between pickup and delivery is a new summary
that needs its own yes (rxflow/flow/fulfilment.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import Offer
from rxflow.flow import replies
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def delivers(o: Offer) -> bool:
    return bool(o.delivery)


def quote(w: TurnWork, rx_id: str, pharmacy_id: str):
    """When and where a delivery from `pharmacy_id` would arrive (None: it does not deliver)."""
    try:
        return w.tools.delivery_quote(rx_id=rx_id, pharmacy_id=pharmacy_id)
    except ToolFailed:
        return None


def line(w: TurnWork, q) -> str:
    """The summary's delivery line: where, when, for what fee."""
    fee = replies.say(w.lang, f"delivery_fee.{q.method}", fee=replies.money(q.fee, w.lang)) if q.fee else \
        replies.say(w.lang, f"delivery_no_fee.{q.method}")
    window = replies.window(q.arrives_from, q.arrives_until, w.ctx.clock, w.lang)
    return replies.say(w.lang, f"delivery_line.{q.method}", address=q.address, window=window, fee=fee)
