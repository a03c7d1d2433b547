"""Caregivers (rxflow/flow/caregiving.py; ToolContext.acting): an authorised caregiver acts on a dependant's
record, and every summary says whose; anyone else is refused in the same words whether or not they exist."""

import datetime as dt

from rxflow.flow.states import State
from rxflow.tools import ToolContext, ToolError

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


def test_a_caregiver_refills_his_mothers_pill_on_her_record(talk, store):
    t = talk("P002", "refill my mom's blood pressure pill", "yes", "main street", "yes", "back to me",
             "refill my amlodipine", now=ELEVEN)
    assert t[0].record == "P027" and "Eleanor Carter" in t[0].reply and t[0].slots["medication"] == "losartan"
    assert t[2].state == State.CONFIRM_ORDER and t[2].reply.startswith("For Eleanor Carter (your mother):")
    (o,) = [o for o in store.orders("P027") if not o.idempotency_key.startswith("seed-")]
    assert o.rx_id == "RX27001" and o.placed_by == "P002"
    assert t[4].record == "P002" and "Back to your own record, James" in t[4].reply
    assert t[5].record == "P002" and t[5].slots["medication"] == "amlodipine"


def test_her_too_soon_refill_is_refused_from_her_record_and_followed(talk):
    t = talk("P002", "can you refill my mom's aricept", "so when can she get it", now=ELEVEN)
    assert t[0].state == State.NOT_ELIGIBLE and t[0].record == "P027"
    assert "December 6, 2026" in t[1].reply and t[1].record == "P027"


def test_in_spanish(talk):
    t = talk("P002", "necesito la pastilla de la presión de mi mamá", now=ELEVEN)[0]
    assert t.record == "P027" and t.language == "es" and t.slots["medication"] == "losartan"


def test_no_authorisation_no_access_and_the_same_words_for_anyone(talk, store):
    t = talk("P001", "refill my husband's meds", "refill James Carter's amlodipine", "refill Zorblax Quux's meds",
             now=ELEVEN)
    assert all(x.guarded and x.record == "P001" for x in t)
    assert t[0].reply == t[1].reply == t[2].reply  # never says whether the person exists
    assert not [o for o in store.orders("P002") if not o.idempotency_key.startswith("seed-")]


def test_the_tools_check_who_may_act_for_whom(store):
    ToolContext.acting(store, "P002", "P027", ELEVEN.date())  # authorised
    for actor, patient in (("P001", "P027"), ("P027", "P002"), ("P001", "P002"), ("P001", "P999")):
        try:
            ToolContext.acting(store, actor, patient, ELEVEN.date())
        except ToolError as e:
            assert e.code == "forbidden" and e.reason == "not_authorised"
        else:
            raise AssertionError(f"{actor} reached {patient}")


def test_the_dependant_is_no_demo_patient_to_pick(demo_assistant):
    assert "P027" not in demo_assistant.offered_patients()
