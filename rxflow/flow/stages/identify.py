"""IDENTIFY_MEDICATION: "Which medication would you like to refill?" with the patient's list."""

from __future__ import annotations

from rxflow.flow import basket, refilling
from rxflow.flow.stage import RefillStage, stage
from rxflow.flow.states import State


@stage
class IdentifyMedication(RefillStage):
    state = State.IDENTIFY_MEDICATION
    asks = "which_medication"
    question = "which_medication"
    idle = True

    def enter(self, w, trigger, named_unknown: bool = False, **facts) -> None:
        if not named_unknown:  # what was named is not theirs: that was said; the list follows
            w.say("which_medication")
        w.line(refilling.med_list(w))

    def handle(self, w, ext) -> None:
        if ext.everything and not ext.mentions:
            return basket.start(w, ext)  # "all of them"
        if ext.rx_number and not ext.mentions:
            return refilling.by_number(w, ext.rx_number)
        if ext.mentions:
            return refilling.start_refill(w, list(ext.mentions))
        res = w.programs.identify(mention=w.message, medications=w.med_options())  # a bare answer: "the water pill"
        if len(res.matches) == 1:
            refilling.note_brand(w, res.matches[0], w.message)  # "the eliquis": replies name it so
        if res.matches:
            return refilling.begin(w, list(res.matches))
        refilling.start_refill(w, [])
