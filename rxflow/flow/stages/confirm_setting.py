"""CONFIRM_SETTING: the summary of a standing setting (auto-refill on, paused, resumed or stopped; a refill
reminder; texts on or off); only the consent gate's yes changes it."""

from __future__ import annotations

from rxflow.flow import services, writes
from rxflow.flow.stage import SummaryStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.setting import propose_setting


@stage
class ConfirmSetting(SummaryStage):
    state = State.CONFIRM_SETTING
    asks = "setting_yes"

    def enter(self, w, trigger, **facts) -> None:
        if trigger == T.SETTING_ASKED:
            writes.show(w)

    def handle(self, w, ext) -> None:
        """Anything but a yes: a no changes nothing; a new refill starts; anything else asks again,
        saying what a yes would do."""
        p = w.conv.pending
        answer = self.answer(w)
        if p is not None and p.setting == "auto_refill_on" and ext.pharmacy and not ext.mentions:
            # "yes but at the cvs on market": the same enrolment at that pharmacy, a new summary (its own yes)
            pharmacy_id = services.pharmacy_named(w, ext, p.rx_id)
            if pharmacy_id and pharmacy_id != p.pharmacy_id:
                w.say("summary_changed")
                return propose_setting(w, "auto_refill_on", rx_id=p.rx_id, pharmacy_id=pharmacy_id)
        if self.declined(w, ext, answer):
            return
        self.reprompt(w)
        w.go(T.SETTING_UNCLEAR)

    def decline(self, w) -> None:
        w.conv.pending = None
        w.say("setting_not_changed")
        w.go(T.SETTING_DECLINED)

    def reprompt(self, w) -> None:
        p = w.conv.pending
        if p is not None:
            w.say(f"setting_question.{p.setting}")

    def abandon(self, w) -> None:
        w.conv.pending = None
        w.go(T.SETTING_DECLINED)

    def set_aside(self, w, for_write: str) -> None:
        if for_write == "setting":
            w.conv.pending = None  # another setting instead: its own summary replaces this one
            return
        self.abandon(w)

    def settle(self, w) -> None:
        self.abandon(w)

    def reshow(self, w) -> None:
        p = w.conv.pending
        if p is None:
            return
        propose_setting(w, p.setting, p.rx_id, p.pharmacy_id, p.target_id)
