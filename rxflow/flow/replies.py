"""Every reply the assistant can write, in one catalogue, per language.

Templates only arrange words around facts: every price, date, stock level, order number and
name comes from a tool result passed in as a keyword. `say(lang, key, **facts)` fills one;
the formatting helpers write money, dates and offers the language's way.
"""

from __future__ import annotations

import datetime as dt

from rxflow.domain import Alert, NextStep, Offer

LEAVE_HINT = {"en": '"stop" to leave'}

EN: dict[str, str] = {
    # --- greetings, help, leaving
    "greeting": "Hello {first}! ",
    "help_idle": "I can refill your prescriptions, check prices and what's due, and track or cancel orders. "
                 "Try: \"I need to refill my {example}\", \"what's due?\", \"how much is my {example}?\" or "
                 "\"where is my order?\"",
    "help.CONFIRM_DOSAGE": "Before refilling I check the dose with you: your prescription is {medication} {strength}, "
                           "{frequency}.",
    "help.SELECT_PHARMACY": "I'm asking where you'd like to pick up your {medication}. You can choose by name, "
                            "number, price, distance, wait, drive-thru or opening hours.",
    "help.CONFIRM_ORDER": "Nothing is ordered until you say yes to the summary. You can also pick another pharmacy.",
    "help.CLARIFY_MEDICATION": "More than one of your prescriptions fits what you said; tell me which one you mean.",
    "help.IDENTIFY_MEDICATION": "Tell me which medication you'd like to refill.",
    "help.CONFIRM_CANCEL": "I'm asking whether to cancel order {order_id}. Nothing changes until you say yes.",
    "left": "OK, I've stopped that refill; nothing was ordered. What else can I help with?",
    "left_cancel": "OK, order {order_id} stays as it is.",
    "goodbye": "You're welcome, {first}. Take care!",
    "start_over": "OK, let's start over; nothing was ordered. Which medication would you like to refill?",
    "skipped": "OK, I'll skip your {medication}; nothing was ordered for it.",
    "set_aside": "I've set aside the {medication} refill; nothing was ordered for it.",
    "not_understood": "Sorry, I didn't catch that.",
    # --- which medication
    "which_medication": "Which medication would you like to refill? (a name, or \"stop\")",
    "several_fit": "You have more than one medication that fits. Which one do you mean? (a name or a number, "
                   "or \"stop\")",
    "which_one_again": "Sorry, which one? Please answer with the name or the number (or \"stop\"):",
    "one_at_a_time": "I'll take these one at a time: {names}.",
    "next_medication": "Next, your {medication}.",
    "next_medication_unnamed": "Next, the next medication.",
    "not_active": "Your {medication} prescription is {status}, so it can't be refilled. Please contact your "
                  "prescriber if you still need it.",
    "not_on_list": "I don't see {medication} among your active prescriptions, so I can't refill it.",
    "unknown_medication": "I couldn't find a medication called \"{text}\".",
    # --- the medication list and what is due
    "no_medications": "You have no active prescriptions on file.",
    "med_list": "Your active prescriptions:",
    "due_list": "Here is where each of your prescriptions stands today:",
    "status.due": "due now ({refills} refills left)",
    "status.too_soon": "too soon: you can refill it on or after {date}",
    "status.no_refills": "no refills left: your prescriber needs to renew it",
    "status.expired": "expired on {date}: it needs a renewal from your prescriber",
    "status.controlled": "a controlled substance: it needs a new prescription",
    "status.in_progress": "an order for it is already in progress",
    "status.needs_pharmacist": "needs a pharmacist's review first",
    "status.needs_prior_auth": "needs prior authorization from your plan (or you can pay cash)",
    "status.inactive": "not active",
    # --- the dose
    "ask_dose": "Let's refill your {medication}{brand}. The prescription is {strength} {form}: \"{sig}\" — "
                "{quantity} for {days} days.",
    "brand_as_written": " (brand as prescribed: dispense as written)",
    "stated_differs": "You mentioned {stated}, but the prescription is for {strength}.",
    "dose_question": "Is that the dose you take? (yes / no, or tell me your dose; \"stop\" to leave)",
    "dose_unclear": "Sorry, I didn't catch that. Your prescription is {medication} {strength}, {frequency}. "
                    "Is that the dose you take? (yes / no, or \"stop\")",
    "dose_mismatch": "{reason} I can only refill the prescribed dose, {strength} {frequency}. If your dose was "
                     "changed, a pharmacist must check it with your prescriber first. Tell me the dose on your label "
                     "to go on (for example \"{strength}\"), say \"pharmacist\" to have it checked, or \"stop\".",
    "dose_not_right": "You said the dose is not right.",
    "dose_refer": "{reason} Because the dose you describe differs from the prescription, I can't refill it here. "
                  "A pharmacist will confirm your current dose with your prescriber before anything is filled. "
                  "Nothing was ordered.",
    "dose_changed": "Thanks for telling me your dose was changed{to}. The prescription on file is {strength} "
                    "{frequency}, so I won't refill it as it is: a pharmacist will verify the new dose with "
                    "{prescriber} ({phone}) before anything is filled. Nothing was ordered.",
    "dose_info": "Your prescription is {medication} {strength}: \"{sig}\".",
    # --- eligibility and review
    "note_alerts": "Please note:",
    "cant_refill": "I can't refill your {medication} right now.",
    "the_rule": "The rule: {rule}",
    "next.renewal_request": "Next step: a renewal request to your prescriber",
    "next.new_prescription": "Next step: your prescriber needs to write a new prescription",
    "next.pharmacist": "Next step: a pharmacist will review this with you and your prescriber",
    "next.prior_auth": "Next step: a prior-authorization request from your prescriber to your plan",
    "next.wait": "Next step: you can refill it on the date above (for travel or a lost supply, ask a pharmacist "
                 "about an override)",
    "next.pay_cash": "You can pay the cash or discount-card price",
    "prescriber_contact": " ({prescriber}, {phone})",
    "pa_criteria": "The plan's criteria: {criteria}",
    "pa_turnaround": "Typical turnaround: {days} business days.",
    "pay_cash_offer": "Meanwhile you can pay without insurance: {price} {price_type} at {pharmacy}. Say \"pay cash\" "
                      "to do that.",
    "no_stock": "No pharmacy within 15 km has enough in stock. A pharmacist will help arrange a transfer or order it in.",
    "not_listed": "Not listed (not enough in stock): {names}.",
    # --- pharmacies
    "where_pickup": "Where would you like to pick it up?",
    "same_as_before": "Same pharmacy as your {medication}: {pharmacy} ({price})? Say \"same\", or choose below.",
    "choose_hint": "Say a name, a number, or \"the cheapest\" / \"the closest\" / \"the fastest\"; you can also ask "
                   "about hours or drive-thru (\"stop\" to leave).",
    "which_pharmacy": "Which pharmacy would you like? (a name, a number, \"the cheapest\"..., or \"stop\")",
    "which_of_these": "{names} both fit. Which one would you like? (or \"stop\")",
    "none_fits": "None of the pharmacies near you with it in stock has that. Here are the offers again:",
    "offer_line": "{i}. {pharmacy}{labels}: {price} {price_type}{brand}, {km} km away, ready in about {wait} min{services}",
    "services.24h": "open 24 hours",
    "services.drive_thru": "drive-thru",
    "brand": " · brand",
    # --- the summary and the order
    "summary": "Please confirm this order:\n- {medication} {strength} {form} ({what}), quantity {quantity} "
               "({days}-day supply)\n- Directions: {sig}\n- Pharmacy: {pharmacy}, {km} km away\n- Price: {price} "
               "({price_type})\n- Ready in about {wait} minutes after you confirm",
    "summary_question": "Shall I place the order? (yes to place it · no · or name another pharmacy · \"stop\" to leave)",
    "summary_changed": "Here is the updated order. It needs its own yes:",
    "summary_refreshed": "Something in this order changed since I showed it, so here it is again:",
    "what.generic": "generic",
    "what.brand": "brand",
    "confirm_unclear": "Nothing is ordered yet. To place this order, reply yes; to change it, name another "
                       "pharmacy (for example \"the cheapest\"); or say \"stop\".",
    "declined": "OK, I haven't placed anything. Choose another pharmacy, or say \"stop\":",
    "order_placed": "Done! Order {order_id} is placed: {medication} {strength}, quantity {quantity}, at {pharmacy} "
                    "for {price} ({price_type}).",
    "ready_at": " It should be ready at about {time}.",
    "order_failed": "I couldn't place the order: {why} Nothing was charged. Please choose another pharmacy, or say "
                    "\"stop\".",
    "what_happens": "If you say yes, I'll send this order to {pharmacy}: {medication} {strength}, quantity {quantity}, "
                    "for {price}. It should be ready about {wait} minutes later; you pay at pickup and can cancel it "
                    "here until then. Nothing is placed until you say yes.",
    "order_price": "This order is {price} ({price_type}) at {pharmacy}.",
    # --- orders: tracking and cancelling
    "no_orders": "You have no orders on file.",
    "no_open_orders": "You have no open orders.",
    "open_orders": "Your open orders: {orders}.",
    "which_order": "Which order would you like to cancel? {orders} (the medication or the number; \"stop\" to "
                   "leave it)",
    "track_line": "{message} ({medication} {strength} at {pharmacy}, {price}).",
    "cancel_ask": "Cancel order {order_id}: {medication} {strength} at {pharmacy} ({status})? Reply yes to cancel "
                  "it, or no to keep it.",
    "cancel_done": "{message} Nothing will be charged.",
    "cancel_kept": "OK, order {order_id} stays as it is.",
    "cancel_unclear": "Should I cancel order {order_id}? Reply yes to cancel it, or no to keep it.",
    "cant_cancel": "{message} It can't be cancelled.",
    "order_not_yours": "Order {order_id} is not one of your orders, so I can't look it up or change it.",
    "order_not_found": "I couldn't find an order numbered {order_id}. Order numbers look like ORD-30001.",
    "no_order_for": "I don't see an order for your {medication}.",
    # --- answers to questions
    "prices": "Prices for {medication} {strength}, {quantity} for {days} days:",
    "prices_cash": "Without insurance, {medication} {strength} ({quantity} for {days} days) costs:",
    "prices_hint": "Say \"refill my {medication}\" to order it.",
    "price_which": "Which medication would you like a price for?",
    "hours": "{pharmacy} ({address}): {hours}{drive}. Phone {phone}.",
    "nearest_with": "None of those has it; the nearest pharmacy that does and has your medication in stock is "
                    "{pharmacy}, {km} km away ({hours}{drive}). Say \"that one\" to choose it.",
    "hours_drive": ", with a drive-thru",
    "hours_no_drive": ", no drive-thru",
    "wait": "{pharmacy} usually has an order ready in about {minutes} minutes on a {weekday}.",
    "stock_yes": "{pharmacy} has {on_hand} of your {strength} in stock ({needed} needed).",
    "stock_no": "{pharmacy} has only {on_hand} of your {strength} ({needed} needed), so it isn't offered.",
    "generic_note": "{note} Generic: {generic}; brand: {brand} (cash prices at {pharmacy}).",
    "covered": "{plan} covers {drug} at tier {tier}: copay {copay} for 30 days{restrictions}.",
    "covered_pa": ", but only with prior authorization",
    "covered_step": ", after trying {step} first",
    "not_covered": "{plan} does not cover {drug}; you can pay the cash or discount-card price. Only your prescriber "
                   "can switch you to a drug your plan covers.",
    "no_plan": "You have no insurance plan on file; you pay the cash or discount-card price.",
    "due_now": "Your {medication} is due now ({refills} refills left).",
    "due_on": "You can refill your {medication} on or after {date}.",
    "not_refillable": "Your {medication} can't be refilled now: {reason}",
    "pa_time": "{plan} usually decides a prior-authorization request for {medication} in about {days} business "
               "days. Your prescriber, {prescriber} ({phone}), sends the request.",
    "pa_not_needed": "{plan} doesn't need prior authorization for your {medication}.",
    "interactions_none": "I found no interactions between {drug} and your medications ({others}).",
    "interactions": "{drug} with your medications:",
    "allergy_none": "Nothing on your allergy list ({allergies}) affects {drug}.",
    "allergy_hits": "{drug} and your allergies:",
    "adherence": "Over the last {window} days you had your {medication} on hand {pdc} of the days ({fills} fills).",
    "nearby": "Pharmacies near you{what}:",
    "nearby_line": "- {pharmacy}, {km} km ({hours}{drive})",
    "ask_about_which": "Which medication do you mean?",
    # --- guard
    "other_patient": "I can only help with your own prescriptions and orders{name}. I can't look up or change anyone "
                     "else's records.",
    "error": "Sorry, something went wrong on my side. Nothing was ordered. Please tell me again what you need, for "
             "example \"refill my lisinopril\".",
    "expired_session": "Your previous session expired after a period of inactivity, so we're starting over.",
    "store_unavailable": "Sorry, I can't reach the pharmacy records right now, so I couldn't do that. Nothing was "
                         "ordered or changed. Please try again in a few minutes.",
    # --- sessions and the app (shown by the UI and the API, not by a conversation)
    "session_unknown": "This session doesn't exist or has ended. Pick a patient (or press Reset) to start a new one.",
    "session_expired": "This session expired after a period of inactivity. Pick a patient (or press Reset) to start "
                       "a new one.",
    "patient_not_offered": "Please pick one of the demo patients: {patients}.",
    "sessions_full": "The demo is busy right now (too many conversations at once). Please try again in a few minutes.",
    "rate_limited": "Too many requests; please wait a few seconds and try again.",
    "no_session": "No session: pick a patient first.",
    "no_order_yet": "No order in this session yet.",
}

CATALOGUE: dict[str, dict[str, str]] = {"en": EN}
PRICE_TYPE = {"en": {"copay": "your plan copay", "cash": "cash price", "discount_card": "with a discount card"}}
WEEKDAYS = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}


def say(lang: str, key: str, **facts) -> str:
    """One reply: the template for `key` in `lang`, filled with facts from the tools."""
    return CATALOGUE.get(lang, EN).get(key, EN[key]).format(**facts)


def money(x: float, lang: str = "en") -> str:
    return f"${x:,.2f}"


def date(d: dt.date | str, lang: str = "en") -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d:%B} {d.day}, {d.year}"


def weekday(d: dt.date, lang: str = "en") -> str:
    return WEEKDAYS.get(lang, WEEKDAYS["en"])[d.weekday()]


def price_type(kind: str, lang: str = "en") -> str:
    return PRICE_TYPE.get(lang, PRICE_TYPE["en"])[kind]


def offer_line(i: int, o: Offer, lang: str = "en") -> str:
    services = [say(lang, "services.24h")] if o.is_24h else []
    services += [say(lang, "services.drive_thru")] if o.drive_thru else []
    return say(lang, "offer_line", i=i, pharmacy=o.pharmacy_name,
               labels=f" ({', '.join(o.labels)})" if o.labels else "", price=money(o.price, lang),
               price_type=price_type(o.price_type, lang), brand=say(lang, "brand") if o.dispense_brand else "",
               km=f"{o.distance_km:.1f}", wait=o.wait_minutes, services=f" · {', '.join(services)}" if services else "")


def offer_lines(offers: list[Offer], lang: str = "en") -> str:
    return "\n".join(offer_line(i, o, lang) for i, o in enumerate(offers, 1))


ICON = {"major": "⛔", "moderate": "⚠️", "minor": "ℹ️", "info": "ℹ️"}


def alert_line(a: Alert, lang: str = "en") -> str:
    return f"{ICON[a.severity]} {a.reason}"


def next_step(step: NextStep, lang: str = "en") -> str:
    return "" if step == NextStep.NONE else say(lang, f"next.{step.value}")
