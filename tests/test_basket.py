"""Refill everything that's due (rxflow/flow/basket.py, rxflow/flow/writes/basket.py): one list, one pharmacy for
all with exceptions, one summary, one yes, one order per item."""

import datetime as dt

from rxflow.flow.states import State

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


def new_orders(store, patient="P001"):
    return sorted((o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")),
                  key=lambda o: o.order_id)


def drug_of(store, o):
    return store.drug(store.product(o.product_id).drug_id).generic_name


def test_everything_due_is_listed_then_one_pharmacy_one_summary_one_yes(talk, store):
    t = talk("P001", "can you refill everything that's due?", "costco", now=ELEVEN)
    assert t[0].state == State.SELECT_PHARMACY
    assert all(name in t[0].reply for name in ("lisinopril 10 mg", "atorvastatin 20 mg", "metformin 500 mg"))
    assert "Costco Pharmacy - Riverton" in t[0].reply and "$11.46" in t[0].reply  # the total for all three there
    assert t[1].state == State.CONFIRM_ORDER and "these 3 orders" in t[1].reply and "Total: $11.46" in t[1].reply
    assert not new_orders(store)  # nothing before the yes
    t = talk("P001", "can you refill everything that's due?", "costco", "yes", now=ELEVEN)
    assert t[2].state == State.COMPLETE and len(t[2].placed) == 3
    orders = new_orders(store)
    assert {drug_of(store, o) for o in orders} == {"lisinopril", "atorvastatin", "metformin"}
    assert {o.pharmacy_id for o in orders} == {"PH004"}


def test_an_exception_goes_elsewhere_and_an_item_can_be_left_out(talk, store):
    t = talk("P001", "refill all my meds", "costco, but the metformin at the cvs on market st", now=ELEVEN)
    assert t[1].state == State.CONFIRM_ORDER
    assert "metformin 500 mg (generic), quantity 180 (90-day supply) at CVS Pharmacy - Market St" in t[1].reply
    assert "lisinopril 10 mg (generic), quantity 30 (30-day supply) at Costco Pharmacy - Riverton" in t[1].reply
    more = talk("P001", "refill all my meds", "costco", "actually take the metformin off", "yes", now=ELEVEN)
    assert more[2].state == State.CONFIRM_ORDER and "these 2 orders" in more[2].reply
    assert "metformin" not in more[2].reply.split("Please confirm")[1]
    assert {drug_of(store, o) for o in new_orders(store)} == {"lisinopril", "atorvastatin"}


def test_a_hedge_a_condition_or_a_question_writes_nothing_and_a_repeated_yes_writes_once(talk, store):
    t = talk("P001", "refill everything due", "the cheapest", "hmm maybe", "yes if its ready by noon",
             "how much is it all?", "nvm", now=ELEVEN)
    assert [x.state for x in t[2:5]] == [State.CONFIRM_ORDER] * 3 and t[5].state == State.START
    assert not new_orders(store)
    done = talk("P001", "refill everything due", "the cheapest", "yes", "yes", now=ELEVEN)
    assert done[2].state == State.COMPLETE and len(new_orders(store)) == 3  # the second yes placed nothing


def test_the_blocked_ones_are_listed_apart_with_why_and_nothing_due_is_said(talk, store):
    t = talk("P006", "please refill all of my medications", now=ELEVEN)
    assert "Not included" in t[0].reply and "apixaban" in t[0].reply and "prior authorization" in t[0].reply
    assert {a.code.value for a in t[0].alerts} >= {"prior_auth_required", "non_formulary"}
    none = talk("P003", "refill everything that's due", now=ELEVEN)
    assert none[0].state == State.START and "Nothing is due" in none[0].reply
    assert all(name in none[0].reply for name in ("sertraline", "simvastatin", "omeprazole"))


def test_delivered_all_together_lists_only_pharmacies_that_deliver(talk, store):
    t = talk("P001", "refill everything that's due and deliver it", now=ELEVEN)
    assert t[0].state == State.SELECT_PHARMACY and "deliver" in t[0].reply
    assert "Harbor Community Pharmacy" not in t[0].reply  # it does not deliver
    t = talk("P001", "refill everything that's due and deliver it", "the closest", "yes", now=ELEVEN)
    assert "Delivery to 14 Chestnut St, Riverton" in t[1].reply
    assert {o.fulfilment for o in new_orders(store)} == {"delivery"}


def test_in_spanish_too(talk, store):
    t = talk("P001", "renueva todas mis medicinas", "la más barata", "sí", now=ELEVEN)
    assert t[0].language == "es" and "Le tocan 3 recetas" in t[0].reply
    assert t[2].state == State.COMPLETE and len(new_orders(store)) == 3
