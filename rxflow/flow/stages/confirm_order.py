"""CONFIRM_ORDER: the order's summary; only the consent gate's yes to it places the order.

Anything else is read here: a change of pharmacy, dose or medication shows what changes; a no goes
back to the offers; anything unclear asks for a plain yes.
"""

from __future__ import annotations

from rxflow.flow import basket, refilling, replies, writes
from rxflow.flow.stage import RefillStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.order import pending_offer, propose_order


@stage
class ConfirmOrder(RefillStage):
    state = State.CONFIRM_ORDER
    asks = "order_yes"
    question = "summary_question"
    switchable = True
    choosing = True
    takes_yes = True

    def enter(self, w, trigger, **facts) -> None:
        if trigger in (T.PHARMACY_CHOSEN, T.SUMMARY_CHANGED):
            writes.show(w)

    def handle(self, w, ext) -> None:
        conv = w.conv
        c = w.programs.confirm_order(message=w.message, summary=conv.pending.summary if conv.pending else "")
        w.intent = {"yes": "confirm", "no": "deny", "change": "change"}.get(c.answer, w.intent)
        if conv.basket:
            return self.basket(w, ext, c)
        if c.answer == "change" and c.change == "dose":
            conv.pending, conv.dose_attempts = None, 0
            return w.go(T.CHANGE_DOSE)
        if c.answer == "change" and c.change == "medication":
            conv.reset_refill()
            return w.go(T.CHANGE_MEDICATION)
        if c.answer == "change":
            return self.change_pharmacy(w, ext)
        if c.answer == "no":
            conv.pending = None
            w.say("declined")
            w.add("\n" + replies.offer_lines(conv.offers, w.lang))
            return w.go(T.DECLINED)
        w.say("confirm_unclear")
        w.go(T.CONFIRM_UNCLEAR)

    def basket(self, w, ext, c) -> None:
        """At the summary of everything due: drop an item, change where (all or one), or no."""
        conv = w.conv
        if basket.drop(w, ext):
            return
        if c.answer == "no" and not ext.mentions:
            conv.pending = None
            w.say("declined")
            w.add("\n" + replies.offer_lines(conv.offers, w.lang))
            return w.go(T.DECLINED)
        if c.answer == "change" or ext.mentions or ext.pharmacy:
            return basket.choose(w, ext)
        w.say("confirm_unclear")
        w.go(T.CONFIRM_UNCLEAR)

    def change_pharmacy(self, w, ext) -> None:
        conv = w.conv
        choice = refilling.choose_offer(w)
        same = choice.offer is not None and conv.pending is not None and \
            choice.offer.pharmacy_id == conv.pending.pharmacy_id
        if choice.offer is not None and not same:
            return propose_order(w, choice.offer, changed=True)
        if same:  # "yes, the cheapest" when the summary is the cheapest: nothing to change; ask for a plain yes
            w.say("confirm_unclear")
            return w.go(T.CONFIRM_UNCLEAR)
        # A change this reading could not resolve ("the one near my gym", two that fit): say so, keep the
        # summary open at the pharmacy it names, and list the choices. A later yes is still a yes to it.
        shown = pending_offer(w)
        short = self.short_of_stock(w, ext.pharmacy)
        if choice.ties:
            w.say("which_of_these", names=" and ".join(o.pharmacy_name for o in choice.ties))
        elif short:
            w.say("change_no_stock", named=short, pharmacy=shown.pharmacy_name if shown else "")
        else:
            w.say("change_not_caught", pharmacy=shown.pharmacy_name if shown else "")
        w.add("\n" + replies.offer_lines(conv.offers, w.lang))
        w.go(T.CONFIRM_UNCLEAR)

    @staticmethod
    def short_of_stock(w, said: str | None) -> str | None:
        """The pharmacy named, when the stock check left it out for this medication (its out_of_stock alert)."""
        if not said:
            return None
        said = said.lower().removeprefix("the ").strip()
        for a in w.conv.alerts:
            name = a.details.get("pharmacy") if a.code == "out_of_stock" and a.rx_id == w.conv.slots.rx_id else None
            if name and (said in name.lower() or name.lower().split(" - ")[0] in said):
                return name
        return None

    def reprompt(self, w) -> None:
        p = w.conv.pending
        w.say("basket_question" if p is not None and p.kind == "basket" else self.question)

    def reshow(self, w) -> None:
        p = w.conv.pending
        if p is not None and p.kind == "basket":
            from rxflow.flow.writes.basket import propose_basket_write

            return propose_basket_write(w, dict(zip(p.rx_ids, p.pharmacies, strict=True)))
        offer = pending_offer(w)
        if offer is None:
            return self.reprompt(w)
        propose_order(w, offer)  # the same facts in the new language: the yes binds to this one
