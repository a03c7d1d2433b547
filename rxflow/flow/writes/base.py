"""The one way anything is written: a summary shown, an unconditional yes to it, a recheck, the write.

    propose(w, pending, trigger)  record what a yes would write and move to its summary stage,
                                  whose `enter` shows the summary (show(w))
    carry_out(w)                  the consent gate heard a yes: the pending write's kind rechecks
                                  that the same facts would still be written (same digest), then
                                  writes through its write tool, then says what happened

A `Write` is one kind of write (order, cancel, request, withdraw): how it rechecks, writes,
reports success and maps a failure (by the tool's error code and reason, never its message).
The idempotency key is derived from the digest, so a repeated yes writes once.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from programs import consent
from rxflow.flow import replies
from rxflow.flow.pending import Shown
from rxflow.flow.transitions import Trigger
from rxflow.tools import ToolError, ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def digest(**facts) -> str:
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()[:16]


@dataclass
class Recheck:
    """What a yes would write now, compared with what was shown."""

    same: bool
    now: Any = None  # the kind's fresh facts (an offer, an order, a request), when it could read them


class Write(ABC):
    kind: ClassVar[str]
    question: ClassVar[str | None] = None  # the reply key asked after the summary, if the summary does not ask

    @abstractmethod
    def recheck(self, w: TurnWork, p) -> Recheck: ...

    @abstractmethod
    def changed(self, w: TurnWork, p, check: Recheck) -> None:
        """What would be written is not what was shown: nothing is written; say so."""

    @abstractmethod
    def execute(self, w: TurnWork, p, check: Recheck) -> Any:
        """Call the write tool (raises ToolFailed)."""

    @abstractmethod
    def done(self, w: TurnWork, p, result: Any) -> None: ...

    @abstractmethod
    def failed(self, w: TurnWork, p, check: Recheck, e: ToolFailed) -> None: ...


WRITES: dict[str, Write] = {}


def write(cls):
    WRITES[cls.kind] = cls()
    return cls


# The consent gate's reading per kind of write: several orders are agreed to as one order is, a transfer as
# any request to a human; stopping a setting as a cancellation is ("yes stop it").
CONSENT_KIND = {"basket": "order", "transfer": "request"}
SETTINGS_OFF = ("auto_refill_pause", "auto_refill_stop", "reminder_off", "texts_off")


def consented(w: TurnWork) -> bool:
    """The gate (programs/consent.py): is this message an unconditional yes to the summary last shown?"""
    p = w.conv.pending
    if p is None:
        return False
    kind = "setting_off" if getattr(p, "setting", None) in SETTINGS_OFF else CONSENT_KIND.get(p.kind, p.kind)
    return consent.agrees(w.message, p.facts, kind)


def propose(w: TurnWork, pending: Shown, trigger: Trigger) -> None:
    conv = w.conv
    if conv.record_id and conv.record_name:  # a caregiver: every summary says whose record it writes on
        pending.summary = replies.say(w.lang, "summary_for", name=conv.record_name,
                                      relation=replies.say(w.lang, f"relation.{conv.record_relation}")) + pending.summary
        pending.facts += f" {conv.record_name}"
    conv.pending = pending
    w.go(trigger)


def show(w: TurnWork) -> None:
    """The pending summary, and the question a yes answers."""
    p = w.conv.pending
    question = WRITES[p.kind].question
    w.line(p.summary + ("\n" + replies.say(w.lang, question) if question else ""))


def carry_out(w: TurnWork) -> None:
    """A yes to the pending summary: recheck, write, report. Nothing is written unless the same facts hold."""
    p, w.intent = w.conv.pending, "confirm"
    w.conv.pending = None
    kind = WRITES[p.kind]
    check = kind.recheck(w, p)
    if not check.same:
        return kind.changed(w, p, check)
    try:
        result = kind.execute(w, p, check)
    except ToolFailed as e:
        return kind.failed(w, p, check, e)
    kind.done(w, p, result)


def ask_again(w: TurnWork) -> None:
    """A yes sent against an earlier step (the page had not yet shown this summary when it was sent):
    nothing is written; the summary pending now is shown with its question, so a yes that counts is
    one to what the patient saw."""
    w.intent = "confirm"
    w.say("stale_yes")
    show(w)


# The questions asked again at a summary that do not say what they are about, and their versions that do.
NAMED = {"summary_question": "summary_question.named", "confirm_unclear": "confirm_unclear.named",
         "request_question": "request_question.named", "request_unclear": "request_unclear.named"}


def name_the_yes(w: TurnWork) -> None:
    """At the end of a turn that rests at a summary without showing it (a question answered, an unclear
    answer, a change not caught): the question asked again names what a yes does, or a line saying it is
    added. A question about another medication, then "yes", must not place an order nobody named."""
    p = w.conv.pending
    if p is None or not w.stage.takes_yes or any(p.summary in r for r in w.replies):
        return
    does = yes_does(w, p)
    for i, text in enumerate(w.replies):
        for key, named in NAMED.items():
            plain = replies.say(w.lang, key)
            if plain in text:
                w.replies[i] = text.replace(plain, replies.say(w.lang, named, does=does))
                return
    ident = getattr(p, "order_id", None) if p.kind == "cancel" else getattr(p, "request_id", None)
    if ident and any(ident in r for r in w.replies):  # "Should I cancel order ORD-30001?" names it already
        return
    w.line(replies.say(w.lang, "yes_does", does=does))


def yes_does(w: TurnWork, p) -> str:
    """What a yes to `p` does, in a few words: 'orders lisinopril 10 mg at Costco Pharmacy for $2.10'."""
    s, lang = w.conv.slots, w.lang
    if p.kind == "order":
        o = next((o for o in w.conv.offers if o.pharmacy_id == p.pharmacy_id), None)
        return replies.say(lang, "does.order", medication=s.medication or "", strength=s.strength or "",
                           pharmacy=o.pharmacy_name if o else p.pharmacy_id,
                           price=replies.money(o.price, lang) if o else "?")
    if p.kind == "cancel":
        return replies.say(lang, "does.cancel", order_id=p.order_id)
    if p.kind == "withdraw":
        return replies.say(lang, "does.withdraw", request_id=p.request_id)
    if p.kind == "basket":
        names = ", ".join(w.ctx.drug_of(w.ctx.own_prescription(rx)).generic_name for rx in p.rx_ids)
        return replies.say(lang, "does.basket", count=len(p.rx_ids), names=names)
    if p.kind == "transfer":
        return replies.say(lang, "does.transfer", medication=p.medication, source=p.from_pharmacy)
    medication = s.medication if s.rx_id == p.rx_id else None
    if medication is None and p.rx_id:
        try:  # read from the prescription itself, not through a tool: nothing is added to the turn's calls
            medication = w.ctx.drug_of(w.ctx.own_prescription(p.rx_id)).generic_name
        except ToolError:
            medication = s.medication or ""
    if p.kind == "setting":
        return replies.say(lang, f"does.setting.{p.setting}", medication=medication if p.rx_id else "")
    return replies.say(lang, "does.request", what=replies.say(lang, f"request_what.{p.request_kind}"),
                       medication=medication)
