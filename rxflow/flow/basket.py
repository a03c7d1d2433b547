"""Refill everything that is due, in one go: one list (what is due, and apart what is not and why), one
pharmacy for all (the offers are pharmacies with every item in stock, priced in total; exceptions such
as "costco, but the metformin at cvs"), one summary of every item, one yes, one order per item.

What is due and what blocks the rest are the refill rules' verdicts (patient_history); the totals come
from basket_offers, an exception's price from price_lookup. The programs read which pharmacy and which
medication a message names; splitting "costco but the metformin at cvs" into its parts is done here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rxflow.domain import Offer
from rxflow.flow import refilling, replies
from rxflow.flow.transitions import Trigger as T
from rxflow.offers import in_reach, pick_offers

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork

# Where a choice for all gives way to one for a single item: "costco, but the metformin at cvs".
_EXCEPT = re.compile(r"\b(?:but|except|and|pero|y|excepto|menos|aside from|apart from)\b|[,;]", re.IGNORECASE)


def start(w: TurnWork, ext=None) -> None:
    """"refill everything that's due": the due list, the blocked ones apart, then the pharmacies for all
    (those that deliver, when delivery was asked for with it)."""
    conv = w.conv
    meds = w.history().medications
    due = [m for m in meds if not refilling.blocked(w, m.rx_id)]
    held = [m for m in meds if refilling.blocked(w, m.rx_id)]
    conv.reset_refill()
    conv.queue, conv.basket = [], []
    for m in held if len(due) == 1 else meds:  # decided here (one due alone is decided at its own rules step)
        w.decide(m)
    if not due:
        w.say("basket_nothing_due")
        for m in held:
            w.add("\n" + _held_line(w, m))
        return w.go(T.INFO)
    if held:
        w.say("basket_held")
        for m in held:
            w.add("\n" + _held_line(w, m))
            for a in m.refill.alerts:  # raised as its refusal would raise them
                w.alert(a)
    if len(due) == 1:
        return refilling.begin(w, [due[0].rx_id])  # one due: an ordinary refill of that one
    conv.basket = [m.rx_id for m in due]
    conv.delivery = ext is not None and ext.fulfilment == "delivery"
    for m in due:  # what the rules note without blocking (the last refill...): raised, and said in the list
        for a in m.refill.alerts:
            w.alert(a)
    if not offer(w):
        return
    w.go(T.BASKET)


def _held_line(w: TurnWork, m) -> str:
    blocking = [a for a in m.refill.alerts if a.blocking]
    step = replies.next_step(blocking[0].next_step, w.lang) if blocking else ""
    return replies.say(w.lang, "basket_held_line", medication=m.name, strength=m.strength,
                       why=" ".join(replies.why(a, w.lang) for a in blocking), step=f" {step}." if step else "")


def offer(w: TurnWork) -> bool:
    """The pharmacies with every item in stock (delivering ones when asked), as offers priced in total."""
    conv = w.conv
    found = w.tools.basket_offers(rx_ids=conv.basket, delivery=conv.delivery).offers
    quotes = [_as_offer(b) for b in found]
    offers, _ = pick_offers(quotes)
    if not offers:
        w.say("basket_no_pharmacy", example=refilling.example(w))
        conv.basket, conv.delivery = [], False
        w.go(T.STOP if w.stage.mid_flow else T.INFO)
        return False
    conv.offers = offers
    conv.others = [q for q in in_reach(quotes) if all(o.pharmacy_id != q.pharmacy_id for o in offers)]
    return True


def _as_offer(b) -> Offer:
    """A pharmacy's basket as an offer (its price the total), so choosing by name or criterion works as for one."""
    first = b.items[0]
    return Offer(pharmacy_id=b.pharmacy_id, pharmacy_name=b.pharmacy_name, chain=b.chain, address=b.address,
                 distance_km=b.distance_km, in_stock=True, on_hand=0, wait_minutes=b.wait_minutes, price=b.total,
                 price_type=first.price_type, copay=None, cash_price=b.total, card_price=None,
                 dispense_brand=False, hours=b.hours, is_24h=b.is_24h, drive_thru=b.drive_thru,
                 delivery=b.delivery, delivery_fee=b.delivery_fee, ready_at=b.ready_at)


def show_offers(w: TurnWork) -> None:
    conv = w.conv
    w.say("basket_due", count=len(conv.basket))
    for rx in conv.basket:
        m = w.med(rx)
        w.add("\n" + replies.say(w.lang, "basket_item", medication=m.name, strength=m.strength,
                                 frequency=replies.world(m.frequency, w.lang), quantity=m.quantity))
        for a in m.refill.alerts:
            w.add(" — " + replies.why(a, w.lang))
    w.line(replies.say(w.lang, "basket_deliver" if conv.delivery else "basket_where"))
    w.add("\n" + replies.offer_lines(conv.offers, w.lang) + "\n"
          + replies.say(w.lang, "basket_hint", example=w.med(conv.basket[-1]).name))


def choose(w: TurnWork, ext) -> None:
    """A pharmacy for all, with exceptions for single items ("costco, but the metformin at cvs")."""
    conv = w.conv
    picks: dict[str, str] = {}
    main = None
    for clause in _clauses(w.message):
        named = _items_in(w, clause)
        if named:
            for rx in named:
                ph = _pharmacy_for_item(w, rx, clause)
                if ph is None:
                    w.say("basket_item_where", medication=w.med(rx).name)
                    return _unclear(w)
                picks[rx] = ph
            continue
        choice = refilling.choose_offer(w, clause)
        if choice.offer is not None:
            main = choice.offer
    if main is None and picks and len(picks) < len(conv.basket) and conv.pending is not None:
        main_id = next(iter(p for p in conv.pending.pharmacies if p))  # at the summary: the rest stay where they were
        main = next((o for o in conv.offers if o.pharmacy_id == main_id), None)
    if main is None and len(picks) < len(conv.basket):
        refilling.which_pharmacy(w, refilling.choose_offer(w))
        return _unclear(w)
    propose_basket(w, {rx: picks.get(rx) or main.pharmacy_id for rx in conv.basket})


def _unclear(w: TurnWork) -> None:
    """Nothing chosen: the question stays (the list, or the summary, which a plain yes still places)."""
    w.go(T.CONFIRM_UNCLEAR if w.conv.pending is not None else T.PHARMACY_UNCLEAR)


def drop(w: TurnWork, ext) -> bool:
    """"take the metformin off": that item leaves the basket (a new summary). False when none is named."""
    conv = w.conv
    named = [rx for rx in _items_in(w, w.message)]
    if not named or ext.action != "off":
        return False
    keep = [rx for rx in conv.basket if rx not in named]
    if not keep:
        return False
    conv.basket = keep
    picks = dict(zip(conv.pending.rx_ids, conv.pending.pharmacies, strict=True)) if conv.pending else {}
    propose_basket(w, {rx: picks[rx] for rx in keep if rx in picks}, changed=True)
    return True


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _EXCEPT.split(text) if c and c.strip()]


def _items_in(w: TurnWork, text: str) -> list[str]:
    """The basket's items a piece of the message names."""
    ext = w.programs.understand(message=text, history="", asks="pharmacy", medications=w.med_options(w.conv.basket),
                                offers=[], language=w.lang)
    found = []
    for mention in ext.mentions:
        res = w.programs.identify(mention=mention.text, medications=w.med_options(w.conv.basket))
        found += [rx for rx in res.matches if rx in w.conv.basket and rx not in found][:1]
    return found


def _pharmacy_for_item(w: TurnWork, rx_id: str, clause: str) -> str | None:
    quotes = [q for q in w.tools.price_lookup(rx_id=rx_id, pay_cash=False).quotes if q.in_stock]
    if not quotes:
        return None
    p = w.programs.select_pharmacy(message=clause, offers=w.offer_options(quotes))
    if p.pharmacy_id:
        return p.pharmacy_id
    return None


def propose_basket(w: TurnWork, picks: dict[str, str], changed: bool = False) -> None:
    """The summary of every item where it goes, with the total; one yes places them all."""
    from rxflow.flow.writes.basket import propose_basket_write

    if changed:
        w.say("summary_changed")
    propose_basket_write(w, picks)
