"""Transfers in (rxflow/flow/transfers.py, COLLECT_TRANSFER, writes/transfer.py): what is missing is asked,
then a request's summary and its own yes; trackable and withdrawable like other requests."""

import datetime as dt

from rxflow.flow.states import State

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


def transfers(store, patient="P001"):
    return [r for r in store.requests(patient) if r.kind == "transfer"]


def test_asked_one_thing_at_a_time_then_sent_on_its_own_yes(talk, store):
    t = talk("P001", "i want to transfer my prescription from rite aid", "my atorvastatin", "hmm", "yes", now=ELEVEN)
    assert t[0].state == State.COLLECT_TRANSFER and "Which medication" in t[0].reply
    assert t[1].state == State.CONFIRM_REQUEST and "From: Rite Aid" in t[1].reply
    assert "To: CVS Pharmacy - Market St" in t[1].reply  # where the patient last filled anything
    assert t[2].state == State.CONFIRM_REQUEST and "REQ-40001" in t[3].reply
    (r,) = transfers(store)
    assert r.from_pharmacy == "Rite Aid" and r.pharmacy_id == "PH001" and r.status == "sent"


def test_all_in_one_message_a_drug_not_on_the_record_and_a_vague_source_asked(talk, store):
    t = talk("P005", "move my atorvastatin over from the walgreens in my old town", now=ELEVEN)
    assert t[0].state == State.CONFIRM_REQUEST and "From: Walgreens In My Old Town" in t[0].reply
    vague = talk("P001", "quiero transferir mi receta de otra farmacia", "la metformina", now=ELEVEN)
    assert vague[1].state == State.COLLECT_TRANSFER and vague[1].language == "es"  # "otra farmacia" names none


def test_a_yes_is_no_pharmacy_and_a_change_of_destination_is_a_new_summary(talk, store):
    t = talk("P001", "transfer a prescription", "metoprolol", "yes please", "it's at Rite Aid",
             "ok but send it to costco instead", now=ELEVEN)
    assert t[2].state == State.COLLECT_TRANSFER  # "yes please" is not where it is
    assert t[3].state == State.CONFIRM_REQUEST and "From: Rite Aid" in t[3].reply and not t[3].guarded
    assert "To: Costco Pharmacy - Riverton" in t[4].reply and not transfers(store)


def test_a_schedule_ii_prescription_is_not_transferred(talk, store):
    t = talk("P004", "transfer my oxycodone from walgreens", now=ELEVEN)[0]
    assert t.state == State.START and "can't be transferred" in t.reply and not transfers(store, "P004")


def test_tracked_and_withdrawn_with_its_own_yes(talk, store):
    t = talk("P001", "transfer my atorvastatin from rite aid", "yes", "where's my transfer", "cancel the transfer",
             "no keep it", "cancel the transfer", "yes", now=ELEVEN)
    assert "REQ-40001" in t[2].reply and t[2].state == State.START
    assert t[3].state == State.CONFIRM_REQUEST and t[4].state == State.START
    assert [r.status for r in transfers(store)] == ["withdrawn"]
