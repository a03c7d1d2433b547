"""CHOOSE_ORDER: "Which order would you like to cancel?", asked when several orders are open.

An answer that picks one (its number, its medication, its position) goes on to that order's
cancel summary; anything else is not an answer to this question: the conversation comes to rest
and the message is read as a new one.
"""

from __future__ import annotations

from rxflow.flow import orders
from rxflow.flow.stage import Stage, stage
from rxflow.flow.states import State


@stage
class ChooseOrder(Stage):
    state = State.CHOOSE_ORDER
    asks = "which_order"

    def enter(self, w, trigger, orders=(), **facts) -> None:
        w.say("which_order", orders=", ".join(f"{o.order_id} ({o.medication})" for o in orders))

    def follow_up(self, w, ext) -> bool:
        if orders.choose_order_to_cancel(w, ext):
            return True
        self.settle(w)
        return False

    def handle(self, w, ext) -> None:
        raise AssertionError("not reached: follow_up either takes the message or settles at START")
