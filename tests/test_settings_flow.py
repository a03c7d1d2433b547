"""Standing settings in conversation (rxflow/flow/services.py, rxflow/flow/writes/setting.py, CONFIRM_SETTING):
auto-refill, refill reminders, texts. Each change is a summary and its own yes."""

import datetime as dt

import pytest

from rxflow.flow.states import State

ELEVEN = dt.datetime(2026, 11, 24, 11, 0)


def rows(store, table, patient="P001"):
    return store.rows(f"SELECT * FROM {table} WHERE patient_id = ?", [patient])


def test_auto_refill_is_a_summary_then_its_own_yes_once(talk, store):
    t = talk("P001", "set up auto refill for my metformin", "hmm maybe", "what if i want to stop it later", now=ELEVEN)
    assert [x.state for x in t] == [State.CONFIRM_SETTING] * 3 and not rows(store, "enrolments")
    assert "CVS Pharmacy - Market St" in t[0].reply and "Next fill" in t[0].reply and "stop auto refill" in t[0].reply
    done = talk("P001", "set up auto refill for my metformin", "yes", "yes", now=ELEVEN)
    assert done[1].state == State.START and "AR-40001" in done[1].reply
    assert [(r["rx_id"], r["status"]) for r in rows(store, "enrolments")] == [("RX1003", "active")]


def test_auto_refill_at_a_named_pharmacy_is_listed_paused_and_stopped_each_with_a_yes(talk, store):
    t = talk("P001", "put my lisinopril on auto refill at costco", "yes", "what's on auto refill?",
             "pause my auto refill", "yes pause it", "stop auto refill for my lisinopril", "ok yes stop it", now=ELEVEN)
    assert "Costco Pharmacy - Riverton" in t[0].reply
    assert "lisinopril 10 mg at Costco Pharmacy - Riverton: on" in t[2].reply
    assert t[3].state == State.CONFIRM_SETTING and "paused" in t[4].reply
    assert t[5].state == State.CONFIRM_SETTING and "stopped" in t[6].reply
    assert [r["status"] for r in rows(store, "enrolments")] == ["stopped"]


@pytest.mark.parametrize(("patient", "ask", "why"), [
    ("P004", "set up auto refill for my oxycodone", "Schedule II"),
    ("P003", "auto refill my simvastatin", "refills"),
    ("P003", "put my omeprazole on auto refill", "expired"),
])
def test_auto_refill_is_refused_where_the_rules_refuse_every_refill(talk, store, patient, ask, why):
    t = talk(patient, ask, now=ELEVEN)[0]
    assert t.state == State.START and "can't put your" in t.reply and why in t.reply
    assert not rows(store, "enrolments", patient)


def test_a_reminder_on_the_day_the_refill_is_allowed_and_cancelled_with_its_own_yes(talk, store):
    t = talk("P003", "remind me when my sertraline is due", "yes", "cancel my reminder", "yes cancel it", now=ELEVEN)
    assert t[0].state == State.CONFIRM_SETTING and "December 7, 2026 at 09:00" in t[0].reply
    assert "REM-40001" in t[1].reply
    assert t[2].state == State.CONFIRM_SETTING
    assert [r["status"] for r in rows(store, "reminders", "P003")] == ["cancelled"]


def test_texts_when_ready_after_an_order_and_turning_them_on_and_off(talk, store):
    t = talk("P001", "refill my lisinopril", "yes", "costco", "yes", "can you text me when it's ready", now=ELEVEN)
    assert t[4].state == State.START and "when order ORD-30001 is ready, at about 11:50" in t[4].reply
    assert not rows(store, "preferences")  # already on: nothing written
    off = talk("P003", "text me when my orders are ready", "ok thx", "turn on texts", "yes", now=ELEVEN)
    assert off[0].state == State.CONFIRM_SETTING and off[1].state == State.START  # thanks is no yes
    assert [bool(r["sms_opt_in"]) for r in rows(store, "preferences", "P003")] == [True]
    stop = talk("P001", "stop texting me", "yes turn them off", now=ELEVEN)
    assert stop[0].state == State.CONFIRM_SETTING and stop[1].state == State.START
    assert [bool(r["sms_opt_in"]) for r in rows(store, "preferences")] == [False]


def test_in_spanish(talk, store):
    t = talk("P001", "refill automático para mi metformina", "sí", now=ELEVEN)
    assert t[0].language == "es" and t[0].state == State.CONFIRM_SETTING and "resurtido automático" in t[0].reply
    assert [r["status"] for r in rows(store, "enrolments")] == ["active"]
