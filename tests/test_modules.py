"""The LM path, with no network: a scripted engine through DSPy's real adapters, and a fake
OpenAI-compatible server on 127.0.0.1 that times out, errors and returns garbage."""

from __future__ import annotations

import json

import pytest
from helpers import lm_assistant
from lm_fakes import FakeOpenAI, format_answer, scripted_lm, which_step

import programs
from rxflow.assistant import Assistant
from rxflow.flow.states import State

P001_SCRIPT = ["hi, I need to refill my lisinipril", "yes, 10 mg once a day", "the cheapest one please", "yes go ahead"]
P001_STATES = [State.CONFIRM_DOSAGE, State.SELECT_PHARMACY, State.CONFIRM_ORDER, State.COMPLETE]

# The reader's outputs added for issue 19, at their defaults.
NEW_FIELDS = {"rx_number": None, "everything": False, "fulfilment": "none", "action": "on"}


def good_answers(inputs: dict) -> dict:
    """What a competent LM would answer for P001's script."""
    step = which_step(inputs)
    if step == "extract":
        msg = inputs["message"].lower()
        if "lisin" in msg:
            return {"intent": "refill", "topic": "none", "order_id": None, "pharmacy": None, "reply_language": "en", **NEW_FIELDS,
                    "mentions": [{"text": "lisinipril", "strength": None, "frequency": None}]}
        if "cheapest" in msg:
            return {"intent": "choose_pharmacy", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None, "reply_language": "en", **NEW_FIELDS}
        return {"intent": "confirm", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None, "reply_language": "en", **NEW_FIELDS}
    if step == "resolve":
        return {"matches": ["RX1001"]}
    if step == "dosage":
        return {"stated_strength": "10 mg", "stated_frequency": "once daily", "stated_count": None,
                "dose_changed": False, "verdict": "consistent", "reason": "matches"}
    if step == "pharmacy":
        return {"pharmacy_id": None, "criterion": "cheapest", "for_all": False}
    return {"answer": "yes", "change": "none"}


def make_assistant(store, program: str, lm) -> Assistant:
    return lm_assistant(store, lm, program, mode="shared")


def run(assistant, patient, messages):
    sid = assistant.start(patient)
    return [assistant.handle(sid, m) for m in messages]


def placed(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


def test_zero_shot_program_drives_the_flow_through_real_adapters(store):
    lm, engine = scripted_lm(good_answers)
    turns = run(make_assistant(store, "zero-shot", lm), "P001", P001_SCRIPT)
    assert [t.state for t in turns] == P001_STATES
    assert engine.calls == sum(t.lm_calls for t in turns) and engine.calls >= 5
    assert all(t.tokens > 0 for t in turns if t.lm_calls)
    assert all(not t.fallbacks for t in turns)
    assert turns[0].program.startswith("zero-shot")
    [order] = placed(store)
    assert order.pharmacy_id == "PH004"


def test_hybrid_calls_the_lm_only_when_unsure(store):
    lm, engine = scripted_lm(good_answers)
    turns = run(make_assistant(store, "hybrid", lm), "P001", P001_SCRIPT)
    assert [t.state for t in turns] == P001_STATES
    # Almost every step of this script is answered offline with a high calibrated confidence (the
    # learned student's): at most half the LM calls zero-shot makes for the same script.
    lm0, engine0 = scripted_lm(good_answers)
    run(make_assistant(store, "zero-shot", lm0), "P001", P001_SCRIPT)
    assert engine0.calls >= 5 and engine.calls * 2 <= engine0.calls
    lm2, engine2 = scripted_lm(good_answers)
    run(make_assistant(store, "hybrid", lm2), "P001", ["could you help me with something?"])
    assert engine2.calls >= 1  # a low-confidence reading goes to the LM


@pytest.mark.parametrize("bad", ["foreign_key", "literal", "garbage_text", "wrong_pharmacy"])
def test_invalid_lm_answers_fall_back_to_offline(store, bad):
    def answers(inputs):
        step = which_step(inputs)
        if bad == "foreign_key" and step == "resolve":
            return {"matches": ["RX3001"]}  # Linda Park's sertraline: not this patient's
        if bad == "literal" and step == "extract":
            return {"intent": "refill_now_please", "topic": "none", "mentions": [], "order_id": None, "pharmacy": None, "reply_language": "en", **NEW_FIELDS}
        if bad == "garbage_text":
            return "I am a helpful assistant and I think you should refill."
        if bad == "wrong_pharmacy" and step == "pharmacy":
            return {"pharmacy_id": "PH999", "criterion": "none", "for_all": False}
        return good_answers(inputs)

    lm, _ = scripted_lm(answers)
    turns = run(make_assistant(store, "zero-shot", lm), "P001", P001_SCRIPT)
    assert [t.state for t in turns] == P001_STATES
    assert any(t.fallbacks for t in turns)
    assert "RX3001" not in json.dumps([t.model_dump(mode="json") for t in turns])
    assert [o.pharmacy_id for o in placed(store)] == ["PH004"]


def test_no_order_on_the_lms_say_so_alone(store):
    def always_yes(inputs):
        return {"answer": "yes", "change": "none"} if which_step(inputs) == "confirm" else good_answers(inputs)

    lm, _ = scripted_lm(always_yes)
    a = make_assistant(store, "zero-shot", lm)
    turns = run(a, "P001", P001_SCRIPT[:3] + ["hmm, let me think", "what would it cost elsewhere?"])
    assert turns[-1].state == State.CONFIRM_ORDER and placed(store) == []


@pytest.fixture
def fake_server():
    server = FakeOpenAI()
    yield server
    server.close()


@pytest.mark.parametrize("mode", ["timeout", "http500", "http429", "empty", "garbage"])
def test_lm_faults_fall_back_and_the_conversation_continues(store, fake_server, mode):
    fake_server.mode = mode
    a = make_assistant(store, "zero-shot", fake_server.lm(timeout=0.5))
    turns = run(a, "P001", P001_SCRIPT)
    assert [t.state for t in turns] == P001_STATES
    # Every turn that asked the LM fell back (the final yes is the consent gate's: no LM at all).
    assert all(t.fallbacks for t in turns if t.lm_calls) and sum(bool(t.fallbacks) for t in turns) >= 3
    assert fake_server.requests >= 4
    assert len(placed(store)) == 1


def test_fake_server_ok_answers_are_used(store, fake_server):
    fake_server.mode = "ok"
    fake_server.content = format_answer({"intent": "list_medications", "topic": "none", "mentions": [],
                                         "order_id": None, "pharmacy": None, "reply_language": "en", **NEW_FIELDS})
    turns = run(make_assistant(store, "zero-shot", fake_server.lm()), "P001", ["show me what I take"])
    assert turns[0].lm_calls == 1 and not turns[0].fallbacks and "metformin" in turns[0].reply


def test_make_lm_needs_no_network():
    lm = programs.make_lm("openai/gpt-4o-mini")
    assert lm.model == "openai/gpt-4o-mini"
