"""Cancelling an order: "cancel this order?" with its own yes, while the order is still as shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import CLOSED_ORDER_STATUSES
from rxflow.flow import replies
from rxflow.flow.errors import order_error
from rxflow.flow.pending import Focus, Outcome, PendingCancel
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def propose_cancel(w: TurnWork, order_id: str) -> None:
    """Show the order and ask: cancelling is a write, it needs its own yes."""
    try:
        o = w.tools.track_order(order_id=order_id)
    except ToolFailed as e:
        order_error(w, e, order_id)
        return w.go(T.INFO)
    if o.order.status in CLOSED_ORDER_STATUSES:
        w.say("cant_cancel", status=replies.order_status(o.order, w.lang))
        return w.go(T.INFO)
    text = replies.say(w.lang, "cancel_ask", order_id=o.order.order_id, medication=o.medication, strength=o.strength,
                       pharmacy=o.pharmacy_name, status=replies.say(w.lang, f"order_word.{o.order.status}"))
    pending = PendingCancel(summary=text, order_id=o.order.order_id,
                            facts=f"{o.order.order_id} {o.medication} {o.strength} {o.pharmacy_name}",
                            digest=digest(kind="cancel", order=o.order.order_id, status=o.order.status))
    propose(w, pending, T.CANCEL_REQUESTED)


@write
class CancelWrite(Write):
    kind = "cancel"

    def recheck(self, w: TurnWork, p: PendingCancel) -> Recheck:
        try:
            now = w.tools.track_order(order_id=p.order_id)
        except ToolFailed as e:
            return Recheck(False, e)
        return Recheck(digest(kind="cancel", order=p.order_id, status=now.order.status) == p.digest, now)

    def changed(self, w: TurnWork, p: PendingCancel, check: Recheck) -> None:
        if isinstance(check.now, ToolFailed):
            order_error(w, check.now, p.order_id)
        else:
            w.say("cant_cancel", status=replies.order_status(check.now.order, w.lang))
        w.go(T.CANCEL_CONFIRMED)

    def execute(self, w: TurnWork, p: PendingCancel, check: Recheck):
        return w.tools.cancel_order(order_id=p.order_id)

    def done(self, w: TurnWork, p: PendingCancel, d) -> None:
        w.say("cancel_done", order_id=d.order.order_id)
        w.outcome = "order_cancelled"
        w.conv.outcomes.append(Outcome(status="order_cancelled", order_id=p.order_id))
        w.conv.focus = Focus(kind="cancelled", order_id=p.order_id)
        w.go(T.CANCEL_CONFIRMED)

    def failed(self, w: TurnWork, p: PendingCancel, check: Recheck, e: ToolFailed) -> None:
        order_error(w, e, p.order_id)
        w.go(T.CANCEL_CONFIRMED)
