"""Sending a transfer request: a pharmacist here calls the other pharmacy to move a prescription in. A
summary of exactly what is asked (the medication, from where, to which of our pharmacies) and its own yes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import replies
from rxflow.flow.pending import Focus, PendingTransfer
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.flow.writes.request import say_not_sent
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def transfer_summary(w: TurnWork, plan) -> tuple[str, str, str]:
    text = replies.say(w.lang, "transfer_summary", medication=plan.medication, source=plan.from_pharmacy,
                       pharmacy=plan.pharmacy_name, address=plan.pharmacy_address, turnaround=plan.turnaround)
    key = digest(kind="transfer", drug=plan.drug_id, source=plan.from_pharmacy.lower(), pharmacy=plan.pharmacy_id)
    facts = f"{plan.medication} {plan.from_pharmacy} {plan.pharmacy_name} transfer transferencia"
    return text, key, facts


def propose_transfer(w: TurnWork, plan) -> None:
    """Show exactly what would be asked, and wait for its own yes."""
    text, key, facts = transfer_summary(w, plan)
    w.conv.transfer = None
    propose(w, PendingTransfer(digest=key, summary=text, facts=facts, medication=plan.medication,
                               from_pharmacy=plan.from_pharmacy, pharmacy_id=plan.pharmacy_id), T.REQUEST_ASKED)


@write
class TransferWrite(Write):
    kind = "transfer"
    question = "transfer_question"

    def recheck(self, w: TurnWork, p: PendingTransfer) -> Recheck:
        try:
            plan = w.tools.transfer_plan(medication=p.medication, from_pharmacy=p.from_pharmacy,
                                         pharmacy_id=p.pharmacy_id)
        except ToolFailed:
            return Recheck(False, None)
        return Recheck(transfer_summary(w, plan)[1] == p.digest, plan)

    def changed(self, w: TurnWork, p: PendingTransfer, check: Recheck) -> None:
        if check.now is None:
            w.say("transfer_failed")
            return w.go(T.REQUEST_DECLINED)
        w.say("request_changed")
        propose_transfer(w, check.now)

    def execute(self, w: TurnWork, p: PendingTransfer, check: Recheck):
        return w.tools.request_transfer(medication=p.medication, from_pharmacy=p.from_pharmacy,
                                        pharmacy_id=p.pharmacy_id, confirmed=True,
                                        idempotency_key=f"{w.conv.write_token}:{p.digest}")

    def done(self, w: TurnWork, p: PendingTransfer, d) -> None:
        q = d.request
        w.say("transfer_sent", request_id=q.request_id, medication=d.medication, source=p.from_pharmacy,
              pharmacy=d.to_pharmacy)  # the receipt names our pharmacy it comes to
        w.add(replies.say(w.lang, "request_follow", request_id=q.request_id))
        if d.created:
            w.conv.requests.append(q.request_id)
        w.conv.focus = Focus(kind="sent", medication=d.medication, request_id=q.request_id)
        w.outcome = "request_sent"
        w.go(T.REQUEST_DONE)

    def failed(self, w: TurnWork, p: PendingTransfer, check: Recheck, e: ToolFailed) -> None:
        say_not_sent(w, e, "transfer_failed")
