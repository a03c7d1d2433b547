"""Placing several refills at once ("refill everything that's due"): one summary listing every item, where
it goes and at what price, with the total; one yes; then one order per item, each with its own key so a
repeated yes writes none twice. Every item is checked again before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.flow import delivery, refilling, replies
from rxflow.flow.pending import Focus, Outcome, PendingBasket
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.base import Recheck, Write, digest, propose, write
from rxflow.flow.writes.order import failure
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def _quotes(w: TurnWork, picks: dict[str, str]) -> dict[str, object] | None:
    """Each item's offer at its pharmacy now (None when one has none: no price, or out of stock)."""
    out = {}
    for rx, ph in picks.items():
        try:
            quotes = w.tools.price_lookup(rx_id=rx, pharmacy_id=ph).quotes
        except ToolFailed:
            return None
        if not quotes or not quotes[0].in_stock:
            return None
        out[rx] = quotes[0]
    return out


def basket_summary(w: TurnWork, picks: dict[str, str],
                   offers: dict[str, object]) -> tuple[str, str, str, list[str]]:
    """The summary, the digest of what a yes would write, the words a yes may restate, and the pharmacies
    that deliver their items (delivery asked for: each one's window and fee are in the summary)."""
    lines, facts, total = [], [], 0.0
    for rx, o in offers.items():
        m = w.med(rx)
        total += o.price
        lines.append(replies.say(w.lang, "basket_line", medication=m.name, strength=m.strength, quantity=m.quantity,
                                 days=m.days_supply, pharmacy=o.pharmacy_name, price=replies.money(o.price, w.lang),
                                 price_type=replies.price_type(o.price_type, w.lang),
                                 what=replies.say(w.lang, "what.brand" if o.dispense_brand else "what.generic")))
        facts.append(f"{m.name} {m.strength} {o.pharmacy_name} {o.chain}")
    ready = max((o.ready_at for o in offers.values() if o.ready_at), default=None)
    how = replies.say(w.lang, "summary_ready", when=replies.when(ready, w.ctx.clock, w.lang) if ready else "")
    shipped, said = [], []
    if w.conv.delivery:  # one delivery per pharmacy: its window and fee
        for ph in dict.fromkeys(picks.values()):
            q = delivery.quote(w, next(r for r, p in picks.items() if p == ph), ph)
            if q is not None:
                shipped.append((ph, q.method, q.fee, q.arrives_from, q.arrives_until))
                said.append(delivery.line(w, q))
    how = "\n- ".join(said) or how
    text = replies.say(w.lang, "basket_summary", count=len(offers), lines="\n".join(lines),
                       total=replies.money(total, w.lang), how=how)
    key = digest(kind="basket", items=sorted((rx, o.pharmacy_id, o.price, o.price_type, o.dispense_brand)
                                             for rx, o in offers.items()), delivery=shipped)
    return text, key, " ".join(facts), [ph for ph, *_ in shipped]


def propose_basket_write(w: TurnWork, picks: dict[str, str]) -> None:
    offers = _quotes(w, picks)
    if offers is None:
        w.say("basket_no_stock")
        w.add("\n" + replies.offer_lines(w.conv.offers, w.lang))
        return w.go(T.PHARMACY_UNCLEAR)
    text, key, facts, shipped = basket_summary(w, picks, offers)
    main = max(set(picks.values()), key=list(picks.values()).count)  # where most of them go
    w.conv.slots.pharmacy_id = w.conv.focus_pharmacy = main
    p = PendingBasket(digest=key, summary=text, facts=facts, rx_ids=list(picks), pharmacies=list(picks.values()),
                      delivered_from=shipped)
    propose(w, p, T.SUMMARY_CHANGED if w.conv.pending is not None else T.PHARMACY_CHOSEN)


@write
class BasketWrite(Write):
    kind = "basket"
    question = "basket_question"

    def recheck(self, w: TurnWork, p: PendingBasket) -> Recheck:
        picks = dict(zip(p.rx_ids, p.pharmacies, strict=True))
        offers = _quotes(w, picks)
        return Recheck(offers is not None and basket_summary(w, picks, offers)[1] == p.digest, offers)

    def changed(self, w: TurnWork, p: PendingBasket, check: Recheck) -> None:
        w.say("summary_refreshed")
        picks = dict(zip(p.rx_ids, p.pharmacies, strict=True))
        if check.now is None:
            w.say("basket_no_stock")
            w.add("\n" + replies.offer_lines(w.conv.offers, w.lang))
            return w.go(T.ORDER_REFUSED)
        propose_basket_write(w, picks)

    def execute(self, w: TurnWork, p: PendingBasket, check: Recheck):
        placed, failed = [], None
        for rx, ph in zip(p.rx_ids, p.pharmacies, strict=True):
            try:
                placed.append(w.tools.submit_order(rx_id=rx, pharmacy_id=ph, confirmed=True,
                                                   idempotency_key=f"{w.conv.write_token}:{p.digest}:{rx}",
                                                   delivery=ph in p.delivered_from))
            except ToolFailed as e:
                failed = (rx, e)
                break  # nothing after a failure: the patient hears which were placed and which not
        return placed, failed

    def done(self, w: TurnWork, p: PendingBasket, result) -> None:
        conv = w.conv
        placed, failed = result
        if placed:
            w.say("basket_done", count=len(placed))
        for d in placed:
            o = d.order
            w.placed.append(o.order_id)
            if d.created:
                conv.orders.append(o.order_id)
            conv.outcomes.append(Outcome(status="order_placed", rx_id=o.rx_id, medication=d.medication,
                                         order_id=o.order_id))
            conv.chosen_pharmacies.append((d.medication, o.pharmacy_id))
            w.add("\n" + replies.say(w.lang, "basket_placed", order_id=o.order_id, medication=d.medication,
                                     strength=d.strength, pharmacy=d.pharmacy_name, price=replies.money(o.price, w.lang)))
        if placed:
            w.order = placed[-1].model_dump(mode="json")
            last = placed[-1]
            conv.focus = Focus(kind="ordered", rx_id=last.order.rx_id, medication=last.medication,
                               order_id=last.order.order_id)
            w.outcome = "order_placed"
            ready = [d.order.ready_at for d in placed if d.order.ready_at]
            if ready:
                w.line(replies.say(w.lang, "ready_at", when=replies.when(max(ready), w.ctx.clock, w.lang)).strip())
        if failed is not None:
            rx, e = failed
            left = p.rx_ids[p.rx_ids.index(rx):]
            w.line(replies.say(w.lang, "basket_failed", medication=w.med(rx).name,
                               why=replies.say(w.lang, f"order_failed.{failure(e)}", pharmacy=""),
                               rest=", ".join(w.med(r).name for r in left)))
        conv.basket = []
        conv.reset_refill()
        w.go(T.CONFIRMED)
        refilling.next_in_queue(w)

    def failed(self, w: TurnWork, p: PendingBasket, check: Recheck, e: ToolFailed) -> None:  # execute never raises
        self.done(w, p, ([], (p.rx_ids[0], e)))
