"""The four ways a refill ends without an order: the rules said no, and said who to turn to next.

    REFER_PRESCRIBER   no refills left, expired, a controlled substance: a renewal or a new prescription
    REFER_PHARMACIST   an allergy, an interaction, a duplicate, a dose to check, no stock
    NOT_ELIGIBLE       too soon, already in progress: wait (or a pharmacist)
    ESCALATE_PA        the plan needs a prior authorization: the prescriber asks, or the patient pays cash

Right after a refusal the patient follows it up: "why?", "is it safe for me?", "so when can I get it?",
"what should I do?", "is there something cheaper?" are answered from the refusal's own facts (the rules'
verdict and the tools), and the next step stays on offer; "ok then do that" / "send it" takes the
request the refusal offered (its summary is shown; only its own yes sends it).
"""

from __future__ import annotations

from rxflow.flow import answers, referrals, replies
from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State

# The questions a refusal answers about itself, staying where it is.
FOLLOW_UPS = ("why", "safe", "next_step", "refill_date", "interaction", "allergy", "alternatives", "price",
              "cash_price", "prior_auth", "coverage", "dose")


class RefusalStage(IdleStage):
    asks = "next_step"  # a next step was just offered: "ok then do that" takes it

    def refused(self, w, ext):
        """The refusal this message follows up, if it is about it (not about another medication)."""
        f = w.conv.focus
        if f is None or f.kind != "refused" or all(m.rx_id != f.rx_id for m in w.history().medications):
            return None
        if ext.mentions and answers.subject_rx(w, ext) != f.rx_id:
            return None
        return f

    def follow_up(self, w, ext) -> bool:
        f = self.refused(w, ext)
        if f is None:
            return False
        if ext.intent == "confirm":
            return self.accept(w, f)
        if ext.intent in ("question", "ask_price") and ext.topic in FOLLOW_UPS:
            w.conv.focus_rx = f.rx_id
            if not answers.answer(w, ext):
                return False
            self.offer(w, f)
            return True
        return False

    def standing(self, w):
        """The refusal this state rests on, while it is still the thread (nothing was tracked, sent or
        ordered since): its next step is still open."""
        f = w.conv.focus if w.conv.focus and w.conv.focus.kind == "refused" else None
        if f is None or all(m.rx_id != f.rx_id for m in w.history().medications):
            return None
        return f

    def reprompt(self, w) -> None:
        """A question answered mid-step (the hours, a price, the list): the refusal's next step is still
        open, so it is offered again and the state stays (its quick replies with it). Nothing open: START."""
        f = self.standing(w)
        if f is None:
            return super().reprompt(w)
        self.offer(w, f)

    def help(self, w) -> None:
        """"what do I do now?" right after a refusal: its next step, and the offer kept (not the help menu)."""
        f = self.standing(w)
        if f is None:
            return super().help(w)
        w.conv.focus_rx = f.rx_id
        answers.next_step(w, f.rx_id)
        self.offer(w, f)

    def accept(self, w, f) -> bool:
        """"ok then do that": the request the refusal offered, shown for its own yes."""
        if f.offer is None:
            return False
        referrals.show(w, f.rx_id, f.offer)
        return True

    def offer(self, w, f) -> None:
        """The next step, offered again (its quick replies stay on the page); after a refusal by insurance
        alone, paying cash too."""
        if f.offer is not None:
            w.line(replies.say(w.lang, replies.OFFER[f.offer], prescriber=w.med(f.rx_id).prescriber))
        if w.conv.cash_rx == f.rx_id:
            cash = replies.say(w.lang, "offer.cash")
            w.add(" " + cash) if f.offer is not None else w.line(cash)


@stage
class ReferPrescriber(RefusalStage):
    state = State.REFER_PRESCRIBER


@stage
class ReferPharmacist(RefusalStage):
    state = State.REFER_PHARMACIST


@stage
class NotEligible(RefusalStage):
    state = State.NOT_ELIGIBLE


@stage
class EscalatePriorAuth(RefusalStage):
    state = State.ESCALATE_PA
    asks = "pay_cash"  # two next steps were offered: the prescriber's request, or paying cash

    def accept(self, w, f) -> bool:
        w.say("pa_or_cash", prescriber=w.med(f.rx_id).prescriber)  # "do that" could be either: ask which
        return True
