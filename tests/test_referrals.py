"""Requests that reach a human (issue 12): a renewal to the prescriber, a prior authorization, a
pharmacist's call back. Each reproduction of the issue, the consent gate in front of every request
and withdrawal, tracking, the sandboxes of the public Space, Spanish, and the tools themselves."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from helpers import err, ok

from rxflow.flow.states import State
from rxflow.tools import call_tool

# Refused at once (no dose question first); "why?" is answered where the refusal stands, its offer kept.
OMEPRAZOLE = ("refill omeprazole", "why?")  # P003: expired -> REFER_PRESCRIBER
SERTRALINE = ("refill sertraline", "why?")  # P003: too soon -> NOT_ELIGIBLE
ELIQUIS = ("refill eliquis", "why?")  # P006: prior authorization -> ESCALATE_PA


def sent(store, patient="P003", sandbox=""):
    return store.requests(patient, sandbox)


# ----------------------------------------------------------------------------- the reproductions
@pytest.mark.parametrize("ask", ["please send the renewal request", "yes send it to my doctor",
                                 "can you ask my doctor to renew it", "send the request"])
def test_after_an_expired_refusal_the_renewal_request_is_shown_then_sent_on_yes(talk, store, ask):
    turns = talk("P003", *OMEPRAZOLE, ask)
    assert turns[1].state == State.REFER_PRESCRIBER and "send the renewal request" in turns[1].reply
    t = turns[2]
    assert t.state == State.CONFIRM_REQUEST and t.intent == "request_help"
    # Exactly what would be sent, from the tools: the kind, the medication, to whom, why.
    for fact in ("renewal request", "omeprazole 20 mg", "Dr. Helen Brooks", "Riverton Family Medicine", "555-0101",
                 "expired on September 15, 2026"):
        assert fact in t.reply, fact
    assert sent(store) == []  # shown, not written
    done = talk("P003", *OMEPRAZOLE, ask, "yes")[-1]
    [r] = sent(store)
    assert (r.rx_id, r.kind, r.reason, r.status, r.prescriber_id) == ("RX3003", "renewal", "expired", "sent", "DR001")
    assert done.state == State.START and done.outcome == "request_sent" and r.request_id == "REQ-40001"
    assert "REQ-40001" in done.reply and "Dr. Helen Brooks" in done.reply


@pytest.mark.parametrize("ask", ["can I talk to a pharmacist?", "have a pharmacist call me"])
def test_after_a_too_soon_refusal_a_pharmacist_calls_back(talk, store, ask):
    turns = talk("P003", *SERTRALINE, ask, "yes")
    assert turns[1].state == State.NOT_ELIGIBLE and "have a pharmacist call me" in turns[1].reply
    assert turns[2].state == State.CONFIRM_REQUEST
    phone = store.patient("P003").phone
    assert "pharmacist" in turns[2].reply and phone in turns[2].reply and "December 7, 2026" in turns[2].reply
    [r] = sent(store)
    assert (r.rx_id, r.kind, r.reason) == ("RX3001", "pharmacist_callback", "refill_too_soon")
    assert r.request_id in turns[3].reply and phone in turns[3].reply


def test_after_a_prior_authorization_refusal_the_request_goes_to_the_plan_through_the_prescriber(talk, store):
    # (P006's semaglutide is off the formulary, paid in cash; the world's prior authorization is apixaban.)
    turns = talk("P006", *ELIQUIS, "send the request", "yes send it")
    assert turns[1].state == State.ESCALATE_PA and "send the request" in turns[1].reply
    for fact in ("prior-authorization request", "Eliquis (apixaban) 5 mg", "BlueRiver HMO", "Dr. Samuel Ortiz",
                 "Riverton Heart Center", "3 business days"):
        assert fact in turns[2].reply, fact
    [r] = sent(store, "P006")
    assert (r.rx_id, r.kind, r.reason) == ("RX6001", "prior_auth", "prior_auth_required")
    assert turns[3].outcome == "request_sent" and store.orders("P006") == store.orders("P006")  # no order either
    assert not [o for o in store.orders("P006") if not o.idempotency_key.startswith("seed-")]


def test_a_reported_dose_change_can_reach_the_pharmacist(talk, store):
    turns = talk("P008", "refill my levothyroxine", "no, my doctor changed it to 100 mcg", "have a pharmacist call me",
                 "yes")
    assert turns[1].state == State.REFER_PHARMACIST and turns[2].state == State.CONFIRM_REQUEST
    [r] = sent(store, "P008")
    assert (r.kind, r.reason) == ("pharmacist_callback", "dose_changed")


def test_asking_for_a_pharmacist_mid_refill_sets_the_refill_aside(talk, store):
    turns = talk("P001", "refill my lisinopril", "can I talk to a pharmacist?")
    t = turns[1]
    assert t.state == State.CONFIRM_REQUEST and "set aside the lisinopril refill" in t.reply
    assert "lisinopril 10 mg" in t.reply and "you asked to talk to a pharmacist" in t.reply
    assert sent(store, "P001") == []


def test_a_request_the_rules_do_not_call_for_is_not_offered(talk, store):
    turns = talk("P001", "send a renewal request for my lisinopril")
    assert turns[0].state == State.START and "doesn't need a renewal request" in turns[0].reply
    assert "refills left" in turns[0].reply and sent(store, "P001") == []


def test_without_a_medication_in_play_it_asks_which(talk, store):
    turns = talk("P003", "please send the renewal request")
    assert turns[0].state == State.START and "Which medication" in turns[0].reply and "omeprazole" in turns[0].reply
    turns = talk("P003", "send a renewal request for my simvastatin", "yes")
    [r] = sent(store)
    assert (r.rx_id, r.reason) == ("RX3002", "no_refills")


# ----------------------------------------------------------------------------- the gate
@pytest.mark.parametrize("not_a_yes", [
    "hmm maybe", "not yet", "I guess", "idk", "yes if it's quick", "only if my doctor is in today",
    "what happens if I say yes?", "yes?", "is that the right doctor?", "yes, no wait", "no",
    "yes but send it to a different doctor", "yes send it to the pharmacist", "oh yeah sure 🙄", "todavía no",
    "no sé", "¿y si digo que sí?",
])
def test_a_hedge_a_question_or_a_condition_sends_nothing(talk, store, not_a_yes):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", not_a_yes)
    assert turns[-1].state in (State.CONFIRM_REQUEST, State.START) and turns[-1].outcome is None
    assert "REQ-" not in turns[-1].reply and sent(store) == []


def test_a_hedge_keeps_the_summary_and_the_next_yes_sends(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "hmm not sure", "yes")
    assert turns[3].state == State.CONFIRM_REQUEST and "Nothing is sent yet" in turns[3].reply
    assert turns[4].outcome == "request_sent" and len(sent(store)) == 1


def test_a_repeated_yes_sends_once(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes send it", "yes", "yes send it")
    assert [t.outcome for t in turns[3:]] == ["request_sent", None, None]
    assert len(sent(store)) == 1


def test_asking_again_after_it_was_sent_sends_nothing_more(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes", "please send the renewal request")
    assert turns[-1].state == State.START and "already sent" in turns[-1].reply and "REQ-40001" in turns[-1].reply
    assert len(sent(store)) == 1


def test_the_yes_binds_to_the_summary_shown(talk, store):
    """A pharmacist's call back asked for at the renewal's summary is a new summary needing its own yes."""
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "actually have a pharmacist call me", "yes")
    assert turns[3].state == State.CONFIRM_REQUEST and "call back from a pharmacist" in turns[3].reply
    [r] = sent(store)
    assert r.kind == "pharmacist_callback" and r.reason == "patient_request"  # expiry calls for the prescriber


@pytest.mark.parametrize("leave", ["nvm", "no thanks", "forget it", "cancel the request"])
def test_leaving_at_the_summary_sends_nothing(talk, store, leave):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", leave, "yes")
    assert turns[3].state == State.START and sent(store) == []


def test_a_question_at_the_summary_is_answered_and_the_summary_stays(talk, store):
    turns = talk("P006", *ELIQUIS, "send the request", "how long does prior auth take", "yes")
    assert turns[3].state == State.CONFIRM_REQUEST and "business days" in turns[3].reply
    assert "Shall I send it?" in turns[3].reply
    assert len(sent(store, "P006")) == 1


# ----------------------------------------------------------------------------- tracking and withdrawing
def test_track_a_request_by_words_and_by_number(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes", "what's the status of my request",
                 "where is REQ-40001", "where is REQ-49999")
    assert turns[4].intent == "track_request" and "REQ-40001" in turns[4].reply and "waiting for an answer" in turns[4].reply
    assert "Dr. Helen Brooks" in turns[5].reply and turns[5].state == State.START
    assert "couldn't find a request numbered REQ-49999" in turns[6].reply


def test_another_patients_request_cannot_be_read_or_withdrawn(talk, store):
    talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes")
    turns = talk("P001", "where is REQ-40001", "withdraw REQ-40001", "yes")
    assert "not one of your requests" in turns[0].reply and "omeprazole" not in turns[0].reply
    assert "not one of your requests" in turns[1].reply and turns[1].state == State.START
    assert sent(store)[0].status == "sent"


def test_withdraw_needs_its_own_yes(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes", "withdraw that request", "hmm",
                 "cancel?", "yes withdraw it", "yes withdraw it")
    assert turns[4].state == State.CONFIRM_REQUEST and "Withdraw request REQ-40001" in turns[4].reply
    assert turns[5].state == turns[6].state == State.CONFIRM_REQUEST
    assert turns[7].outcome == "request_withdrawn" and turns[7].state == State.START
    assert turns[8].outcome is None
    [r] = sent(store)
    assert r.status == "withdrawn"


@pytest.mark.parametrize("keep", ["no, keep it", "nvm"])
def test_a_no_keeps_the_request(talk, store, keep):
    talk_turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "yes", "cancel the renewal request", keep)
    assert "stays as it is" in talk_turns[-1].reply and sent(store)[0].status == "sent"


def test_cancel_my_order_still_means_orders_and_the_request_words_mean_the_request(talk, store):
    turns = talk("P001", "refill my lisinopril", "yes", "the cheapest", "yes", "have a pharmacist call me about my "
                 "atorvastatin", "yes", "cancel my order", "no", "cancel the request", "yes cancel it")
    [order] = [o for o in store.orders("P001") if not o.idempotency_key.startswith("seed-")]
    assert turns[5].outcome == "request_sent"
    assert turns[6].intent == "cancel_order" and turns[6].state == State.CONFIRM_CANCEL and order.order_id in turns[6].reply
    assert turns[8].intent == "withdraw_request" and turns[8].state == State.CONFIRM_REQUEST
    assert turns[9].outcome == "request_withdrawn"
    assert store.order(order.order_id).status == "received" and sent(store, "P001")[0].status == "withdrawn"


def test_cancel_the_request_mid_refill_still_leaves_the_refill(talk, store):
    turns = talk("P001", "refill my lisinopril", "cancel the request")
    assert turns[1].state == State.START and turns[1].outcome == "abandoned"


# ----------------------------------------------------------------------------- sandboxes (the public Space)
def test_another_session_never_sees_a_sandboxed_request(demo_assistant, store):
    a = demo_assistant
    mine, theirs = a.start("P003"), a.start("P003")
    for m in (*OMEPRAZOLE, "please send the renewal request", "yes"):
        done = a.handle(mine, m)
    assert done.outcome == "request_sent"
    box = a.conversation(mine).sandbox
    [r] = sent(store, sandbox=box)
    assert sent(store) == [] and sent(store, sandbox=a.conversation(theirs).sandbox) == []
    other = a.handle(theirs, "what's the status of my request")
    assert "no requests" in other.reply and r.request_id not in other.reply
    assert "couldn't find" in a.handle(theirs, f"where is {r.request_id}").reply
    assert r.idempotency_key.startswith(a.conversation(mine).write_token) and mine not in r.idempotency_key
    # The other session's own request is numbered in its own sandbox, and its table shows only its own.
    for m in (*OMEPRAZOLE, "please send the renewal request", "yes"):
        a.handle(theirs, m)
    assert sent(store, sandbox=a.conversation(theirs).sandbox)[0].request_id == r.request_id
    from rxflow.ui import render

    table = render.requests_table(a.view(mine))
    assert [c.split(" · ")[0] for c in table["Request"]] == [r.request_id]
    assert not any(r.idempotency_key in str(c) for c in table.to_numpy().ravel())  # the key stays hidden


def test_expired_sessions_take_their_requests_with_them(store):
    from rxflow.environment import build

    a = build(store=store, program="offline", mode="demo", session_timeout=1, session_grace=0, sweep_interval=0)
    old = a.start("P003")
    for m in (*OMEPRAZOLE, "please send the renewal request", "yes"):
        a.handle(old, m)
    assert store.runtime_rows()["sandboxed_requests"] == 1
    time.sleep(1.2)
    a.start("P004")  # a start sweeps
    assert store.runtime_rows()["sandboxed_requests"] == 0
    live = a.start("P003")
    for m in (*OMEPRAZOLE, "please send the renewal request", "yes"):
        a.handle(live, m)
    store.delete_session(live)
    assert store.runtime_rows()["sandboxed_requests"] == 0


# ----------------------------------------------------------------------------- Spanish
def test_spanish_renewal_request(talk, store):
    turns = talk("P003", "necesito mi omeprazol", "¿por qué?", "mándele la solicitud a mi doctor", "¿y si digo que sí?",
                 "sí, mándela", "¿cómo va mi solicitud?")
    assert turns[1].state == State.REFER_PRESCRIBER and "mande la solicitud de renovación" in turns[1].reply
    assert turns[2].state == State.CONFIRM_REQUEST and turns[2].language == "es"
    assert "Por favor confirme esta solicitud" in turns[2].reply and "Dr. Helen Brooks" in turns[2].reply
    assert turns[3].state == State.CONFIRM_REQUEST and turns[3].outcome is None
    assert turns[4].outcome == "request_sent" and "¡Listo! La solicitud REQ-40001" in turns[4].reply
    assert "enviada, esperando respuesta" in turns[5].reply
    assert len(sent(store)) == 1


def test_spanish_pharmacist_and_withdrawal(talk, store):
    turns = talk("P003", "necesito mi sertralina", "¿por qué?", "quiero hablar con un farmacéutico", "sí",
                 "cancela la solicitud", "sí, retírela")
    assert turns[2].state == State.CONFIRM_REQUEST and "una llamada de un farmacéutico" in turns[2].reply
    assert turns[3].outcome == "request_sent"
    assert turns[4].state == State.CONFIRM_REQUEST and "¿Retiro la solicitud REQ-40001" in turns[4].reply
    assert turns[5].outcome == "request_withdrawn" and sent(store)[0].status == "withdrawn"


def test_switching_language_at_the_summary_shows_it_again(talk, store):
    turns = talk("P003", *OMEPRAZOLE, "please send the renewal request", "en español por favor", "sí")
    assert turns[3].state == State.CONFIRM_REQUEST and "Por favor confirme esta solicitud" in turns[3].reply
    assert turns[4].outcome == "request_sent"


# ----------------------------------------------------------------------------- the tools
def test_create_request_is_idempotent_by_key_and_sends_one_of_a_kind(ctx_for, store):
    ctx = ctx_for("P003")
    args = {"rx_id": "RX3003", "kind": "renewal", "reason": "expired", "confirmed": True, "idempotency_key": "k-123456"}
    first = ok(ctx, "create_request", **args)
    again = ok(ctx, "create_request", **args)
    assert first.created and not again.created and first.request.request_id == again.request.request_id == "REQ-40001"
    assert first.prescriber == "Dr. Helen Brooks" and first.practice == "Riverton Family Medicine"
    e = err(ctx, "create_request", **{**args, "idempotency_key": "k-654321"})
    assert e["code"] == "conflict" and e["request_id"] == "REQ-40001"
    assert len(store.requests("P003")) == 1
    assert "idempotency_key" not in call_tool(ctx, "list_requests", {}).to_dict()["data"]["requests"][0]["request"]


def test_create_request_refuses_without_a_yes_or_a_reason_in_the_rules(ctx_for):
    ctx = ctx_for("P003")
    base = {"rx_id": "RX3003", "kind": "renewal", "reason": "expired", "idempotency_key": "k-000001"}
    assert err(ctx, "create_request", **base, confirmed=False)["code"] == "refused"
    assert err(ctx, "create_request", **{**base, "rx_id": "RX3001"}, confirmed=True)["code"] == "refused"
    assert err(ctx, "create_request", **{**base, "kind": "prior_auth"}, confirmed=True)["code"] == "refused"
    assert err(ctx, "create_request", **{**base, "reason": "made_up"}, confirmed=True)["code"] == "bad_input"
    assert err(ctx, "create_request", **{**base, "kind": "anything"}, confirmed=True)["code"] == "bad_input"
    assert err(ctx, "create_request", **{**base, "rx_id": "RX1001"}, confirmed=True)["code"] == "forbidden"
    callback = ok(ctx, "create_request", **{**base, "rx_id": "RX3001", "kind": "pharmacist_callback",
                                              "reason": "patient_request"}, confirmed=True)
    assert callback.callback_phone == ctx.patient.phone and callback.plan is None


def test_withdraw_request_only_the_patients_own_and_only_once(ctx_for, store):
    ctx, other = ctx_for("P003"), ctx_for("P001")
    r = ok(ctx, "create_request", rx_id="RX3003", kind="renewal", reason="expired", confirmed=True,
           idempotency_key="k-withdraw").request
    assert err(other, "withdraw_request", request_id=r.request_id)["code"] == "forbidden"
    assert err(other, "list_requests", request_id=r.request_id)["code"] == "forbidden"
    assert ok(other, "list_requests").requests == []
    assert store.request(r.request_id).status == "sent"
    assert ok(ctx, "withdraw_request", request_id=r.request_id.lower()).request.status == "withdrawn"
    assert err(ctx, "withdraw_request", request_id=r.request_id)["code"] == "conflict"
    assert err(ctx, "withdraw_request", request_id="REQ-49999")["code"] == "not_found"
    assert err(ctx, "withdraw_request", request_id="ORD-30001")["code"] == "bad_input"
    # Withdrawn, the same request can be sent again (under a new key).
    assert ok(ctx, "create_request", rx_id="RX3003", kind="renewal", reason="expired", confirmed=True,
              idempotency_key="k-again-1").request.request_id == "REQ-40002"


def test_requests_are_sandboxed_at_the_tool_level(store):
    import datetime as dt

    from rxflow.tools import ToolContext

    box = ToolContext(store, "P003", dt.date(2026, 11, 24), sandbox="abc123")
    shared = ToolContext(store, "P003", dt.date(2026, 11, 24))
    r = ok(box, "create_request", rx_id="RX3003", kind="renewal", reason="expired", confirmed=True,
           idempotency_key="k-sandbox").request
    assert ok(shared, "list_requests").requests == []
    assert err(shared, "withdraw_request", request_id=r.request_id)["code"] == "not_found"
    frame = store.requests_frame("P003", "abc123")
    assert isinstance(frame, pd.DataFrame) and list(frame["medication"]) == ["omeprazole"]
    assert store.requests_frame("P003").empty
