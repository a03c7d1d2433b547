"""Moving a prescription here from another pharmacy: a request to a human (a pharmacist calls the other
pharmacy), like a renewal. What is missing is asked, one thing at a time (COLLECT_TRANSFER): the
medication, then the pharmacy it is at now; then the request's summary (CONFIRM_REQUEST) and its own yes.

Which drug is meant, which of our pharmacies it goes to and whether it may be transferred at all come from
the tools (transfer_plan); the programs only read what the patient said.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rxflow.flow import referrals, refilling, writes
from rxflow.flow.context import TransferDraft
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.transfer import propose_transfer
from rxflow.guard import safe_echo
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def ask(w: TurnWork, ext) -> None:
    """"transfer my prescription from rite aid"; "cancel the transfer" withdraws one; "where's my transfer"."""
    if ext.action in ("off", "pause"):
        w.stage.set_aside(w, "request")
        return referrals.withdraw(w, ext, kind="transfer")
    if ext.action == "list":
        referrals.track(w, ext)
        return w.stage.reprompt(w)
    p = w.conv.pending
    if p is not None and p.kind == "transfer" and not ext.mentions:
        return at_summary(w, ext)  # "how long does a transfer take?" at its own summary: about this one
    w.stage.set_aside(w, "request")
    start(w, ext)


def at_summary(w: TurnWork, ext) -> None:
    """A message at a transfer's summary that is no yes: another of our pharmacies to send it to ("send it to
    costco instead": a new summary, its own yes), else the summary stands and is asked again."""
    p = w.conv.pending
    pharmacy_id = _our_pharmacy(w, ext) if ext.pharmacy else None
    if pharmacy_id and pharmacy_id != p.pharmacy_id:
        try:
            plan = w.tools.transfer_plan(medication=p.medication, from_pharmacy=p.from_pharmacy, pharmacy_id=pharmacy_id)
        except ToolFailed as e:
            return refused(w, e)
        w.say("summary_changed")
        return propose_transfer(w, plan)
    if "?" in w.message:
        writes.show(w)  # "how long does a transfer take?": the summary says (usually within a business day)
    else:
        w.say("transfer_unclear", medication=p.medication, source=p.from_pharmacy)
    w.go(T.REQUEST_UNCLEAR)


def _our_pharmacy(w: TurnWork, ext) -> str | None:
    """One of our pharmacies the message names (by name, chain or street), nearest first."""
    found = w.tools.pharmacy_locator(limit=12).pharmacies
    said = (ext.pharmacy or "").lower().removeprefix("the ").strip()
    hit = next((p for p in found if said and (said in p.name.lower() or p.chain.lower() in said.split())), None)
    return hit.pharmacy_id if hit else None


def start(w: TurnWork, ext) -> None:
    w.conv.transfer = TransferDraft()
    fill(w, ext, asked=None)


def fill(w: TurnWork, ext, asked: str | None) -> None:
    """Take what this message says of the transfer; ask for what is still missing, or show the request.
    `asked`: what the assistant just asked for ('medication' or 'from'), which a bare answer gives."""
    d = w.conv.transfer
    if ext.rx_number:
        own = refilling.own_numbered(w, ext.rx_number, say_missing=False)
        if own is not None:
            d.medication = own.name
    if ext.mentions:
        d.medication = ext.mentions[0].text[:80]
    elif asked == "medication" and not ext.rx_number:
        d.medication = _drug_named(w, w.message)  # "metoprolol": a drug of the catalogue, by its name
    if asked == "from" and ext.intent in ("confirm", "deny") and not ext.pharmacy:
        w.say("transfer_ask.from", medication=d.medication or "")  # "yes please" names no pharmacy
        return w.go(T.TRANSFER_MISSING)
    if ext.pharmacy and asked != "medication" or (asked == "from" and not ext.mentions):
        # The answer to "which pharmacy is it at now?" is all of it ("the rite aid in dayton ohio").
        said = (w.message if asked == "from" else ext.pharmacy).strip()
        said = re.sub(r"^(?:(?:it'?s|its|at|from|the|en|de|la|el|esta en)\s+)+", "", said, flags=re.IGNORECASE)
        said = said.title() if said.islower() else said  # "rite aid" -> "Rite Aid": a name, as a name is written
        d.from_pharmacy = safe_echo(said)[:80] or None
    if d.medication is None:
        w.say("transfer_ask.medication")
        return w.go(T.TRANSFER_MISSING)
    if d.from_pharmacy is None:
        w.say("transfer_ask.from", medication=d.medication)
        return w.go(T.TRANSFER_MISSING)
    try:
        plan = w.tools.transfer_plan(medication=d.medication, from_pharmacy=d.from_pharmacy,
                                     pharmacy_id=d.pharmacy_id)
    except ToolFailed as e:
        return refused(w, e)
    propose_transfer(w, plan)


def refused(w: TurnWork, e: ToolFailed) -> None:
    d = w.conv.transfer
    w.conv.transfer = None
    if e.reason == "not_transferable":
        w.say("transfer_not_allowed", medication=d.medication if d else "")
    elif e.reason == "unknown_drug":
        w.say("transfer_unknown_drug", text=safe_echo(d.medication if d else ""))
    elif e.reason == "unknown_pharmacy":
        w.say("transfer_our_pharmacy", pharmacy=safe_echo(d.from_pharmacy if d else ""))
    else:
        w.say("transfer_failed")
    w.go(T.INFO)


def _drug_named(w: TurnWork, said: str) -> str | None:
    """A catalogue drug the words name (drug_lookup), or None."""
    try:
        look = w.tools.drug_lookup(query=said.strip()[:200], limit=1)
    except ToolFailed:
        return None
    return look.matches[0].generic_name if look.matches and look.confident else None
