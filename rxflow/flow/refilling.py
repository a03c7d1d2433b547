"""The refill in flight, as services the stages share: which medication, what is due, the queue of
several medications, the pharmacies on offer. Nothing here writes, and nothing here is a stage:
moving on is always `w.go(trigger, **facts)`, and the destination stage says its question.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from programs.types import MedicationMention
from rxflow import alerts as alert_rules
from rxflow.domain import AlertCode
from rxflow.flow import replies
from rxflow.flow.transitions import Trigger as T
from rxflow.guard import safe_echo
from rxflow.offers import Choice, choose, in_reach, pick_offers
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork
    from rxflow.tools.patient import MedicationLine


def example(w: TurnWork) -> str:
    """A medication of the patient's own, for the help text's examples."""
    meds = w.history().medications
    return meds[0].name if meds else "lisinopril"


# ----------------------------------------------------------------------------- which medication
def set_current(w: TurnWork, rx_id: str) -> None:
    w.conv.reset_refill()
    m = w.med(rx_id)
    s = w.conv.slots
    s.rx_id, s.medication, s.strength, s.frequency = rx_id, m.name, m.strength, m.frequency
    s.quantity, s.days_supply = m.quantity, m.days_supply
    w.conv.focus_rx = rx_id


def blocked(w: TurnWork, rx_id: str) -> bool:
    """The rules refuse this refill whatever the dose (too soon, no refills, an allergy, prior authorization...)."""
    return any(a.blocking for a in w.med(rx_id).refill.alerts)


def begin(w: TurnWork, keys: list[str], resolved: T = T.REFILL_RESOLVED, ambiguous: T = T.REFILL_AMBIGUOUS,
          said: MedicationMention | None = None) -> None:
    """One prescription: on to its dose, or refused at once when the rules block it whatever the dose.
    Several fit: ask which. `said`: the mention as the patient wrote it, with any dose they stated."""
    if len(keys) == 1:
        set_current(w, keys[0])
        return w.go(T.REFILL_BLOCKED if blocked(w, keys[0]) else resolved, said=said)
    w.conv.reset_refill()
    w.conv.candidates = keys
    w.go(ambiguous)


def next_in_queue(w: TurnWork) -> None:
    if not w.conv.queue:
        return
    keys = w.conv.queue[0]  # popped after the transition: its guard checks that a queue exists
    if len(keys) == 1:
        w.say("next_medication", medication=w.med(keys[0]).name)
    else:
        w.say("next_medication_unnamed")
    if len(keys) == 1 and blocked(w, keys[0]):
        w.conv.queue.pop(0)  # before the refusal: it ends this one and moves to the next in the queue
        set_current(w, keys[0])
        return w.go(T.REFILL_BLOCKED)
    begin(w, keys, T.NEXT_MEDICATION, T.NEXT_AMBIGUOUS)
    w.conv.queue.pop(0)


def end_and_continue(w: TurnWork, status: str) -> None:
    """The medication in flight ended with `status`; the next one queued begins."""
    w.end_refill(status)
    w.conv.reset_refill()
    next_in_queue(w)


def not_on_list(w: TurnWork, mention: str) -> None:
    try:
        look = w.tools.drug_lookup(query=mention[:200], limit=1)
    except ToolFailed:
        look = None
    if look is not None and look.confident:
        drug = look.matches[0]
        hist = w.tools.patient_history(include_inactive=True)
        inactive = [m for m in hist.medications if m.drug_id == drug.drug_id and m.status != "active"]
        if inactive:
            w.say("not_active", medication=drug.generic_name, status=inactive[0].status.replace("_", " "))
        else:
            w.say("not_on_list", medication=drug.generic_name)
    else:
        w.say("unknown_medication", text=safe_echo(mention))


Group = tuple[list[str], MedicationMention | None]  # the prescriptions a mention may mean, and the mention


def resolve_mentions(w: TurnWork, mentions: list[MedicationMention]) -> list[Group]:
    """Each mention's prescriptions (several when ambiguous), in the order named; unknown ones explained."""
    groups: list[Group] = []
    for m in mentions:
        res = w.programs.identify(mention=m.text, medications=w.med_options())
        if len(res.matches) == 1:
            note_brand(w, res.matches[0], m.text)
        if res.matches:
            if all(res.matches != g[0] for g in groups):
                groups.append((list(res.matches), m))
        else:
            not_on_list(w, m.text)
    return groups


def note_brand(w: TurnWork, rx_id: str, said: str) -> None:
    """The patient called this prescription by one of its brands ("my eliquis"): replies name it so too
    (TurnWork.named). The brand is the drug catalogue's (its spelling); a near miss ("eliqis") counts."""
    m = w.med(rx_id)
    words = re.findall(r"[a-z]+", said.lower())
    for brand in m.brand_names:
        b = brand.lower()
        if b in words or difflib.get_close_matches(b, words, n=1, cutoff=0.85):
            w.conv.brands[m.name] = brand
            return


def med_list(w: TurnWork) -> str:
    meds = w.history().medications
    if not meds:
        return replies.say(w.lang, "no_medications")
    return replies.say(w.lang, "med_list", **w.whose()) + "\n" + "\n".join(
        f"- {m.name} {m.strength} — {replies.world(m.frequency, w.lang)}: {status_text(w, m)}" for m in meds)


def status_text(w: TurnWork, m) -> str:
    r = m.refill
    date = replies.date(r.due_date, w.lang) if r.due_date else ""
    if r.status == "expired":
        date = replies.date(m.expires_on, w.lang)
    return replies.say(w.lang, f"status.{r.status}", refills=m.refills_remaining, date=date)


def start_refill(w: TurnWork, mentions: list[MedicationMention]) -> None:
    """A new refill of what the patient named (several: one at a time, the rest queued)."""
    conv = w.conv
    if not mentions:
        return w.go(T.REFILL_UNRESOLVED)
    groups = resolve_mentions(w, mentions)
    if not groups:
        return w.go(T.REFILL_UNRESOLVED, named_unknown=True)
    (first, said), rest = groups[0], groups[1:]
    conv.queue = [keys for keys, _ in rest]
    if rest:
        names = ", ".join(w.med(k[0]).name if len(k) == 1 else "one more" for k, _ in groups)
        w.say("one_at_a_time", names=names)
    begin(w, first, said=said)


def volunteered(w: TurnWork, ext) -> None:
    """A new request: keep its words when they name a pharmacy ("refill my lisinopril at the cvs on market"),
    so the pharmacy step can take them instead of asking (stages/select_pharmacy.py). A criterion alone is
    not kept: "asap" or "another one" in a request is no choice of pharmacy."""
    w.conv.new_request()
    if ext.pharmacy:
        # From where the pharmacy is named to the end ("... at the cvs on market st"): its street decides
        # between two of a chain, and the medication's own words ("10mg once a day") stay out of it.
        at = w.message.lower().find(ext.pharmacy.lower())
        w.conv.wanted_pharmacy = (w.message[at:] if at >= 0 else ext.pharmacy)[:300]
    w.conv.wanted_delivery = ext.fulfilment == "delivery"


def own_numbered(w: TurnWork, number: str, say_missing: bool = True) -> MedicationLine | None:
    """The patient's own prescription with this number ("rx 1001"). One not on their record is said to be
    missing, with their list, in the same words whether it is someone else's or no one's."""
    own = next((m for m in w.history().medications if m.rx_id == number.upper()), None)
    if own is None and say_missing:
        w.say("rx_not_found", number=safe_echo(number))
        w.line(med_list(w))
    return own


def by_number(w: TurnWork, number: str) -> None:
    """"refill rx 1001": that prescription, when it is on the patient's own record."""
    own = own_numbered(w, number)
    if own is None:
        return w.go(T.INFO)
    begin(w, [own.rx_id])


def switch_to(w: TurnWork, groups: list[Group]) -> None:
    """The patient named another of their medications mid-flow: start over with it (the rest queued)."""
    conv = w.conv
    (first, said), rest = groups[0], groups[1:]
    conv.queue = [keys for keys, _ in rest] + conv.queue
    if len(first) == 1:
        previous = conv.candidates
        set_current(w, first[0])
        conv.candidates = previous
        return w.go(T.REFILL_BLOCKED if blocked(w, first[0]) else T.SWITCH_MEDICATION, said=said)
    w.go(T.STOP)
    begin(w, first)


# ----------------------------------------------------------------------------- the pharmacies on offer
def offer_pharmacies(w: TurnWork, trigger: T) -> None:
    """The in-stock offers in reach (plus the pharmacy chosen for an earlier medication); none: a
    pharmacist is the next step. The pharmacy stage lists them."""
    conv = w.conv
    quotes = w.tools.price_lookup(rx_id=conv.slots.rx_id, pay_cash=conv.pay_cash).quotes
    offers, skipped = pick_offers(quotes)
    for q in skipped:
        w.alert(alert_rules.make(AlertCode.OUT_OF_STOCK, f"{q.pharmacy_name} ({q.distance_km:.1f} km) has {q.on_hand} "
                                                         f"on hand; {conv.slots.quantity} are needed.",
                                 rx_id=conv.slots.rx_id, pharmacy_id=q.pharmacy_id, pharmacy=q.pharmacy_name,
                                 km=f"{q.distance_km:.1f}", on_hand=q.on_hand, needed=conv.slots.quantity))
    if not offers:
        w.say("no_stock")
        w.go(T.NO_OFFERS if trigger == T.ELIGIBLE else T.INFO)
        return end_and_continue(w, "referred_to_pharmacist")
    reach = in_reach(quotes)
    earlier = conv.chosen_pharmacies[-1] if conv.chosen_pharmacies else None
    before = next((q for q in reach if earlier and q.pharmacy_id == earlier[1]), None)
    if before is not None and all(o.pharmacy_id != before.pharmacy_id for o in offers):
        offers.append(before)
    conv.offers = offers
    conv.others = [q for q in reach if all(o.pharmacy_id != q.pharmacy_id for o in offers)]
    w.go(trigger, before=before, earlier=earlier, skipped=skipped)


def choose_offer(w: TurnWork, message: str | None = None, by_position: bool = True) -> Choice:
    """The offer the message names: by key, or by a criterion computed over the offers (rxflow/offers.py).
    `message`: other words than this turn's (a request that said where); `by_position`: False when no list
    had been shown to those words (a "2" in them is not "the second")."""
    conv = w.conv
    message = message or w.message
    p = w.programs.select_pharmacy(message=message, offers=w.offer_options())
    if p.for_all and conv.queue:
        conv.same_for_all = True
    if p.pharmacy_id and by_position:
        return Choice(next(o for o in conv.offers if o.pharmacy_id == p.pharmacy_id))
    if p.criterion == "none" and conv.others and by_position:
        # A pharmacy by name that has the medication but was not on the list ("the walmart").
        named = w.programs.select_pharmacy(message=message, offers=w.offer_options(conv.others))
        if named.pharmacy_id:
            offer = next(o for o in conv.others if o.pharmacy_id == named.pharmacy_id)
            conv.offers.append(offer)
            conv.others = [o for o in conv.others if o is not offer]
            return Choice(offer, added=True)
    if p.criterion == "none":
        return Choice()
    last = w.med(conv.slots.rx_id).last_pharmacy_id if conv.slots.rx_id else None  # (everything due: none)
    earlier = conv.chosen_pharmacies[-1][1] if conv.chosen_pharmacies else None
    choice = choose(p.criterion, conv.offers, conv.others, last, earlier)
    if choice.offer is not None and choice.added:
        conv.offers.append(choice.offer)
        conv.others = [o for o in conv.others if o.pharmacy_id != choice.offer.pharmacy_id]
    return choice


def which_pharmacy(w: TurnWork, choice: Choice) -> None:
    """The message chose no single pharmacy: say so (naming a tie) and list the offers again."""
    if choice.ties:
        w.say("which_of_these", names=" and ".join(o.pharmacy_name for o in choice.ties))
    else:
        w.say("which_pharmacy")
    w.add("\n" + replies.offer_lines(w.conv.offers, w.lang))
