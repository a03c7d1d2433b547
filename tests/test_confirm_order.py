"""At the order summary (rxflow/flow/stages/confirm_order.py): a change that is understood shows a new
summary that needs its own yes; one that is not is said, and the summary stays open where it was."""

from __future__ import annotations

import pytest

from rxflow.flow.states import State

SUMMARY = ("refill my lisinopril", "yes", "the closest one")  # the summary at CVS Market St (PH001)


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


@pytest.mark.parametrize("change", ["hmm switch it to the one near my gym", "yes but somewhere else",
                                    "mejor en otra farmacia"])
def test_a_change_not_understood_is_said_and_the_summary_stays_open(talk, assistant, store, change):
    turns = talk("P001", *SUMMARY, change)
    t = turns[3]
    assert t.state == State.CONFIRM_ORDER and not new_orders(store)
    assert "CVS Pharmacy - Market St" in t.reply and ("didn't catch" in t.reply or "No entendí" in t.reply
                                                      or "Which" in t.reply or "Cuál" in t.reply)
    assert assistant.handle(turns.sid, "yes").state == State.COMPLETE  # a yes to the summary still shown
    assert [o.pharmacy_id for o in new_orders(store)] == ["PH001"]


@pytest.mark.parametrize(("change", "pharmacy"), [("hmm switch it to costco, it's cheaper", "PH004"),
                                                  ("yes but at the one with the shortest wait", "PH009"),
                                                  ("mejor en costco", "PH004")])
def test_an_understood_change_shows_a_new_summary_and_only_its_yes_writes(talk, assistant, store, change, pharmacy):
    turns = talk("P001", *SUMMARY, change)
    assert turns[3].state == State.CONFIRM_ORDER and not new_orders(store)
    assert assistant.handle(turns.sid, "yes").state == State.COMPLETE
    assert [o.pharmacy_id for o in new_orders(store)] == [pharmacy]  # never the pharmacy turned down


def test_a_pharmacy_short_of_stock_is_named_as_such(talk, store):
    turns = talk("P002", "levothyroxine refill", "yes", "closest", "make it main street pharmacy instead")
    assert turns[3].state == State.CONFIRM_ORDER and "doesn't have enough in stock" in turns[3].reply
    assert not new_orders(store, "P002")


@pytest.mark.parametrize("yes", ["ugh fine yes", "sorry, yes go ahead", "sure why not", "claro que sí", "ok dale"])
def test_a_grudging_or_apologetic_yes_places_the_order(talk, store, yes):
    turns = talk("P001", *SUMMARY, yes)
    assert turns[3].state == State.COMPLETE and len(new_orders(store)) == 1


@pytest.mark.parametrize("not_yes", ["sure, why not?", "ugh whatever", "hmm maybe, is costco open sunday?"])
def test_a_hedge_or_question_at_the_summary_writes_nothing(talk, store, not_yes):
    turns = talk("P001", *SUMMARY, not_yes)
    assert turns[3].state == State.CONFIRM_ORDER and not new_orders(store)
