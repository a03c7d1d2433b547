"""COLLECT_TRANSFER: a transfer in is being put together; "which medication?" or "which pharmacy is it at
now?" (rxflow/flow/transfers.py asks for what is missing, then shows the request)."""

from __future__ import annotations

from rxflow.flow import transfers
from rxflow.flow.stage import Stage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T


@stage
class CollectTransfer(Stage):
    state = State.COLLECT_TRANSFER
    asks = "transfer_details"
    mid_flow = True

    def handle(self, w, ext) -> None:
        d = w.conv.transfer
        if d is None:  # nothing being put together (a reloaded old session): at rest
            return w.go(T.INFO)
        transfers.fill(w, ext, asked="medication" if d.medication is None else "from")

    def reprompt(self, w) -> None:
        d = w.conv.transfer
        if d is None:
            return
        if d.medication is None:
            w.say("transfer_ask.medication")
        else:
            w.say("transfer_ask.from", medication=d.medication)

    def leave(self, w, skip: bool = False) -> None:
        self.abandon(w)
        w.say("transfer_dropped")

    def abandon(self, w) -> None:
        w.conv.transfer = None
        w.go(T.INFO)

    def set_aside(self, w, for_write: str) -> None:
        self.abandon(w)

    def settle(self, w) -> None:
        self.abandon(w)
