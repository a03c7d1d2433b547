"""After a refusal (rxflow/flow/stages/refusals.py): the refusal comes before any dose question, the
follow-ups are answered from its own facts where it stands, and "ok then do that" takes the step offered."""

from __future__ import annotations

import pytest

from rxflow.flow.states import State


def sent(store, patient, sandbox=""):
    return [q for q in store.requests(patient, sandbox)]


@pytest.mark.parametrize(("patient", "ask", "refused"), [
    ("P003", "refill my simvastatin", State.REFER_PRESCRIBER),   # no refills left
    ("P003", "can i get my sertraline refilled", State.NOT_ELIGIBLE),  # too soon
    ("P005", "refill ibuprofen 800", State.REFER_PHARMACIST),    # an interaction, whatever the dose said
    ("P006", "i need my eliquis", State.ESCALATE_PA),            # prior authorization
    ("P003", "necesito mi sertralina", State.NOT_ELIGIBLE),
])
def test_a_refill_the_rules_block_is_refused_before_any_dose_question(talk, patient, ask, refused):
    t = talk(patient, ask)[0]
    assert t.state == refused and CHECK in t.path and "Is that the dose you take" not in t.reply
    assert "¿Es la dosis que toma" not in t.reply and t.slots["medication"]  # the turn says what it refused


CHECK = State.CHECK_AUTHORIZATION


@pytest.mark.parametrize(("follow_up", "says"), [
    ("why?", "All 5 authorised refills have been used"),
    ("why not??", "The rule"),
    ("what should I do?", "renewal"),
    ("¿por qué?", "resurtidos autorizados"),
])
def test_why_and_what_next_are_answered_from_the_refusal_and_keep_its_offer(talk, follow_up, says):
    turns = talk("P003", "refill my simvastatin", follow_up)
    t = turns[1]
    assert t.state == State.REFER_PRESCRIBER and says in t.reply  # still there: the next step stays on offer
    assert "I can refill your prescriptions" not in t.reply and "Puedo resurtir" not in t.reply  # no help menu


def test_so_when_can_i_get_it_gives_the_date_and_stays(talk):
    t = talk("P003", "can i get my sertraline refilled", "so when can I get it?")[1]
    assert t.state == State.NOT_ELIGIBLE and "December 7, 2026" in t.reply


def test_is_it_safe_says_what_the_review_found_never_advice(talk):
    t = talk("P005", "i need my warfarin", "is it safe for me?")[1]
    assert t.state == State.REFER_PHARMACIST and "ibuprofen" in t.reply and "pharmacist" in t.reply


def test_does_it_interact_answers_for_the_refused_drug(talk):
    t = talk("P005", "i need my warfarin", "does it interact with anything?")[1]
    assert t.state == State.REFER_PHARMACIST and "Warfarin with ibuprofen" in t.reply


@pytest.mark.parametrize(("patient", "ask", "take", "kind"), [
    ("P003", "refill my simvastatin", "ok then have my doctor renew it", "renewal"),
    ("P003", "omeprazole refill please", "send it", "renewal"),
    ("P005", "can i get more amoxicillin", "ok then do that", "pharmacist_callback"),
    ("P005", "i need my warfarin", "can a pharmacist call me then", "pharmacist_callback"),
    ("P003", "necesito mi simvastatina", "ok, hazlo", "renewal"),
    ("P003", "necesito mi sertralina", "ok pues que me llame el farmacéutico", "pharmacist_callback"),
])
def test_ok_then_do_that_shows_the_offered_request_and_only_its_yes_sends_it(talk, assistant, store, patient, ask,
                                                                              take, kind):
    turns = talk(patient, ask, take)
    assert turns[1].state == State.CONFIRM_REQUEST and not sent(store, patient)  # a summary, nothing sent
    assert assistant.handle(turns.sid, "yes").state == State.START
    assert [(q.kind, q.status) for q in sent(store, patient)] == [(kind, "sent")]
    assert "REQ-" in assistant.handle(turns.sid, "where is my request?").reply


def test_do_that_after_a_prior_authorization_refusal_asks_which_step(talk, store):
    t = talk("P006", "apixaban refill", "ok do that")[1]
    assert t.state == State.ESCALATE_PA and "pay cash" in t.reply and not sent(store, "P006")


def test_ok_thanks_after_a_refusal_is_a_goodbye(talk):
    for bye in ("ok thanks", "gracias"):
        t = talk("P003", "refill my simvastatin", bye)[1]
        assert t.state == State.START and ("Take care" in t.reply or "Cuídese" in t.reply)


def test_refill_it_after_a_question_refills_the_drug_discussed(talk):
    turns = talk("P001", "how much is my atorvastatin?", "oh ok then just refill it")
    assert turns[1].state == State.CONFIRM_DOSAGE and turns[1].slots["medication"] == "atorvastatin"


def test_several_medications_one_blocked_goes_straight_to_the_next(talk):
    t = talk("P003", "please refill both sertraline and simvastatin")[0]
    assert t.state == State.REFER_PRESCRIBER  # both refused at once, each said why
    assert "sertraline" in t.reply and "simvastatin" in t.reply
