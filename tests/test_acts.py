"""The conversation as patients really write it: every reproduction of the conversation issue, and
the dialogue acts (leave, questions, orders by name, pharmacy by feature, dose answers) in every state."""

from __future__ import annotations

import pytest
from helpers import lm_assistant
from lm_fakes import scripted_lm, which_step

from rxflow.flow.states import State

TO_SUMMARY = ("refill my lisinopril", "yes", "the cheapest")


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


# ----------------------------------------------------------------------------- the reproductions
@pytest.mark.parametrize("not_a_yes", [
    "I can't say yes yet", "What happens if I say yes?", "is that correct? I thought it was generic",
    "I'd say yes if it were cheaper",
])
def test_a_hedge_a_question_or_a_condition_at_the_summary_writes_nothing(talk, store, not_a_yes):
    turns = talk("P001", *TO_SUMMARY, not_a_yes)
    assert turns[2].state == State.CONFIRM_ORDER
    assert turns[-1].state == State.CONFIRM_ORDER and turns[-1].order is None
    assert "Done!" not in turns[-1].reply and new_orders(store) == []


def test_what_happens_and_generic_are_answered_from_the_tools(talk):
    turns = talk("P001", *TO_SUMMARY, "What happens if I say yes?", "is that correct? I thought it was generic")
    assert "Costco Pharmacy - Riverton" in turns[3].reply and "$2.10" in turns[3].reply
    assert turns[4].tool_calls[-1]["name"] in ("brand_generic_compare", "pharmacy_details")
    assert "generic lisinopril is dispensed" in turns[4].reply


def test_a_correction_at_the_summary_shows_a_new_summary_and_the_yes_is_for_it(talk, store):
    turns = talk("P001", *TO_SUMMARY, "actually the closest one", "yes")
    assert turns[3].state == State.CONFIRM_ORDER and "CVS Pharmacy - Market St" in turns[3].reply
    assert turns[3].slots["pharmacy_id"] == "PH001"
    [order] = new_orders(store)
    assert order.pharmacy_id == "PH001"  # the pharmacy of the summary the yes answered, not the one turned down


@pytest.mark.parametrize("change", ["nvm cvs instead", "oh nvm make it the closest one", "never mind, cvs please"])
def test_a_never_mind_that_goes_on_to_say_what_instead_is_a_change_not_leaving(talk, store, change):
    """Found typing to the page as a hurried patient: "nvm cvs instead" at Costco's summary stopped the refill."""
    turns = talk("P001", *TO_SUMMARY, change, "yes")
    assert turns[3].state == State.CONFIRM_ORDER and "CVS Pharmacy - Market St" in turns[3].reply
    [order] = new_orders(store)
    assert order.pharmacy_id != "PH004"  # CVS, not Costco's summary from before


@pytest.mark.parametrize("leaving", ["nvm", "never mind", "nvm forget it", "nvm not today"])
def test_a_never_mind_alone_still_leaves(talk, store, leaving):
    turns = talk("P001", *TO_SUMMARY, leaving)
    assert turns[-1].state == State.START and new_orders(store) == []


def test_cancel_after_an_order_needs_its_own_yes_and_yes_cancel_it_is_one(talk, store):
    turns = talk("P001", *TO_SUMMARY, "yes", "please cancel that order", "yes cancel it")
    [order] = new_orders(store)
    assert turns[4].state == State.CONFIRM_CANCEL and order.order_id in turns[4].reply
    assert turns[5].outcome == "order_cancelled" and store.order(order.order_id).status == "cancelled"


@pytest.mark.parametrize("hedge", ["hmm", "wait", "cancel?", "not sure", "yes keep it"])
def test_a_cancellation_hedge_cancels_nothing(talk, store, hedge):
    turns = talk("P001", *TO_SUMMARY, "yes", "cancel my order", hedge)
    [order] = new_orders(store)
    assert turns[4].state == State.CONFIRM_CANCEL
    assert store.order(order.order_id).status == "received"


def test_a_reported_dose_change_never_orders_the_recorded_dose(talk, store):
    turns = talk("P008", "refill my levothyroxine", "no, my doctor changed it to 100 mcg", "ok", "yes", "cheapest",
                 "yes")
    assert turns[1].state == State.REFER_PHARMACIST and turns[1].outcome == "referred_to_pharmacist"
    assert {a.code for a in turns[1].alerts} >= {"dose_changed", "dose_mismatch"}
    assert "pharmacist" in turns[1].reply and "Dr. Priya Natarajan" in turns[1].reply
    assert new_orders(store, "P008") == []


def test_after_a_mismatch_only_a_restated_dose_goes_on(talk, store):
    turns = talk("P008", "refill my levothyroxine", "I take 100 mcg", "ok")
    assert turns[1].state == State.CONFIRM_DOSAGE and turns[1].dosage == "mismatch"
    assert turns[2].state == State.REFER_PHARMACIST and new_orders(store, "P008") == []
    turns = talk("P008", "refill my levothyroxine", "I take 100 mcg", "sorry, 75 mcg")
    assert turns[2].state == State.SELECT_PHARMACY


def test_the_dose_is_compared_even_when_the_lm_reports_no_strength(store):
    """An LM that says 'consistent' and no strength for "I take 100 mcg": the code still compares
    the strength the offline reader found, and it is a mismatch."""
    def lm_answer(inputs):
        step = which_step(inputs)
        if step == "dosage":
            return {"stated_strength": None, "stated_frequency": None, "stated_count": None, "dose_changed": False,
                    "verdict": "consistent", "reason": "confirmed"}
        if step == "resolve":
            return {"matches": ["RX8001"]}
        return {"intent": "refill", "topic": "none", "order_id": None, "pharmacy": None,
                "mentions": [{"text": "levothyroxine", "strength": None, "frequency": None}]}

    lm, _ = scripted_lm(lm_answer)
    a = lm_assistant(store, lm)
    sid = a.start("P008")
    a.handle(sid, "refill my levothyroxine")
    t = a.handle(sid, "I take 100 mcg")
    assert t.dosage == "mismatch" and t.state == State.CONFIRM_DOSAGE
    assert any(c["name"] == "dosage_verification" and c["args"]["stated_strength"] == "100 mcg" for c in t.tool_calls)


def test_when_can_i_get_it_gives_the_date(talk):
    turns = talk("P003", "refill sertraline", "when can I get it then?")
    assert turns[0].state == State.NOT_ELIGIBLE and turns[1].state == State.NOT_ELIGIBLE  # asked where it stands
    assert "December 7, 2026" in turns[1].reply and turns[1].intent == "question"


def test_how_long_prior_auth_takes(talk):
    turns = talk("P006", "refill eliquis", "yes", "how long does prior auth take", "pay cash")
    assert turns[1].state == State.ESCALATE_PA
    assert "business days" in turns[2].reply and "prior_auth_lookup" in [c["name"] for c in turns[2].tool_calls]
    assert turns[3].state == State.SELECT_PHARMACY  # the cash offer still stands after the question


# ----------------------------------------------------------------------------- leaving, in every state
LEAVES = ["nvm", "never mind", "forget it", "no thank you i changed my mind", "not today", "thats all thanks bye",
          "ill just call them"]


@pytest.mark.parametrize("leave", LEAVES)
@pytest.mark.parametrize("at", [1, 2, 3])  # the dose question, the offers, the summary
def test_leaving_at_any_step_writes_nothing_and_is_not_a_wrong_dose(talk, store, leave, at):
    turns = talk("P001", *TO_SUMMARY[:at], leave)
    assert turns[-1].state == State.START and turns[-1].outcome == "abandoned"
    assert not any(a.code == "dose_mismatch" for a in turns[-1].alerts)
    assert new_orders(store) == []


def test_a_price_shock_is_a_leave(talk, store):
    turns = talk("P006", "refill my ozempic", "yes", "cheapest", "163 dollars?? no way, forget it")
    assert turns[2].state == State.CONFIRM_ORDER and "$163.28" in turns[2].reply
    assert turns[3].state == State.START and new_orders(store, "P006") == []


def test_skip_this_one_goes_on_with_the_next(talk):
    turns = talk("P001", "refill my lisinopril and atorvastatin", "skip this one")
    assert turns[1].state == State.CONFIRM_DOSAGE and turns[1].slots["medication"] == "atorvastatin"


def test_every_question_the_assistant_asks_says_how_to_leave(talk):
    for t in talk("P001", "refill my lisinopril", "yes", "the cheapest") + talk("P002", "my blood pressure pill"):
        assert "stop" in t.reply


# ----------------------------------------------------------------------------- pharmacy by reference and feature
def test_a_question_about_a_pharmacy_is_answered_not_taken_as_a_choice(talk):
    turns = talk("P001", "refill my lisinopril", "yes", "is the walgreens open late", "ok that one")
    assert turns[2].state == State.SELECT_PHARMACY and "22:00" in turns[2].reply
    assert turns[3].state == State.CONFIRM_ORDER and turns[3].slots["pharmacy_id"] == "PH002"


def test_the_one_with_the_drive_thru(talk):
    turns = talk("P001", "refill my lisinopril", "yes", "the one with the drive thru")
    assert turns[2].state == State.CONFIRM_ORDER and turns[2].slots["pharmacy_id"] == "PH001"


def test_the_24_hour_one_not_on_the_list_is_found_nearby(talk):
    turns = talk("P001", "refill my lisinopril", "yes", "the 24 hour one")
    assert turns[2].state == State.CONFIRM_ORDER and turns[2].slots["pharmacy_id"] == "PH006"


def test_same_as_last_time(talk):
    turns = talk("P008", "refill my gabapentin", "yes", "same as last time")
    assert turns[2].slots["pharmacy_id"] == "PH008"


def test_same_pharmacy_for_the_next_medication(talk, store):
    turns = talk("P001", "refill my lisinopril and atorvastatin", "yes", "costco", "yes", "yes",
                 "same place as the other one", "yes")
    assert "Same pharmacy as your lisinopril" in turns[4].reply
    assert turns[5].slots["pharmacy_id"] == "PH004" and turns[6].state == State.COMPLETE
    assert {o.pharmacy_id for o in new_orders(store)} == {"PH004"}


def test_same_for_all_skips_the_second_choice_but_not_the_yes(talk, store):
    turns = talk("P001", "refill my lisinopril and atorvastatin", "yes", "costco for both", "yes", "yes")
    assert turns[4].state == State.CONFIRM_ORDER and "Costco" in turns[4].reply
    assert len(new_orders(store)) == 1  # the second order still waits for its own yes


# ----------------------------------------------------------------------------- orders by name
def test_cancel_by_drug_name_picks_the_right_order(talk, store):
    turns = talk("P009", "cancel the singulair order")
    assert turns[0].state == State.CONFIRM_CANCEL and "ORD-20009" in turns[0].reply
    talk_turns = talk("P009", "cancel my order")
    assert talk_turns[0].state == State.CHOOSE_ORDER and "ORD-20009" in talk_turns[0].reply and \
        "ORD-20010" in talk_turns[0].reply


def test_which_order_answered_with_something_else_is_read_as_new(talk, store):
    turns = talk("P009", "cancel my order", "what's due?", "the flonase one")
    assert turns[0].state == State.CHOOSE_ORDER
    assert turns[1].state == State.START and "montelukast" in turns[1].reply  # what's due, not a cancellation
    assert turns[2].state != State.CONFIRM_CANCEL  # the question is no longer open
    assert store.order("ORD-20010").status != "cancelled"


def test_cancel_which_order_then_by_name(talk, store):
    turns = talk("P009", "cancel my order", "the flonase one", "yes")
    assert turns[1].state == State.CONFIRM_CANCEL and "ORD-20010" in turns[1].reply
    assert store.order("ORD-20010").status == "cancelled" and store.order("ORD-20009").status == "in_progress"


def test_track_by_drug_name_and_wheres_my_order(talk):
    turns = talk("P009", "is my flonase ready yet", "wheres my order")
    assert "ORD-20010" in turns[0].reply and "ready for pickup" in turns[0].reply and "ORD-20009" not in turns[0].reply
    assert turns[1].tool_calls and all(c["name"] in ("patient_history", "track_order") for c in turns[1].tool_calls)
    assert "ORD-20009" in turns[1].reply


# ----------------------------------------------------------------------------- the dose without units
@pytest.mark.parametrize("answer", ["yes i take 1 every morning", "one a day", "the 10", "yep the 10s"])
def test_dose_answers_without_units(talk, answer):
    turns = talk("P001", "refill my lisinopril", answer)
    assert turns[1].dosage == "consistent" and turns[1].state == State.SELECT_PHARMACY


def test_two_tablets_is_not_the_prescribed_dose(talk):
    turns = talk("P001", "refill my lisinopril", "I take 2 every morning")
    assert turns[1].dosage == "mismatch"


# ----------------------------------------------------------------------------- facts shown right
def test_expired_prescriptions_are_listed_as_expired(talk):
    turns = talk("P003", "what are my medications?")
    line = next(x for x in turns[0].reply.splitlines() if "omeprazole" in x)
    assert "expired" in line and "refills left" not in line


def test_a_refusal_names_every_interacting_drug(talk):
    turns = talk("P005", "I need my warfarin")
    assert turns[0].state == State.REFER_PHARMACIST
    assert "ibuprofen" in turns[0].reply and "meloxicam" in turns[0].reply


def test_whats_due_lists_every_medication_with_its_date_or_reason(talk):
    turns = talk("P003", "what's due for refill?")
    reply = turns[0].reply
    assert "December 7, 2026" in reply and "no refills" in reply and "expired" in reply


# ----------------------------------------------------------------------------- issue 12: questions a stakeholder asked
OZEMPIC_SUMMARY = ("refill my ozempic", "yes", "cheapest")


def tools_of(turn) -> list[str]:
    return [c["name"] for c in turn.tool_calls]


@pytest.mark.parametrize("question", ["is there a cheaper alternative my plan covers?",
                                      "is there something cheaper than ozempic my insurance covers"])
def test_a_cheaper_alternative_is_answered_from_the_formulary_at_the_start(talk, store, question):
    [t] = talk("P006", question)
    assert t.state == State.START and t.intent == "question" and t.topic == "alternatives"
    assert "covered_alternatives" in tools_of(t) and "BlueRiver HMO" in t.reply
    assert "semaglutide: not covered" in t.reply and "none in your plan's formulary for this class" in t.reply
    assert "$163.28" in t.reply  # the lowest price it has without insurance, from the price tool
    assert "prescriber" in t.reply and new_orders(store, "P006") == []


def test_after_asking_about_ozempic_the_alternative_question_is_about_it(talk, store):
    turns = talk("P006", "how much is my ozempic", "any cheaper alternative that my insurance covers?", "ok thx bye")
    t = turns[1]
    assert t.state == State.START and "semaglutide" in t.reply and "apixaban" not in t.reply
    assert "Dr. Omar Haddad" in t.reply and "can't change a prescription" in t.reply
    assert turns[2].state == State.START and turns[2].outcome is None  # nothing was in flight
    assert new_orders(store, "P006") == []


def test_covered_alternatives_are_listed_with_tier_copay_and_restrictions(talk):
    [t] = talk("P013", "is there a cheaper alternative to abilify my plan covers?")
    assert "quetiapine (Seroquel), tier 2" in t.reply or "quetiapine, tier 2" in t.reply
    assert "aripiprazole: covered only with prior authorization" in t.reply


def test_an_alternative_question_at_the_summary_changes_nothing_and_the_yes_is_for_that_summary(talk, store):
    turns = talk("P006", *OZEMPIC_SUMMARY, "wait is there a cheaper alternative my plan covers")
    t = turns[-1]
    assert t.state == State.CONFIRM_ORDER and t.order is None and new_orders(store, "P006") == []
    assert "none in your plan's formulary" in t.reply and "Shall I place the order?" in t.reply
    assert "submit_order" not in tools_of(t) and t.slots["pharmacy_id"] == "PH004"
    turns = talk("P006", *OZEMPIC_SUMMARY, "any cheaper alternitive covered by my plan?", "yes")
    [order] = new_orders(store, "P006")
    assert turns[-1].state == State.COMPLETE and order.pharmacy_id == "PH004" and order.price == 163.28


def test_the_nearest_24_hour_pharmacy_at_the_start(talk):
    [t] = talk("P001", "nearest 24 hour pharmacy")
    assert t.state == State.START and t.topic == "nearby"
    assert "The nearest pharmacy open 24 hours is CVS Pharmacy - Riverside (24h)" in t.reply and "3.7 km" in t.reply
    assert any(c["name"] == "pharmacy_locator" and c["args"].get("open_24h") for c in t.tool_calls)


@pytest.mark.parametrize("ask", ["closest pharmacy open 24 hours", "24hr pharmacy near me?"])
def test_other_ways_to_ask_for_a_24_hour_pharmacy(talk, ask):
    [t] = talk("P001", ask)
    assert t.topic == "nearby" and "CVS Pharmacy - Riverside (24h)" in t.reply


def test_the_nearest_24_hour_pharmacy_with_a_medication_in_play_says_whether_it_has_it(talk):
    turns = talk("P001", "refill my lisinopril", "nearest 24hr pharmacy?")
    assert turns[1].state == State.CONFIRM_DOSAGE  # the place is kept
    assert "It has your lisinopril 10 mg in stock" in turns[1].reply and "inventory_check" in tools_of(turns[1])


def test_a_24_hour_pharmacy_without_the_stock_points_to_the_nearest_that_has_it(talk):
    turns = talk("P002", "refill levothyroxine", "yes", "is there a drive thru pharmacy near me?", "that one")
    assert "doesn't have enough of your levothyroxine" in turns[2].reply
    assert "CVS Pharmacy - Riverside (24h)" in turns[2].reply and turns[2].state == State.SELECT_PHARMACY
    assert turns[3].state == State.CONFIRM_ORDER and turns[3].slots["pharmacy_id"] == "PH006"


def test_choosing_the_nearest_24_hour_pharmacy_shows_its_summary(talk, store):
    turns = talk("P001", "refill my lisinopril", "yes", "nearest 24 hour pharmacy", "yes")
    assert turns[2].state == State.CONFIRM_ORDER and turns[2].slots["pharmacy_id"] == "PH006"
    [order] = new_orders(store)
    assert order.pharmacy_id == "PH006"


def test_asking_for_the_nearest_24_hour_pharmacy_while_choosing_answers_and_that_one_picks_it(talk):
    turns = talk("P001", "need atorvastatin", "yes", "wheres the nearest 24 hour pharmacy?", "that one")
    assert turns[2].state == State.SELECT_PHARMACY and "It has your atorvastatin 20 mg in stock" in turns[2].reply
    assert turns[3].state == State.CONFIRM_ORDER and turns[3].slots["pharmacy_id"] == "PH006"


CASH_ASKS = ["cost without insurance?", "how much is it without insurance", "what's the cash price",
             "cost w/o insurence?", "uninsured price?"]


@pytest.mark.parametrize("ask", CASH_ASKS)
def test_the_cash_price_after_naming_a_medication(talk, ask):
    turns = talk("P001", "how much is my lisinopril", ask)
    t = turns[1]
    assert t.state == State.START and t.topic == "cash_price"
    assert "cash $2.48, with a discount card $2.10" in t.reply  # Costco's, from price_lookup(pay_cash=True)
    assert any(c["name"] == "price_lookup" and c["args"].get("pay_cash") for c in t.tool_calls)


@pytest.mark.parametrize("ask", CASH_ASKS)
def test_the_cash_price_mid_flow_keeps_the_place(talk, ask):
    turns = talk("P001", "refill my lisinopril", ask)
    assert turns[1].state == State.CONFIRM_DOSAGE and "cash $2.48" in turns[1].reply
    assert "Is that the dose you take?" in turns[1].reply
    turns = talk("P001", "refill my lisinopril", "yes", ask)
    assert turns[2].state == State.SELECT_PHARMACY and "cash $5.62, with a discount card $3.09" in turns[2].reply


@pytest.mark.parametrize("ask", CASH_ASKS)
def test_the_cash_price_at_the_summary_writes_nothing_and_the_yes_is_for_that_summary(talk, store, ask):
    turns = talk("P001", *TO_SUMMARY, ask, "yes")
    t = turns[3]
    assert t.state == State.CONFIRM_ORDER and t.order is None
    assert "this order at Costco Pharmacy - Riverton would be $2.48 cash or $2.10 with a discount card" in t.reply
    [order] = new_orders(store)
    assert turns[4].state == State.COMPLETE and order.pharmacy_id == "PH004" and order.price == 2.10


@pytest.mark.parametrize("ask", ["lisinopril price if i pay cash", "how much would i pay for lisinopril without insurance"])
def test_asking_the_cash_price_does_not_start_a_refill(talk, store, ask):
    [t] = talk("P001", ask)
    assert t.state == State.START and t.intent == "ask_price" and t.topic == "cash_price"
    assert "cash $2.48" in t.reply and new_orders(store) == []


def test_the_questions_in_spanish(talk, store):
    [t] = talk("P006", "¿hay una alternativa más barata que cubra mi plan?")
    assert t.language == "es" and t.topic == "alternatives"
    assert "No hay ninguna alternativa de esta clase en el formulario de su plan" in t.reply and "médico" in t.reply
    [t] = talk("P001", "la farmacia 24 horas más cercana")
    assert t.language == "es" and "La farmacia más cercana abierta 24 horas es CVS Pharmacy - Riverside (24h)" in t.reply
    turns = talk("P001", "necesito mi lisinopril", "sí", "la farmacia 24 horas más cercana")
    assert turns[2].state == State.CONFIRM_ORDER and turns[2].slots["pharmacy_id"] == "PH006"
    turns = talk("P001", "necesito mi lisinopril", "sí", "la más barata", "¿cuánto cuesta sin seguro?", "sí")
    assert turns[3].state == State.CONFIRM_ORDER and "$2.48 en efectivo o $2.10 con tarjeta de descuento" in turns[3].reply
    assert turns[4].state == State.COMPLETE and [o.pharmacy_id for o in new_orders(store)] == ["PH004"]


# ----------------------------------------------------------------------------- following the thread (issue 18)
@pytest.mark.parametrize(("first", "other"), [("refill my lisinopril", "what about my atorvastatin"),
                                              ("necesito mi lisinopril", "¿y mi atorvastatina?")])
def test_what_about_another_medication_at_the_dose_question_switches_to_it(talk, first, other):
    turns = talk("P001", first, other, "yes" if first.startswith("refill") else "sí")
    assert turns[1].state == State.CONFIRM_DOSAGE and turns[1].slots["medication"] == "atorvastatin"
    assert turns[2].state == State.SELECT_PHARMACY and turns[2].slots["medication"] == "atorvastatin"  # its yes


def test_a_pharmacy_whose_name_ends_in_drug_is_a_pharmacy_not_a_medication(talk):
    turns = talk("P008", "refill my gabapentin", "yes 300 mg three times a day", "closest", "make it oak hill drug")
    assert turns[3].state == State.CONFIRM_ORDER and "Oak Hill Drug" in turns[3].reply


@pytest.mark.parametrize("cancel", ["ok cancel that then, dr is switching me", "ok, cancélala"])
def test_cancel_that_after_an_order_in_progress_refusal_is_that_order(talk, cancel):
    turns = talk("P009", "refill my singulair" if cancel.startswith("ok cancel") else "necesito mi singulair", cancel)
    assert turns[0].state == State.NOT_ELIGIBLE
    assert turns[1].state == State.CONFIRM_CANCEL and "ORD-20009" in turns[1].reply
