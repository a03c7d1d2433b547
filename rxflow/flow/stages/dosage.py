"""CONFIRM_DOSAGE: the prescription read back; "is that the dose you take?"

The programs read the words; the rule (code) compares every strength any reader found with the record.
"""

from __future__ import annotations

from programs.types import MedicationMention
from rxflow import alerts as alert_rules
from rxflow.domain import AlertCode
from rxflow.flow import refilling, replies
from rxflow.flow.stage import RefillStage, stage
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.tools import ToolFailed

ASKED_ON = (T.REFILL_RESOLVED, T.NEXT_MEDICATION, T.SWITCH_MEDICATION, T.CHANGE_DOSE)


@stage
class ConfirmDosage(RefillStage):
    state = State.CONFIRM_DOSAGE
    asks = "dose"
    question = "dose_question"
    switchable = True

    def enter(self, w, trigger, said: MedicationMention | None = None, **facts) -> None:
        if trigger not in ASKED_ON:
            return
        m = w.med(w.conv.slots.rx_id)
        check = None
        if said is not None and (said.strength or said.frequency):
            # A dose volunteered with the request: the rule compares it with the record. All of it agrees:
            # no question to ask ("refill my lisinopril 10mg once a day"); a frequency alone is not the dose.
            check = _verify(w, rx_id=m.rx_id, stated_strength=said.strength, stated_frequency=said.frequency)
            if check is not None and check.verdict == "consistent" and said.strength:
                w.conv.dosage = w.dosage = "consistent"
                w.say("dose_as_stated", medication=m.name, strength=m.strength,
                      frequency=replies.world(m.frequency, w.lang))
                return w.go(T.DOSE_CONFIRMED)
        w.say("ask_dose", **w.whose(), medication=m.name, strength=m.strength, form=m.dose_form, sig=m.sig,
              quantity=m.quantity,
              days=m.days_supply,
              brand=replies.say(w.lang, "brand_as_written") if m.dispense_as_written else "")
        if check is not None and check.verdict == "mismatch":
            # As a "no, I take 20 mg" would be: only the prescribed dose restated goes on from here.
            w.conv.dosage = w.dosage = "mismatch"
            w.conv.dose_attempts = 1
            if check.alert:
                w.alert(check.alert)
            w.add("\n" + replies.say(w.lang, "stated_differs", stated=check.stated_strength or said.frequency,
                                     strength=m.strength if check.stated_strength else replies.world(m.frequency, w.lang)))
        w.add("\n" + replies.say(w.lang, "dose_question"))

    def handle(self, w, ext) -> None:
        conv, s = w.conv, w.conv.slots
        m = w.med(s.rx_id)
        if ext.intent == "change" or (conv.candidates and len(conv.candidates) == 2 and ext.intent in ("deny", "refill")):
            other = [k for k in conv.candidates if k != s.rx_id]
            res = w.programs.identify(mention=w.message, medications=w.med_options(other)) if other else None
            if res is not None and len(res.matches) == 1:
                return refilling.switch_to(w, [([res.matches[0]], None)])
        d = w.programs.confirm_dosage(message=w.message, prescribed_strength=m.strength,
                                      prescribed_frequency=m.frequency, prescribed_directions=m.sig)
        stated = bool(d.stated_strengths or d.stated_frequency or d.stated_count is not None)
        mismatch = None
        for strength in d.stated_strengths or [None]:
            if not stated:
                break
            check = _verify(w, rx_id=s.rx_id, stated_strength=strength, stated_frequency=d.stated_frequency,
                            stated_count=d.stated_count)
            if check is not None and check.verdict == "mismatch" and mismatch is None:
                mismatch = check
        if d.dose_changed:
            return self.dose_changed(w, m, mismatch)
        if mismatch is not None or (d.verdict == "mismatch" and not d.stated_strengths):
            verdict = "mismatch"  # "no, twice a day" with a matching frequency is still a "no"
        elif stated:
            verdict = "consistent"
        else:
            verdict = d.verdict
        if conv.dose_attempts and not (verdict == "consistent" and stated):
            verdict = "mismatch"  # after a mismatch only a restated dose goes on: "ok" or "yes" is not a dose
        conv.dosage = w.dosage = verdict
        w.intent = {"consistent": "confirm", "mismatch": "deny"}.get(verdict, w.intent)
        if verdict == "consistent":  # said back, then the pharmacies: the patient sees which dose was agreed
            w.say("dose_ok", medication=m.name, strength=m.strength, frequency=replies.world(m.frequency, w.lang))
            return w.go(T.DOSE_CONFIRMED)
        if verdict == "mismatch":
            conv.dose_attempts += 1
            reason = replies.why(mismatch.alert, w.lang) if mismatch and mismatch.alert else \
                replies.say(w.lang, "dose_not_right")
            if conv.dose_attempts == 1:
                w.alert(mismatch.alert if mismatch and mismatch.alert else alert_rules.make(
                    AlertCode.DOSE_MISMATCH, replies.say("en", "dose_not_right"), rx_id=s.rx_id))
                w.go(T.DOSE_MISMATCH)
                return w.say("dose_mismatch", reason=reason, strength=m.strength, frequency=m.frequency)
            w.go(T.DOSE_REFER)
            w.say("dose_refer", reason=reason)
            w.add(" " + replies.say(w.lang, "offer.pharmacist"))
            return refilling.end_and_continue(w, "referred_to_pharmacist")
        w.say("dose_unclear", medication=m.name, strength=m.strength, frequency=m.frequency)
        w.go(T.DOSE_UNCLEAR)

    def dose_changed(self, w, m, mismatch) -> None:
        """The patient says their prescriber changed the dose: never refill the recorded one; verify."""
        conv = w.conv
        conv.dosage = w.dosage = "mismatch"
        w.intent = "deny"
        if mismatch is not None and mismatch.alert:
            w.alert(mismatch.alert)
        stated = mismatch.stated_strength if mismatch else None
        w.alert(alert_rules.make(AlertCode.DOSE_CHANGED, "The patient reports that the prescriber changed the dose"
                                 + (f" to {stated}." if stated else "."), rx_id=m.rx_id, stated_strength=stated))
        w.go(T.DOSE_REFER)
        w.say("dose_changed", to=f" to {stated}" if stated else "", strength=m.strength, frequency=m.frequency,
              prescriber=m.prescriber, phone=m.prescriber_phone)
        w.add(" " + replies.say(w.lang, "offer.pharmacist"))
        refilling.end_and_continue(w, "referred_to_pharmacist")


def _verify(w, **args):
    """dosage_verification, or None when it could not judge (an unreadable strength)."""
    try:
        return w.tools.dosage_verification(**args)
    except ToolFailed:
        return None
