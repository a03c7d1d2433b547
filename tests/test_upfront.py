"""A request that says more than the medication: a prescription number, the dose, the pharmacy
(rxflow/flow/refilling.py: by_number, volunteered; the dose stage and the pharmacy stage take what was said)."""

import datetime as dt

import pytest

from rxflow.flow.states import State

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


@pytest.mark.parametrize("said", ["refill rx 1001", "RX1001 pls", "#1001", "prescription number 1001", "receta 1001"])
def test_a_prescription_number_names_the_prescription(talk, said):
    t = talk("P001", said, now=ELEVEN)[0]
    assert t.state == State.CONFIRM_DOSAGE and t.slots["rx_id"] == "RX1001"


def test_a_number_not_on_the_record_reads_the_same_whether_it_is_someone_elses_or_no_ones(talk):
    theirs, nobody = talk("P001", "refill rx 2001", "refill rx 7777", now=ELEVEN)
    assert theirs.state == nobody.state == State.START
    assert theirs.reply.replace("2001", "N") == nobody.reply.replace("7777", "N")
    assert "amlodipine" not in theirs.reply  # P002's drug never shows


def test_a_number_mid_flow_switches_to_that_prescription(talk):
    t = talk("P001", "refill my lisinopril", "actually #1003", now=ELEVEN)
    assert t[1].state == State.CONFIRM_DOSAGE and t[1].slots["rx_id"] == "RX1003"


def test_drug_dose_and_pharmacy_up_front_go_straight_to_the_summary(talk, store):
    t = talk("P001", "refill my lisinopril 10mg once a day at the cvs on market", now=ELEVEN)[0]
    assert t.state == State.CONFIRM_ORDER and t.slots["pharmacy_id"] == "PH001" and t.dosage == "consistent"
    assert "that matches your prescription" in t.reply
    by_number = talk("P001", "RX1002 20mg at bedtime, costco", now=ELEVEN)[0]
    assert by_number.state == State.CONFIRM_ORDER and by_number.slots["pharmacy_id"] == "PH004"


def test_a_dose_that_differs_still_gets_the_dose_question(talk):
    t = talk("P001", "need my atorvastatin 40 mg at costco", "sorry 20 mg", now=ELEVEN)
    assert t[0].state == State.CONFIRM_DOSAGE and t[0].dosage == "mismatch"
    assert "dose_mismatch" in {a.code.value for a in t[0].alerts}
    assert t[1].state == State.CONFIRM_ORDER and t[1].slots["pharmacy_id"] == "PH004"  # the pharmacy said holds


def test_any_subset_skips_what_it_answers(talk):
    dose_only = talk("P001", "refill lisinopril 10 mg", now=ELEVEN)[0]
    assert dose_only.state == State.SELECT_PHARMACY
    pharmacy_only = talk("P001", "refill my atorvastatin at costco", "yes", now=ELEVEN)
    assert pharmacy_only[0].state == State.CONFIRM_DOSAGE
    assert pharmacy_only[1].state == State.CONFIRM_ORDER and pharmacy_only[1].slots["pharmacy_id"] == "PH004"


def test_urgency_is_no_pharmacy_choice(talk):
    t = talk("P008", "i need my tamsulosin refilled asap", "correct", now=ELEVEN)
    assert t[1].state == State.SELECT_PHARMACY  # "asap" is not "the fastest"
