"""START: nothing in flight. A new request may begin; "which order?" may have just been asked."""

from __future__ import annotations

from rxflow.flow import orders
from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class Start(IdleStage):
    state = State.START

    def follow_up(self, w, ext) -> bool:
        # After "which order would you like to cancel?": a number, a drug name or a position.
        return bool(w.conv.order_choice) and orders.choose_order_to_cancel(w, ext)

    def settle(self, w) -> None:
        """Already at rest."""
