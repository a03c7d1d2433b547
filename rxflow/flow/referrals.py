"""Requests that reach a human: a renewal to the prescriber, a prior authorization to the plan
through the prescriber, a pharmacist's call back; following them, and withdrawing them.

After a refusal whose next step is one of these, the patient can ask for it ("please send the
renewal request", "can I talk to a pharmacist?"). Which request, for which prescription and why
is decided here from the tools (the refill rules' alerts, a dose the patient reported, the
requests already sent); the programs only say who the patient asked for. What would be sent is
shown as a summary, and only the consent gate's yes to it writes (rxflow/flow/writes/).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rxflow.domain import OPEN_REQUEST_STATUSES, AlertCode
from rxflow.flow import refilling, replies
from rxflow.flow.errors import request_error
from rxflow.flow.pending import PendingRequest, PendingWithdraw
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.request import line_to, propose_request, say_request_exists
from rxflow.flow.writes.withdraw import propose_withdrawal
from rxflow.tools import ToolFailed
from rxflow.tools.requests import PATIENT_REQUEST, RequestLine, warranted

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork

# Who the patient asked for (the topic the programs read) -> the kind of request.
WANTED = {"renewal": "renewal", "prior_auth": "prior_auth", "pharmacist": "pharmacist_callback"}
# A request number the patient copies from a reply is read exactly as written, not interpreted.
REQUEST_ID = re.compile(r"\breq[\s#:-]*(\d{1,9})\b", re.IGNORECASE)
DOSE_CODES = (AlertCode.DOSE_CHANGED, AlertCode.DOSE_MISMATCH)


def request_id_in(w: TurnWork, ext) -> str | None:
    m = REQUEST_ID.search(w.message)
    if m:
        return f"REQ-{m.group(1)}"
    if ext.order_id and ext.order_id.upper().startswith("REQ-"):
        return ext.order_id.upper()
    return None


def options(w: TurnWork, m) -> dict[str, list[str]]:
    """The requests a prescription calls for now, with their reasons: the rules' verdict today, and a
    dose the patient said was changed or different in this conversation (a pharmacist checks it)."""
    dose = sorted((a for a in w.conv.alerts if a.rx_id == m.rx_id and a.code in DOSE_CODES),
                  key=lambda a: a.code != AlertCode.DOSE_CHANGED)  # "the dose was changed" says most
    return warranted([*m.refill.alerts, *dose])


def choose(opts: dict[str, list[str]], wanted: str | None) -> tuple[str, str] | None:
    """(kind, reason): the request asked for if the rules allow it; unnamed, the one the rules call for."""
    if wanted:
        reasons = opts.get(wanted)
        return (wanted, reasons[0]) if reasons else None
    return next(((kind, reasons[0]) for kind, reasons in opts.items() if reasons[0] != PATIENT_REQUEST), None)


def ask(w: TurnWork, ext, rx_id: str | None) -> None:
    """The patient asks for a request to a human: show exactly what would be sent (or say why none is)."""
    conv = w.conv
    wanted = WANTED.get(ext.topic)
    p = conv.pending if isinstance(conv.pending, PendingRequest | PendingWithdraw) else None
    if p is not None:
        if p.kind == "request" and not ext.mentions and wanted in (None, p.request_kind):
            w.say("request_unclear")  # the same request again: it needs a plain yes
            return w.go(T.REQUEST_UNCLEAR)
        if not ext.mentions and p.rx_id:
            rx_id = p.rx_id  # another kind of request about the same prescription: a new summary
        conv.pending = None
    show(w, rx_id, wanted, named=bool(ext.mentions))


def show(w: TurnWork, rx_id: str | None, wanted: str | None, named: bool = False) -> None:
    """Show the request `wanted` (None: the one the rules call for) for `rx_id`, or say why none is sent.
    `named`: the message named a medication (so the one in play is not assumed)."""
    conv = w.conv
    meds = w.history().medications
    if rx_id is None or all(m.rx_id != rx_id for m in meds):
        fits = [m for m in meds if choose(options(w, m), wanted)]
        if len(fits) == 1 and not named:
            rx_id = fits[0].rx_id
        else:
            w.say("request_which", example=meds[0].name if meds else "lisinopril")
            w.line(refilling.med_list(w))
            return w.stage.settle(w)
    m = w.med(rx_id)
    picked = choose(options(w, m), wanted)
    offered = conv.focus.offer if conv.focus and conv.focus.kind == "refused" and conv.focus.rx_id == rx_id else None
    if picked is None and wanted == "renewal" and offered == "prior_auth":
        picked = choose(options(w, m), offered)  # "send the request to my doctor": the prescriber sends the PA
    if picked is None:
        status = refilling.status_text(w, m)
        if wanted:
            w.say("request_not_needed", medication=m.name, what=replies.say(w.lang, f"request_what.{wanted}"),
                  status=status)
        else:
            w.say("request_nothing_needed", medication=m.name, status=status)
        if wanted != "pharmacist_callback":
            w.add(" " + replies.say(w.lang, "offer.pharmacist"))
        return w.stage.settle(w)
    kind, reason = picked
    try:
        already = w.tools.list_requests(rx_id=m.rx_id).requests
    except ToolFailed:
        already = []
    sent = [q for q in already if q.request.kind == kind and q.request.status in OPEN_REQUEST_STATUSES]
    if sent:
        say_request_exists(w, sent[0])
        return w.stage.settle(w)
    propose_request(w, m.rx_id, kind, reason)


def _named(w: TurnWork, ext, lines: list[RequestLine]) -> list[RequestLine] | None:
    """The requests a message points at by medication or by kind; None when it names neither."""
    wanted = WANTED.get(ext.topic)
    if not ext.mentions and not wanted:
        return None
    keys = None
    if ext.mentions:
        keys = set()
        for mention in ext.mentions:
            keys |= set(w.programs.identify(mention=mention.text, medications=w.med_options()).matches)
    return [q for q in lines if (keys is None or q.request.rx_id in keys) and (not wanted or q.request.kind == wanted)]


def line_of(w: TurnWork, d: RequestLine) -> str:
    q = d.request
    status = replies.say(w.lang, f"request_status.{q.status}", date=replies.date(q.updated_at.date(), w.lang))
    return replies.say(w.lang, "request_line", request_id=q.request_id,
                       what=replies.say(w.lang, f"request_what.{q.kind}"), medication=d.medication,
                       strength=d.strength, date=replies.date(q.created_at.date(), w.lang), status=status,
                       to=line_to(w, d))


def track(w: TurnWork, ext) -> None:
    """Where a request stands: by its number, by medication or kind, or every one (newest first)."""
    rid = request_id_in(w, ext)
    try:
        lines = (w.tools.list_requests(request_id=rid) if rid else w.tools.list_requests()).requests
    except ToolFailed as e:
        return request_error(w, e, rid or "")
    named = None if rid else _named(w, ext, lines)
    if named == [] and ext.mentions:
        return w.say("no_request_for", medication=ext.mentions[0].text)
    lines = named or lines
    if not lines:
        return w.say("no_requests")
    for d in lines[:3]:
        w.line(line_of(w, d))


def withdraw(w: TurnWork, ext, kind: str | None = None) -> None:
    """The patient asks to withdraw a request (`kind`: only that kind, e.g. "cancel the transfer"): show it
    and ask (or ask which, or say there is none)."""
    conv = w.conv
    rid = request_id_in(w, ext)
    p = conv.pending if isinstance(conv.pending, PendingRequest | PendingWithdraw) else None
    if p is not None and p.kind == "request" and not rid:
        conv.pending = None  # "cancel the request" at its own summary: nothing is sent
        w.say("request_not_sent")
        return w.go(T.REQUEST_DECLINED)
    if p is not None and p.kind == "withdraw" and rid in (None, p.request_id):
        w.say("withdraw_unclear", request_id=p.request_id)
        return w.go(T.REQUEST_UNCLEAR)
    if rid is None:
        try:
            sent = [q for q in w.tools.list_requests().requests if q.request.status in OPEN_REQUEST_STATUSES
                    and (kind is None or q.request.kind == kind)]
        except ToolFailed:
            sent = []
        named = _named(w, ext, sent) if kind != "transfer" else None
        sent = sent if named is None else named
        if len(sent) != 1:
            if sent:
                w.say("which_request", requests=", ".join(
                    f"{q.request.request_id} ({q.medication}, {replies.say(w.lang, f'request_what.{q.request.kind}')})"
                    for q in sent[:5]))
            else:
                w.say("no_open_requests")
            return w.stage.settle(w)
        rid = sent[0].request.request_id
    conv.pending = None
    propose_withdrawal(w, rid)
