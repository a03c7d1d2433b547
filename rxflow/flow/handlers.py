"""One handler per state. A handler reads the message through the state's program, acts
through the tools and the policy, says what the tools returned, and fires a trigger."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from programs.offline import is_explicit_yes
from programs.types import MedicationOption, OfferOption
from rxflow import policy
from rxflow.domain import Alert, AlertCode, NextStep, Offer, Severity
from rxflow.flow import replies
from rxflow.flow.states import State
from rxflow.flow.turn import TurnWork
from rxflow.guard import safe_echo
from rxflow.tools import ToolResult
from rxflow.tools.cost import pick_offers

_LEAVE = r"stop|never ?mind|forget (?:it|about it)|cancel (?:that|this|it|the refill)|quit|start over"
# At the order summary "no thanks" declines this pharmacy (back to the offers); only _LEAVE leaves the refill.
STOP_AT_CONFIRM = re.compile(rf"^\s*(?:{_LEAVE})\b", re.IGNORECASE)
STOP = re.compile(rf"^\s*(?:{_LEAVE}|no thanks|nothing|skip (?:it|this))\b", re.IGNORECASE)
PAY_CASH = re.compile(r"\b(?:cash|out of pocket|myself|discount card|without (?:my )?insurance|self-?pay)\b", re.IGNORECASE)
OTHER_ONE = re.compile(r"\b(?:the )?other (?:one|pill|med\w*)\b", re.IGNORECASE)


# ----------------------------------------------------------------------------- shared pieces
def meds(w: TurnWork) -> list[MedicationOption]:
    """The patient's active prescriptions as the programs see them (from patient_history, once a turn)."""
    if w.med_options is None:
        hist = w.call("patient_history")
        w.history = hist.data
        w.med_options = [MedicationOption(key=m["rx_id"], name=m["name"], brands=m["brand_names"],
                                    drug_class=w.ctx.store.drug(m["drug_id"]).drug_class, strength=m["strength"],
                                    frequency=m["frequency"]) for m in hist.data["medications"]]
    return w.med_options


def med_row(w: TurnWork, rx_id: str) -> dict:
    meds(w)
    return next(m for m in w.history["medications"] if m["rx_id"] == rx_id)


def med_list_text(w: TurnWork) -> str:
    rows = meds(w) and w.history["medications"]
    if not rows:
        return "You have no active prescriptions on file."
    return "Your active prescriptions:\n" + "\n".join(
        f"- {m['name']} {m['strength']} — {m['frequency']} ({m['refills_remaining']} refills left)" for m in rows)


def set_current(w: TurnWork, rx_id: str) -> None:
    w.conv.reset_refill()
    m = med_row(w, rx_id)
    s = w.conv.slots
    s.rx_id, s.medication, s.strength, s.frequency = rx_id, m["name"], m["strength"], m["frequency"]
    s.quantity, s.days_supply = m["quantity"], m["days_supply"]


def ask_dose(w: TurnWork, stated_strength: str | None = None) -> None:
    m = med_row(w, w.conv.slots.rx_id)
    brand = " (brand as prescribed: dispense as written)" if m["dispense_as_written"] else ""
    text = (f"Let's refill your {m['name']}{brand}. The prescription is {m['strength']} {m['dose_form']}: "
            f"\"{m['sig']}\" — {m['quantity']} for {m['days_supply']} days.")
    if stated_strength:
        check = w.call("dosage_verification", rx_id=m["rx_id"], stated_strength=stated_strength)
        if check.ok and check.data["verdict"] == "mismatch":
            text += f"\nYou mentioned {check.data['stated_strength']}, but the prescription is for {m['strength']}."
    w.say(text + "\nIs that the dose you take? (yes / no, or tell me your dose)")


def begin(w: TurnWork, keys: list[str], resolved: str, ambiguous: str, stated: str | None = None) -> None:
    if len(keys) == 1:
        set_current(w, keys[0])
        ask_dose(w, stated)
        w.go(resolved)
        return
    w.conv.reset_refill()
    w.conv.candidates = keys
    lines = [f"{i}. {med_row(w, k)['name']} {med_row(w, k)['strength']} — {med_row(w, k)['frequency']}"
             for i, k in enumerate(keys, 1)]
    w.say("You have more than one medication that fits. Which one do you mean?\n" + "\n".join(lines))
    w.go(ambiguous)


def next_in_queue(w: TurnWork) -> None:
    if not w.conv.queue:
        return
    keys = w.conv.queue[0]  # popped after the transition: its guard checks that a queue exists
    w.say("Next, " + ("your " + med_row(w, keys[0])["name"] if len(keys) == 1 else "the next medication") + ".")
    begin(w, keys, "next_medication", "next_ambiguous")
    w.conv.queue.pop(0)


def not_on_list(w: TurnWork, mention: str) -> None:
    look = w.call("drug_lookup", query=mention[:200], limit=1)
    if look.ok and look.data["confident"]:
        drug = look.data["matches"][0]
        hist = w.call("patient_history", include_inactive=True)
        inactive = [m for m in hist.data["medications"] if m["drug_id"] == drug["drug_id"] and m["status"] != "active"]
        if inactive:
            status = inactive[0]["status"].replace("_", " ")
            w.say(f"Your {drug['generic_name']} prescription is {status}, so it can't be refilled. "
                  "Please contact your prescriber if you still need it.")
        else:
            w.say(f"I don't see {drug['generic_name']} among your active prescriptions, so I can't refill it.")
    else:
        w.say(f"I couldn't find a medication called \"{safe_echo(mention)}\".")


# ----------------------------------------------------------------------------- idle states
def on_idle(w: TurnWork) -> None:
    if w.conv.state == State.ESCALATE_PA and PAY_CASH.search(w.message) and w.conv.slots.rx_id:
        w.conv.pay_cash = True  # "pay cash" answers the question just asked, before any new request
        return offer_pharmacies(w, "pay_cash")
    ext = w.step("extract", message=w.message, history=w.conv.history_text(), medications=meds(w))
    w.intent = ext.intent
    if ext.intent == "cancel_order":
        return request_cancel(w, ext.order_id)
    if ext.intent == "track_order":
        return track(w, ext.order_id)
    if ext.intent == "list_medications":
        w.say(med_list_text(w))
        return w.go("info")
    if ext.intent == "ask_price":
        return price_info(w, [m.text for m in ext.mentions])
    if ext.mentions or ext.intent == "refill" or w.conv.state == State.IDENTIFY_MEDICATION:
        return start_refill(w, [(m.text, m.strength) for m in ext.mentions])
    first = w.ctx.patient.first_name
    example = meds(w)[0].name if meds(w) else "lisinopril"
    if ext.intent == "greeting":
        w.say(f"Hello {first}! " + replies.HELP.format(example=example))
    else:
        w.say(replies.HELP.format(example=example))
    w.go("info")


def start_refill(w: TurnWork, mentions: list[tuple[str, str | None]]) -> None:
    if not mentions:
        if w.conv.state == State.IDENTIFY_MEDICATION:  # a bare reply to "which one?": resolve it directly
            res = w.step("resolve", mention=w.message, medications=meds(w))
            if res.keys:
                return begin(w, res.keys, "refill_resolved", "refill_ambiguous")
        w.say("Which medication would you like to refill?\n" + med_list_text(w))
        return w.go("refill_unresolved")
    groups: list[tuple[list[str], str | None]] = []
    for text, strength in mentions:
        res = w.step("resolve", mention=text, medications=meds(w))
        if res.keys:
            if all(res.keys != g[0] for g in groups):
                groups.append((res.keys, strength))
        else:
            not_on_list(w, text)
    if not groups:
        w.say(med_list_text(w))
        return w.go("refill_unresolved")
    (first, stated), rest = groups[0], groups[1:]
    w.conv.queue = [keys for keys, _ in rest]
    if rest:
        names = ", ".join(med_row(w, k[0])["name"] if len(k) == 1 else "one more" for k, _ in groups)
        w.say(f"I'll take these one at a time: {names}.")
    begin(w, first, "refill_resolved", "refill_ambiguous", stated)


def track(w: TurnWork, order_id: str | None) -> None:
    if order_id is None:
        meds(w)
        recent = w.history["recent_orders"]
        open_ = [o for o in recent if o["status"] in ("received", "in_progress", "ready")]
        pick = (open_ or recent)[:1]
        if not pick:
            w.say("You have no orders on file.")
            return w.go("info")
        order_id = pick[0]["order_id"]
    r = w.call("track_order", order_id=order_id)
    if r.ok:
        d = r.data
        w.say(f"{d['message']} ({d['medication']} {d['strength']} at {d['pharmacy_name']}, "
              f"{replies.money(d['order']['price'])}).")
    else:
        w.say(order_error(r, order_id))
    w.go("info")


def order_error(r: ToolResult, order_id: str) -> str:
    code = r.error["code"]
    if code == "forbidden":
        return f"Order {safe_echo(order_id, 20)} is not one of your orders, so I can't look it up or change it."
    if code in ("not_found", "bad_input"):
        return f"I couldn't find an order numbered {safe_echo(order_id, 20)}. Order numbers look like ORD-30001."
    return r.error["message"]


def request_cancel(w: TurnWork, order_id: str | None) -> None:
    if order_id is None:
        meds(w)
        open_ = [o for o in w.history["recent_orders"] if o["status"] in ("received", "in_progress", "ready")]
        if len(open_) != 1:
            w.say("Which order would you like to cancel? " + (
                "Your open orders: " + ", ".join(f"{o['order_id']} ({o['medication']})" for o in open_)
                if open_ else "You have no open orders."))
            return w.go("info")
        order_id = open_[0]["order_id"]
    r = w.call("track_order", order_id=order_id)
    if not r.ok:
        w.say(order_error(r, order_id))
        return w.go("info")
    o = r.data
    if o["order"]["status"] in ("picked_up", "cancelled"):
        w.say(f"{o['message']} It can't be cancelled.")
        return w.go("info")
    w.conv.pending_cancel = o["order"]["order_id"]
    w.say(f"Cancel order {o['order']['order_id']}: {o['medication']} {o['strength']} at {o['pharmacy_name']} "
          f"({o['order']['status'].replace('_', ' ')})? Please answer yes or no.")
    w.go("cancel_requested")


def price_info(w: TurnWork, mentions: list[str]) -> None:
    if not mentions:
        w.say("Which medication would you like a price for?\n" + med_list_text(w))
        return w.go("info")
    res = w.step("resolve", mention=mentions[0], medications=meds(w))
    if len(res.keys) != 1:
        if res.keys:
            w.say("Which one do you mean: " + ", ".join(med_row(w, k)["name"] for k in res.keys) + "?")
        else:
            not_on_list(w, mentions[0])
        return w.go("info")
    r = w.call("price_lookup", rx_id=res.keys[0])
    offers, _ = pick_offers([Offer(**q) for q in r.data["quotes"]])
    if not offers:
        w.say("No pharmacy within 15 km has it in stock right now.")
        return w.go("info")
    d = r.data
    w.say(f"Prices for {d['medication']} {d['strength']}, {d['quantity']} for {d['days_supply']} days:\n"
          + "\n".join(replies.offer_line(i, o) for i, o in enumerate(offers, 1))
          + "\nSay \"refill my " + d["medication"] + "\" to order it.")
    w.go("info")


# ----------------------------------------------------------------------------- which medication
def on_clarify(w: TurnWork) -> None:
    if STOP.search(w.message):
        return stop(w)
    w.intent = "refill"
    options = [m for m in meds(w) if m.key in w.conv.candidates]
    res = w.step("resolve", mention=w.message, medications=options)
    if len(res.keys) != 1:
        res = w.step("resolve", mention=w.message, medications=meds(w))
    if len(res.keys) == 1:
        begin(w, res.keys, "refill_resolved", "refill_ambiguous")
        w.conv.candidates = [m.key for m in options]  # kept, so "no, the other one" can switch
        return
    lines = [f"{i}. {m.name} {m.strength}" for i, m in enumerate(options, 1)]
    w.say("Sorry, which one? Please answer with the name or the number:\n" + "\n".join(lines))
    w.go("refill_unresolved")


# ----------------------------------------------------------------------------- the dose
def on_dosage(w: TurnWork) -> None:
    conv, s = w.conv, w.conv.slots
    if STOP.search(w.message):
        return stop(w)
    switch = _switch_target(w)
    if switch:
        previous = conv.candidates
        set_current(w, switch)
        conv.candidates = previous
        ask_dose(w)
        return w.go("switch_medication")
    d = w.step("dosage", message=w.message, prescribed_strength=s.strength, prescribed_frequency=s.frequency)
    verdict, reason, alert = d.verdict, d.reason, None
    if d.stated_strength or d.stated_frequency:
        # The program read the numbers; the rule (code) decides whether they match.
        check = w.call("dosage_verification", rx_id=s.rx_id, stated_strength=d.stated_strength,
                       stated_frequency=d.stated_frequency)
        if check.ok:
            verdict, reason = check.data["verdict"], check.data["reason"]
            alert = Alert(**check.data["alert"]) if check.data["alert"] else None
            if verdict == "consistent" and d.verdict == "mismatch" and not d.stated_strength:
                verdict = "mismatch"  # "no, twice a day" with a matching frequency is still a "no"
    conv.dosage = w.dosage = verdict
    w.intent = {"consistent": "confirm", "mismatch": "deny"}.get(verdict, "other")
    if verdict == "consistent":
        w.go("dose_confirmed")
        return run_checks(w)
    if verdict == "mismatch":
        conv.dose_attempts += 1
        w.alert(alert or Alert(code=AlertCode.DOSE_MISMATCH, severity=Severity.MODERATE, blocking=True,
                               rule="Refill only the prescribed strength and directions.", reason=reason,
                               next_step=NextStep.PHARMACIST, rx_id=s.rx_id))
        state = w.go("dose_mismatch")
        if state == State.REFER_PHARMACIST:
            w.say(f"{reason} Because the dose you describe differs from the prescription, I can't refill it here. "
                  "A pharmacist will confirm your current dose with your prescriber before anything is filled.")
            w.end_refill("referred_to_pharmacist")
            conv.reset_refill()
            return next_in_queue(w)
        w.say(f"{reason} I can only refill the prescribed dose, {s.strength} {s.frequency}. "
              "Is that what you take? If your dose was changed, a pharmacist needs to confirm it first.")
        return
    w.say(f"Sorry, I didn't catch that. Your prescription is {s.medication} {s.strength}, {s.frequency}. "
          "Is that the dose you take? (yes / no)")
    w.go("dose_unclear")


def _switch_target(w: TurnWork) -> str | None:
    """A different prescription the patient now names ("no, the other one", "I meant my atorvastatin")."""
    conv = w.conv
    if OTHER_ONE.search(w.message) and len(conv.candidates) == 2:
        return next(k for k in conv.candidates if k != conv.slots.rx_id)
    ext = w.step("extract", message=w.message, history=w.conv.history_text(), medications=meds(w))
    for m in ext.mentions:
        res = w.step("resolve", mention=m.text, medications=meds(w))
        if len(res.keys) == 1 and res.keys[0] != conv.slots.rx_id:
            return res.keys[0]
    return None


# ----------------------------------------------------------------------------- eligibility and review
def run_checks(w: TurnWork) -> None:
    conv, ctx = w.conv, w.ctx
    rx = ctx.own_prescription(conv.slots.rx_id)
    start = time.perf_counter()
    decision = policy.evaluate(ctx.refill_case(rx))
    w.record(ToolResult("refill_policy", {"rx_id": rx.rx_id}, True, kind="read",
                        data={"allowed": decision.allowed, "alerts": [a.code.value for a in decision.alerts]},
                        ms=(time.perf_counter() - start) * 1000))
    for a in decision.alerts:
        w.alert(a)
    if decision.blocking:
        return refuse(w, decision)
    notes = [replies.alert_line(a) for a in decision.alerts]
    if notes:
        w.say("Please note:\n" + "\n".join(notes))
    offer_pharmacies(w, "eligible")


def refuse(w: TurnWork, decision: policy.Decision) -> None:
    a, conv = decision.blocking[0], w.conv
    if decision.insurance_only:
        pa = w.call("prior_auth_lookup", rx_id=conv.slots.rx_id).data
        text = replies.referral(conv.slots.medication, a, pa["prescriber"], pa["prescriber_phone"])
        if pa["criteria"]:
            text += f"\nThe plan's criteria: {pa['criteria']}"
        if pa["turnaround_days"]:
            text += f" Typical turnaround: {pa['turnaround_days']} business days."
        cash = w.call("price_lookup", rx_id=conv.slots.rx_id, pay_cash=True)
        offers, _ = pick_offers([Offer(**q) for q in cash.data["quotes"]])
        if offers:
            best = min(offers, key=lambda o: o.price)
            text += (f"\nMeanwhile you can pay without insurance: {replies.money(best.price)} "
                     f"{replies.PRICE_TYPE[best.price_type]} at {best.pharmacy_name}. Say \"pay cash\" to do that.")
        w.say(text)
        w.go("needs_prior_auth")
        w.end_refill("escalated_prior_auth")
        return next_in_queue(w)
    rx = w.ctx.own_prescription(conv.slots.rx_id)
    prescriber = w.ctx.store.prescriber(rx.prescriber_id)
    w.say(replies.referral(conv.slots.medication, a, prescriber.name if prescriber else None,
                           prescriber.phone if prescriber else None))
    if a.next_step in (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION):
        w.go("refer_prescriber")
        w.end_refill("referred_to_prescriber")
    elif a.next_step == NextStep.PHARMACIST:
        w.go("refer_pharmacist")
        w.end_refill("referred_to_pharmacist")
    else:
        w.go("not_eligible")
        w.end_refill("refused")
    conv.reset_refill()
    next_in_queue(w)


def offer_pharmacies(w: TurnWork, trigger: str) -> None:
    conv = w.conv
    r = w.call("price_lookup", rx_id=conv.slots.rx_id, pay_cash=conv.pay_cash)
    offers, skipped = pick_offers([Offer(**q) for q in r.data["quotes"]])
    for q in skipped:
        w.alert(Alert(code=AlertCode.OUT_OF_STOCK, severity=Severity.INFO, blocking=False,
                      rule="Only pharmacies with enough stock are offered.",
                      reason=f"{q.pharmacy_name} ({q.distance_km:.1f} km) has {q.on_hand} on hand; "
                             f"{conv.slots.quantity} are needed.", rx_id=conv.slots.rx_id,
                      details={"pharmacy_id": q.pharmacy_id}))
    if not offers:
        w.say("No pharmacy within 15 km has enough in stock. A pharmacist will help arrange a transfer or order it in.")
        w.go("no_offers" if trigger == "eligible" else "info")
        w.end_refill("referred_to_pharmacist")
        conv.reset_refill()
        return next_in_queue(w)
    conv.offers = offers
    text = ""
    if skipped:
        text = "Not listed (not enough in stock): " + ", ".join(q.pharmacy_name for q in skipped) + ".\n"
    text += "Where would you like to pick it up?\n" + "\n".join(replies.offer_line(i, o) for i, o in enumerate(offers, 1))
    w.say(text + "\nSay a name, a number, or \"the cheapest\" / \"the closest\" / \"the fastest\".")
    w.go(trigger)


# ----------------------------------------------------------------------------- pharmacy and confirmation
def on_select(w: TurnWork) -> None:
    conv = w.conv
    if STOP.search(w.message):
        return stop(w)
    options = [OfferOption(key=o.pharmacy_id, name=o.pharmacy_name, chain=o.chain, position=i, price=o.price,
                           distance_km=o.distance_km, wait_minutes=o.wait_minutes)
               for i, o in enumerate(conv.offers, 1)]
    choice = w.step("pharmacy", message=w.message, offers=options)
    w.intent = "choose_pharmacy" if (choice.pharmacy_id or choice.criterion != "none") else "other"
    chosen = None
    if choice.pharmacy_id:
        chosen = next(o for o in conv.offers if o.pharmacy_id == choice.pharmacy_id)
    elif choice.criterion != "none":
        # The program names the criterion; which offer meets it is arithmetic, done here.
        key = {"cheapest": lambda o: (o.price, o.distance_km), "closest": lambda o: (o.distance_km,),
               "fastest": lambda o: (o.wait_minutes, o.distance_km)}[choice.criterion]
        chosen = min(conv.offers, key=key)
    if chosen is None:
        w.say("Which pharmacy would you like?\n"
              + "\n".join(replies.offer_line(i, o) for i, o in enumerate(conv.offers, 1)))
        return w.go("pharmacy_unclear")
    conv.slots.pharmacy_id = chosen.pharmacy_id
    conv.confirm_nonce += 1
    w.say(summary(w, chosen))
    w.go("pharmacy_chosen")


def summary(w: TurnWork, o: Offer) -> str:
    s = w.conv.slots
    m = med_row(w, s.rx_id)
    what = "brand" if o.dispense_brand else "generic"
    return (f"Please confirm this order:\n- {s.medication} {s.strength} {m['dose_form']} ({what}), "
            f"quantity {s.quantity} ({s.days_supply}-day supply)\n- Directions: {m['sig']}\n"
            f"- Pharmacy: {o.pharmacy_name}, {o.distance_km:.1f} km away\n"
            f"- Price: {replies.money(o.price)} ({replies.PRICE_TYPE[o.price_type]})\n"
            f"- Ready in about {o.wait_minutes} minutes after you confirm\n"
            "Shall I place the order? (yes / no)")


def on_confirm(w: TurnWork) -> None:
    conv = w.conv
    if STOP_AT_CONFIRM.search(w.message):
        return stop(w)
    offer = next(o for o in conv.offers if o.pharmacy_id == conv.slots.pharmacy_id)
    c = w.step("confirm", message=w.message, summary=summary(w, offer))
    w.intent = {"yes": "confirm", "no": "deny", "change": "change"}.get(c.answer, "other")
    if c.answer == "yes" and is_explicit_yes(w.message):
        return place_order(w)
    if c.answer == "change" and c.change == "dose":
        ask_dose(w)
        conv.dose_attempts = 0
        return w.go("change_dose")
    if c.answer == "change" and c.change == "medication":
        conv.reset_refill()
        w.say("Which medication would you like instead?\n" + med_list_text(w))
        return w.go("change_medication")
    if c.answer in ("no", "change"):
        w.say("OK, I haven't placed anything. Choose another pharmacy, or say \"stop\":\n"
              + "\n".join(replies.offer_line(i, o) for i, o in enumerate(conv.offers, 1)))
        return w.go("change_pharmacy" if c.answer == "change" else "declined")
    w.say("To place the order I need a clear yes. Shall I place it? (yes / no)")
    w.go("confirm_unclear")


def place_order(w: TurnWork) -> None:
    conv, s = w.conv, w.conv.slots
    key = f"{conv.session_id}:{s.rx_id}:{s.pharmacy_id}:{conv.confirm_nonce}"
    r = w.call("submit_order", rx_id=s.rx_id, pharmacy_id=s.pharmacy_id, confirmed=True, idempotency_key=key,
               pay_cash=conv.pay_cash)
    if not r.ok:
        w.say(f"I couldn't place the order: {r.error['message']} Please choose another pharmacy, or say \"stop\".")
        return w.go("order_refused")
    d = r.data
    o = d["order"]
    w.order = d
    if d["created"]:
        conv.orders.append(o["order_id"])
    ready = o["ready_at"][11:16] if o.get("ready_at") else None
    w.say(f"Done! Order {o['order_id']} is placed: {d['medication']} {d['strength']}, quantity {o['quantity']}, "
          f"at {d['pharmacy_name']} for {replies.money(o['price'])} ({replies.PRICE_TYPE[o['price_type']]})."
          + (f" It should be ready at about {ready}." if ready else ""))
    w.go("confirmed")
    w.end_refill("order_placed")
    conv.reset_refill()
    next_in_queue(w)


def on_confirm_cancel(w: TurnWork) -> None:
    conv = w.conv
    c = w.step("confirm", message=w.message, summary=f"Cancel order {conv.pending_cancel}?")
    w.intent = {"yes": "confirm", "no": "deny"}.get(c.answer, "other")
    if c.answer == "yes" and is_explicit_yes(w.message):
        r = w.call("cancel_order", order_id=conv.pending_cancel)
        if r.ok:
            w.say(f"{r.data['message']} Nothing will be charged.")
            w.outcome = "order_cancelled"
            conv.outcomes.append({"status": "order_cancelled", "order_id": conv.pending_cancel})
        else:
            w.say(order_error(r, conv.pending_cancel))
        conv.pending_cancel = None
        return w.go("cancel_confirmed")
    if c.answer == "no":
        w.say(f"OK, order {conv.pending_cancel} stays as it is.")
        conv.pending_cancel = None
        return w.go("cancel_declined")
    w.say(f"Should I cancel order {conv.pending_cancel}? Please answer yes or no.")
    w.go("cancel_unclear")


def stop(w: TurnWork) -> None:
    w.intent = "deny"
    w.conv.reset_refill()
    w.conv.queue = []
    w.say("OK, I've stopped that refill; nothing was ordered. What else can I help with?")
    w.end_refill("abandoned")
    w.go("stop")


HANDLERS: dict[State, Callable[[TurnWork], None]] = {
    State.START: on_idle,
    State.COMPLETE: on_idle,
    State.REFER_PRESCRIBER: on_idle,
    State.REFER_PHARMACIST: on_idle,
    State.NOT_ELIGIBLE: on_idle,
    State.ESCALATE_PA: on_idle,
    State.ERROR: on_idle,
    State.IDENTIFY_MEDICATION: on_idle,
    State.CLARIFY_MEDICATION: on_clarify,
    State.CONFIRM_DOSAGE: on_dosage,
    State.SELECT_PHARMACY: on_select,
    State.CONFIRM_ORDER: on_confirm,
    State.CONFIRM_CANCEL: on_confirm_cancel,
    # CHECK_AUTHORIZATION is passed through within a turn; a session never rests there.
}
