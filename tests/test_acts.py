"""The conversation as patients really write it: every reproduction of the conversation issue, and
the dialogue acts (leave, questions, orders by name, pharmacy by feature, dose answers) in every state."""

from __future__ import annotations

import pytest
from lm_fakes import scripted_lm, which_step

import programs
from rxflow.assistant import Assistant, vocabulary_of
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
    a = Assistant(store, programs.load("zero-shot", lm=lm, vocabulary=vocabulary_of(store)))
    sid = a.start("P008")
    a.handle(sid, "refill my levothyroxine")
    t = a.handle(sid, "I take 100 mcg")
    assert t.dosage == "mismatch" and t.state == State.CONFIRM_DOSAGE
    assert any(c["name"] == "dosage_verification" and c["args"]["stated_strength"] == "100 mcg" for c in t.tool_calls)


def test_when_can_i_get_it_gives_the_date(talk):
    turns = talk("P003", "refill sertraline", "yes", "when can I get it then?")
    assert turns[1].state == State.NOT_ELIGIBLE
    assert "December 7, 2026" in turns[2].reply and turns[2].intent == "question"


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
    assert talk_turns[0].state == State.START and "ORD-20009" in talk_turns[0].reply and "ORD-20010" in talk_turns[0].reply


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
    turns = talk("P005", "I need my warfarin", "yes")
    assert turns[1].state == State.REFER_PHARMACIST
    assert "ibuprofen" in turns[1].reply and "meloxicam" in turns[1].reply


def test_whats_due_lists_every_medication_with_its_date_or_reason(talk):
    turns = talk("P003", "what's due for refill?")
    reply = turns[0].reply
    assert "December 7, 2026" in reply and "no refills" in reply and "expired" in reply
