"""Withdrawing a request to a human: "withdraw this request?" with its own yes, while it is still sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import OPEN_REQUEST_STATUSES
from rxflow.flow import replies
from rxflow.flow.errors import request_error
from rxflow.flow.pending import Focus, PendingWithdraw
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.flow.writes.request import line_to
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def propose_withdrawal(w: TurnWork, request_id: str) -> None:
    """Show the request and ask: withdrawing is a write, it needs its own yes."""
    try:
        found = w.tools.list_requests(request_id=request_id)
    except ToolFailed as e:
        request_error(w, e, request_id)
        return w.stage.settle(w)
    d = found.requests[0]
    q = d.request
    if q.status not in OPEN_REQUEST_STATUSES:
        w.say("request_already_withdrawn", request_id=q.request_id)
        return w.stage.settle(w)
    text = replies.say(w.lang, "withdraw_ask", request_id=q.request_id, medication=d.medication,
                       what=replies.say(w.lang, f"request_what.{q.kind}"),
                       to=line_to(w, d))
    pending = PendingWithdraw(summary=text, request_id=q.request_id, rx_id=q.rx_id, request_kind=q.kind,
                              facts=f"{q.request_id} {d.medication} {d.prescriber}",
                              digest=digest(kind="withdraw", request=q.request_id, status=q.status))
    propose(w, pending, T.WITHDRAW_ASKED)


@write
class WithdrawWrite(Write):
    kind = "withdraw"

    def recheck(self, w: TurnWork, p: PendingWithdraw) -> Recheck:
        try:
            now = w.tools.list_requests(request_id=p.request_id)
        except ToolFailed as e:
            return Recheck(False, e)
        status = now.requests[0].request.status
        return Recheck(digest(kind="withdraw", request=p.request_id, status=status) == p.digest, now)

    def changed(self, w: TurnWork, p: PendingWithdraw, check: Recheck) -> None:
        if isinstance(check.now, ToolFailed):
            request_error(w, check.now, p.request_id)
        else:
            w.say("request_already_withdrawn", request_id=p.request_id)
        w.go(T.REQUEST_DECLINED)

    def execute(self, w: TurnWork, p: PendingWithdraw, check: Recheck):
        return w.tools.withdraw_request(request_id=p.request_id)

    def done(self, w: TurnWork, p: PendingWithdraw, d) -> None:
        w.say("request_withdrawn", request_id=d.request.request_id)
        w.conv.focus = Focus(kind="withdrawn", rx_id=p.rx_id, request_id=p.request_id)
        w.outcome = "request_withdrawn"
        w.go(T.REQUEST_DONE)

    def failed(self, w: TurnWork, p: PendingWithdraw, check: Recheck, e: ToolFailed) -> None:
        request_error(w, e, p.request_id)
        w.go(T.REQUEST_DONE)
