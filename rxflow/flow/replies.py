"""Every reply the assistant can write, in one catalogue, per language.

Templates only arrange words around facts: every price, date, stock level, order number and
name comes from a tool result passed in as a keyword. `say(lang, key, **facts)` fills one;
the formatting helpers write money, dates and offers the language's way.
"""

from __future__ import annotations

import datetime as dt
import re

from rxflow.alerts import SEVERITY_ICON
from rxflow.domain import PREPARING_ORDER_STATUSES, Alert, NextStep, Offer
from rxflow.flow import spanish

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
    "med_list": "{Whose} active prescriptions:",
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
    "ask_dose": "Let's refill {whose} {medication}{brand}. The prescription is {strength} {form}: \"{sig}\" — "
                "{quantity} for {days} days.",
    "brand_as_written": " (brand as prescribed: dispense as written)",
    "stated_differs": "You mentioned {stated}, but the prescription is for {strength}.",
    "dose_as_stated": "{medication} {strength}, {frequency}: that matches your prescription.",
    "rx_not_found": "I couldn't find prescription {number} on your record. These are your prescriptions:",
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
    # Acknowledgements: a turn that accepts something says what it understood before the next question.
    "same_for_all_which": "OK, one pharmacy for {all}: which one? (a name, a number, \"the cheapest\"..., or \"stop\")",
    "same_for_all_chosen": "OK, {pharmacy} for {all}.",
    "same_for_all_again": "As you asked, the same pharmacy for your {medication}: {pharmacy}.",
    "all.2": "both",
    "all.3": "all three",
    "all.n": "all {count}",
    "dose_ok": "OK: {medication} {strength}, {frequency}.",
    "cash_ok": "OK, without insurance: you pay the cash or discount-card price for your {medication}.",
    "brand_named": "{brand} ({generic})",
    "which_of_these": "{names} both fit. Which one would you like? (or \"stop\")",
    "none_fits": "None of the pharmacies near you with it in stock has that. Here are the offers again:",
    "offer_line": "{i}. {pharmacy}{labels}: {price} {price_type}{brand}, {km} km away, ready in about {wait} min{services}",
    "services.24h": "open 24 hours",
    "services.drive_thru": "drive-thru",
    "brand": " · brand",
    # --- the summary and the order
    "summary": "Please confirm this order:\n- {medication} {strength} {form} ({what}), quantity {quantity} "
               "({days}-day supply)\n- Directions: {sig}\n- Pharmacy: {pharmacy}, {km} km away\n- Price: {price} "
               "({price_type})\n- {how}",
    "summary_ready": "Ready for pickup {when}",
    "delivery_line.courier": "Delivery to {address}, {window}; {fee}",
    "delivery_line.mail": "Mailed to {address}, arriving {window}; {fee}",
    "delivery_fee.courier": "delivery fee {fee}",
    "delivery_fee.mail": "shipping {fee}",
    "delivery_no_fee.courier": "no delivery fee",
    "delivery_no_fee.mail": "free shipping",
    "delivery_free": "free",
    "delivery_ask_which": "Which pharmacy do you mean? Choosing one, you can say \"deliver it\" and I'll list those that deliver.",
    "delivery_no": "{pharmacy} doesn't deliver; it's pickup only.",
    "delivery_yes.courier": "{pharmacy} delivers by courier: ready by {cutoff}, it comes the same day between {window}; otherwise the next day. Fee: {fee}.",
    "delivery_yes.mail": "{pharmacy} mails prescriptions: it arrives in about {window}. Shipping: {fee}.",
    "delivery_none": "None of the pharmacies near you that have it in stock delivers it, so it stays a pickup. Choose one of these, or say \"stop\":",
    "delivery_offers": "These pharmacies near you deliver it (to your address on file):",
    "pickup_offers": "OK, for pickup. Choose a pharmacy:",
    "delivered_at": " It will be delivered to {address}, {window}.",
    "delivery_after_order": "Order {order_id} is already placed for pickup. To have it delivered instead, cancel it (say \"cancel it\") and ask for the refill again with delivery.",
    "window.today": "today between {start} and {end}",
    "window.tomorrow": "tomorrow between {start} and {end}",
    "window.later": "on {date}, between {start} and {end}",
    "summary_question": "Shall I place the order? (yes to place it · no · or name another pharmacy · \"stop\" to leave)",
    "summary_changed": "Here is the updated order. It needs its own yes:",
    "summary_refreshed": "Something in this order changed since I showed it, so here it is again:",
    "what.generic": "generic",
    "what.brand": "brand",
    "confirm_unclear": "Nothing is ordered yet. To place this order, reply yes; to change it, name another "
                       "pharmacy (for example \"the cheapest\"); or say \"stop\".",
    # A question asked again at a summary it did not show names what a yes does (writes/base.py: name_the_yes).
    "summary_question.named": "Shall I place the order? A yes {does}. (Or no · name another pharmacy · \"stop\" "
                              "to leave)",
    "confirm_unclear.named": "Nothing is ordered yet. A yes {does}; to change it, name another pharmacy (for example "
                             "\"the cheapest\"); or say \"stop\".",
    "yes_does": "A yes now {does}.",
    "stale_yes": "That yes was sent before this summary reached you, so I have done nothing yet. This is what a yes "
                 "does now:",
    "does.order": "orders {medication} {strength} at {pharmacy} for {price}",
    "does.cancel": "cancels order {order_id}",
    "does.request": "sends the request ({what}) for your {medication}",
    "does.withdraw": "withdraws request {request_id}",
    "does.basket": "places {count} orders ({names})",
    "does.transfer": "sends the transfer request for your {medication} from {source}",
    "does.setting.auto_refill_on": "turns on auto-refill for your {medication}",
    "does.setting.auto_refill_pause": "pauses auto-refill of your {medication}",
    "does.setting.auto_refill_resume": "turns auto-refill of your {medication} back on",
    "does.setting.auto_refill_stop": "stops auto-refill of your {medication}",
    "does.setting.reminder_on": "schedules the reminder about your {medication}",
    "does.setting.reminder_off": "cancels the reminder about your {medication}",
    "does.setting.texts_on": "turns texts on",
    "does.setting.texts_off": "turns texts off",
    "declined": "OK, I haven't placed anything. Choose another pharmacy, or say \"stop\":",
    "order_placed": "Done! Order {order_id} is placed: {medication} {strength}, quantity {quantity}, at {pharmacy} "
                    "for {price} ({price_type}).",
    "ready_at": " It should be ready {when}.",
    "order_failed": "I couldn't place the order: {why} Nothing was charged. Please choose another pharmacy, or say "
                    "\"stop\".",
    "order_failed.policy": "the refill rules no longer allow it.",
    "order_failed.stock": "{pharmacy} no longer has enough in stock.",
    "order_failed.in_progress": "an order for this prescription is already in progress.",
    "order_failed.other": "the pharmacy system did not accept it.",
    "order_word.received": "received",
    "order_word.in_progress": "being filled",
    "order_word.ready": "ready for pickup",
    "order_word.picked_up": "picked up",
    "order_word.cancelled": "cancelled",
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
    "track_line": "{status} ({medication} {strength} at {pharmacy}, {price}).",
    "order_status.received": "Order {order_id} is received; the pharmacy will start filling it shortly",
    "order_status.in_progress": "Order {order_id} is being filled",
    "order_status.ready": "Order {order_id} is ready for pickup",
    "order_status.on_its_way": "Order {order_id} is on its way",
    "order_status.delivered": "Order {order_id} was delivered",
    "order_delivery": "; it is delivered to {address} on {date} between {start} and {end}",
    "order_status.picked_up": "Order {order_id} was picked up",
    "order_status.cancelled": "Order {order_id} is cancelled",
    "order_ready_at": "; expected ready at {time} on {date}",
    "cancel_ask": "Cancel order {order_id}: {medication} {strength} at {pharmacy} ({status})? Reply yes to cancel "
                  "it, or no to keep it.",
    "cancel_done": "Order {order_id} is cancelled. Nothing will be charged.",
    "cancel_kept": "OK, order {order_id} stays as it is.",
    "cancel_unclear": "Should I cancel order {order_id}? Reply yes to cancel it, or no to keep it.",
    "cant_cancel": "{status}. It can't be cancelled.",
    "order_other_error": "I couldn't do that with order {order_id}; nothing was changed.",
    "order_not_yours": "Order {order_id} is not one of your orders, so I can't look it up or change it.",
    "order_not_found": "I couldn't find an order numbered {order_id}. Order numbers look like ORD-30001.",
    "no_order_for": "I don't see an order for your {medication}.",
    # --- requests to a human: a renewal, a prior authorization, a pharmacist's call back
    "help.CONFIRM_REQUEST": "I'm asking whether to send (or withdraw) the request above. Nothing is sent or changed "
                            "until you say yes.",
    "offer.renewal": "I can send a renewal request to {prescriber} for you: say \"send the renewal request\". Nothing "
                     "is sent until you confirm.",
    "offer.prior_auth": "I can ask {prescriber} to send the prior-authorization request to your plan: say \"send the "
                        "request\". Nothing is sent until you confirm.",
    "offer.pharmacist": "To have a pharmacist call you about it, say \"have a pharmacist call me\".",
    "offer.cash": "Or, to pay without insurance, say \"pay cash\".",
    "request_what.renewal": "a renewal request",
    "request_what.prior_auth": "a prior-authorization request",
    "request_what.pharmacist_callback": "a call back from a pharmacist",
    "request_to.renewal": "{prescriber} ({practice}, {phone})",
    "request_to.prior_auth": "{plan}, sent by your prescriber {prescriber} ({practice}, {phone})",
    "request_to.pharmacist_callback": "a pharmacist, who will call you at {callback}",
    "request_summary": "Please confirm this request:\n- What: {what} for your {medication} {strength}\n- To: {to}\n"
                       "- Why: {why}{note}",
    "request_note.renewal": "\n- Your prescriber decides; the refill can go ahead once the renewed prescription arrives",
    "request_note.prior_auth": "\n- {plan} usually decides in about {days} business days",
    "request_note.pharmacist_callback": "\n- The pharmacist can also check with your prescriber, {prescriber}",
    "request_question": "Shall I send it? (yes to send it · no · \"stop\" to leave)",
    "request_unclear": "Nothing is sent yet. To send this request, reply yes; or say no, or \"stop\".",
    "request_question.named": "Shall I send it? A yes {does}. (Or no · \"stop\" to leave)",
    "request_unclear.named": "Nothing is sent yet. A yes {does}; or say no, or \"stop\".",
    "request_changed": "Something in this request changed since I showed it:",
    "request_sent": "Done! Request {request_id} is sent: {what} for your {medication}, to {to}.",
    "request_follow": " Ask me \"where is {request_id}?\" to follow it, or \"withdraw {request_id}\" to take it back.",
    "request_not_sent": "OK, I haven't sent anything.",
    "request_failed": "I couldn't send the request, so nothing was sent. Please try again in a moment.",
    "request_exists": "Request {request_id} ({what} for your {medication}) was already sent on {date}, so I won't send "
                      "another. Ask me \"where is {request_id}?\" to follow it.",
    "request_not_needed": "Your {medication} doesn't need {what} now: {status}.",
    "request_nothing_needed": "Your {medication} needs no request now: {status}.",
    "request_which": "Which medication is the request about? Say, for example, \"send a renewal request for my "
                     "{example}\" or \"have a pharmacist call me about my {example}\".",
    "why.patient_request": "you asked to talk to a pharmacist",
    "request_line": "Request {request_id}: {what} for your {medication} {strength}, to {to}, sent {date}: {status}.",
    "request_status.sent": "sent, waiting for an answer",
    "request_status.withdrawn": "withdrawn on {date}",
    "no_requests": "You have no requests on file.",
    "no_request_for": "I don't see a request for your {medication}.",
    "no_open_requests": "You have no sent requests to withdraw.",
    "which_request": "Which request would you like to withdraw? {requests} (say \"withdraw\" and the number; \"stop\" "
                     "to leave it)",
    "withdraw_ask": "Withdraw request {request_id}: {what} for your {medication}, to {to}? Reply yes to withdraw it, or "
                    "no to keep it.",
    "withdraw_unclear": "Should I withdraw request {request_id}? Reply yes to withdraw it, or no to keep it.",
    "request_withdrawn": "Request {request_id} is withdrawn.",
    "request_kept": "OK, request {request_id} stays as it is.",
    "request_already_withdrawn": "Request {request_id} is already withdrawn.",
    "request_not_yours": "Request {request_id} is not one of your requests, so I can't look it up or change it.",
    "request_not_found": "I couldn't find a request numbered {request_id}. Request numbers look like REQ-40001.",
    "request_other_error": "I couldn't do that with request {request_id}; nothing was changed.",
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
    "generic.dispensed": "The generic {medication} is dispensed: same ingredient and strength, lower price.",
    "generic.daw": "Your prescriber wrote 'dispense as written', so the brand is dispensed.",
    "generic.brand_only": "There is no generic {medication}, so the brand is dispensed.",
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
    "nearby_what.open_24h": " open 24 hours",
    "nearby_what.drive_thru": " with a drive-thru",
    "nearest_one": "The nearest pharmacy{what} is {pharmacy} ({address}), {km} km away ({hours}{drive}).",
    "nearby_none": "I found no pharmacy{what} near you.",
    "nearby_stock_yes": "It has your {medication} {strength} in stock.",
    "nearby_stock_no": "It doesn't have enough of your {medication} {strength} in stock ({on_hand} on hand, {needed} "
                       "needed).",
    "nearby_stock_alt": "The nearest one{what} that has it in stock is {pharmacy}, {km} km away ({hours}{drive}).",
    "nearby_none_stock": "No pharmacy{what} within 15 km has enough of it in stock.",
    "nearby_also": "Also{what}: {names}.",
    "nearby_pick": "Say \"that one\" to pick it up there.",
    "cash_line": "{i}. {pharmacy}: cash {cash}, with a discount card {card} ({km} km away)",
    "order_cash": "Without insurance, this order at {pharmacy} would be {cash} cash or {card} with a discount card. "
                  "The price in the summary is {price} ({price_type}).",
    "alt_head": "Cheaper options your plan, {plan}, covers in the same drug class (copays for 30 days):",
    "alt_line": "- Your {drug}: {status} {options}",
    "alt.not_covered": "not covered by your plan{cash}.",
    "alt.prior_auth": "covered only with prior authorization (tier {tier}, copay {copay}){cash}.",
    "alt.covered": "covered at tier {tier}, copay {copay}.",
    "alt.cash": "; without insurance from {price} ({price_type}) at {pharmacy}",
    "alt.options": "Lower-cost covered alternatives: {options}.",
    "alt.option": "{drug}{brands}, tier {tier}, copay {copay}{restrictions}",
    "alt.none_in_class": "There is none in your plan's formulary for this class.",
    "alt.none_cheaper": "No other drug of this class costs less on your plan.",
    "alt_prescriber": "Switching to a different medication is your prescriber's decision{who}: I can't change a "
                      "prescription, and nothing was changed or ordered.",
    "ask_about_which": "Which medication do you mean?",
    # --- guard
    "other_patient": "I can only help with your own prescriptions and orders{name}. I can't look up or change anyone "
                     "else's records.",
    "error": "Sorry, something went wrong on my side. Nothing was ordered. Please tell me again what you need, for "
             "example \"refill my lisinopril\".",
    "expired_session": "Your previous session expired after a period of inactivity, so we're starting over.",
    "language_switched": "OK, I'll continue in English.",
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
    # --- each stage's name, as the page shows the conversation's path
    "stage.START": "Start",
    "stage.IDENTIFY_MEDICATION": "Which medication?",
    "stage.CLARIFY_MEDICATION": "Which one of these?",
    "stage.CONFIRM_DOSAGE": "Confirm the dose",
    "stage.CHECK_AUTHORIZATION": "Refill rules",
    "stage.SELECT_PHARMACY": "Choose a pharmacy",
    "stage.CONFIRM_ORDER": "Confirm the order",
    "stage.ESCALATE_PA": "Prior authorization",
    "stage.REFER_PRESCRIBER": "To the prescriber",
    "stage.REFER_PHARMACIST": "To a pharmacist",
    "stage.NOT_ELIGIBLE": "Not refillable now",
    "stage.CHOOSE_ORDER": "Which order?",
    "stage.CONFIRM_CANCEL": "Confirm the cancellation",
    "stage.CONFIRM_REQUEST": "Confirm the request",
    "stage.CONFIRM_SETTING": "Confirm a setting",
    "stage.COLLECT_TRANSFER": "Transfer details",
    "stage.COMPLETE": "Done",
    "stage.ERROR": "Error",
    # --- following the thread: after a refusal, services not offered yet, a change not understood
    "why_blocked": "Your {medication} can't be refilled now:",
    "not_blocked": "Nothing blocks your {medication}: {status}.",
    "safety_found": "What the safety check found for your {medication}:",
    "safety_none": "The safety check found no allergy, interaction or duplicate for your {medication}.",
    "safety_pharmacist": "Only a pharmacist or your prescriber can tell you what is safe for you; I can have a pharmacist call you (say \"have a pharmacist call me\").",
    "next_step_is": "For your {medication}: {step} (your prescriber is {prescriber}, {phone}).",
    "pa_or_cash": "Would you like me to ask {prescriber} to send the prior-authorization request (say \"send the request\"), or to pay cash (say \"pay cash\")?",
    "change_not_caught": "I didn't catch which pharmacy you meant; the order is still at {pharmacy}, and nothing is ordered yet. To change it, choose one of these (or say yes to keep {pharmacy}):",
    "thanks_bye": "You're welcome, {first}. Take care!",
    "change_no_stock": "{named} doesn't have enough in stock for this order, so it stays at {pharmacy}; nothing is ordered yet. To change it, choose one of these (or say yes to keep {pharmacy}):",
    # --- everything due at once (rxflow/flow/basket.py)
    "basket_nothing_due": "Nothing is due for a refill right now:",
    "basket_held": "Not included:",
    "basket_held_line": "- {medication} {strength}: {why}{step}",
    "basket_no_pharmacy": "No pharmacy near you has all of them in stock. Ask me for them one at a time (for example \"refill my {example}\").",
    "basket_due": "Due now, {count} prescriptions, each at the dose on your prescription:",
    "basket_item": "- {medication} {strength}, {frequency}, quantity {quantity}",
    "basket_where": "Where should I send them all? These have everything in stock (total price):",
    "basket_deliver": "Which pharmacy should deliver them all (to your address on file)? These deliver and have everything in stock (total price):",
    "basket_hint": "Say a name, a number or \"the cheapest\"; for one elsewhere, say for example \"costco, but the {example} at cvs\" (\"stop\" to leave).",
    "basket_item_where": "Which pharmacy for your {medication}? Name one that has it in stock.",
    "basket_line": "- {medication} {strength} ({what}), quantity {quantity} ({days}-day supply) at {pharmacy}: {price} ({price_type})",
    "basket_summary": "Please confirm these {count} orders:\n{lines}\n- Total: {total}\n- {how}",
    "basket_no_stock": "One of them is no longer in stock there, so nothing is ordered. Choose again:",
    "basket_question": "Shall I place all of them? (yes to place them · no · \"without the ...\" to leave one out · \"stop\" to leave)",
    "basket_done": "Done! {count} orders placed:",
    "basket_placed": "- Order {order_id}: {medication} {strength} at {pharmacy} for {price}",
    "basket_failed": "I couldn't place your {medication}: {why} Not ordered: {rest}.",
    # --- standing settings: auto-refill, reminders, texts (rxflow/flow/services.py)
    "setting_which.auto_refill": "Which medication should go on auto-refill? Say, for example, \"auto refill my {example}\".",
    "setting_which.reminder": "Which medication should I remind you about? Say, for example, \"remind me about my {example}\".",
    "setting_which_one.auto_refill": "Which auto-refill do you mean: {names}?",
    "setting_which_one.reminder": "Which reminder do you mean: {names}?",
    "setting_nothing.auto_refill": "There is no auto-refill to change{for_med}.",
    "setting_nothing.reminder": "There is no reminder scheduled{for_med}.",
    "auto_refill_controlled": "Controlled substances can't be refilled automatically: each fill is asked for and checked.",
    "auto_refill_refused": "I can't put your {medication} on auto-refill. {reasons}",
    "auto_refill_instead": "You can still ask me for each refill when it's due, or say \"remind me when it's due\".",
    "auto_refill_none": "You have no automatic refills set up.",
    "auto_refill_list": "Your automatic refills:",
    "auto_refill_line": "- {medication} {strength} at {pharmacy}: {status}, next fill {date}",
    "setting_status.active": "on",
    "setting_status.paused": "paused",
    "setting_status.stopped": "stopped",
    "reminder_none": "You have no refill reminders scheduled.",
    "reminder_list": "Your refill reminders:",
    "reminder_line": "- {medication}: a text on {date} at {time}",
    "texts_are_on": "Texts are on: you'll get a text at {phone} when an order is ready.",
    "texts_are_off": "Texts are off for {phone}. Say \"turn on texts\" to get a text when an order is ready.",
    "texts_will_come": "Texts are on: you'll get a text at {phone} when order {order_id} is ready, {when}.",
    "setting_summary.auto_refill_on": "Please confirm automatic refills:\n- {medication} {strength}, refilled automatically at {pharmacy}\n- Next fill: {date}, then every {days} "
                                      "days while refills last ({refills} left)\n- Each fill is checked by the refill rules first; we text {phone} when it's ready\n- To stop: say "
                                      "\"stop auto refill\" any time\nShall I turn on auto-refill for your {medication}? (yes · no · \"stop\" to leave)",
    "setting_summary.auto_refill_pause": "Pause automatic refills of your {medication} {strength} at {pharmacy}? Nothing is filled until you resume it. Shall I pause it? (yes · no)",
    "setting_summary.auto_refill_resume": "Resume automatic refills of your {medication} {strength} at {pharmacy}? Shall I turn it back on? (yes · no)",
    "setting_summary.auto_refill_stop": "Stop automatic refills of your {medication} {strength} at {pharmacy}? You can still ask me for each refill. Shall I stop it? (yes · no)",
    "setting_summary.reminder_on": "Please confirm this reminder:\n- A text to {phone} on {date} at {time}: your {medication} {strength} {basis}\nShall I schedule it? (yes · no · \"stop\" to leave)",
    "reminder_basis.refill_allowed": "can be refilled (the first day the rules allow it)",
    "reminder_basis.supply_ends": "runs out (it can already be refilled)",
    "reminder_basis.tomorrow": "is due (it can already be refilled)",
    "setting_summary.reminder_off": "Cancel the reminder about your {medication} on {date}? Shall I cancel it? (yes · no)",
    "setting_summary.texts_on": "Turn on texts to {phone}? You'll get a text when an order is ready (or on its way) and for reminders. Shall I turn them on? (yes · no)",
    "setting_summary.texts_off": "Turn off texts to {phone}? You won't get ready-for-pickup texts or reminders. Shall I turn them off? (yes · no)",
    "setting_question.auto_refill_on": "Nothing is changed yet. To turn on auto-refill as shown, reply yes; or say no, or \"stop\".",
    "setting_question.auto_refill_pause": "Nothing is changed yet. To pause this auto-refill, reply yes; or say no.",
    "setting_question.auto_refill_resume": "Nothing is changed yet. To turn this auto-refill back on, reply yes; or say no.",
    "setting_question.auto_refill_stop": "Nothing is changed yet. To stop this auto-refill, reply yes; or say no.",
    "setting_question.reminder_on": "Nothing is scheduled yet. To schedule this reminder, reply yes; or say no, or \"stop\".",
    "setting_question.reminder_off": "Nothing is changed yet. To cancel this reminder, reply yes; or say no.",
    "setting_question.texts_on": "Nothing is changed yet. To turn on texts, reply yes; or say no.",
    "setting_question.texts_off": "Nothing is changed yet. To turn off texts, reply yes; or say no.",
    "setting_not_changed": "OK, I haven't changed anything.",
    "help.CONFIRM_SETTING": "This only changes a standing setting; nothing is ordered by it. You can change or stop it any time by telling me (for example \"stop auto "
                            "refill\" or \"cancel my reminder\").",
    "setting_failed": "I couldn't make that change, so nothing was changed. Please try again in a moment.",
    "setting_changed": "Something changed since I showed it:",
    "setting_exists.auto_refill": "That medication is already on auto-refill, so nothing was changed. Say \"what's on auto refill\" to see it.",
    "setting_exists.reminder": "A reminder for that medication is already scheduled, so nothing was changed.",
    "setting_done.auto_refill_on": "Done! Auto-refill {enrolment_id} is on: your {medication} {strength} at {pharmacy}, next fill {date}. Say \"stop auto refill\" any time.",
    "setting_done.auto_refill_pause": "Done! Auto-refill of your {medication} is paused.",
    "setting_done.auto_refill_resume": "Done! Auto-refill of your {medication} is back on; next fill {date}.",
    "setting_done.auto_refill_stop": "Done! Auto-refill of your {medication} is stopped.",
    "setting_done.reminder_on": "Done! Reminder {reminder_id} is scheduled: a text on {date} at {time} about your {medication}.",
    "setting_done.reminder_off": "Done! The reminder about your {medication} is cancelled.",
    "setting_done.texts_on": "Done! Texts are on: you'll get them at {phone}.",
    "setting_done.texts_off": "Done! Texts are off; nothing more will be sent to {phone}.",
    # --- transfers in (rxflow/flow/transfers.py)
    "transfer_ask.medication": "I can ask for a prescription to be transferred here. Which medication is it? (\"stop\" to leave)",
    "transfer_ask.from": "Which pharmacy is your {medication} at now? (for example \"the Rite Aid on 5th St\"; \"stop\" to leave)",
    "transfer_not_allowed": "Your {medication} prescription can't be transferred: Schedule II prescriptions need a new prescription from your prescriber.",
    "transfer_unknown_drug": "I couldn't find a medication called \"{text}\", so nothing was sent.",
    "transfer_our_pharmacy": "{pharmacy} is one of our pharmacies already, so there's nothing to transfer: just ask me for a refill.",
    "transfer_failed": "I couldn't prepare the transfer request, so nothing was sent. Please try again in a moment.",
    "transfer_summary": "Please confirm this transfer request:\n- What: your {medication} prescription\n- From: {source}\n- To: {pharmacy} ({address})\n- A "
                        "pharmacist here calls {source} to move it; usually within {turnaround}",
    "transfer_question": "Shall I send the transfer request? (yes to send it · no · \"stop\" to leave)",
    "transfer_unclear": "Nothing is sent yet. To ask for your {medication} to be transferred from {source}, reply yes; or say no, or \"stop\".",
    "transfer_sent": "Done! Transfer request {request_id} is sent: your {medication} from {source} to {pharmacy}.",
    "transfer_dropped": "OK, no transfer request was sent.",
    "request_what.transfer": "a transfer request",
    "relation.mother": "your mother",
    "relation.father": "your father",
    "relation.husband": "your husband",
    "relation.wife": "your wife",
    "relation.son": "your son",
    "relation.daughter": "your daughter",
    "relation.grandmother": "your grandmother",
    "relation.grandfather": "your grandfather",
    "relation.sister": "your sister",
    "relation.brother": "your brother",
    "relation.partner": "your partner",
    "relation.spouse": "your spouse",
    "relation.child": "your child",
    "record_for": "For {name} ({relation}): I'm using their record now. Say \"back to me\" for your own.",
    "record_own": "Back to your own record, {first}.",
    "summary_for": "For {name} ({relation}):\n",
    "when.today": "at about {time}",
    "when.tomorrow": "tomorrow at about {time}",
    "when.later": "on {date} at about {time}",
    "request_to.transfer": "{pharmacy}, from {source}",
    # --- the page beside the chat (rxflow/ui/render.py): the world's clock and its control, whose record, the phone
    "page.clock": "🕒 {moment} ({place} time)",
    "page.clock_hour": "+1 hour",
    "page.clock_day": "+1 day",
    "page.clock_week": "+1 week",
    "page.clock_not_moved": "The clock did not move: {why}",
    "page.acting_for": "👤 Acting for {name} ({relation})",
    "page.phone_tab": "📱 Phone",
    "page.phone": "📱 {phone} · {sms}",
    "page.sms_on": "texts on",
    "page.sms_off": "texts off: nothing is sent to this phone",
    "page.phone_unavailable": "The phone's texts can't be read right now.",
    "page.no_texts": "No texts yet.",
    "page.scheduled_none": "No more texts scheduled.",
    "page.scheduled_one": "1 more text scheduled (next: {moment}).",
    "page.scheduled_many": "{count} more texts scheduled (next: {moment}).",
    "page.new_texts_one": "📱 1 new text on the phone.",
    "page.new_texts_many": "📱 {count} new texts on the phone.",
    "page.checked": "checked: {tools}",
    "page.checked_failed": "{count} failed",
    "page.strip": "👤 **{name}** · {plan} · allergies: {allergies}",
    "page.no_allergies": "none recorded",
    "page.no_plan": "no plan",
    "page.record_unavailable": "_The patient's record is unavailable right now._",
    "page.title": "**💊 RxFlow** · refill assistant",
    "page.patient": "Demo patient",
    "page.language": "Language",
    "page.reset": "↺ New conversation",
    "page.chat": "Chat",
    "page.placeholder": "Type here, e.g. I need to refill my lisinopril",
    "page.send": "Send",
    "page.try": "Try ({about})",
    "page.inspector": "Inspector",
    "page.switch_ask": "A refill is in progress for this patient. Switch patient and drop it?",
    "page.switch_yes": "Switch patient",
    "page.switch_no": "Stay",
    "page.welcome": "Hello {name}! I'm RxFlow, your pharmacy refill assistant. Which prescription would you like to "
                    "refill? (Tap a suggestion below or type; English or Spanish.)",
    "page.stale_button": "That button was for an earlier step; please use the current ones.",
    "text.ready": "RxFlow: your {medication} {strength} is ready for pickup at {pharmacy}, {address}.",
    "text.on_its_way": "RxFlow: your {medication} {strength} is on its way to {address}; it should arrive {window}.",
    "text.reminder": "RxFlow reminder: your {medication} {strength} {when}. Reply or open RxFlow to refill it.",
    "text.reminder_when.refill_allowed": "can be refilled from today",
    "text.reminder_when.supply_ends": "runs out today",
    "text.reminder_when.tomorrow": "is due for a refill",
    "text.auto_refill": "RxFlow: your {medication} {strength} is due for its auto refill at {pharmacy} today; we'll text "
                        "you when it is ready.",
    "fulfilment.pickup": "pickup",
    "fulfilment.delivery": "delivery, {day} {start}–{end}",
    "order_word.on_its_way": "on its way",
    "order_word.delivered": "delivered",
    # --- the inspector beside the chat (rxflow/ui/render.py, issue 20): every label and word it shows
    "page.tab_inspector": "Inspector",
    "page.tab_patient": "Patient",
    "page.tab_explain": "Explain",
    "page.tab_orders": "Orders",
    "page.tab_about": "About",
    "page.card": "Patient card",
    "page.program_mode": "Program for this session",
    "page.path": "This conversation's path",
    "page.machine": "The whole state machine",
    "page.machine_hint": "Each box is a group of stages; ▶ and amber: where this conversation is now; light blue: where it "
                         "has been. From a stage where nothing is in flight (done, refused) a new request starts as "
                         "from Start.",
    "page.zoom_in": "Zoom in",
    "page.zoom_out": "Zoom out",
    "page.zoom_full": "Open full size",
    "page.slots": "Slots",
    "page.tools": "Tool calls (last turn)",
    "page.tools_hint": "click a row's arguments or data to expand",
    "page.track": "Track order",
    "page.cancel": "Cancel order",
    "page.orders": "This patient's orders",
    "page.requests": "Requests to a human (prescriber, plan, pharmacist)",
    "page.orders_none": "No orders yet.",
    "page.requests_none": "No requests sent yet.",
    "page.order_col.order": "Order",
    "page.order_col.status": "Status",
    "page.order_col.price": "Price",
    "page.order_col.pharmacy": "Pharmacy",
    "page.order_col.ready": "Ready",
    "page.request_col.request": "Request",
    "page.request_col.kind": "What",
    "page.request_col.status": "Status",
    "page.request_col.to": "To",
    "page.request_col.why": "Why",
    "page.request_col.sent": "Sent",
    "page.order_cell": "{order_id} · {medication}",
    "page.request_cell": "{request_id} · {medication}",
    "page.request_kind.renewal": "renewal request to your prescriber",
    "page.request_kind.prior_auth": "prior-authorization request to your plan",
    "page.request_kind.pharmacist_callback": "call back from a pharmacist",
    "page.request_kind.transfer": "transfer to our pharmacy",
    "page.none": "none",
    "page.yes": "yes",
    "page.no": "no",
    "page.language.en": "English",
    "page.language.es": "Spanish",
    # the patient card
    "page.card_line": "**{name}** · plan: {plan} · allergies: {allergies}",
    "page.card_head": "| medication | status | refills left |",
    "page.med_status.due": "✅ due now",
    "page.med_status.too_soon": "⏳ too soon (from {due})",
    "page.med_status.no_refills": "⛔ no refills left",
    "page.med_status.expired": "⛔ expired",
    "page.med_status.controlled": "⛔ controlled: new prescription",
    "page.med_status.in_progress": "📦 order in progress",
    "page.med_status.needs_pharmacist": "⚠️ needs a pharmacist",
    "page.med_status.needs_prior_auth": "📝 needs prior authorization",
    "page.med_status.inactive": "— inactive",
    "page.open_orders": "**Open orders:** {orders}",
    "page.requests_sent": "**Requests sent:** {requests}",
    "page.request_for": "{request_id} {kind} for {medication}",
    # Explain: the verdict when the refill was decided, and the rules as they stand now
    "page.explain_none": "_No prescription in play yet: ask for a refill and each rule's check shows here._",
    "page.explain_decided": "**{medication}** ({rx_id}) · verdict when decided ({moment}): **{verdict}**",
    "page.explain_undecided": "**{medication}** ({rx_id}) · not decided in this conversation yet",
    "page.explain_now": "If you asked again now ({moment}): **{verdict}**",
    "page.explain_now_same": "If you asked again now ({moment}): **{verdict}**, as when decided.",
    "page.explain_changed": "What changed since the decision:",
    "page.explain_head": "| # | rule | stage | outcome | data used |",
    "page.verdict.allowed": "allowed",
    "page.verdict.cash_only": "cash only",
    "page.verdict.not_allowed": "not allowed",
    "page.outcome.pass": "✅ pass",
    "page.outcome.fail": "❌ fail",
    "page.outcome.warn": "⚠️ warn",
    "page.outcome.not_reached": "⏸ not reached",
    "page.rule_stage.eligibility": "eligibility",
    "page.rule_stage.review": "drug review",
    "page.rule_stage.coverage": "coverage",
    "page.rule.check_active": "Prescription is active",
    "page.rule.check_controlled": "Controlled-substance limits",
    "page.rule.check_expired": "Not expired",
    "page.rule.check_refills_remain": "Refills remain",
    "page.rule.check_no_open_order": "No order already in progress",
    "page.rule.check_too_soon": "Not too soon",
    "page.rule.review_allergies": "Allergies",
    "page.rule.review_interactions": "Interactions",
    "page.rule.review_duplicates": "Duplicate therapy",
    "page.rule.review_max_dose": "Maximum daily dose",
    "page.rule.review_coverage": "Insurance coverage",
    "page.rule.note_last_refill": "Refills after this one",
    "page.fact.status": "status",
    "page.fact.schedule": "schedule",
    "page.fact.written": "written",
    "page.fact.refills_used": "refills used",
    "page.fact.expires": "expires",
    "page.fact.authorised": "refills authorised",
    "page.fact.used": "used",
    "page.fact.open_orders": "open orders",
    "page.fact.last_fill": "last fill",
    "page.fact.days_supply": "days' supply",
    "page.fact.threshold": "refill from",
    "page.fact.earliest": "earliest",
    "page.fact.allergies": "allergies",
    "page.fact.checked_against": "checked against",
    "page.fact.daily": "daily dose",
    "page.fact.usual_max": "usual maximum",
    "page.fact.plan": "plan",
    "page.fact.covered": "covered",
    "page.fact.tier": "tier",
    "page.fact.prior_auth": "prior authorization",
    "page.fact.step_therapy": "step therapy",
    "page.fact.quantity_limit_30": "limit per 30 days",
    "page.fact.refills_remaining": "refills left",
    "page.fact_value.active": "active",
    "page.fact_value.on_hold": "on hold",
    "page.fact_value.discontinued": "discontinued",
    "page.fact_value.not controlled": "not controlled",
    "page.threshold": "{percent}% of the supply used",
    # alerts, the receipt, the program
    "page.alerts": "Alerts",
    "page.alerts_none": "_No alerts in this conversation._",
    "page.alert_kind.safety": "Safety",
    "page.alert_kind.coverage": "Coverage",
    "page.alert_kind.stock": "Stock",
    "page.alert_kind.eligibility": "Eligibility",
    "page.severity.major": "major",
    "page.severity.moderate": "moderate",
    "page.severity.minor": "minor",
    "page.severity.info": "for information",
    "page.blocks": "blocks the refill",
    "page.not_blocking": "shown, not blocking",
    "page.next": "next: {step}",
    "page.rule_line": "Rule: {rule}",
    "page.step.renewal_request": "renewal request",
    "page.step.new_prescription": "new prescription",
    "page.step.pharmacist": "a pharmacist",
    "page.step.prior_auth": "prior authorization",
    "page.step.wait": "wait for the date",
    "page.step.pay_cash": "pay cash",
    "page.code.discontinued": "discontinued",
    "page.code.expired": "expired",
    "page.code.no_refills": "no refills",
    "page.code.order_in_progress": "order in progress",
    "page.code.refill_too_soon": "refill too soon",
    "page.code.controlled_c2": "controlled c2",
    "page.code.controlled_limit": "controlled limit",
    "page.code.drug_allergy": "drug allergy",
    "page.code.drug_interaction": "drug interaction",
    "page.code.duplicate_therapy": "duplicate therapy",
    "page.code.dose_mismatch": "dose mismatch",
    "page.code.dose_changed": "dose changed",
    "page.code.max_dose_exceeded": "max dose exceeded",
    "page.code.prior_auth_required": "prior auth required",
    "page.code.step_therapy": "step therapy",
    "page.code.quantity_limit": "quantity limit",
    "page.code.non_formulary": "non formulary",
    "page.code.out_of_stock": "out of stock",
    "page.code.renewal_needed": "renewal needed",
    "page.code.controlled_substance": "controlled substance",
    "page.no_order": "_No order placed in this session yet._",
    "page.receipt": "**{order_id}** — {medication} {strength} ({what}) × {quantity} ({days} days)\n\n{pharmacy} · "
                    "{fulfilment}\n\n**{price}** ({price_type}) · status **{status}** · ready about {ready}",
    "page.program": "**Program:** `{label}`",
    "page.program_turn": "{calls} LM calls, {tokens} tokens this turn",
    "page.program_no_turn": "no turn yet",
    "page.program_fallbacks": "; **fallbacks this turn:** {steps}",
    "page.program_steps": "**Steps:** {steps}",
    "page.program_total": "**Session total:** {calls} LM calls, {tokens} tokens, {fallbacks} fallbacks, {turns} turns",
    # the tool calls
    "page.tools_none": "No tool calls this turn.",
    "page.tools_col.tool": "tool",
    "page.tools_col.result": "result",
    "page.tools_col.arguments": "arguments",
    "page.tools_col.data": "data",
    "page.tool_kind.read": "reads",
    "page.tool_kind.write": "writes",
    "page.tool_ok": "ok",
    "page.tool_no_args": "(none)",
    # the slots
    "page.slot.stage": "stage",
    "page.slot.language": "language",
    "page.slot.medication": "medication",
    "page.slot.strength": "strength",
    "page.slot.frequency": "how often",
    "page.slot.rx_id": "prescription",
    "page.slot.pharmacy_id": "pharmacy",
    "page.slot.quantity": "quantity",
    "page.slot.days_supply": "days' supply",
    "page.slot.queue": "still to refill",
    "page.slot.candidates": "which of these",
    "page.slot.pay_cash": "paying cash",
    "page.slot.dosage": "dose check",
    # the whole machine, by stage group
    "page.group.find": "Finding the medication",
    "page.group.check": "Checking the dose and the rules",
    "page.group.order": "Ordering",
    "page.group.refer": "Refused or referred",
    "page.group.request": "Requests, settings, transfers",
    "page.group.cancel": "Cancelling",
    "page.group.end": "The end",
    "page.alert_with": "with {drug}",
    "page.dosage.consistent": "matches the prescription",
    "page.dosage.mismatch": "differs from the prescription",
    "page.dosage.unclear": "not clear yet",
}

ES: dict[str, str] = {
    # --- saludos, ayuda, salir
    "greeting": "¡Hola, {first}! ",
    "help_idle": "Puedo resurtir sus recetas, darle precios y decirle qué le toca, y rastrear o cancelar pedidos. "
                 "Pruebe: \"necesito resurtir mi {example}\", \"¿qué me toca?\", \"¿cuánto cuesta mi {example}?\" o "
                 "\"¿dónde está mi pedido?\"",
    "help.CONFIRM_DOSAGE": "Antes de resurtir confirmo la dosis con usted: su receta es {medication} {strength}, "
                           "{frequency}.",
    "help.SELECT_PHARMACY": "Le pregunto dónde quiere recoger su {medication}. Puede elegir por nombre, número, precio, "
                            "distancia, tiempo de espera, servicio de autoservicio (drive-thru) u horario.",
    "help.CONFIRM_ORDER": "No se pide nada hasta que usted diga que sí al resumen. También puede elegir otra farmacia.",
    "help.CLARIFY_MEDICATION": "Más de una de sus recetas coincide con lo que dijo; dígame cuál quiere.",
    "help.IDENTIFY_MEDICATION": "Dígame qué medicamento quiere resurtir.",
    "help.CONFIRM_CANCEL": "Le pregunto si cancelo el pedido {order_id}. No cambia nada hasta que usted diga que sí.",
    "left": "Está bien, detuve ese resurtido; no se pidió nada. ¿En qué más le puedo ayudar?",
    "left_cancel": "Está bien, el pedido {order_id} se queda como está.",
    "goodbye": "Con gusto, {first}. ¡Cuídese!",
    "start_over": "Está bien, empecemos de nuevo; no se pidió nada. ¿Qué medicamento quiere resurtir?",
    "skipped": "Está bien, me salto su {medication}; no se pidió nada de ese.",
    "set_aside": "Dejé de lado el resurtido de {medication}; no se pidió nada de ese.",
    "not_understood": "Perdón, no le entendí.",
    # --- qué medicamento
    "which_medication": "¿Qué medicamento quiere resurtir? (un nombre, o \"alto\" para salir)",
    "several_fit": "Tiene más de un medicamento que coincide. ¿Cuál quiere? (un nombre o un número, o \"alto\")",
    "which_one_again": "Perdón, ¿cuál? Conteste con el nombre o el número (o \"alto\"):",
    "one_at_a_time": "Los veremos uno por uno: {names}.",
    "next_medication": "Ahora, su {medication}.",
    "next_medication_unnamed": "Ahora, el siguiente medicamento.",
    "not_active": "Su receta de {medication} está {status}, así que no se puede resurtir. Comuníquese con su médico "
                  "si todavía la necesita.",
    "not_on_list": "No veo {medication} entre sus recetas activas, así que no lo puedo resurtir.",
    "unknown_medication": "No encontré un medicamento llamado \"{text}\".",
    # --- la lista de medicamentos y lo que toca
    "no_medications": "No tiene recetas activas en su expediente.",
    "med_list": "{Whose} recetas activas:",
    "due_list": "Así está cada una de sus recetas hoy:",
    "status.due": "le toca ya ({refills} resurtidos restantes)",
    "status.too_soon": "todavía es pronto: puede resurtirla a partir del {date}",
    "status.no_refills": "no le quedan resurtidos: su médico tiene que renovarla",
    "status.expired": "venció el {date}: necesita que su médico la renueve",
    "status.controlled": "es una sustancia controlada: necesita una receta nueva",
    "status.in_progress": "ya hay un pedido en curso",
    "status.needs_pharmacist": "un farmacéutico tiene que revisarla primero",
    "status.needs_prior_auth": "su plan necesita autorización previa (o puede pagar en efectivo)",
    "status.inactive": "no está activa",
    # --- la dosis
    "ask_dose": "Vamos a resurtir {whose} {medication}{brand}. La receta es de {strength} ({form}): \"{sig}\" — "
                "{quantity} para {days} días.",
    "brand_as_written": " (de marca, como la recetaron: dispensar tal como está escrita)",
    "stated_differs": "Usted mencionó {stated}, pero la receta es de {strength}.",
    "dose_as_stated": "{medication} {strength}, {frequency}: coincide con su receta.",
    "rx_not_found": "No encontré la receta {number} en su expediente. Estas son sus recetas:",
    "dose_question": "¿Esa es la dosis que toma? (sí / no, o dígame su dosis; \"alto\" para salir)",
    "dose_unclear": "Perdón, no le entendí. Su receta es {medication} {strength}, {frequency}. ¿Esa es la dosis que "
                    "toma? (sí / no, o \"alto\")",
    "dose_mismatch": "{reason} Solo puedo resurtir la dosis recetada, {strength} {frequency}. Si le cambiaron la "
                     "dosis, un farmacéutico tiene que confirmarla con su médico primero. Dígame la dosis que dice su "
                     "etiqueta para seguir (por ejemplo \"{strength}\"), diga \"farmacéutico\" para que la revisen, "
                     "o \"alto\".",
    "dose_not_right": "Usted dijo que la dosis no es correcta.",
    "dose_refer": "{reason} Como la dosis que describe es distinta a la receta, no la puedo resurtir aquí. Un "
                  "farmacéutico confirmará su dosis actual con su médico antes de surtir nada. No se pidió nada.",
    "dose_changed": "Gracias por decirme que le cambiaron la dosis{to}. La receta en su expediente es de {strength} "
                    "{frequency}, así que no la voy a resurtir así: un farmacéutico verificará la nueva dosis con "
                    "{prescriber} ({phone}) antes de surtir nada. No se pidió nada.",
    "dose_info": "Su receta es {medication} {strength}: \"{sig}\".",
    # --- requisitos y revisión
    "note_alerts": "Tenga en cuenta:",
    "cant_refill": "No puedo resurtir su {medication} en este momento.",
    "the_rule": "La regla: {rule}",
    "next.renewal_request": "Siguiente paso: una solicitud de renovación a su médico",
    "next.new_prescription": "Siguiente paso: su médico tiene que hacer una receta nueva",
    "next.pharmacist": "Siguiente paso: un farmacéutico lo revisará con usted y con su médico",
    "next.prior_auth": "Siguiente paso: una solicitud de autorización previa de su médico a su plan",
    "next.wait": "Siguiente paso: puede resurtirla en la fecha indicada (si va de viaje o perdió sus pastillas, "
                 "pregunte a un farmacéutico por una excepción)",
    "next.pay_cash": "Puede pagar el precio en efectivo o con tarjeta de descuento",
    "prescriber_contact": " ({prescriber}, {phone})",
    "pa_criteria": "Los criterios del plan: {criteria}",
    "pa_turnaround": "Tiempo habitual de respuesta: {days} días hábiles.",
    "pay_cash_offer": "Mientras tanto puede pagar sin seguro: {price} {price_type} en {pharmacy}. Diga \"pago en "
                      "efectivo\" para hacerlo.",
    "no_stock": "Ninguna farmacia a menos de 15 km tiene suficiente en existencia. Un farmacéutico le ayudará a "
                "transferirla o pedirla.",
    "not_listed": "No aparecen (no tienen suficiente en existencia): {names}.",
    # --- farmacias
    "where_pickup": "¿Dónde quiere recogerla?",
    "same_as_before": "¿La misma farmacia que su {medication}: {pharmacy} ({price})? Diga \"la misma\", o elija abajo.",
    "choose_hint": "Diga un nombre, un número, o \"la más barata\" / \"la más cercana\" / \"la más rápida\"; "
                   "también puede preguntar por el horario o el autoservicio (\"alto\" para salir).",
    "which_pharmacy": "¿Qué farmacia quiere? (un nombre, un número, \"la más barata\"..., o \"alto\")",
    "same_for_all_which": "Está bien, una sola farmacia para {all}: ¿cuál? (un nombre, un número, \"la más barata\"..., o \"alto\")",
    "same_for_all_chosen": "Está bien, {pharmacy} para {all}.",
    "same_for_all_again": "Como pidió, la misma farmacia para su {medication}: {pharmacy}.",
    "all.2": "las dos",
    "all.3": "las tres",
    "all.n": "las {count}",
    "dose_ok": "Bien: {medication} {strength}, {frequency}.",
    "cash_ok": "Está bien, sin seguro: paga el precio en efectivo o con tarjeta de descuento de su {medication}.",
    "brand_named": "{brand} ({generic})",
    "which_of_these": "{names} coinciden. ¿Cuál quiere? (o \"alto\")",
    "none_fits": "Ninguna farmacia cerca con su medicamento en existencia tiene eso. Estas son las opciones otra vez:",
    "offer_line": "{i}. {pharmacy}{labels}: {price} {price_type}{brand}, a {km} km, lista en unos {wait} min{services}",
    "services.24h": "abierta 24 horas",
    "services.drive_thru": "autoservicio (drive-thru)",
    "brand": " · de marca",
    # --- el resumen y el pedido
    "summary": "Por favor confirme este pedido:\n- {medication} {strength} ({form}, {what}), cantidad {quantity} "
               "(para {days} días)\n- Indicaciones: {sig}\n- Farmacia: {pharmacy}, a {km} km\n- Precio: {price} "
               "({price_type})\n- {how}",
    "summary_ready": "Lista para recoger {when}",
    "delivery_line.courier": "Entrega a domicilio en {address}, {window}; {fee}",
    "delivery_line.mail": "Por correo a {address}, llega {window}; {fee}",
    "delivery_fee.courier": "costo de entrega {fee}",
    "delivery_fee.mail": "envío {fee}",
    "delivery_no_fee.courier": "entrega sin costo",
    "delivery_no_fee.mail": "envío gratis",
    "delivery_free": "gratis",
    "delivery_ask_which": "¿Qué farmacia? Al elegir una, puede decir \"entréguemelo\" y le digo cuáles hacen entregas.",
    "delivery_no": "{pharmacy} no hace entregas; solo para recoger.",
    "delivery_yes.courier": "{pharmacy} entrega a domicilio: si está listo antes de las {cutoff}, llega el mismo día entre {window}; si no, al día siguiente. Costo: {fee}.",
    "delivery_yes.mail": "{pharmacy} manda las recetas por correo: llegan en unos {window}. Envío: {fee}.",
    "delivery_none": "Ninguna de las farmacias cercanas que lo tienen hace entregas, así que queda para recoger. Elija una de estas, o diga \"alto\":",
    "delivery_offers": "Estas farmacias cercanas se lo entregan (a su dirección registrada):",
    "pickup_offers": "Está bien, para recoger. Elija una farmacia:",
    "delivered_at": " Se lo entregan en {address}, {window}.",
    "delivery_after_order": "El pedido {order_id} ya está hecho para recoger. Para que se lo entreguen, cancélelo (diga \"cancélalo\") y pida el resurtido otra vez con entrega.",
    "window.today": "hoy entre las {start} y las {end}",
    "window.tomorrow": "mañana entre las {start} y las {end}",
    "window.later": "el {date}, entre las {start} y las {end}",
    "summary_question": "¿Hago el pedido? (sí para pedirlo · no · o nombre otra farmacia · \"alto\" para salir)",
    "summary_changed": "Este es el pedido actualizado. Necesita su propio sí:",
    "summary_refreshed": "Algo de este pedido cambió desde que se lo mostré; aquí está otra vez:",
    "what.generic": "genérico",
    "what.brand": "de marca",
    "confirm_unclear": "Todavía no se pidió nada. Para hacer este pedido, conteste sí; para cambiarlo, nombre otra "
                       "farmacia (por ejemplo \"la más barata\"); o diga \"alto\".",
    # Una pregunta repetida ante un resumen que no se mostró nombra lo que hace un sí (writes/base.py: name_the_yes).
    "summary_question.named": "¿Hago el pedido? Un sí {does}. (O no · nombre otra farmacia · \"alto\" para salir)",
    "confirm_unclear.named": "Todavía no se pidió nada. Un sí {does}; para cambiarlo, nombre otra farmacia (por "
                             "ejemplo \"la más barata\"); o diga \"alto\".",
    "yes_does": "Un sí ahora {does}.",
    "stale_yes": "Ese sí se mandó antes de que le llegara este resumen, así que todavía no hice nada. Esto es lo que "
                 "hace un sí ahora:",
    "does.order": "pide {medication} {strength} en {pharmacy} por {price}",
    "does.cancel": "cancela el pedido {order_id}",
    "does.request": "manda la solicitud ({what}) para su {medication}",
    "does.withdraw": "retira la solicitud {request_id}",
    "does.basket": "hace {count} pedidos ({names})",
    "does.transfer": "manda la solicitud de transferencia de su {medication} desde {source}",
    "does.setting.auto_refill_on": "activa el resurtido automático de su {medication}",
    "does.setting.auto_refill_pause": "pausa el resurtido automático de su {medication}",
    "does.setting.auto_refill_resume": "reactiva el resurtido automático de su {medication}",
    "does.setting.auto_refill_stop": "detiene el resurtido automático de su {medication}",
    "does.setting.reminder_on": "programa el recordatorio de su {medication}",
    "does.setting.reminder_off": "cancela el recordatorio de su {medication}",
    "does.setting.texts_on": "activa los mensajes",
    "does.setting.texts_off": "desactiva los mensajes",
    "declined": "Está bien, no pedí nada. Elija otra farmacia, o diga \"alto\":",
    "order_placed": "¡Listo! El pedido {order_id} está hecho: {medication} {strength}, cantidad {quantity}, en "
                    "{pharmacy} por {price} ({price_type}).",
    "ready_at": " Debería estar listo {when}.",
    "order_failed": "No pude hacer el pedido: {why} No se cobró nada. Elija otra farmacia, o diga \"alto\".",
    "order_failed.policy": "las reglas de resurtido ya no lo permiten.",
    "order_failed.stock": "{pharmacy} ya no tiene suficiente existencia.",
    "order_failed.in_progress": "ya hay un pedido en proceso para esta receta.",
    "order_failed.other": "el sistema de la farmacia no lo aceptó.",
    "order_word.received": "recibido",
    "order_word.in_progress": "en proceso",
    "order_word.ready": "listo para recoger",
    "order_word.picked_up": "recogido",
    "order_word.cancelled": "cancelado",
    "what_happens": "Si dice que sí, mando este pedido a {pharmacy}: {medication} {strength}, cantidad {quantity}, por "
                    "{price}. Debería estar listo unos {wait} minutos después; paga al recogerlo y puede cancelarlo "
                    "aquí hasta entonces. No se pide nada hasta que diga que sí.",
    "order_price": "Este pedido cuesta {price} ({price_type}) en {pharmacy}.",
    # --- pedidos: rastrear y cancelar
    "no_orders": "No tiene pedidos en su expediente.",
    "no_open_orders": "No tiene pedidos abiertos.",
    "open_orders": "Sus pedidos abiertos: {orders}.",
    "which_order": "¿Qué pedido quiere cancelar? {orders} (el medicamento o el número; \"alto\" para dejarlo)",
    "track_line": "{status} ({medication} {strength} en {pharmacy}, {price}).",
    "order_status.received": "El pedido {order_id} fue recibido; la farmacia empezará a surtirlo pronto",
    "order_status.in_progress": "El pedido {order_id} se está surtiendo",
    "order_status.ready": "El pedido {order_id} está listo para recoger",
    "order_status.on_its_way": "El pedido {order_id} va en camino",
    "order_status.delivered": "El pedido {order_id} fue entregado",
    "order_delivery": "; se entrega en {address} el {date} entre las {start} y las {end}",
    "order_status.picked_up": "El pedido {order_id} ya se recogió",
    "order_status.cancelled": "El pedido {order_id} está cancelado",
    "order_ready_at": "; debería estar listo a las {time} del {date}",
    "cancel_ask": "¿Cancelo el pedido {order_id}: {medication} {strength} en {pharmacy} ({status})? Conteste sí para "
                  "cancelarlo, o no para dejarlo.",
    "cancel_done": "El pedido {order_id} está cancelado. No se cobrará nada.",
    "cancel_kept": "Está bien, el pedido {order_id} se queda como está.",
    "cancel_unclear": "¿Cancelo el pedido {order_id}? Conteste sí para cancelarlo, o no para dejarlo.",
    "cant_cancel": "{status}. No se puede cancelar.",
    "order_other_error": "No pude hacer eso con el pedido {order_id}; no cambió nada.",
    "order_not_yours": "El pedido {order_id} no es uno de sus pedidos, así que no lo puedo consultar ni cambiar.",
    "order_not_found": "No encontré un pedido con el número {order_id}. Los números de pedido son como ORD-30001.",
    "no_order_for": "No veo un pedido de su {medication}.",
    # --- solicitudes a una persona: renovación, autorización previa, llamada de un farmacéutico
    "help.CONFIRM_REQUEST": "Le pregunto si mando (o retiro) la solicitud de arriba. No se manda ni cambia nada hasta "
                            "que usted diga que sí.",
    "offer.renewal": "Puedo mandarle una solicitud de renovación a {prescriber}: diga \"mande la solicitud de "
                     "renovación\". No se manda nada hasta que usted confirme.",
    "offer.prior_auth": "Puedo pedirle a {prescriber} que mande la solicitud de autorización previa a su plan: diga "
                        "\"mande la solicitud\". No se manda nada hasta que usted confirme.",
    "offer.pharmacist": "Si quiere que un farmacéutico le llame, diga \"quiero hablar con un farmacéutico\".",
    "offer.cash": "O, para pagar sin seguro, diga \"pago en efectivo\".",
    "request_what.renewal": "una solicitud de renovación",
    "request_what.prior_auth": "una solicitud de autorización previa",
    "request_what.pharmacist_callback": "una llamada de un farmacéutico",
    "request_to.renewal": "{prescriber} ({practice}, {phone})",
    "request_to.prior_auth": "{plan}, enviada por su médico {prescriber} ({practice}, {phone})",
    "request_to.pharmacist_callback": "un farmacéutico, que le llamará al {callback}",
    "request_summary": "Por favor confirme esta solicitud:\n- Qué: {what} para su {medication} {strength}\n"
                       "- A quién: {to}\n- Por qué: {why}{note}",
    "request_note.renewal": "\n- Su médico decide; el resurtido puede seguir cuando llegue la receta renovada",
    "request_note.prior_auth": "\n- {plan} normalmente decide en unos {days} días hábiles",
    "request_note.pharmacist_callback": "\n- El farmacéutico también puede consultar con su médico, {prescriber}",
    "request_question": "¿La mando? (sí para mandarla · no · \"alto\" para salir)",
    "request_unclear": "Todavía no se mandó nada. Para mandar esta solicitud, conteste sí; o diga no, o \"alto\".",
    "request_question.named": "¿La mando? Un sí {does}. (O no · \"alto\" para salir)",
    "request_unclear.named": "Todavía no se mandó nada. Un sí {does}; o diga no, o \"alto\".",
    "request_changed": "Algo de esta solicitud cambió desde que se la mostré:",
    "request_sent": "¡Listo! La solicitud {request_id} está enviada: {what} para su {medication}, a {to}.",
    "request_follow": " Pregúnteme \"¿dónde está {request_id}?\" para seguirla, o \"retire la {request_id}\" para "
                      "retirarla.",
    "request_not_sent": "Está bien, no mandé nada.",
    "request_failed": "No pude mandar la solicitud, así que no se mandó nada. Inténtelo de nuevo en un momento.",
    "request_exists": "La solicitud {request_id} ({what} para su {medication}) ya se mandó el {date}, así que no mando "
                      "otra. Pregúnteme \"¿dónde está {request_id}?\" para seguirla.",
    "request_not_needed": "Su {medication} no necesita {what} ahora: {status}.",
    "request_nothing_needed": "Su {medication} no necesita ninguna solicitud ahora: {status}.",
    "request_which": "¿Para qué medicamento es la solicitud? Diga, por ejemplo, \"mande una solicitud de renovación "
                     "para mi {example}\" o \"quiero hablar con un farmacéutico sobre mi {example}\".",
    "why.patient_request": "usted pidió hablar con un farmacéutico",
    "request_line": "Solicitud {request_id}: {what} para su {medication} {strength}, a {to}, enviada el {date}: "
                    "{status}.",
    "request_status.sent": "enviada, esperando respuesta",
    "request_status.withdrawn": "retirada el {date}",
    "no_requests": "No tiene solicitudes en su expediente.",
    "no_request_for": "No veo una solicitud para su {medication}.",
    "no_open_requests": "No tiene solicitudes enviadas que retirar.",
    "which_request": "¿Qué solicitud quiere retirar? {requests} (diga \"retire\" y el número; \"alto\" para dejarla)",
    "withdraw_ask": "¿Retiro la solicitud {request_id}: {what} para su {medication}, a {to}? Conteste sí para "
                    "retirarla, o no para dejarla.",
    "withdraw_unclear": "¿Retiro la solicitud {request_id}? Conteste sí para retirarla, o no para dejarla.",
    "request_withdrawn": "La solicitud {request_id} está retirada.",
    "request_kept": "Está bien, la solicitud {request_id} se queda como está.",
    "request_already_withdrawn": "La solicitud {request_id} ya está retirada.",
    "request_not_yours": "La solicitud {request_id} no es una de sus solicitudes, así que no la puedo consultar ni "
                         "cambiar.",
    "request_not_found": "No encontré una solicitud con el número {request_id}. Los números de solicitud son como "
                         "REQ-40001.",
    "request_other_error": "No pude hacer eso con la solicitud {request_id}; no cambió nada.",
    # --- respuestas a preguntas
    "prices": "Precios de {medication} {strength}, {quantity} para {days} días:",
    "prices_cash": "Sin seguro, {medication} {strength} ({quantity} para {days} días) cuesta:",
    "prices_hint": "Diga \"resurtir mi {medication}\" para pedirlo.",
    "price_which": "¿De qué medicamento quiere el precio?",
    "hours": "{pharmacy} ({address}): {hours}{drive}. Teléfono {phone}.",
    "hours_drive": ", con autoservicio (drive-thru)",
    "hours_no_drive": ", sin autoservicio",
    "nearest_with": "Ninguna de esas lo tiene; la farmacia más cercana que sí lo tiene y tiene su medicamento en "
                    "existencia es {pharmacy}, a {km} km ({hours}{drive}). Diga \"esa\" para elegirla.",
    "wait": "{pharmacy} normalmente tiene un pedido listo en unos {minutes} minutos los {weekday}.",
    "stock_yes": "{pharmacy} tiene {on_hand} de su {strength} en existencia (se necesitan {needed}).",
    "stock_no": "{pharmacy} solo tiene {on_hand} de su {strength} (se necesitan {needed}), así que no aparece.",
    "generic_note": "{note} Genérico: {generic}; de marca: {brand} (precios en efectivo en {pharmacy}).",
    "generic.dispensed": "Se surte el {medication} genérico: mismo ingrediente y concentración, precio más bajo.",
    "generic.daw": "Su médico escribió \"dispensar tal como está escrita\", así que se surte la marca.",
    "generic.brand_only": "No hay {medication} genérico, así que se surte la marca.",
    "covered": "{plan} cubre {drug} en el nivel {tier}: copago de {copay} por 30 días{restrictions}.",
    "covered_pa": ", pero solo con autorización previa",
    "covered_step": ", después de probar {step} primero",
    "not_covered": "{plan} no cubre {drug}; puede pagar el precio en efectivo o con tarjeta de descuento. Solo su médico "
                   "puede cambiarlo a un medicamento que su plan cubra.",
    "no_plan": "No tiene un plan de seguro en su expediente; paga el precio en efectivo o con tarjeta de descuento.",
    "due_now": "Ya le toca su {medication} ({refills} resurtidos restantes).",
    "due_on": "Puede resurtir su {medication} a partir del {date}.",
    "not_refillable": "Su {medication} no se puede resurtir ahora: {reason}",
    "pa_time": "{plan} normalmente decide una solicitud de autorización previa para {medication} en unos {days} días "
               "hábiles. Su médico, {prescriber} ({phone}), envía la solicitud.",
    "pa_not_needed": "{plan} no necesita autorización previa para su {medication}.",
    "interactions_none": "No encontré interacciones entre {drug} y sus medicamentos ({others}).",
    "interactions": "{drug} con sus medicamentos:",
    "allergy_none": "Nada en su lista de alergias ({allergies}) afecta a {drug}.",
    "allergy_hits": "{drug} y sus alergias:",
    "adherence": "En los últimos {window} días tuvo su {medication} a la mano el {pdc} de los días ({fills} surtidos).",
    "nearby": "Farmacias cerca de usted{what}:",
    "nearby_line": "- {pharmacy}, {km} km ({hours}{drive})",
    "nearby_what.open_24h": " abierta 24 horas",
    "nearby_what.drive_thru": " con autoservicio (drive-thru)",
    "nearest_one": "La farmacia más cercana{what} es {pharmacy} ({address}), a {km} km ({hours}{drive}).",
    "nearby_none": "No encontré ninguna farmacia{what} cerca de usted.",
    "nearby_stock_yes": "Tiene su {medication} {strength} en existencia.",
    "nearby_stock_no": "No tiene suficiente de su {medication} {strength} ({on_hand} en existencia, se necesitan "
                       "{needed}).",
    "nearby_stock_alt": "La más cercana{what} que lo tiene en existencia es {pharmacy}, a {km} km ({hours}{drive}).",
    "nearby_none_stock": "Ninguna farmacia{what} a menos de 15 km tiene suficiente en existencia.",
    "nearby_also": "También{what}: {names}.",
    "nearby_pick": "Diga \"esa\" para recogerlo ahí.",
    "cash_line": "{i}. {pharmacy}: en efectivo {cash}, con tarjeta de descuento {card} (a {km} km)",
    "order_cash": "Sin seguro, este pedido en {pharmacy} costaría {cash} en efectivo o {card} con tarjeta de "
                  "descuento. El precio del resumen es {price} ({price_type}).",
    "alt_head": "Opciones más baratas de la misma clase de medicamento que cubre su plan, {plan} (copagos por 30 "
                "días):",
    "alt_line": "- Su {drug}: {status} {options}",
    "alt.not_covered": "su plan no lo cubre{cash}.",
    "alt.prior_auth": "cubierto solo con autorización previa (nivel {tier}, copago de {copay}){cash}.",
    "alt.covered": "cubierto en el nivel {tier}, copago de {copay}.",
    "alt.cash": "; sin seguro desde {price} ({price_type}) en {pharmacy}",
    "alt.options": "Alternativas cubiertas que cuestan menos: {options}.",
    "alt.option": "{drug}{brands}, nivel {tier}, copago de {copay}{restrictions}",
    "alt.none_in_class": "No hay ninguna alternativa de esta clase en el formulario de su plan.",
    "alt.none_cheaper": "Ningún otro medicamento de esta clase cuesta menos con su plan.",
    "alt_prescriber": "Cambiar a otro medicamento lo decide su médico{who}: yo no puedo cambiar una receta, y no se "
                      "cambió ni se pidió nada.",
    "ask_about_which": "¿De qué medicamento habla?",
    # --- guardia
    "other_patient": "Solo puedo ayudarle con sus propias recetas y pedidos{name}. No puedo consultar ni cambiar los "
                     "expedientes de otras personas.",
    "error": "Perdón, algo falló de mi lado. No se pidió nada. Dígame otra vez qué necesita, por ejemplo \"resurtir "
             "mi lisinopril\".",
    "expired_session": "Su sesión anterior venció por inactividad, así que empezamos de nuevo.",
    "store_unavailable": "Perdón, ahora no puedo consultar los registros de la farmacia, así que no pude hacerlo. No se "
                         "pidió ni se cambió nada. Inténtelo de nuevo en unos minutos.",
    "session_unknown": "Esta sesión no existe o ya terminó. Elija un paciente (o pulse Reiniciar) para empezar otra.",
    "session_expired": "Esta sesión venció por inactividad. Elija un paciente (o pulse Reiniciar) para empezar otra.",
    "patient_not_offered": "Por favor elija uno de los pacientes de demostración: {patients}.",
    "sessions_full": "La demostración está muy ocupada ahora (demasiadas conversaciones a la vez). Inténtelo de nuevo "
                     "en unos minutos.",
    "rate_limited": "Demasiadas solicitudes; espere unos segundos y vuelva a intentarlo.",
    "no_session": "No hay sesión: elija primero un paciente.",
    "no_order_yet": "Todavía no hay ningún pedido en esta sesión.",
    "language_switched": "Claro, sigo en español.",
    # --- el nombre de cada paso, como la página muestra el camino de la conversación
    "stage.START": "Inicio",
    "stage.IDENTIFY_MEDICATION": "¿Qué medicamento?",
    "stage.CLARIFY_MEDICATION": "¿Cuál de estos?",
    "stage.CONFIRM_DOSAGE": "Confirmar la dosis",
    "stage.CHECK_AUTHORIZATION": "Reglas de resurtido",
    "stage.SELECT_PHARMACY": "Elegir farmacia",
    "stage.CONFIRM_ORDER": "Confirmar el pedido",
    "stage.ESCALATE_PA": "Autorización previa",
    "stage.REFER_PRESCRIBER": "Al médico",
    "stage.REFER_PHARMACIST": "A un farmacéutico",
    "stage.NOT_ELIGIBLE": "No se puede resurtir aún",
    "stage.CHOOSE_ORDER": "¿Qué pedido?",
    "stage.CONFIRM_CANCEL": "Confirmar la cancelación",
    "stage.CONFIRM_REQUEST": "Confirmar la solicitud",
    "stage.CONFIRM_SETTING": "Confirmar un ajuste",
    "stage.COLLECT_TRANSFER": "Datos del traslado",
    "stage.COMPLETE": "Listo",
    "stage.ERROR": "Error",
    # --- seguir el hilo: después de una negativa, servicios que aún no hay, un cambio que no se entendió
    "why_blocked": "Su {medication} no se puede resurtir ahora:",
    "not_blocked": "Nada impide resurtir su {medication}: {status}.",
    "safety_found": "Lo que encontró la revisión de seguridad para su {medication}:",
    "safety_none": "La revisión de seguridad no encontró alergias, interacciones ni duplicados para su {medication}.",
    "safety_pharmacist": "Solo un farmacéutico o su médico pueden decirle qué es seguro para usted; puedo pedir que un farmacéutico le llame (diga \"quiero hablar con un farmacéutico\").",
    "next_step_is": "Para su {medication}: {step} (su médico es {prescriber}, {phone}).",
    "pa_or_cash": "¿Quiere que le pida a {prescriber} que mande la solicitud de autorización previa (diga \"mande la solicitud\"), o prefiere pagar en efectivo (diga \"pago en efectivo\")?",
    "change_not_caught": "No entendí a qué farmacia se refiere; el pedido sigue en {pharmacy} y todavía no se pidió nada. Para cambiarla, elija una de estas (o diga sí para quedarse con {pharmacy}):",
    "thanks_bye": "Con gusto, {first}. ¡Cuídese!",
    "change_no_stock": "{named} no tiene suficiente en existencia para este pedido, así que sigue en {pharmacy}; "
                       "todavía no se pidió nada. Para cambiarla, elija una de estas (o diga sí para quedarse con "
                       "{pharmacy}):",
    # --- todo lo que toca (rxflow/flow/basket.py)
    "basket_nothing_due": "Ahora no le toca resurtir nada:",
    "basket_held": "No incluidas:",
    "basket_held_line": "- {medication} {strength}: {why}{step}",
    "basket_no_pharmacy": "Ninguna farmacia cercana tiene todas en existencia. Pídamelas una por una (por ejemplo \"resurtir mi {example}\").",
    "basket_due": "Le tocan {count} recetas, cada una a la dosis de su receta:",
    "basket_item": "- {medication} {strength}, {frequency}, quantity {quantity}",
    "basket_where": "¿A dónde las mando todas? Estas tienen todo en existencia (precio total):",
    "basket_deliver": "¿Qué farmacia se las entrega todas (a su dirección registrada)? Estas hacen entregas y tienen todo en existencia (precio total):",
    "basket_hint": "Diga un nombre, un número o \"la más barata\"; para mandar una a otra farmacia, diga por ejemplo \"costco, pero la {example} en cvs\" (\"alto\" para salir).",
    "basket_item_where": "¿En qué farmacia su {medication}? Nombre una que la tenga.",
    "basket_line": "- {medication} {strength} ({what}), cantidad {quantity} (para {days} días) en {pharmacy}: {price} ({price_type})",
    "basket_summary": "Por favor confirme estos {count} pedidos:\n{lines}\n- Total: {total}\n- {how}",
    "basket_no_stock": "Una de ellas ya no hay en existencia ahí, así que no se pidió nada. Elija otra vez:",
    "basket_question": "¿Hago todos los pedidos? (sí para hacerlos · no · \"sin la ...\" para quitar una · \"alto\" para salir)",
    "basket_done": "¡Listo! {count} pedidos hechos:",
    "basket_placed": "- Pedido {order_id}: {medication} {strength} en {pharmacy} por {price}",
    "basket_failed": "No pude pedir su {medication}: {why} No se pidió: {rest}.",
    # --- ajustes: resurtido automático, recordatorios, mensajes
    "setting_which.auto_refill": "¿Qué medicina quiere en resurtido automático? Diga, por ejemplo, \"resurtido automático de mi {example}\".",
    "setting_which.reminder": "¿De qué medicina le recuerdo? Diga, por ejemplo, \"recuérdame mi {example}\".",
    "setting_which_one.auto_refill": "¿Qué resurtido automático: {names}?",
    "setting_which_one.reminder": "¿Qué recordatorio: {names}?",
    "setting_nothing.auto_refill": "No hay ningún resurtido automático que cambiar{for_med}.",
    "setting_nothing.reminder": "No hay ningún recordatorio programado{for_med}.",
    "auto_refill_controlled": "Las sustancias controladas no se pueden resurtir automáticamente: cada surtido se pide y se revisa.",
    "auto_refill_refused": "No puedo poner su {medication} en resurtido automático. {reasons}",
    "auto_refill_instead": "Igual puede pedirme cada resurtido cuando le toque, o decir \"recuérdame cuando toque\".",
    "auto_refill_none": "No tiene resurtidos automáticos.",
    "auto_refill_list": "Sus resurtidos automáticos:",
    "auto_refill_line": "- {medication} {strength} en {pharmacy}: {status}, próximo surtido {date}",
    "setting_status.active": "activo",
    "setting_status.paused": "en pausa",
    "setting_status.stopped": "detenido",
    "reminder_none": "No tiene recordatorios de resurtido programados.",
    "reminder_list": "Sus recordatorios de resurtido:",
    "reminder_line": "- {medication}: un mensaje el {date} a las {time}",
    "texts_are_on": "Los mensajes están activados: le llegará un mensaje al {phone} cuando un pedido esté listo.",
    "texts_are_off": "Los mensajes están desactivados para el {phone}. Diga \"activa los mensajes\" para recibir uno cuando un pedido esté listo.",
    "texts_will_come": "Los mensajes están activados: le llegará un mensaje al {phone} cuando el pedido {order_id} esté listo, {when}.",
    "setting_summary.auto_refill_on": "Por favor confirme el resurtido automático:\n- {medication} {strength}, resurtido automáticamente en {pharmacy}\n- Próximo surtido: {date}, "
                                      "y luego cada {days} días mientras queden resurtidos ({refills})\n- Cada surtido pasa antes por las reglas de resurtido; le mandamos un "
                                      "mensaje al {phone} cuando esté listo\n- Para detenerlo: diga \"detén el resurtido automático\" cuando quiera\n¿Activo el resurtido "
                                      "automático de su {medication}? (sí · no · \"alto\" para salir)",
    "setting_summary.auto_refill_pause": "¿Pausar el resurtido automático de su {medication} {strength} en {pharmacy}? No se surte nada hasta que lo reanude. ¿Lo pauso? (sí · no)",
    "setting_summary.auto_refill_resume": "¿Reanudar el resurtido automático de su {medication} {strength} en {pharmacy}? ¿Lo reactivo? (sí · no)",
    "setting_summary.auto_refill_stop": "¿Detener el resurtido automático de su {medication} {strength} en {pharmacy}? Igual puede pedirme cada resurtido. ¿Lo detengo? (sí · no)",
    "setting_summary.reminder_on": "Por favor confirme este recordatorio:\n- Un mensaje al {phone} el {date} a las {time}: su {medication} {strength} {basis}\n¿Lo programo? "
                                   "(sí · no · \"alto\" para salir)",
    "reminder_basis.refill_allowed": "ya se puede resurtir (el primer día que las reglas lo permiten)",
    "reminder_basis.supply_ends": "se le acaba (ya se puede resurtir)",
    "reminder_basis.tomorrow": "ya toca (ya se puede resurtir)",
    "setting_summary.reminder_off": "¿Cancelar el recordatorio de su {medication} del {date}? ¿Lo cancelo? (sí · no)",
    "setting_summary.texts_on": "¿Activar los mensajes al {phone}? Le llegará un mensaje cuando un pedido esté listo (o en camino) y los recordatorios. ¿Los activo? (sí · no)",
    "setting_summary.texts_off": "¿Desactivar los mensajes al {phone}? No recibirá avisos de pedido listo ni recordatorios. ¿Los desactivo? (sí · no)",
    "setting_question.auto_refill_on": "Todavía no cambié nada. Para activar el resurtido automático como se muestra, conteste sí; o diga no, o \"alto\".",
    "setting_question.auto_refill_pause": "Todavía no cambié nada. Para pausar este resurtido automático, conteste sí; o diga no.",
    "setting_question.auto_refill_resume": "Todavía no cambié nada. Para reactivar este resurtido automático, conteste sí; o diga no.",
    "setting_question.auto_refill_stop": "Todavía no cambié nada. Para detener este resurtido automático, conteste sí; o diga no.",
    "setting_question.reminder_on": "Todavía no programé nada. Para programar este recordatorio, conteste sí; o diga no, o \"alto\".",
    "setting_question.reminder_off": "Todavía no cambié nada. Para cancelar este recordatorio, conteste sí; o diga no.",
    "setting_question.texts_on": "Todavía no cambié nada. Para activar los mensajes, conteste sí; o diga no.",
    "setting_question.texts_off": "Todavía no cambié nada. Para desactivar los mensajes, conteste sí; o diga no.",
    "setting_not_changed": "Está bien, no cambié nada.",
    "help.CONFIRM_SETTING": "Esto solo cambia un ajuste; no se pide nada con él. Puede cambiarlo o detenerlo cuando quiera diciéndomelo (por ejemplo \"detén el "
                            "resurtido automático\" o \"cancela mi recordatorio\").",
    "setting_failed": "No pude hacer ese cambio, así que no se cambió nada. Inténtelo de nuevo en un momento.",
    "setting_changed": "Algo cambió desde que se lo mostré:",
    "setting_exists.auto_refill": "Esa medicina ya está en resurtido automático, así que no cambié nada. Diga \"qué tengo en resurtido automático\" para verlo.",
    "setting_exists.reminder": "Ya hay un recordatorio programado para esa medicina, así que no cambié nada.",
    "setting_done.auto_refill_on": "¡Listo! El resurtido automático {enrolment_id} está activo: su {medication} {strength} en {pharmacy}, próximo surtido {date}. Diga \"detén "
                                   "el resurtido automático\" cuando quiera.",
    "setting_done.auto_refill_pause": "¡Listo! El resurtido automático de su {medication} está en pausa.",
    "setting_done.auto_refill_resume": "¡Listo! El resurtido automático de su {medication} está activo otra vez; próximo surtido {date}.",
    "setting_done.auto_refill_stop": "¡Listo! El resurtido automático de su {medication} está detenido.",
    "setting_done.reminder_on": "¡Listo! El recordatorio {reminder_id} está programado: un mensaje el {date} a las {time} sobre su {medication}.",
    "setting_done.reminder_off": "¡Listo! El recordatorio de su {medication} está cancelado.",
    "setting_done.texts_on": "¡Listo! Los mensajes están activados: le llegarán al {phone}.",
    "setting_done.texts_off": "¡Listo! Los mensajes están desactivados; no se mandará nada más al {phone}.",
    # --- transferencias
    "transfer_ask.medication": "Puedo pedir que se transfiera una receta aquí. ¿Qué medicina es? (\"alto\" para salir)",
    "transfer_ask.from": "¿En qué farmacia está ahora su {medication}? (por ejemplo \"la Rite Aid de la calle 5\"; \"alto\" para salir)",
    "transfer_not_allowed": "Su receta de {medication} no se puede transferir: las recetas de la Lista II necesitan una receta nueva de su médico.",
    "transfer_unknown_drug": "No encontré una medicina llamada \"{text}\", así que no se mandó nada.",
    "transfer_our_pharmacy": "{pharmacy} ya es una de nuestras farmacias, así que no hay nada que transferir: pídame el resurtido.",
    "transfer_failed": "No pude preparar la solicitud de transferencia, así que no se mandó nada. Inténtelo de nuevo en un momento.",
    "transfer_summary": "Por favor confirme esta solicitud de transferencia:\n- Qué: su receta de {medication}\n- De: {source}\n- A: {pharmacy} ({address})\n- Un "
                        "farmacéutico de aquí llama a {source} para pasarla; normalmente en {turnaround}",
    "transfer_question": "¿Mando la solicitud de transferencia? (sí para mandarla · no · \"alto\" para salir)",
    "transfer_unclear": "Todavía no se mandó nada. Para pedir que su {medication} se transfiera desde {source}, conteste sí; o diga no, o \"alto\".",
    "transfer_sent": "¡Listo! La solicitud de transferencia {request_id} está enviada: su {medication} de {source} a {pharmacy}.",
    "transfer_dropped": "Está bien, no se mandó ninguna solicitud de transferencia.",
    "request_what.transfer": "una solicitud de transferencia",
    "relation.mother": "su mamá",
    "relation.father": "su papá",
    "relation.husband": "su esposo",
    "relation.wife": "su esposa",
    "relation.son": "su hijo",
    "relation.daughter": "su hija",
    "relation.grandmother": "su abuela",
    "relation.grandfather": "su abuelo",
    "relation.sister": "su hermana",
    "relation.brother": "su hermano",
    "relation.partner": "su pareja",
    "relation.spouse": "su cónyuge",
    "relation.child": "su hijo o hija",
    "record_for": "Para {name} ({relation}): ahora uso su expediente. Diga \"ahora las mías\" para volver al suyo.",
    "record_own": "De vuelta a su propio expediente, {first}.",
    "summary_for": "Para {name} ({relation}):\n",
    "when.today": "hacia las {time}",
    "when.tomorrow": "mañana hacia las {time}",
    "when.later": "el {date} hacia las {time}",
    "request_to.transfer": "{pharmacy}, desde {source}",
    # --- la página junto al chat (rxflow/ui/render.py): el reloj del mundo, el expediente en uso, el teléfono
    "page.clock": "🕒 {moment} (hora de {place})",
    "page.clock_hour": "+1 hora",
    "page.clock_day": "+1 día",
    "page.clock_week": "+1 semana",
    "page.clock_not_moved": "El reloj no se movió: {why}",
    "page.acting_for": "👤 En nombre de {name} ({relation})",
    "page.phone_tab": "📱 Teléfono",
    "page.phone": "📱 {phone} · {sms}",
    "page.sms_on": "mensajes activados",
    "page.sms_off": "mensajes desactivados: no se envía nada a este teléfono",
    "page.phone_unavailable": "Los mensajes del teléfono no se pueden leer en este momento.",
    "page.no_texts": "Todavía no hay mensajes.",
    "page.scheduled_none": "No hay más mensajes programados.",
    "page.scheduled_one": "1 mensaje más programado (el próximo: {moment}).",
    "page.scheduled_many": "{count} mensajes más programados (el próximo: {moment}).",
    "page.new_texts_one": "📱 1 mensaje nuevo en el teléfono.",
    "page.new_texts_many": "📱 {count} mensajes nuevos en el teléfono.",
    "page.checked": "consultado: {tools}",
    "page.checked_failed": "{count} con error",
    "page.strip": "👤 **{name}** · {plan} · alergias: {allergies}",
    "page.no_allergies": "ninguna registrada",
    "page.no_plan": "sin plan",
    "page.record_unavailable": "_El expediente del paciente no está disponible en este momento._",
    "page.title": "**💊 RxFlow** · asistente de resurtido",
    "page.patient": "Paciente de demostración",
    "page.language": "Idioma",
    "page.reset": "↺ Nueva conversación",
    "page.chat": "Conversación",
    "page.placeholder": "Escriba aquí, p. ej. necesito resurtir mi lisinopril",
    "page.send": "Enviar",
    "page.try": "Pruebe ({about})",
    "page.inspector": "Inspector",
    "page.switch_ask": "Hay un resurtido en curso para este paciente. ¿Cambiar de paciente y dejarlo?",
    "page.switch_yes": "Cambiar de paciente",
    "page.switch_no": "Quedarme",
    "page.welcome": "¡Hola, {name}! Soy RxFlow, su asistente para resurtir recetas. ¿Qué receta quiere resurtir? "
                    "(Toque una sugerencia o escriba; en español o en inglés.)",
    "page.stale_button": "Ese botón era de un paso anterior; use los de ahora, por favor.",
    "text.ready": "RxFlow: su {medication} {strength} ya está listo para recoger en {pharmacy}, {address}.",
    "text.on_its_way": "RxFlow: su {medication} {strength} va en camino a {address}; debería llegar {window}.",
    "text.reminder": "Recordatorio de RxFlow: su {medication} {strength} {when}. Responda o abra RxFlow para resurtirlo.",
    "text.reminder_when.refill_allowed": "se puede resurtir desde hoy",
    "text.reminder_when.supply_ends": "se acaba hoy",
    "text.reminder_when.tomorrow": "ya toca resurtirlo",
    "text.auto_refill": "RxFlow: hoy toca el resurtido automático de su {medication} {strength} en {pharmacy}; le "
                        "avisaremos cuando esté listo.",
    "fulfilment.pickup": "recoger en la farmacia",
    "fulfilment.delivery": "a domicilio, {day} {start}–{end}",
    "order_word.on_its_way": "en camino",
    "order_word.delivered": "entregado",
    # --- el inspector junto al chat (rxflow/ui/render.py, issue 20)
    "page.tab_inspector": "Inspector",
    "page.tab_patient": "Paciente",
    "page.tab_explain": "Explicación",
    "page.tab_orders": "Pedidos",
    "page.tab_about": "Acerca de",
    "page.card": "Ficha del paciente",
    "page.program_mode": "Programa de esta sesión",
    "page.path": "El camino de esta conversación",
    "page.machine": "La máquina de estados completa",
    "page.machine_hint": "Cada recuadro es un grupo de etapas; ▶ y ámbar: donde está esta conversación ahora; azul "
                         "claro: donde ya estuvo. Desde una etapa sin nada en curso (listo, rechazado) una solicitud "
                         "nueva empieza como desde el inicio.",
    "page.zoom_in": "Acercar",
    "page.zoom_out": "Alejar",
    "page.zoom_full": "Abrir a tamaño completo",
    "page.slots": "Datos de la conversación",
    "page.tools": "Llamadas a herramientas (último turno)",
    "page.tools_hint": "haga clic en los argumentos o los datos de una fila para verlos",
    "page.track": "Seguir el pedido",
    "page.cancel": "Cancelar el pedido",
    "page.orders": "Pedidos de este paciente",
    "page.requests": "Solicitudes a una persona (médico, plan, farmacéutico)",
    "page.orders_none": "Todavía no hay pedidos.",
    "page.requests_none": "Todavía no se ha enviado ninguna solicitud.",
    "page.order_col.order": "Pedido",
    "page.order_col.status": "Estado",
    "page.order_col.price": "Precio",
    "page.order_col.pharmacy": "Farmacia",
    "page.order_col.ready": "Listo",
    "page.request_col.request": "Solicitud",
    "page.request_col.kind": "Qué",
    "page.request_col.status": "Estado",
    "page.request_col.to": "A quién",
    "page.request_col.why": "Por qué",
    "page.request_col.sent": "Enviada",
    "page.order_cell": "{order_id} · {medication}",
    "page.request_cell": "{request_id} · {medication}",
    "page.request_kind.renewal": "solicitud de renovación a su médico",
    "page.request_kind.prior_auth": "solicitud de autorización previa a su plan",
    "page.request_kind.pharmacist_callback": "llamada de un farmacéutico",
    "page.request_kind.transfer": "traslado a nuestra farmacia",
    "page.none": "ninguno",
    "page.yes": "sí",
    "page.no": "no",
    "page.language.en": "inglés",
    "page.language.es": "español",
    # la ficha del paciente
    "page.card_line": "**{name}** · plan: {plan} · alergias: {allergies}",
    "page.card_head": "| medicamento | estado | resurtidos restantes |",
    "page.med_status.due": "✅ ya le toca",
    "page.med_status.too_soon": "⏳ demasiado pronto (desde el {due})",
    "page.med_status.no_refills": "⛔ sin resurtidos",
    "page.med_status.expired": "⛔ vencida",
    "page.med_status.controlled": "⛔ controlada: receta nueva",
    "page.med_status.in_progress": "📦 pedido en curso",
    "page.med_status.needs_pharmacist": "⚠️ requiere un farmacéutico",
    "page.med_status.needs_prior_auth": "📝 requiere autorización previa",
    "page.med_status.inactive": "— inactiva",
    "page.open_orders": "**Pedidos en curso:** {orders}",
    "page.requests_sent": "**Solicitudes enviadas:** {requests}",
    "page.request_for": "{request_id} {kind} para {medication}",
    # Explicación
    "page.explain_none": "_Todavía no hay una receta en juego: pida un resurtido y aquí se verá cada regla._",
    "page.explain_decided": "**{medication}** ({rx_id}) · veredicto al decidir ({moment}): **{verdict}**",
    "page.explain_undecided": "**{medication}** ({rx_id}) · todavía no se decidió en esta conversación",
    "page.explain_now": "Si lo pidiera de nuevo ahora ({moment}): **{verdict}**",
    "page.explain_now_same": "Si lo pidiera de nuevo ahora ({moment}): **{verdict}**, igual que al decidir.",
    "page.explain_changed": "Lo que cambió desde la decisión:",
    "page.explain_head": "| # | regla | etapa | resultado | datos usados |",
    "page.verdict.allowed": "permitido",
    "page.verdict.cash_only": "solo pagando en efectivo",
    "page.verdict.not_allowed": "no permitido",
    "page.outcome.pass": "✅ cumple",
    "page.outcome.fail": "❌ no cumple",
    "page.outcome.warn": "⚠️ aviso",
    "page.outcome.not_reached": "⏸ no se revisó",
    "page.rule_stage.eligibility": "elegibilidad",
    "page.rule_stage.review": "revisión de medicamentos",
    "page.rule_stage.coverage": "cobertura",
    "page.rule.check_active": "La receta está activa",
    "page.rule.check_controlled": "Límites de sustancias controladas",
    "page.rule.check_expired": "No está vencida",
    "page.rule.check_refills_remain": "Quedan resurtidos",
    "page.rule.check_no_open_order": "Ningún pedido en curso",
    "page.rule.check_too_soon": "No es demasiado pronto",
    "page.rule.review_allergies": "Alergias",
    "page.rule.review_interactions": "Interacciones",
    "page.rule.review_duplicates": "Terapia duplicada",
    "page.rule.review_max_dose": "Dosis diaria máxima",
    "page.rule.review_coverage": "Cobertura del seguro",
    "page.rule.note_last_refill": "Resurtidos después de este",
    "page.fact.status": "estado",
    "page.fact.schedule": "lista",
    "page.fact.written": "emitida",
    "page.fact.refills_used": "resurtidos usados",
    "page.fact.expires": "vence",
    "page.fact.authorised": "resurtidos autorizados",
    "page.fact.used": "usados",
    "page.fact.open_orders": "pedidos en curso",
    "page.fact.last_fill": "último surtido",
    "page.fact.days_supply": "días de suministro",
    "page.fact.threshold": "resurtir desde",
    "page.fact.earliest": "lo antes posible",
    "page.fact.allergies": "alergias",
    "page.fact.checked_against": "comparado con",
    "page.fact.daily": "dosis diaria",
    "page.fact.usual_max": "máximo habitual",
    "page.fact.plan": "plan",
    "page.fact.covered": "cubierto",
    "page.fact.tier": "nivel",
    "page.fact.prior_auth": "autorización previa",
    "page.fact.step_therapy": "terapia escalonada",
    "page.fact.quantity_limit_30": "límite por 30 días",
    "page.fact.refills_remaining": "resurtidos restantes",
    "page.fact_value.active": "activa",
    "page.fact_value.on_hold": "en pausa",
    "page.fact_value.discontinued": "suspendida",
    "page.fact_value.not controlled": "no controlada",
    "page.threshold": "{percent}% del suministro usado",
    # alertas, el recibo, el programa
    "page.alerts": "Alertas",
    "page.alerts_none": "_No hay alertas en esta conversación._",
    "page.alert_kind.safety": "Seguridad",
    "page.alert_kind.coverage": "Cobertura",
    "page.alert_kind.stock": "Existencias",
    "page.alert_kind.eligibility": "Elegibilidad",
    "page.severity.major": "grave",
    "page.severity.moderate": "moderada",
    "page.severity.minor": "leve",
    "page.severity.info": "informativa",
    "page.blocks": "impide el resurtido",
    "page.not_blocking": "se muestra, no lo impide",
    "page.next": "siguiente: {step}",
    "page.rule_line": "Regla: {rule}",
    "page.step.renewal_request": "solicitud de renovación",
    "page.step.new_prescription": "receta nueva",
    "page.step.pharmacist": "un farmacéutico",
    "page.step.prior_auth": "autorización previa",
    "page.step.wait": "esperar a la fecha",
    "page.step.pay_cash": "pagar en efectivo",
    "page.code.discontinued": "suspendida",
    "page.code.expired": "vencida",
    "page.code.no_refills": "sin resurtidos",
    "page.code.order_in_progress": "pedido en curso",
    "page.code.refill_too_soon": "resurtido demasiado pronto",
    "page.code.controlled_c2": "controlada de lista II",
    "page.code.controlled_limit": "límite de controladas",
    "page.code.drug_allergy": "alergia al medicamento",
    "page.code.drug_interaction": "interacción de medicamentos",
    "page.code.duplicate_therapy": "terapia duplicada",
    "page.code.dose_mismatch": "dosis distinta",
    "page.code.dose_changed": "dosis cambiada",
    "page.code.max_dose_exceeded": "dosis máxima superada",
    "page.code.prior_auth_required": "requiere autorización previa",
    "page.code.step_therapy": "terapia escalonada",
    "page.code.quantity_limit": "límite de cantidad",
    "page.code.non_formulary": "fuera del formulario",
    "page.code.out_of_stock": "sin existencias",
    "page.code.renewal_needed": "hace falta renovar",
    "page.code.controlled_substance": "sustancia controlada",
    "page.no_order": "_Todavía no se ha hecho ningún pedido en esta sesión._",
    "page.receipt": "**{order_id}** — {medication} {strength} ({what}) × {quantity} ({days} días)\n\n{pharmacy} · "
                    "{fulfilment}\n\n**{price}** ({price_type}) · estado **{status}** · listo hacia {ready}",
    "page.program": "**Programa:** `{label}`",
    "page.program_turn": "{calls} llamadas al modelo, {tokens} tokens en este turno",
    "page.program_no_turn": "todavía no hay turnos",
    "page.program_fallbacks": "; **respaldos en este turno:** {steps}",
    "page.program_steps": "**Pasos:** {steps}",
    "page.program_total": "**Total de la sesión:** {calls} llamadas al modelo, {tokens} tokens, {fallbacks} respaldos, "
                          "{turns} turnos",
    # las llamadas a herramientas
    "page.tools_none": "No hubo llamadas a herramientas en este turno.",
    "page.tools_col.tool": "herramienta",
    "page.tools_col.result": "resultado",
    "page.tools_col.arguments": "argumentos",
    "page.tools_col.data": "datos",
    "page.tool_kind.read": "lee",
    "page.tool_kind.write": "escribe",
    "page.tool_ok": "bien",
    "page.tool_no_args": "(ninguno)",
    # los datos de la conversación
    "page.slot.stage": "etapa",
    "page.slot.language": "idioma",
    "page.slot.medication": "medicamento",
    "page.slot.strength": "concentración",
    "page.slot.frequency": "cada cuándo",
    "page.slot.rx_id": "receta",
    "page.slot.pharmacy_id": "farmacia",
    "page.slot.quantity": "cantidad",
    "page.slot.days_supply": "días de suministro",
    "page.slot.queue": "por resurtir",
    "page.slot.candidates": "cuál de estas",
    "page.slot.pay_cash": "paga en efectivo",
    "page.slot.dosage": "revisión de la dosis",
    # la máquina completa, por grupos de etapas
    "page.group.find": "Encontrar el medicamento",
    "page.group.check": "Revisar la dosis y las reglas",
    "page.group.order": "Hacer el pedido",
    "page.group.refer": "Rechazado o remitido",
    "page.group.request": "Solicitudes, ajustes, traslados",
    "page.group.cancel": "Cancelar",
    "page.group.end": "El final",
    "page.alert_with": "con {drug}",
    "page.dosage.consistent": "coincide con la receta",
    "page.dosage.mismatch": "no coincide con la receta",
    "page.dosage.unclear": "todavía no está clara",
}

CATALOGUE: dict[str, dict[str, str]] = {"en": EN, "es": ES}
# The offer a refusal ends with, by the request to a human it offers (Focus.offer): said at the refusal
# and again after each follow-up it answers.
OFFER = {"renewal": "offer.renewal", "pharmacist_callback": "offer.pharmacist", "prior_auth": "offer.prior_auth"}
PRICE_TYPE = {"en": {"copay": "your plan copay", "cash": "cash price", "discount_card": "with a discount card"},
              "es": {"copay": "copago de su plan", "cash": "precio en efectivo", "discount_card": "con tarjeta de descuento"}}
WEEKDAYS = {"en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            "es": ["lunes", "martes", "miércoles", "jueves", "viernes", "sábados", "domingos"]}
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]
# A moment on the page's clock, short: "Tue Nov 24, 11:05" / "mar 24 nov, 11:05".
DAYS_SHORT = {"en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "es": ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]}
MONTHS_SHORT = {"en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
                "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"]}


def say(lang: str, key: str, **facts) -> str:
    """One reply: the template for `key` in `lang`, filled with facts from the tools. In Spanish a
    fact that is one of the world's English texts (directions, opening hours, PA criteria) is said
    in Spanish (WORLD_ES); names and numbers pass through as they are."""
    if lang != "en":
        facts = {k: world(v, lang) if isinstance(v, str) else v for k, v in facts.items()}
    return CATALOGUE.get(lang, EN).get(key, EN[key]).format(**facts)


def world(text: str, lang: str = "en") -> str:
    """One of the world's texts in `lang` (unchanged in English or when it has no translation)."""
    return spanish.world(text) if lang == "es" else text


def money(x: float, lang: str = "en") -> str:
    return f"${x:,.2f}"  # US Spanish writes dollars the same way


def date(d: dt.date | str, lang: str = "en") -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    if lang == "es":
        return f"{d.day} de {MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{d:%B} {d.day}, {d.year}"


def when(at: dt.datetime, now: dt.datetime, lang: str = "en") -> str:
    """A time to come, the way people say it: "at about 10:50", "tomorrow at about 10:50", "on December 7 at
    about 09:00" (the world's clock, not the server's)."""
    days = (at.date() - now.date()).days
    key = "when.today" if days <= 0 else "when.tomorrow" if days == 1 else "when.later"
    return say(lang, key, time=f"{at:%H:%M}", date=date(at.date(), lang))


def day(at: dt.date, lang: str = "en") -> str:
    """A day, short: "Tue Nov 24" / "mar 24 nov"."""
    wd, month = DAYS_SHORT.get(lang, DAYS_SHORT["en"])[at.weekday()], MONTHS_SHORT.get(lang, MONTHS_SHORT["en"])[at.month - 1]
    return f"{wd} {at.day} {month}" if lang == "es" else f"{wd} {month} {at.day}"


def moment(at: dt.datetime, lang: str = "en") -> str:
    """A moment of the world's clock, short: "Tue Nov 24, 11:05" / "mar 24 nov, 11:05"."""
    return f"{day(at, lang)}, {at:%H:%M}"


def window(start: dt.datetime, end: dt.datetime, now: dt.datetime, lang: str = "en") -> str:
    """A delivery window in words: "today between 16:00 and 20:00", "on December 1, between 09:00 and 20:00"."""
    days = (start.date() - now.date()).days
    key = "window.today" if days <= 0 else "window.tomorrow" if days == 1 else "window.later"
    return say(lang, key, start=f"{start:%H:%M}", end=f"{end:%H:%M}", date=date(start.date(), lang))


def weekday(d: dt.date, lang: str = "en") -> str:
    return WEEKDAYS.get(lang, WEEKDAYS["en"])[d.weekday()]


def price_type(kind: str, lang: str = "en") -> str:
    return PRICE_TYPE.get(lang, PRICE_TYPE["en"])[kind]


def offer_line(i: int, o: Offer, lang: str = "en") -> str:
    services = [say(lang, "services.24h")] if o.is_24h else []
    services += [say(lang, "services.drive_thru")] if o.drive_thru else []
    return say(lang, "offer_line", i=i, pharmacy=o.pharmacy_name,
               labels=f" ({', '.join(world(x, lang) for x in o.labels)})" if o.labels else "", price=money(o.price, lang),
               price_type=price_type(o.price_type, lang), brand=say(lang, "brand") if o.dispense_brand else "",
               km=f"{o.distance_km:.1f}", wait=o.wait_minutes, services=f" · {', '.join(services)}" if services else "")


def offer_lines(offers: list[Offer], lang: str = "en") -> str:
    return "\n".join(offer_line(i, o, lang) for i, o in enumerate(offers, 1))


def cash_lines(offers: list[Offer], lang: str = "en") -> str:
    """Each offer's price without insurance: the cash price and the discount-card price."""
    return "\n".join(say(lang, "cash_line", i=i, pharmacy=o.pharmacy_name, cash=money(o.cash_price, lang),
                          card=money(o.card_price, lang) if o.card_price is not None else "—", km=f"{o.distance_km:.1f}")
                      for i, o in enumerate(offers, 1))




def alert_line(a: Alert, lang: str = "en") -> str:
    return f"{SEVERITY_ICON[a.severity]} {why(a, lang)}"


def rule(a: Alert, lang: str = "en") -> str:
    """The alert's rule in plain words (the rule catalogue in rxflow/alerts.py, in the reply's language)."""
    return a.rule if lang == "en" else spanish.RULES_ES.get(a.code, a.rule).format(**a.details)


def why(a: Alert, lang: str = "en") -> str:
    """Why the alert applies, from its facts: the policy's own sentence in English; in Spanish, the
    same facts in a Spanish sentence (world texts such as an interaction's effect translated by
    WORLD_ES; one it does not know stays as the world wrote it)."""
    if lang == "en":
        return a.reason
    d = {k: v for k, v in a.details.items()}
    template = spanish.WHY_ES.get(a.code)
    if template is None:
        return a.reason
    for key, value in d.items():
        if isinstance(value, str):
            d[key] = world(value, lang)
    for key in ("earliest_date", "last_fill", "limit_date", "written", "expired_on"):
        if d.get(key):
            d[key] = date(d[key], "es")
    try:
        return template(d) if callable(template) else template.format(**d)
    except (KeyError, ValueError):
        return a.reason


def order_status(o, lang: str = "en", now: str | None = None) -> str:
    """An order's status in words (`now`: as the world's clock has it, from track_order: ready once its ready
    time passed, a delivery on its way, delivered), with its expected ready time while it is being prepared
    and, for a delivery, where and when it comes."""
    status = now or o.status
    text = say(lang, f"order_status.{status}", order_id=o.order_id)
    if status in PREPARING_ORDER_STATUSES and o.ready_at:
        text += say(lang, "order_ready_at", time=f"{o.ready_at:%H:%M}", date=date(o.ready_at.date(), lang))
    if getattr(o, "fulfilment", "pickup") == "delivery" and status in (*PREPARING_ORDER_STATUSES, "on_its_way") \
            and o.arrives_from:
        text += say(lang, "order_delivery", address=o.delivery_address or "", start=f"{o.arrives_from:%H:%M}",
                    end=f"{o.arrives_until:%H:%M}", date=date(o.arrives_from.date(), lang))
    return text


def next_step(step: NextStep, lang: str = "en") -> str:
    return "" if step == NextStep.NONE else say(lang, f"next.{step.value}")


def all_of(count: int, lang: str = "en") -> str:
    """How many a choice is for, in words: "both", "all three", "all 5" / "las dos", "las tres", "las 5"."""
    key = f"all.{count}"
    return say(lang, key) if key in EN else say(lang, "all.n", count=count)


def brand_named(generic: str, brand: str, lang: str = "en") -> str:
    """A medication the patient called by its brand: "Eliquis (apixaban)"."""
    return say(lang, "brand_named", brand=brand, generic=generic)


# A line of a markdown list ("- item", "* item", "1. item") and a line that continues one (indented).
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s")
_CONTINUES = re.compile(r"^\s{2,}\S")


def paragraphs(text: str) -> str:
    """A line that follows a list without being part of it ("Shall I place the order?" after the summary's
    bullets) starts its own paragraph: markdown otherwise reads it as the last item's continuation (a lazy
    line), and the chat draws it inside that bullet. Applied once, to a turn's whole reply."""
    out: list[str] = []
    in_list = False  # the line before is a list item or one of its indented continuations
    for line in text.split("\n"):
        if _LIST_ITEM.match(line):
            in_list = True
        elif not line.strip():
            in_list = False
        elif in_list and not _CONTINUES.match(line):
            out.append("")
            in_list = False
        out.append(line)
    return "\n".join(out)
