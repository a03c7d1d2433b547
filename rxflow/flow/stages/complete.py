"""COMPLETE: an order was just placed. Anything new may begin."""

from __future__ import annotations

from rxflow.flow import orders
from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class Complete(IdleStage):
    state = State.COMPLETE

    def follow_up(self, w, ext) -> bool:
        # "when will it be ready?" right after the order: that order, not a pharmacy's usual wait.
        if super().follow_up(w, ext):
            return True
        placed = orders.in_focus(w)
        if placed is None or ext.intent != "question" or ext.topic not in ("wait", "refill_date") or ext.mentions \
                or ext.pharmacy:
            return False
        w.intent = "track_order"
        orders.track_one(w, placed.order_id)
        return True
