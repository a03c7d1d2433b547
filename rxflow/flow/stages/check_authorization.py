"""CHECK_AUTHORIZATION: the refill rules, the drug-use review and insurance, run within the turn the
dose is confirmed (a session never rests here). Allowed: on to the pharmacies. Blocked: say why,
naming every blocking rule, and who to contact next; the refusal's stage keeps that next step."""

from __future__ import annotations

from rxflow.domain import NextStep
from rxflow.flow import refilling, replies
from rxflow.flow.pending import Focus
from rxflow.flow.stage import Stage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.offers import pick_offers

TO_PRESCRIBER = (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION)


@stage
class CheckAuthorization(Stage):
    state = State.CHECK_AUTHORIZATION

    def enter(self, w, trigger, **facts) -> None:
        m = w.med(w.conv.slots.rx_id)
        w.decide(m)
        for a in m.refill.alerts:
            w.alert(a)
        if refilling.blocked(w, m.rx_id):
            return self.refuse(w, m)
        notes = [replies.alert_line(a, w.lang) for a in m.refill.alerts]
        if notes:
            w.say("note_alerts")
            w.add("\n" + "\n".join(notes))
        refilling.offer_pharmacies(w, T.ELIGIBLE)

    def refuse(self, w, m) -> None:
        blocking = [a for a in m.refill.alerts if a.blocking]
        first = blocking[0]
        offer = "prior_auth" if m.refill.cash_only else "renewal" if first.next_step in TO_PRESCRIBER else \
            "pharmacist_callback" if first.next_step in (NextStep.PHARMACIST, NextStep.WAIT) else None
        w.conv.focus = Focus(kind="refused", rx_id=m.rx_id, medication=m.name, offer=offer)
        w.say("cant_refill", medication=m.name)
        w.add(" " + " ".join(replies.why(a, w.lang) for a in blocking))
        w.add("\n" + replies.say(w.lang, "the_rule", rule=replies.rule(first, w.lang)))
        if m.refill.cash_only:
            return self.prior_auth(w, m)
        step = replies.next_step(first.next_step, w.lang)
        if step:
            if first.next_step in TO_PRESCRIBER:
                step += replies.say(w.lang, "prescriber_contact", prescriber=m.prescriber, phone=m.prescriber_phone)
            w.add("\n" + step + ".")
        # The next step is a request this assistant can send (rxflow/flow/referrals.py), after a yes.
        if offer:
            w.add("\n" + replies.say(w.lang, replies.OFFER[offer], prescriber=m.prescriber))
        if first.next_step in TO_PRESCRIBER:
            w.go(T.REFER_PRESCRIBER)
            return refilling.end_and_continue(w, "referred_to_prescriber")
        if first.next_step == NextStep.PHARMACIST:
            w.go(T.REFER_PHARMACIST)
            return refilling.end_and_continue(w, "referred_to_pharmacist")
        w.go(T.NOT_ELIGIBLE)
        refilling.end_and_continue(w, "refused")

    def prior_auth(self, w, m) -> None:
        """Insurance alone says no: the prescriber can ask the plan, or the patient can pay cash."""
        pa = w.tools.prior_auth_lookup(rx_id=m.rx_id)
        w.add("\n" + replies.next_step(NextStep.PRIOR_AUTH, w.lang)
              + replies.say(w.lang, "prescriber_contact", prescriber=pa.prescriber, phone=pa.prescriber_phone) + ".")
        if pa.criteria:
            w.add("\n" + replies.say(w.lang, "pa_criteria", criteria=pa.criteria))
        if pa.turnaround_days:
            w.add(" " + replies.say(w.lang, "pa_turnaround", days=pa.turnaround_days))
        w.add("\n" + replies.say(w.lang, "offer.prior_auth", prescriber=pa.prescriber))
        offers, _ = pick_offers(w.tools.price_lookup(rx_id=m.rx_id, pay_cash=True).quotes)
        if offers:
            best = min(offers, key=lambda o: o.price)
            w.add("\n" + replies.say(w.lang, "pay_cash_offer", price=replies.money(best.price, w.lang),
                                     price_type=replies.price_type(best.price_type, w.lang),
                                     pharmacy=best.pharmacy_name))
        w.conv.cash_rx = m.rx_id
        w.go(T.NEEDS_PRIOR_AUTH)
        refilling.end_and_continue(w, "escalated_prior_auth")
