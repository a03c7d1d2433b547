"""Sending a request to a human (a renewal to the prescriber, a prior authorization through the
prescriber, a pharmacist's call back): a summary of exactly what is sent, and its own yes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import replies
from rxflow.flow.pending import Focus, PendingRequest
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.tools import ToolFailed
from rxflow.tools.requests import PATIENT_REQUEST, RequestLine

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork

# The words a yes to a request may use for whom it goes to ("yes, send it to my doctor").
_RECIPIENT_WORDS = {
    "renewal": "doctor prescriber renewal medico medica doctora renovacion receta",
    "prior_auth": "doctor prescriber plan prior authorization medico medica doctora autorizacion previa",
    "pharmacist_callback": "pharmacist call callback farmaceutico llamada llame",
}


def request_to(w: TurnWork, kind: str, prescriber: str, practice: str, phone: str, plan: str | None,
               callback: str | None) -> str:
    """Who a request goes to, in words, from the tools' facts."""
    return replies.say(w.lang, f"request_to.{kind}", prescriber=prescriber, practice=practice, phone=phone,
                       plan=plan or "", callback=callback or "")


def line_to(w: TurnWork, d: RequestLine) -> str:
    """Who (or where) a request already sent went to, from its line in list_requests."""
    q = d.request
    if q.kind == "transfer":
        return replies.say(w.lang, "request_to.transfer", source=d.from_pharmacy or "", pharmacy=d.to_pharmacy or "")
    return request_to(w, q.kind, d.prescriber, d.practice, d.prescriber_phone, d.plan, d.callback_phone)


def request_summary(w: TurnWork, rx_id: str, kind: str, reason: str) -> tuple[str, str, str]:
    """The summary a request is confirmed against, the digest of what it would send, and the words a
    yes may restate. Every fact comes from the tools: the prescription and its prescriber
    (patient_history), the plan and its turnaround (prior_auth_lookup), the patient's phone."""
    m = w.med(rx_id)
    plan, days, callback = None, None, None
    if kind == "prior_auth":
        pa = w.tools.prior_auth_lookup(rx_id=rx_id)
        plan, days = pa.plan, pa.turnaround_days
    if kind == "pharmacist_callback":
        callback = w.history().phone
    if reason == PATIENT_REQUEST:
        why = replies.say(w.lang, "why.patient_request")
    else:
        alert = next((a for a in m.refill.alerts if a.code == reason), None) or next(
            (a for a in reversed(w.conv.alerts) if a.rx_id == rx_id and a.code == reason), None)
        why = replies.why(alert, w.lang) if alert else reason
    note = "" if kind == "prior_auth" and not days else replies.say(
        w.lang, f"request_note.{kind}", plan=plan or "", days=days or "", prescriber=m.prescriber)
    text = replies.say(w.lang, "request_summary", what=replies.say(w.lang, f"request_what.{kind}"), medication=w.named(m.name),
                       strength=m.strength, why=why, note=note,
                       to=request_to(w, kind, m.prescriber, m.prescriber_practice, m.prescriber_phone, plan, callback))
    key = digest(kind="request", rx=rx_id, request=kind, reason=reason, prescriber=m.prescriber,
                 practice=m.prescriber_practice, phone=m.prescriber_phone, plan=plan, days=days, callback=callback)
    facts = f"{m.name} {m.strength} {m.prescriber} {m.prescriber_practice} {plan or ''} {_RECIPIENT_WORDS[kind]}"
    return text, key, facts


def propose_request(w: TurnWork, rx_id: str, kind: str, reason: str) -> None:
    """Show exactly what would be sent, and wait for its own yes."""
    text, key, facts = request_summary(w, rx_id, kind, reason)
    propose(w, PendingRequest(digest=key, summary=text, facts=facts, rx_id=rx_id, request_kind=kind, reason=reason),
            T.REQUEST_ASKED)


def say_request_exists(w: TurnWork, line: RequestLine) -> None:
    r = line.request
    w.say("request_exists", request_id=r.request_id, what=replies.say(w.lang, f"request_what.{r.kind}"),
          medication=line.medication, date=replies.date(r.created_at.date(), w.lang))


@write
class RequestWrite(Write):
    kind = "request"
    question = "request_question"

    def recheck(self, w: TurnWork, p: PendingRequest) -> Recheck:
        if all(m.rx_id != p.rx_id for m in w.history().medications):
            return Recheck(False, None)  # the prescription is no longer active: nothing to send
        return Recheck(request_summary(w, p.rx_id, p.request_kind, p.reason)[1] == p.digest, p)

    def changed(self, w: TurnWork, p: PendingRequest, check: Recheck) -> None:
        if check.now is None:
            w.say("request_failed")
            return w.go(T.REQUEST_DECLINED)
        # What would be sent is not what was shown (a prescriber or plan changed): show it again.
        w.say("request_changed")
        propose_request(w, p.rx_id, p.request_kind, p.reason)

    def execute(self, w: TurnWork, p: PendingRequest, check: Recheck):
        return w.tools.create_request(rx_id=p.rx_id, kind=p.request_kind, reason=p.reason, confirmed=True,
                                      idempotency_key=f"{w.conv.write_token}:{p.digest}")

    def done(self, w: TurnWork, p: PendingRequest, d) -> None:
        q = d.request
        w.say("request_sent", request_id=q.request_id, what=replies.say(w.lang, f"request_what.{q.kind}"),
              medication=d.medication, to=request_to(w, q.kind, d.prescriber, d.practice, d.prescriber_phone, d.plan,
                                                      d.callback_phone))
        w.add(replies.say(w.lang, "request_follow", request_id=q.request_id))
        if d.created:
            w.conv.requests.append(q.request_id)
        w.conv.focus = Focus(kind="sent", rx_id=p.rx_id, medication=d.medication, request_id=q.request_id)
        w.outcome = "request_sent"
        w.go(T.REQUEST_DONE)

    def failed(self, w: TurnWork, p: PendingRequest, check: Recheck, e: ToolFailed) -> None:
        say_not_sent(w, e, "request_failed")


def say_not_sent(w: TurnWork, e: ToolFailed, otherwise: str) -> None:
    """A request's write tool refused: the same request already sent is named (its number and date); any
    other failure is said with the `otherwise` reply. Nothing was sent."""
    sent = e.details.get("request_id") if e.reason == "request_exists" else None
    found = None
    if sent:
        try:
            found = w.tools.list_requests(request_id=sent)
        except ToolFailed:
            found = None
    if found is not None:
        say_request_exists(w, found.requests[0])
    else:
        w.say(otherwise)
    w.go(T.REQUEST_DECLINED)
