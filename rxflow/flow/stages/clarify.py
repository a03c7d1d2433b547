"""CLARIFY_MEDICATION: more than one prescription fits what was said; which one?"""

from __future__ import annotations

from rxflow.flow import refilling, replies
from rxflow.flow.stage import RefillStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T


@stage
class ClarifyMedication(RefillStage):
    state = State.CLARIFY_MEDICATION
    asks = "which_of_several"
    question = "several_fit"

    def enter(self, w, trigger, **facts) -> None:
        if trigger not in (T.REFILL_AMBIGUOUS, T.NEXT_AMBIGUOUS):
            return
        w.say("several_fit")
        w.add("\n" + "\n".join(f"{i}. {w.med(k).name} {w.med(k).strength} — {replies.world(w.med(k).frequency, w.lang)}"
                               for i, k in enumerate(w.conv.candidates, 1)))

    def handle(self, w, ext) -> None:
        options = w.med_options(w.conv.candidates)
        res = w.programs.identify(mention=w.message, medications=options)
        if len(res.matches) != 1:
            res = w.programs.identify(mention=w.message, medications=w.med_options())
        if len(res.matches) == 1:
            refilling.note_brand(w, res.matches[0], w.message)  # "the synthroid": replies name it so
            refilling.begin(w, list(res.matches))
            w.conv.candidates = [m.key for m in options]  # kept, so "no, the other one" can switch
            return
        w.say("which_one_again")
        w.add("\n" + "\n".join(f"{m.position}. {m.name} {m.strength}" for m in options))
        w.go(T.REFILL_UNRESOLVED)
