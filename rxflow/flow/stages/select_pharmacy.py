"""SELECT_PHARMACY: the in-stock offers in reach; "where would you like to pick it up?"

A choice by name, number or a criterion (cheapest, closest, shortest wait, drive-thru, open late)
is computed over the offers in code (rxflow/offers.py); the programs only read which was meant.
"""

from __future__ import annotations

from rxflow.flow import basket, delivery, refilling, replies
from rxflow.flow.stage import RefillStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.order import propose_order


@stage
class SelectPharmacy(RefillStage):
    state = State.SELECT_PHARMACY
    asks = "pharmacy"
    question = "choose_hint"
    switchable = True
    choosing = True

    def enter(self, w, trigger, before=None, earlier=None, skipped=(), **facts) -> None:
        if trigger == T.BASKET:
            return basket.show_offers(w)
        if trigger not in (T.ELIGIBLE, T.PAY_CASH):
            return  # back here from the summary: whoever moved here listed the offers again
        conv = w.conv
        if conv.wanted_delivery:  # "... and deliver it": the offers are the pharmacies that deliver
            conv.delivery = True
            reach = [o for o in (*conv.offers, *conv.others) if delivery.delivers(o)]
            if reach:
                conv.offers = sorted(reach, key=lambda o: o.distance_km)[:3]
                conv.others = [o for o in reach if o not in conv.offers]
            else:
                conv.delivery = False
                w.say("delivery_none")
        if before is not None and conv.same_for_all:  # "the same pharmacy for all of them": said so, then its summary
            w.say("same_for_all_again", medication=conv.slots.medication, pharmacy=before.pharmacy_name)
            return propose_order(w, before)
        if conv.wanted_pharmacy:  # the request said where ("... at the cvs on market", "... the cheapest")
            choice = refilling.choose_offer(w, conv.wanted_pharmacy)
            if choice.offer is not None:
                return propose_order(w, choice.offer)
        if skipped:
            w.say("not_listed", names=", ".join(q.pharmacy_name for q in skipped))
        w.say("delivery_offers" if conv.delivery else "where_pickup")
        if before is not None:
            w.add(" " + replies.say(w.lang, "same_as_before", medication=earlier[0], pharmacy=before.pharmacy_name,
                                    price=replies.money(before.price, w.lang)))
        w.add("\n" + replies.offer_lines(conv.offers, w.lang) + "\n" + replies.say(w.lang, "choose_hint"))

    def handle(self, w, ext) -> None:
        conv = w.conv
        if conv.basket:
            return basket.choose(w, ext)
        before = conv.same_for_all
        choice = refilling.choose_offer(w)
        w.intent = "choose_pharmacy" if choice.offer or choice.ties else w.intent
        # "Same pharmacy for all": said back (how many it is for) before the summary or the question.
        every = replies.all_of(1 + len(conv.queue), w.lang) if conv.same_for_all and conv.queue else None
        if choice.offer is not None:
            if every:
                w.say("same_for_all_chosen", pharmacy=choice.offer.pharmacy_name, all=every)
            return propose_order(w, choice.offer)
        if every and not before and not choice.ties:
            w.say("same_for_all_which", all=every)
            w.add("\n" + replies.offer_lines(conv.offers, w.lang))
        else:
            refilling.which_pharmacy(w, choice)
        w.go(T.PHARMACY_UNCLEAR)
