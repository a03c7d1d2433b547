"""Orders already placed (rxflow/flow/orders.py): "cancel that" and "when will it be ready?" right after an
order mean that order; cancelling and tracking win over a medication's name."""

from __future__ import annotations

import pytest

from rxflow.flow.states import State

ORDER = ("refill my lisinopril", "yes", "the closest one", "yes")


def new_orders(store, patient):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


@pytest.mark.parametrize("cancel", [
    "oh wait can you cancel that, my sister already picked some up",  # a family member as context, not a record
    "wait cancel that",
    "cancel it pls my husband got it",
    "ay espera, cancélalo, mi hermana ya me lo recogió",
])
def test_cancel_that_right_after_an_order_is_that_order(talk, assistant, store, cancel):
    turns = talk("P001", *ORDER, cancel)
    placed = new_orders(store, "P001")[0]
    assert turns[4].state == State.CONFIRM_CANCEL and placed.order_id in turns[4].reply
    assert assistant.handle(turns.sid, "sí" if "á" in cancel else "yes").state == State.START
    assert store.order(placed.order_id).status == "cancelled"


def test_cancel_that_with_other_open_orders_means_the_one_just_placed(talk, store):
    turns = talk("P009", "refill my albuterol inhaler", "yes", "cheapest", "yes", "cancel that")
    placed = new_orders(store, "P009")[0]
    assert turns[4].state == State.CONFIRM_CANCEL and placed.order_id in turns[4].reply
    assert "ORD-20009" not in turns[4].reply


@pytest.mark.parametrize("ask", ["when will it be ready?", "k when will it b ready", "when can i pick it up",
                                 "cool so when is the lisinopril gonna be ready", "¿cuándo estará listo?"])
def test_when_will_it_be_ready_tracks_the_order_just_placed(talk, store, ask):
    turns = talk("P001", *ORDER, ask)
    placed = new_orders(store, "P001")[0]
    assert turns[4].intent == "track_order" and placed.order_id in turns[4].reply
    assert turns[4].state in (State.COMPLETE, State.START) and len(new_orders(store, "P001")) == 1


@pytest.mark.parametrize("ask", ["can you cancel my montelukast? dr is switching me", "cancel the singulair one",
                                 "¿puedes cancelar mi montelukast? el doctor me lo va a cambiar"])
def test_cancel_words_win_over_a_medication_name(talk, ask):
    t = talk("P009", ask)[0]
    assert t.intent == "cancel_order" and t.state == State.CONFIRM_CANCEL and "ORD-20009" in t.reply


@pytest.mark.parametrize(("ask", "topic"), [
    ("remind me when my lisinopril is due", "reminder"), ("set up auto refill for my metformin", "auto_refill"),
    ("i want to transfer my prescription from rite aid", "transfer"), ("recuérdame cuando me toque el lisinopril",
                                                                          "reminder")])
def test_remind_auto_refill_and_transfer_never_start_a_refill(talk, store, ask, topic):
    t = talk("P001", ask)[0]
    # Each is its own service now (issue 19): its summary or its question, never a refill's dose question.
    assert t.state in (State.CONFIRM_SETTING, State.COLLECT_TRANSFER) and t.topic == topic
    assert not new_orders(store, "P001")


def test_wheres_my_drug_tracks_it(talk):
    t = talk("P009", "where's my flonase?")[0]
    assert t.intent == "track_order" and "ORD-20010" in t.reply and t.state == State.START
