"""Delivery instead of pickup (rxflow/flow/delivery.py, rxflow/flow/fulfilment.py): which pharmacies deliver,
the address on file, the fee and the window in the summary; a change between pickup and delivery is a new
summary with its own yes; ready times and windows from the world's clock."""

import datetime as dt

from rxflow.flow.states import State

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


def test_deliver_it_at_the_summary_is_a_new_summary_with_address_fee_and_window(talk, store):
    t = talk("P001", "refill my lisinopril", "yes", "the closest", "can you deliver it to my house instead?",
             now=ELEVEN)
    assert t[3].state == State.CONFIRM_ORDER and "needs its own yes" in t[3].reply
    assert "Delivery to 14 Chestnut St, Riverton, today between 16:00 and 20:00; delivery fee $4.99" in t[3].reply
    assert not new_orders(store)
    t = talk("P001", "refill my lisinopril", "yes", "the closest", "deliver it", "yes", now=ELEVEN)
    (o,) = new_orders(store)
    assert o.fulfilment == "delivery" and o.delivery_fee == 4.99 and o.delivery_address == "14 Chestnut St, Riverton"
    assert "delivered to 14 Chestnut St" in t[4].reply


def test_after_the_cut_off_the_courier_comes_the_next_day(talk):
    late = dt.datetime(2026, 11, 24, 15, 30)
    t = talk("P001", "refill my lisinopril", "yes", "the closest", "deliver it", now=late)
    assert "tomorrow between 16:00 and 20:00" in t[3].reply


def test_a_pharmacy_that_does_not_deliver_gives_way_to_those_that_do_and_pickup_goes_back(talk, store):
    t = talk("P001", "refill my lisinopril", "yes", "the fastest", "mail it to me", now=ELEVEN)
    assert t[2].slots["pharmacy_id"] == "PH009"  # Harbor: no delivery
    assert t[3].state == State.SELECT_PHARMACY and "Harbor" not in t[3].reply.split("deliver it")[1]
    back = talk("P001", "refill my lisinopril", "yes", "the closest", "deliver it", "actually i'll pick it up",
                "yes", now=ELEVEN)
    assert "Ready for pickup" in back[4].reply
    assert [o.fulfilment for o in new_orders(store)] == ["pickup"]


def test_a_hedge_at_a_delivery_summary_writes_nothing(talk, store):
    talk("P001", "refill my lisinopril", "yes", "the closest", "deliver it", "hmm is there a fee?", "not yet",
         now=ELEVEN)
    assert not new_orders(store)


def test_delivery_asked_with_the_request_offers_only_pharmacies_that_deliver(talk):
    t = talk("P001", "refill my lisinopril and deliver it", "yes", now=ELEVEN)
    assert t[1].state == State.SELECT_PHARMACY and "deliver" in t[1].reply and "Harbor" not in t[1].reply


def test_asking_whether_a_pharmacy_delivers(talk):
    t = talk("P001", "does costco deliver?", "does the harbor pharmacy deliver?", now=ELEVEN)
    assert "mails prescriptions" in t[0].reply and "free" in t[0].reply
    assert "doesn't deliver" in t[1].reply


def test_an_order_placed_after_closing_is_ready_the_next_morning(talk):
    late = dt.datetime(2026, 11, 24, 21, 30)
    t = talk("P001", "refill my lisinopril", "yes", "costco", "yes", now=late)
    assert "Ready for pickup tomorrow at about 10:50" in t[2].reply  # Costco opens at 10:00; 50 minutes' wait
    assert "tomorrow at about 10:50" in t[3].reply


def test_in_spanish(talk, store):
    t = talk("P001", "necesito mi lisinopril", "sí", "la más cercana", "mándemelo a la casa", "sí", now=ELEVEN)
    assert t[3].language == "es" and "Entrega a domicilio en 14 Chestnut St" in t[3].reply
    assert [o.fulfilment for o in new_orders(store)] == ["delivery"]
