"""The refill path: which medication, the dose, the rules, the pharmacy, the summary.

Each function reads the message through a state's program, acts through the tools (their
typed results), says what the tools returned from the reply catalogue, and fires a trigger.
"""

from __future__ import annotations

from programs.types import MedicationMention
from rxflow import alerts as alert_rules
from rxflow.domain import AlertCode, NextStep
from rxflow.flow import replies, writes
from rxflow.flow.states import State
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.turn import TurnWork
from rxflow.guard import safe_echo
from rxflow.offers import Choice, choose, in_reach, pick_offers


# ----------------------------------------------------------------------------- which medication
def set_current(w: TurnWork, rx_id: str) -> None:
    w.conv.reset_refill()
    m = w.med(rx_id)
    s = w.conv.slots
    s.rx_id, s.medication, s.strength, s.frequency = rx_id, m.name, m.strength, m.frequency
    s.quantity, s.days_supply = m.quantity, m.days_supply
    w.conv.focus_rx = rx_id


def ask_dose(w: TurnWork, stated_strength: str | None = None) -> None:
    m = w.med(w.conv.slots.rx_id)
    w.say("ask_dose", medication=m.name, brand=replies.say(w.lang, "brand_as_written") if m.dispense_as_written else "",
          strength=m.strength, form=m.dose_form, sig=m.sig, quantity=m.quantity, days=m.days_supply)
    if stated_strength:
        check = w.call("dosage_verification", rx_id=m.rx_id, stated_strength=stated_strength)
        if check.ok and check.output.verdict == "mismatch":
            w.add("\n" + replies.say(w.lang, "stated_differs", stated=check.output.stated_strength, strength=m.strength))
    w.add("\n" + replies.say(w.lang, "dose_question"))


def begin(w: TurnWork, keys: list[str], resolved: T = T.REFILL_RESOLVED, ambiguous: T = T.REFILL_AMBIGUOUS,
          stated: str | None = None) -> None:
    if len(keys) == 1:
        set_current(w, keys[0])
        ask_dose(w, stated)
        w.go(resolved)
        return
    w.conv.reset_refill()
    w.conv.candidates = keys
    w.say("several_fit")
    w.add("\n" + "\n".join(f"{i}. {w.med(k).name} {w.med(k).strength} — {replies.world(w.med(k).frequency, w.lang)}"
                           for i, k in enumerate(keys, 1)))
    w.go(ambiguous)


def next_in_queue(w: TurnWork) -> None:
    if not w.conv.queue:
        return
    keys = w.conv.queue[0]  # popped after the transition: its guard checks that a queue exists
    if len(keys) == 1:
        w.say("next_medication", medication=w.med(keys[0]).name)
    else:
        w.say("next_medication_unnamed")
    begin(w, keys, T.NEXT_MEDICATION, T.NEXT_AMBIGUOUS)
    w.conv.queue.pop(0)


def not_on_list(w: TurnWork, mention: str) -> None:
    look = w.call("drug_lookup", query=mention[:200], limit=1)
    if look.ok and look.output.confident:
        drug = look.output.matches[0]
        hist = w.call("patient_history", include_inactive=True).output
        inactive = [m for m in hist.medications if m.drug_id == drug.drug_id and m.status != "active"]
        if inactive:
            w.say("not_active", medication=drug.generic_name, status=inactive[0].status.replace("_", " "))
        else:
            w.say("not_on_list", medication=drug.generic_name)
    else:
        w.say("unknown_medication", text=safe_echo(mention))


def resolve_mentions(w: TurnWork, mentions: list[MedicationMention]) -> list[tuple[list[str], str | None]]:
    """Each mention's prescriptions (several when ambiguous), in the order named; unknown ones explained."""
    groups: list[tuple[list[str], str | None]] = []
    for m in mentions:
        res = w.programs.identify(mention=m.text, medications=w.med_options())
        if res.matches:
            if all(res.matches != g[0] for g in groups):
                groups.append((list(res.matches), m.strength))
        else:
            not_on_list(w, m.text)
    return groups


def med_list(w: TurnWork) -> str:
    meds = w.history().medications
    if not meds:
        return replies.say(w.lang, "no_medications")
    return replies.say(w.lang, "med_list") + "\n" + "\n".join(
        f"- {m.name} {m.strength} — {replies.world(m.frequency, w.lang)}: {status_text(w, m)}" for m in meds)


def status_text(w: TurnWork, m) -> str:
    r = m.refill
    date = replies.date(r.due_date, w.lang) if r.due_date else ""
    if r.status == "expired":
        date = replies.date(m.expires_on, w.lang)
    return replies.say(w.lang, f"status.{r.status}", refills=m.refills_remaining, date=date)


def start_refill(w: TurnWork, mentions: list[MedicationMention]) -> None:
    conv = w.conv
    if not mentions:
        if conv.state == State.IDENTIFY_MEDICATION:  # a bare reply to "which one?": resolve it directly
            res = w.programs.identify(mention=w.message, medications=w.med_options())
            if res.matches:
                return begin(w, list(res.matches))
        w.say("which_medication")
        w.line(med_list(w))
        return w.go(T.REFILL_UNRESOLVED)
    groups = resolve_mentions(w, mentions)
    if not groups:
        w.line(med_list(w))
        return w.go(T.REFILL_UNRESOLVED)
    (first, stated), rest = groups[0], groups[1:]
    conv.queue = [keys for keys, _ in rest]
    if rest:
        names = ", ".join(w.med(k[0]).name if len(k) == 1 else "one more" for k, _ in groups)
        w.say("one_at_a_time", names=names)
    begin(w, first, stated=stated)


def switch_to(w: TurnWork, groups: list[tuple[list[str], str | None]]) -> None:
    """The patient named another of their medications mid-flow: start over with it (the rest queued)."""
    conv = w.conv
    (first, stated), rest = groups[0], groups[1:]
    conv.queue = [keys for keys, _ in rest] + conv.queue
    if len(first) == 1:
        previous = conv.candidates
        set_current(w, first[0])
        conv.candidates = previous
        ask_dose(w, stated)
        return w.go(T.SWITCH_MEDICATION)
    w.go(T.STOP)
    begin(w, first)


def on_clarify(w: TurnWork, ext) -> None:
    options = w.med_options(w.conv.candidates)
    res = w.programs.identify(mention=w.message, medications=options)
    if len(res.matches) != 1:
        res = w.programs.identify(mention=w.message, medications=w.med_options())
    if len(res.matches) == 1:
        begin(w, list(res.matches))
        w.conv.candidates = [m.key for m in options]  # kept, so "no, the other one" can switch
        return
    w.say("which_one_again")
    w.add("\n" + "\n".join(f"{m.position}. {m.name} {m.strength}" for m in options))
    w.go(T.REFILL_UNRESOLVED)


# ----------------------------------------------------------------------------- the dose
def on_dosage(w: TurnWork, ext) -> None:
    conv, s = w.conv, w.conv.slots
    m = w.med(s.rx_id)
    if ext.intent == "change" or (conv.candidates and len(conv.candidates) == 2 and ext.intent in ("deny", "refill")):
        other = [k for k in conv.candidates if k != s.rx_id]
        res = w.programs.identify(mention=w.message, medications=w.med_options(other)) if other else None
        if res is not None and len(res.matches) == 1:
            return switch_to(w, [([res.matches[0]], None)])
    d = w.programs.confirm_dosage(message=w.message, prescribed_strength=m.strength,
                                  prescribed_frequency=m.frequency, prescribed_directions=m.sig)
    stated = bool(d.stated_strengths or d.stated_frequency or d.stated_count is not None)
    mismatch = None
    # The programs read the words; the rule (code) compares every strength any reader found.
    for strength in d.stated_strengths or [None]:
        if not stated:
            break
        check = w.call("dosage_verification", rx_id=s.rx_id, stated_strength=strength,
                       stated_frequency=d.stated_frequency, stated_count=d.stated_count)
        if check.ok and check.output.verdict == "mismatch" and mismatch is None:
            mismatch = check.output
    if d.dose_changed:
        return dose_changed(w, m, mismatch)
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
    if verdict == "consistent":
        w.go(T.DOSE_CONFIRMED)
        return run_checks(w)
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
        return end_and_continue(w, "referred_to_pharmacist")
    w.say("dose_unclear", medication=m.name, strength=m.strength, frequency=m.frequency)
    w.go(T.DOSE_UNCLEAR)


def dose_changed(w: TurnWork, m, mismatch) -> None:
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
    end_and_continue(w, "referred_to_pharmacist")


def end_and_continue(w: TurnWork, status: str) -> None:
    w.end_refill(status)
    w.conv.reset_refill()
    next_in_queue(w)


# ----------------------------------------------------------------------------- eligibility and review
def run_checks(w: TurnWork) -> None:
    m = w.med(w.conv.slots.rx_id)
    verdict = m.refill
    for a in verdict.alerts:
        w.alert(a)
    if any(a.blocking for a in verdict.alerts):
        return refuse(w, m)
    notes = [replies.alert_line(a, w.lang) for a in verdict.alerts]
    if notes:
        w.say("note_alerts")
        w.add("\n" + "\n".join(notes))
    offer_pharmacies(w, T.ELIGIBLE)


def refuse(w: TurnWork, m) -> None:
    """Say why, naming every blocking rule (every interacting drug), and who to contact next."""
    conv = w.conv
    blocking = [a for a in m.refill.alerts if a.blocking]
    first = blocking[0]
    w.say("cant_refill", medication=m.name)
    w.add(" " + " ".join(replies.why(a, w.lang) for a in blocking))
    w.add("\n" + replies.say(w.lang, "the_rule", rule=replies.rule(first, w.lang)))
    if m.refill.cash_only:
        pa = w.call("prior_auth_lookup", rx_id=m.rx_id).output
        w.add("\n" + replies.next_step(NextStep.PRIOR_AUTH, w.lang)
              + replies.say(w.lang, "prescriber_contact", prescriber=pa.prescriber, phone=pa.prescriber_phone) + ".")
        if pa.criteria:
            w.add("\n" + replies.say(w.lang, "pa_criteria", criteria=pa.criteria))
        if pa.turnaround_days:
            w.add(" " + replies.say(w.lang, "pa_turnaround", days=pa.turnaround_days))
        w.add("\n" + replies.say(w.lang, "offer.prior_auth", prescriber=pa.prescriber))
        cash = w.call("price_lookup", rx_id=m.rx_id, pay_cash=True).output
        offers, _ = pick_offers(cash.quotes)
        if offers:
            best = min(offers, key=lambda o: o.price)
            w.add("\n" + replies.say(w.lang, "pay_cash_offer", price=replies.money(best.price, w.lang),
                                     price_type=replies.price_type(best.price_type, w.lang),
                                     pharmacy=best.pharmacy_name))
        conv.cash_rx = m.rx_id
        w.go(T.NEEDS_PRIOR_AUTH)
        return end_and_continue(w, "escalated_prior_auth")
    step = replies.next_step(first.next_step, w.lang)
    if step:
        if first.next_step in (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION):
            step += replies.say(w.lang, "prescriber_contact", prescriber=m.prescriber, phone=m.prescriber_phone)
        w.add("\n" + step + ".")
    # The next step is a request this assistant can send (rxflow/flow/referrals.py), after a yes.
    if first.next_step in (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION):
        w.add("\n" + replies.say(w.lang, "offer.renewal", prescriber=m.prescriber))
    elif first.next_step in (NextStep.PHARMACIST, NextStep.WAIT):
        w.add("\n" + replies.say(w.lang, "offer.pharmacist"))
    if first.next_step in (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION):
        w.go(T.REFER_PRESCRIBER)
        return end_and_continue(w, "referred_to_prescriber")
    if first.next_step == NextStep.PHARMACIST:
        w.go(T.REFER_PHARMACIST)
        return end_and_continue(w, "referred_to_pharmacist")
    w.go(T.NOT_ELIGIBLE)
    end_and_continue(w, "refused")


# ----------------------------------------------------------------------------- the pharmacy
def offer_pharmacies(w: TurnWork, trigger: T) -> None:
    conv = w.conv
    quotes = w.call("price_lookup", rx_id=conv.slots.rx_id, pay_cash=conv.pay_cash).output.quotes
    offers, skipped = pick_offers(quotes)
    for q in skipped:
        w.alert(alert_rules.make(AlertCode.OUT_OF_STOCK, f"{q.pharmacy_name} ({q.distance_km:.1f} km) has {q.on_hand} "
                                                         f"on hand; {conv.slots.quantity} are needed.",
                                 rx_id=conv.slots.rx_id, pharmacy_id=q.pharmacy_id, pharmacy=q.pharmacy_name,
                                 km=f"{q.distance_km:.1f}", on_hand=q.on_hand, needed=conv.slots.quantity))
    if not offers:
        w.say("no_stock")
        w.go(T.NO_OFFERS if trigger == T.ELIGIBLE else T.INFO)
        return end_and_continue(w, "referred_to_pharmacist")
    reach = in_reach(quotes)
    earlier = conv.chosen_pharmacies[-1] if conv.chosen_pharmacies else None
    before = next((q for q in reach if earlier and q.pharmacy_id == earlier[1]), None)
    if before is not None and all(o.pharmacy_id != before.pharmacy_id for o in offers):
        offers.append(before)
    conv.offers = offers
    conv.others = [q for q in reach if all(o.pharmacy_id != q.pharmacy_id for o in offers)]
    if before is not None and conv.same_for_all:
        w.go(trigger)
        return show_summary(w, before)
    if skipped:
        w.say("not_listed", names=", ".join(q.pharmacy_name for q in skipped))
    w.say("where_pickup")
    if before is not None:
        w.add(" " + replies.say(w.lang, "same_as_before", medication=earlier[0], pharmacy=before.pharmacy_name,
                                price=replies.money(before.price, w.lang)))
    w.add("\n" + replies.offer_lines(offers, w.lang) + "\n" + replies.say(w.lang, "choose_hint"))
    w.go(trigger)


def choose_offer(w: TurnWork) -> Choice:
    """The offer the message names: by key, or by a criterion computed over the offers (rxflow/offers.py)."""
    conv = w.conv
    p = w.programs.select_pharmacy(message=w.message, offers=w.offer_options())
    if p.for_all and conv.queue:
        conv.same_for_all = True
    if p.pharmacy_id:
        return Choice(next(o for o in conv.offers if o.pharmacy_id == p.pharmacy_id))
    if p.criterion == "none" and conv.others:
        # A pharmacy by name that has the medication but was not on the list ("the walmart").
        named = w.programs.select_pharmacy(message=w.message, offers=w.offer_options(conv.others))
        if named.pharmacy_id:
            offer = next(o for o in conv.others if o.pharmacy_id == named.pharmacy_id)
            conv.offers.append(offer)
            conv.others = [o for o in conv.others if o is not offer]
            return Choice(offer, added=True)
    if p.criterion == "none":
        return Choice()
    last = w.med(conv.slots.rx_id).last_pharmacy_id
    earlier = conv.chosen_pharmacies[-1][1] if conv.chosen_pharmacies else None
    choice = choose(p.criterion, conv.offers, conv.others, last, earlier)
    if choice.offer is not None and choice.added:
        conv.offers.append(choice.offer)
        conv.others = [o for o in conv.others if o.pharmacy_id != choice.offer.pharmacy_id]
    return choice


def on_select(w: TurnWork, ext) -> None:
    conv = w.conv
    choice = choose_offer(w)
    w.intent = "choose_pharmacy" if choice.offer or choice.ties else w.intent
    if choice.offer is not None:
        return show_summary(w, choice.offer)
    if choice.ties:
        w.say("which_of_these", names=" and ".join(o.pharmacy_name for o in choice.ties))
    else:
        w.say("which_pharmacy")
    w.add("\n" + replies.offer_lines(conv.offers, w.lang))
    w.go(T.PHARMACY_UNCLEAR)


def on_confirm(w: TurnWork, ext) -> None:
    """At the order summary, anything but a yes: read how the patient answered; write nothing."""
    conv = w.conv
    c = w.programs.confirm_order(message=w.message, summary=conv.pending.summary if conv.pending else "")
    w.intent = {"yes": "confirm", "no": "deny", "change": "change"}.get(c.answer, w.intent)
    if c.answer == "change" and c.change == "dose":
        conv.pending, conv.dose_attempts = None, 0
        ask_dose(w)
        return w.go(T.CHANGE_DOSE)
    if c.answer == "change" and c.change == "medication":
        conv.reset_refill()
        w.say("which_medication")
        w.line(med_list(w))
        return w.go(T.CHANGE_MEDICATION)
    if c.answer == "change":
        choice = choose_offer(w)
        same = choice.offer is not None and conv.pending is not None and choice.offer.pharmacy_id == conv.pending.pharmacy_id
        if choice.offer is not None and not same:
            return show_summary(w, choice.offer, changed=True)
        if same:  # "yes, the cheapest" when the summary is the cheapest: nothing to change; ask for a plain yes
            w.say("confirm_unclear")
            return w.go(T.CONFIRM_UNCLEAR)
        conv.pending = None
        if choice.ties:
            w.say("which_of_these", names=" and ".join(o.pharmacy_name for o in choice.ties))
        else:
            w.say("which_pharmacy")
        w.add("\n" + replies.offer_lines(conv.offers, w.lang))
        return w.go(T.CHANGE_PHARMACY)
    if c.answer == "no":
        conv.pending = None
        w.say("declined")
        w.add("\n" + replies.offer_lines(conv.offers, w.lang))
        return w.go(T.DECLINED)
    w.say("confirm_unclear")
    w.go(T.CONFIRM_UNCLEAR)


def on_yes(w: TurnWork) -> None:
    """The consent gate heard a yes to the order summary: place it (or show what changed)."""
    w.intent = "confirm"
    done = writes.submit_pending_order(w)
    if done.outcome == "changed":
        w.say("summary_refreshed")
        if done.offer is None:
            w.line(replies.offer_lines(w.conv.offers, w.lang))
            return w.go(T.ORDER_REFUSED)
        w.conv.offers = [done.offer if o.pharmacy_id == done.offer.pharmacy_id else o for o in w.conv.offers]
        return show_summary(w, done.offer)
    if done.outcome == "failed":
        w.say("order_failed", why=replies.say(w.lang, f"order_failed.{done.error}",
                                              pharmacy=done.offer.pharmacy_name if done.offer else ""))
        w.add("\n" + replies.offer_lines(w.conv.offers, w.lang))
        return w.go(T.ORDER_REFUSED)
    d, o = done.receipt, done.receipt.order
    w.say("order_placed", order_id=o.order_id, medication=d.medication, strength=d.strength, quantity=o.quantity,
          pharmacy=d.pharmacy_name, price=replies.money(o.price, w.lang),
          price_type=replies.price_type(o.price_type, w.lang))
    if o.ready_at:
        w.add(replies.say(w.lang, "ready_at", time=f"{o.ready_at:%H:%M}"))
    w.go(T.CONFIRMED)
    end_and_continue(w, "order_placed")


def show_summary(w: TurnWork, offer, changed: bool = False) -> None:
    w.conv.slots.pharmacy_id = offer.pharmacy_id
    w.conv.focus_pharmacy = offer.pharmacy_id
    if changed:
        w.say("summary_changed")
    writes.show_order(w, offer)
    w.go(T.SUMMARY_CHANGED if w.conv.state == State.CONFIRM_ORDER else T.PHARMACY_CHOSEN)
