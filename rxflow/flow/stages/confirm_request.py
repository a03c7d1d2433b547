"""CONFIRM_REQUEST: the summary of a request to a human (or "withdraw this request?"); only the
consent gate's yes sends (or withdraws) it."""

from __future__ import annotations

from rxflow.flow import transfers, writes
from rxflow.flow.stage import SummaryStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.request import propose_request
from rxflow.flow.writes.withdraw import propose_withdrawal


@stage
class ConfirmRequest(SummaryStage):
    state = State.CONFIRM_REQUEST
    asks = "request_yes"

    def enter(self, w, trigger, **facts) -> None:
        if trigger in (T.REQUEST_ASKED, T.WITHDRAW_ASKED):
            writes.show(w)

    def handle(self, w, ext) -> None:
        """Anything but a yes: a no sends (or withdraws) nothing; a new refill starts; anything else asks again."""
        p = w.conv.pending
        answer = self.answer(w)
        if p is not None and p.kind == "transfer" and answer != "no" and ext.intent != "leave" and ext.pharmacy:
            return transfers.at_summary(w, ext)  # "ok but send it to costco instead"
        if self.declined(w, ext, answer):
            return
        if p is not None and p.kind == "withdraw":
            w.say("withdraw_unclear", request_id=p.request_id)
        elif p is not None and p.kind == "transfer":
            w.say("transfer_unclear", medication=p.medication, source=p.from_pharmacy)
        else:
            w.say("request_unclear")
        w.go(T.REQUEST_UNCLEAR)

    def decline(self, w) -> None:
        p = w.conv.pending
        w.conv.pending = None
        if p is not None and p.kind == "withdraw":
            w.say("request_kept", request_id=p.request_id)
        else:
            w.say("request_not_sent")
        w.go(T.REQUEST_DECLINED)

    def reprompt(self, w) -> None:
        p = w.conv.pending
        if p is None:
            return
        if p.kind == "withdraw":
            w.say("withdraw_unclear", request_id=p.request_id)
        elif p.kind == "transfer":
            w.say("transfer_question")
        else:
            w.say("request_question")

    def abandon(self, w) -> None:
        w.conv.pending = None
        w.go(T.REQUEST_DECLINED)

    def set_aside(self, w, for_write: str) -> None:
        if for_write == "request":
            return  # another request, or this one's withdrawal: the request acts read this summary themselves
        medication = w.conv.slots.medication
        self.abandon(w)
        if medication:
            w.say("set_aside", medication=medication)

    def settle(self, w) -> None:
        self.abandon(w)

    def reshow(self, w) -> None:
        p = w.conv.pending
        if p is None:
            return self.reprompt(w)
        if p.kind == "request":
            propose_request(w, p.rx_id, p.request_kind, p.reason)
        elif p.kind == "transfer":
            writes.show(w)  # the facts are the plan's; shown again as they were (the catalogue has no re-render)
        else:
            propose_withdrawal(w, p.request_id)
