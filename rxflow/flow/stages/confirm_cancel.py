"""CONFIRM_CANCEL: "cancel this order?"; only the consent gate's yes cancels it."""

from __future__ import annotations

from rxflow.flow import writes
from rxflow.flow.stage import Stage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T


@stage
class ConfirmCancel(Stage):
    state = State.CONFIRM_CANCEL
    asks = "cancel_yes"
    takes_yes = True
    mid_flow = True

    def enter(self, w, trigger, **facts) -> None:
        if trigger == T.CANCEL_REQUESTED:
            writes.show(w)

    def handle(self, w, ext) -> None:
        """Anything but a yes: a no keeps the order; anything else asks again."""
        order_id = w.conv.pending.order_id if w.conv.pending else ""
        if ext.intent in ("deny", "leave"):
            w.conv.pending = None
            w.say("cancel_kept", order_id=order_id)
            return w.go(T.CANCEL_DECLINED)
        w.say("cancel_unclear", order_id=order_id)
        w.go(T.CANCEL_UNCLEAR)

    def reprompt(self, w) -> None:
        if w.conv.pending:
            w.say("cancel_unclear", order_id=w.conv.pending.order_id)

    def leave(self, w, skip: bool = False) -> None:
        order_id = w.conv.pending.order_id if w.conv.pending else ""
        w.conv.pending = None
        w.say("left_cancel", order_id=order_id)
        w.go(T.CANCEL_DECLINED)

    def abandon(self, w) -> None:
        w.conv.pending = None

    def set_aside(self, w, for_write: str) -> None:
        w.conv.pending = None
        w.go(T.CANCEL_DECLINED)
