"""The issue-19 tools: delivery, the world's clock in orders, texts, auto-refill, reminders, transfers,
caregivers, prescription numbers and several prescriptions at one pharmacy."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import MOCK, TODAY
from helpers import err, ok_json

from rxflow.store import Store
from rxflow.tools import ToolContext, ToolError, call_tool

T = dt.datetime.fromisoformat
ELEVEN = T("2026-11-24T11:00")  # the eval clock


@pytest.fixture
def at(store):
    """at("P001", "2026-11-24T21:30") -> a context for that patient at that world time (11:00 by default)."""

    def make(patient_id: str, now: str | dt.datetime = ELEVEN, sandbox: str = "", actor: str | None = None):
        now = T(now) if isinstance(now, str) else now
        if actor:
            return ToolContext.acting(store, actor, patient_id, now.date(), sandbox, now=now)
        return ToolContext(store, patient_id, now.date(), sandbox, now=now)

    return make


def _order(c, rx="RX1001", pharmacy="PH004", key="k-order-0001", **kw):
    return ok_json(c, "submit_order", rx_id=rx, pharmacy_id=pharmacy, confirmed=True, idempotency_key=key, **kw)


# ----------------------------------------------------------------------------- ready times and delivery
def test_an_order_placed_after_closing_is_ready_after_the_next_opening(store, at):
    late = _order(at("P001", "2026-11-24T21:30"), pharmacy="PH004")["order"]  # open 10:00-20:30, a 50-minute wait
    assert late["created_at"] == "2026-11-24T21:30:00"
    assert late["ready_at"] == "2026-11-25T10:50:00" and late["fulfilment"] == "pickup" and late["placed_by"] == "P001"
    early = _order(at("P002", "2026-11-24T05:00"), rx="RX2001", key="k-order-0002")["order"]
    assert early["ready_at"] == "2026-11-24T10:50:00"
    # A 24-hour pharmacy is not affected: ready after its wait, past midnight too.
    night = _order(at("P002", "2026-11-24T23:50"), rx="RX2002", pharmacy="PH006", key="k-order-0003")["order"]
    wait = store.wait_minutes("PH006", TODAY.weekday())
    assert T(night["ready_at"]) == T("2026-11-24T23:50") + dt.timedelta(minutes=wait) and night["ready_at"] > "2026-11-25"


def test_offers_carry_the_ready_time_and_delivery(at):
    quotes = {q["pharmacy_id"]: q for q in ok_json(at("P001", "2026-11-24T21:30"), "price_lookup", rx_id="RX1001")["quotes"]}
    assert quotes["PH004"]["ready_at"] == "2026-11-25T10:50:00" and quotes["PH004"]["delivery"] == "mail"
    assert quotes["PH001"]["delivery"] == "courier" and quotes["PH001"]["delivery_fee"] == 4.99
    assert quotes["PH003"]["delivery_fee"] == 0 and quotes["PH007"]["delivery"] == "" and quotes["PH007"]["delivery_fee"] is None


def test_delivery_quote(at):
    q = ok_json(at("P001"), "delivery_quote", rx_id="RX1001", pharmacy_id="PH001")
    assert (q["method"], q["fee"], q["address"]) == ("courier", 4.99, "14 Chestnut St, Riverton")
    assert q["ready_at"] == "2026-11-24T11:38:00"
    assert (q["arrives_from"], q["arrives_until"]) == ("2026-11-24T16:00:00", "2026-11-24T20:00:00")
    late = ok_json(at("P001", "2026-11-24T15:00"), "delivery_quote", rx_id="RX1001", pharmacy_id="PH001")
    assert late["arrives_from"] == "2026-11-25T16:00:00"  # ready after the 14:00 cut-off: tomorrow
    mail = ok_json(at("P001"), "delivery_quote", rx_id="RX1001", pharmacy_id="PH004")
    assert (mail["method"], mail["fee"], mail["arrives_from"]) == ("mail", 0, "2026-11-27T09:00:00")
    e = err(at("P001"), "delivery_quote", rx_id="RX1001", pharmacy_id="PH007")
    assert (e["code"], e["reason"]) == ("refused", "no_delivery")
    assert err(at("P001"), "delivery_quote", rx_id="RX3001", pharmacy_id="PH001")["reason"] == "not_yours"


def test_a_delivery_order_and_its_status_over_time(store, at):
    d = _order(at("P001"), pharmacy="PH001", delivery=True)
    o = d["order"]
    assert (o["fulfilment"], o["delivery_fee"], o["delivery_address"]) == ("delivery", 4.99, "14 Chestnut St, Riverton")
    assert (o["arrives_from"], o["arrives_until"]) == ("2026-11-24T16:00:00", "2026-11-24T20:00:00")
    assert d["texted"]
    oid = o["order_id"]

    def track(now):
        return ok_json(at("P001", now), "track_order", order_id=oid)

    assert track("2026-11-24T11:10")["status_now"] == "received"
    assert "delivered to 14 Chestnut St, Riverton between 16:00 and 20:00 on November 24" in track("2026-11-24T11:10")["message"]
    assert track("2026-11-24T12:00")["status_now"] == "on_its_way"
    assert track("2026-11-24T20:00")["status_now"] == "delivered"
    assert track("2026-11-24T20:00")["order"]["status"] == "received"  # read from the clock, never written
    assert store.order(oid).status == "received"
    texts = store.messages("P001")
    assert [(m.kind, m.ref_id, m.send_at) for m in texts] == [("on_its_way", oid, T("2026-11-24T11:38"))]
    assert "on its way to 14 Chestnut St, Riverton" in texts[0].body and oid in texts[0].body


def test_a_pickup_order_reads_ready_after_its_ready_time(at):
    oid = _order(at("P001"))["order"]["order_id"]
    assert ok_json(at("P001", "2026-11-24T11:49"), "track_order", order_id=oid)["status_now"] == "received"
    ready = ok_json(at("P001", "2026-11-24T11:50"), "track_order", order_id=oid)
    assert ready["status_now"] == "ready" and "ready for pickup" in ready["message"]
    # Seeded orders too: ORD-20009 (in progress, ready at 09:25) is ready at 11:00.
    assert ok_json(at("P009"), "track_order", order_id="ORD-20009")["status_now"] == "ready"


def test_delivery_from_a_pharmacy_that_does_not_deliver_is_refused(store, at):
    e = err(at("P001"), "submit_order", rx_id="RX1001", pharmacy_id="PH007", confirmed=True,
            idempotency_key="k-order-nodel", delivery=True)
    assert (e["code"], e["reason"]) == ("refused", "no_delivery")
    assert store.open_orders("RX1001") == []


def test_cancelling_an_order_cancels_its_text(store, at):
    oid = _order(at("P001"))["order"]["order_id"]
    ok_json(at("P001", "2026-11-24T11:05"), "cancel_order", order_id=oid)
    assert [m.cancelled for m in store.messages("P001")] == [True]
    assert ok_json(at("P001", "2026-11-24T12:00"), "outbox")["messages"] == []


# ----------------------------------------------------------------------------- texts
def test_texts_are_on_for_everyone_but_linda_park(at):
    assert ok_json(at("P001"), "notification_settings") == {"sms_on": True, "phone": "555-2001"}
    assert ok_json(at("P003"), "notification_settings") == {"sms_on": False, "phone": "555-2003"}


def test_an_order_texts_at_its_ready_time_when_texts_are_on(store, at):
    d = _order(at("P001"))
    assert d["texted"]
    before = ok_json(at("P001", "2026-11-24T11:49"), "outbox")
    assert before["messages"] == [] and before["scheduled"] == 1 and before["next_at"] == "2026-11-24T11:50:00"
    after = ok_json(at("P001", "2026-11-24T11:50"), "outbox")
    (m,) = after["messages"]
    assert after["scheduled"] == 0 and m["kind"] == "ready" and m["message_id"] == "MSG-50001"
    assert m["facts"]["medication"] == "lisinopril" and m["facts"]["pharmacy_id"] == "PH004"
    assert m["body"].startswith("RxFlow: your lisinopril 10 mg (order ORD-30001) is ready for pickup at Costco")


def test_no_text_when_texts_are_off(store, at):
    c = at("P002")
    assert not ok_json(c, "set_notifications", sms_on=False, confirmed=True, idempotency_key="k-sms-off-1")["sms_on"]
    assert not _order(c, rx="RX2001")["texted"]
    assert store.messages("P002") == []


def test_turning_texts_on_and_off(store, at):
    c = at("P003")
    assert err(c, "set_notifications", sms_on=True, confirmed=False, idempotency_key="k-sms-on-01")["reason"] == "not_confirmed"
    on = ok_json(c, "set_notifications", sms_on=True, confirmed=True, idempotency_key="k-sms-on-01")
    assert on == {"sms_on": True, "phone": "555-2003", "changed": True}
    again = ok_json(c, "set_notifications", sms_on=True, confirmed=True, idempotency_key="k-sms-on-01")
    assert again["changed"] is False and store.row("SELECT count(*) AS n FROM preferences")["n"] == 1
    assert err(c, "set_notifications", sms_on=False, confirmed=True, idempotency_key="k-sms-on-01")["reason"] == "key_reused"
    # Off cancels the order texts not sent yet (a reminder stays).
    p1 = at("P001")
    _order(p1)
    ok_json(p1, "schedule_reminder", rx_id="RX1002", confirmed=True, idempotency_key="k-remind-01")
    ok_json(p1, "set_notifications", sms_on=False, confirmed=True, idempotency_key="k-sms-off-01")
    assert {m.kind: m.cancelled for m in store.messages("P001")} == {"ready": True, "reminder": False}
    assert not ok_json(p1, "notification_settings")["sms_on"]


# ----------------------------------------------------------------------------- auto-refill
@pytest.mark.parametrize("patient,rx,pharmacy,next_fill", [
    ("P001", "RX1003", "PH001", "2026-11-24"),  # due: today, where it was last filled
    ("P003", "RX3001", "PH007", "2026-12-07"),  # too soon until December 7
    ("P002", "RX2003", "PH003", "2026-11-24"),
])
def test_auto_refill_plan(at, patient, rx, pharmacy, next_fill):
    plan = ok_json(at(patient), "auto_refill_plan", rx_id=rx)
    assert (plan["pharmacy_id"], plan["next_fill_date"], plan["due_now"]) == (pharmacy, next_fill, next_fill == "2026-11-24")
    assert ok_json(at(patient), "auto_refill_plan", rx_id=rx, pharmacy_id="PH004")["pharmacy_id"] == "PH004"


@pytest.mark.parametrize("patient,rx,alerts", [
    ("P004", "RX4001", ["controlled_c2"]), ("P004", "RX4002", ["controlled_substance"]),
    ("P004", "RX4003", ["controlled_substance"]), ("P003", "RX3002", ["no_refills"]), ("P003", "RX3003", ["expired"]),
])
def test_auto_refill_is_refused_where_every_refill_would_be(at, patient, rx, alerts):
    e = err(at(patient), "auto_refill_plan", rx_id=rx)
    assert (e["code"], e["reason"], e["alerts"]) == ("refused", "auto_refill_refused", alerts)
    e = err(at(patient), "enrol_auto_refill", rx_id=rx, pharmacy_id="PH004", confirmed=True, idempotency_key="k-auto-refused")
    assert e["reason"] == "auto_refill_refused"


def test_enrol_and_change_an_auto_refill(store, at):
    c = at("P001")
    args = {"rx_id": "RX1003", "pharmacy_id": "PH004", "confirmed": True, "idempotency_key": "k-auto-0001"}
    assert err(c, "enrol_auto_refill", **{**args, "confirmed": False})["reason"] == "not_confirmed"
    first = ok_json(c, "enrol_auto_refill", **args)
    e = first["enrolment"]
    assert first["created"] and (e["enrolment_id"], e["status"], e["next_fill_date"], e["placed_by"]) == (
        "AR-40001", "active", "2026-11-24", "P001")
    assert not ok_json(c, "enrol_auto_refill", **args)["created"]  # a repeated yes
    dup = err(c, "enrol_auto_refill", **{**args, "idempotency_key": "k-auto-0002"})
    assert (dup["reason"], dup["enrolment_id"]) == ("already_enrolled", "AR-40001")
    (notice,) = store.messages("P001")
    assert (notice.kind, notice.send_at, notice.ref_id) == ("auto_refill", ELEVEN, "AR-40001")

    def change(action, key):
        return ok_json(at("P001", "2026-11-24T10:00"), "change_auto_refill", enrolment_id="AR-40001", action=action,
                       confirmed=True, idempotency_key=key)

    assert change("pause", "k-pause-001")["enrolment"]["status"] == "paused"
    assert store.messages("P001")[0].cancelled  # the notice not sent yet goes with the pause
    assert change("pause", "k-pause-001")["changed"] is False
    assert change("pause", "k-pause-002")["changed"] is False  # already paused
    assert change("resume", "k-resume-01")["enrolment"]["status"] == "active"
    assert change("pause", "k-pause-001")["changed"] is False  # that key paused it once; it never pauses again
    assert ok_json(c, "list_auto_refills")["enrolments"][0]["enrolment"]["status"] == "active"
    assert change("stop", "k-stop-0001")["enrolment"]["status"] == "stopped"
    stopped = err(c, "change_auto_refill", enrolment_id="AR-40001", action="resume", confirmed=True,
                  idempotency_key="k-resume-02")
    assert (stopped["code"], stopped["reason"]) == ("conflict", "enrolment_stopped")
    # Stopped, it may be set up again.
    assert ok_json(c, "enrol_auto_refill", **{**args, "idempotency_key": "k-auto-0003"})["enrolment"]["enrolment_id"] == "AR-40002"
    assert err(at("P003"), "change_auto_refill", enrolment_id="AR-40002", action="stop", confirmed=True,
               idempotency_key="k-stop-0002")["reason"] == "not_yours"
    assert err(c, "change_auto_refill", enrolment_id="AR-49999", action="stop", confirmed=True,
               idempotency_key="k-stop-0003")["reason"] == "not_on_record"


# ----------------------------------------------------------------------------- reminders
@pytest.mark.parametrize("patient,rx,day,basis", [
    ("P003", "RX3001", "2026-12-07", "refill_allowed"),  # sertraline: too soon until December 7
    ("P001", "RX1001", "2026-11-25", "supply_ends"),  # lisinopril: last fill Oct 26, 30 days
    ("P001", "RX1003", "2026-11-28", "supply_ends"),
    ("P002", "RX2003", "2026-11-25", "tomorrow"),  # levothyroxine: 90 days from Aug 20 ended Nov 18
    ("P027", "RX27002", "2026-12-06", "refill_allowed"),
])
def test_reminder_plan(at, patient, rx, day, basis):
    plan = ok_json(at(patient), "reminder_plan", rx_id=rx)
    assert (plan["remind_on"], plan["send_at"], plan["basis"]) == (day, f"{day}T09:00:00", basis)
    assert plan["phone"] == f"555-20{patient[-2:]}"


def test_a_reminder_for_a_blocked_prescription_says_what_blocks_it(at):
    assert ok_json(at("P003"), "reminder_plan", rx_id="RX3002")["blocked_by"] == ["no_refills"]
    assert ok_json(at("P003"), "reminder_plan", rx_id="RX3001")["blocked_by"] == []


def test_schedule_and_cancel_a_reminder(store, at):
    c = at("P003")
    args = {"rx_id": "RX3001", "confirmed": True, "idempotency_key": "k-remind-001"}
    r = ok_json(c, "schedule_reminder", **args)
    assert r["created"] and r["reminder"]["reminder_id"] == "REM-40001" and r["reminder"]["send_at"] == "2026-12-07T09:00:00"
    (text,) = store.messages("P003")  # written with it, even though her texts are off: she asked for this one
    assert (text.kind, text.ref_id, text.send_at) == ("reminder", "REM-40001", T("2026-12-07T09:00"))
    assert "sertraline 50 mg can be refilled from today" in text.body
    assert not ok_json(c, "schedule_reminder", **args)["created"]
    dup = err(c, "schedule_reminder", **{**args, "idempotency_key": "k-remind-002"})
    assert (dup["reason"], dup["reminder_id"]) == ("reminder_exists", "REM-40001")
    assert ok_json(c, "list_reminders")["reminders"][0]["sent"] is False
    assert ok_json(at("P003", "2026-12-07T09:00"), "outbox")["messages"][0]["kind"] == "reminder"

    cancel = {"reminder_id": "REM-40001", "confirmed": True, "idempotency_key": "k-unremind-1"}
    assert err(c, "cancel_reminder", **{**cancel, "confirmed": False})["reason"] == "not_confirmed"
    done = ok_json(c, "cancel_reminder", **cancel)
    assert done["changed"] and done["reminder"]["status"] == "cancelled" and store.messages("P003")[0].cancelled
    assert ok_json(c, "cancel_reminder", **cancel)["changed"] is False
    assert err(c, "cancel_reminder", **{**cancel, "idempotency_key": "k-unremind-2"})["reason"] == "already_cancelled"
    assert err(at("P001"), "cancel_reminder", **{**cancel, "idempotency_key": "k-unremind-3"})["reason"] == "not_yours"
    # Cancelled, another may be scheduled.
    assert ok_json(c, "schedule_reminder", **{**args, "idempotency_key": "k-remind-003"})["reminder"]["reminder_id"] == "REM-40002"


# ----------------------------------------------------------------------------- transfers
def test_transfer_plan(at):
    c = at("P001")
    plan = ok_json(c, "transfer_plan", medication="Lipitor", from_pharmacy="  Rite Aid on Main St ")
    assert (plan["drug_id"], plan["rx_id"], plan["strength"], plan["from_pharmacy"]) == (
        "atorvastatin", "RX1002", "20 mg", "Rite Aid on Main St")
    assert (plan["pharmacy_id"], plan["turnaround"]) == ("PH001", "one business day")  # where she last filled anything
    off = ok_json(c, "transfer_plan", medication="sertraline", from_pharmacy="Rite Aid", pharmacy_id="PH004")
    assert (off["rx_id"], off["strength"], off["pharmacy_id"]) == ("", "", "PH004")
    assert ok_json(at("P027"), "transfer_plan", medication="losartan", from_pharmacy="Rite Aid")["pharmacy_id"] == "PH003"


@pytest.mark.parametrize("medication,source,code,reason", [
    ("oxycodone", "Rite Aid", "refused", "not_transferable"),
    ("Adderall", "Rite Aid", "refused", "not_transferable"),
    ("atorvastatin", "Costco Pharmacy - Riverton", "bad_input", "from_our_pharmacy"),
    ("atorvastatin", "ph004", "bad_input", "from_our_pharmacy"),
    ("zzqxwv", "Rite Aid", "not_found", "unknown_drug"),
    ("atorvastatin", "x" * 81, "bad_input", "invalid_args"),
])
def test_transfers_refused(at, medication, source, code, reason):
    e = err(at("P001"), "transfer_plan", medication=medication, from_pharmacy=source)
    assert (e["code"], e["reason"]) == (code, reason)


def test_a_controlled_substance_below_schedule_ii_may_be_transferred(at):
    assert ok_json(at("P004"), "transfer_plan", medication="alprazolam", from_pharmacy="Rite Aid")["rx_id"] == "RX4002"


def test_request_list_and_withdraw_a_transfer(store, at):
    c = at("P001")
    args = {"medication": "sertraline", "from_pharmacy": "Rite Aid on Main St", "confirmed": True,
            "idempotency_key": "k-transfer-01"}
    assert err(c, "request_transfer", **{**args, "confirmed": False})["reason"] == "not_confirmed"
    r = ok_json(c, "request_transfer", **args)
    q = r["request"]
    assert r["created"] and (q["request_id"], q["kind"], q["rx_id"], q["drug_id"], q["status"]) == (
        "REQ-40001", "transfer", "", "sertraline", "sent")
    assert (r["from_pharmacy"], r["to_pharmacy"], q["placed_by"]) == ("Rite Aid on Main St", "CVS Pharmacy - Market St",
                                                                    "P001")
    assert not ok_json(c, "request_transfer", **args)["created"]
    dup = err(c, "request_transfer", **{**args, "idempotency_key": "k-transfer-02"})
    assert (dup["reason"], dup["request_id"]) == ("request_exists", "REQ-40001")
    (line,) = ok_json(c, "list_requests")["requests"]
    assert (line["medication"], line["from_pharmacy"], line["to_pharmacy"]) == ("sertraline", "Rite Aid on Main St",
                                                                               "CVS Pharmacy - Market St")
    assert ok_json(c, "withdraw_request", request_id="REQ-40001")["request"]["status"] == "withdrawn"
    frame = store.requests_frame("P001")
    assert list(frame["medication"]) == ["sertraline"] and list(frame["kind"]) == ["transfer"]


def test_create_request_cannot_send_a_transfer(at):
    assert err(at("P003"), "create_request", rx_id="RX3003", kind="transfer", reason="expired", confirmed=True,
               idempotency_key="k-req-transfer")["reason"] == "invalid_args"


# ----------------------------------------------------------------------------- caregivers
def test_a_caregiver_acts_for_a_dependant(store, at):
    mom = at("P027", actor="P002")
    assert (mom.patient_id, mom.actor_id, mom.actor) == ("P027", "P002", "P002")
    hist = ok_json(mom, "patient_history")
    assert hist["name"] == "Eleanor Carter" and hist["plan"] == "Silver Senior Part D" and hist["allergies"] == []
    meds = {m["rx_id"]: m for m in hist["medications"]}
    assert meds["RX27001"]["name"] == "losartan" and meds["RX27001"]["strength"] == "50 mg"
    assert meds["RX27001"]["refill"]["status"] == "due" and meds["RX27001"]["refills_remaining"] == 8
    assert meds["RX27001"]["last_pharmacy_id"] == "PH003" and meds["RX27001"]["prescriber"] == "Dr. Samuel Ortiz"
    assert meds["RX27002"]["refill"]["status"] == "too_soon" and meds["RX27002"]["refill"]["due_date"] == "2026-12-06"
    assert meds["RX27002"]["refills_remaining"] == 2 and meds["RX27002"]["prescriber"] == "Dr. Priya Natarajan"
    order = _order(mom, rx="RX27001", pharmacy="PH003")["order"]
    assert (order["patient_id"], order["placed_by"]) == ("P027", "P002")
    assert store.messages("P027")[0].kind == "ready"
    # His own record is still his.
    assert err(mom, "price_lookup", rx_id="RX2001")["reason"] == "not_yours"
    assert ok_json(at("P002", actor="P002"), "patient_history")["name"] == "James Carter"


@pytest.mark.parametrize("actor,patient", [("P001", "P027"), ("P001", "P002"), ("P027", "P002"), ("P001", "P999")])
def test_acting_for_someone_needs_an_authorisation(store, actor, patient):
    with pytest.raises(ToolError) as e:
        ToolContext.acting(store, actor, patient, TODAY)
    assert (e.value.code, e.value.reason) == ("forbidden", "not_authorised")
    # The same words whether or not the person exists.
    assert e.value.message == "I can only help with your own record, or one you are authorised to manage."


def test_my_dependants(at):
    assert ok_json(at("P002"), "my_dependants")["dependants"] == [
        {"patient_id": "P027", "first_name": "Eleanor", "last_name": "Carter", "relationship": "mother"}]
    assert ok_json(at("P027", actor="P002"), "my_dependants")["dependants"][0]["patient_id"] == "P027"
    assert ok_json(at("P001"), "my_dependants")["dependants"] == []
    assert ok_json(at("P027"), "my_dependants")["dependants"] == []


# ----------------------------------------------------------------------------- prescription numbers
@pytest.mark.parametrize("number", ["1001", "RX1001", "rx1001", "rx 1001", "#1001", " # 1001 ", "Rx #1001"])
def test_find_prescription_by_number(at, number):
    line = ok_json(at("P001"), "find_prescription", number=number)
    assert (line["rx_id"], line["name"], line["strength"]) == ("RX1001", "lisinopril", "10 mg")
    assert line["refill"]["status"] == "due"


def test_a_number_not_on_the_record_never_says_whose_it_is(at):
    theirs = err(at("P001"), "find_prescription", number="3001")  # Linda Park's sertraline
    nobodys = err(at("P001"), "find_prescription", number="3999")
    assert (theirs["code"], theirs["reason"]) == (nobodys["code"], nobodys["reason"]) == ("not_found", "not_on_record")
    assert theirs["message"].replace("3001", "N") == nobodys["message"].replace("3999", "N")
    assert set(theirs) == set(nobodys)
    assert not any(w in json.dumps(theirs) for w in ("sertraline", "Park", "Linda", "P003"))
    assert err(at("P001"), "find_prescription", number="lisinopril")["reason"] == "invalid_args"


# ----------------------------------------------------------------------------- several prescriptions at once
def test_basket_offers_for_everything_due(at):
    d = ok_json(at("P001"), "basket_offers", rx_ids=["RX1001", "rx1002", "RX1003", "RX1001"])
    assert d["rx_ids"] == ["RX1001", "RX1002", "RX1003"]
    offers = {o["pharmacy_id"]: o for o in d["offers"]}
    assert set(offers) == {"PH001", "PH003", "PH004", "PH005", "PH007", "PH008", "PH009", "PH010", "PH011"}
    assert [o["distance_km"] for o in d["offers"]] == sorted(o["distance_km"] for o in d["offers"])
    costco = offers["PH004"]
    prices = {q["rx_id"]: q for q in (ok_json(at("P001"), "price_lookup", rx_id=rx, pharmacy_id="PH004")["quotes"][0] | {"rx_id": rx}
                                      for rx in ("RX1001", "RX1002", "RX1003"))}
    assert [(i["rx_id"], i["price"]) for i in costco["items"]] == [(rx, prices[rx]["price"]) for rx in prices]
    assert costco["total"] == round(sum(p["price"] for p in prices.values()), 2)
    assert costco["ready_at"] == "2026-11-24T11:50:00" and costco["arrives_from"] is None
    assert {(m["pharmacy_id"], m["missing_rx_id"]) for m in d["missing_one"]} == {
        ("PH002", "RX1003"), ("PH006", "RX1003"), ("PH012", "RX1003")}


def test_basket_offers_with_delivery_and_a_stock_gap(at):
    d = ok_json(at("P001"), "basket_offers", rx_ids=["RX1001", "RX1002", "RX1003"], delivery=True)
    assert {o["pharmacy_id"] for o in d["offers"]} == {"PH001", "PH003", "PH004", "PH005", "PH008", "PH011"}
    cvs = next(o for o in d["offers"] if o["pharmacy_id"] == "PH001")
    assert (cvs["delivery"], cvs["delivery_fee"], cvs["arrives_from"]) == ("courier", 4.99, "2026-11-24T16:00:00")
    james = ok_json(at("P002"), "basket_offers", rx_ids=["RX2001", "RX2002", "RX2003"])
    assert "PH003" not in {o["pharmacy_id"] for o in james["offers"]}
    assert ("PH003", "levothyroxine") in {(m["pharmacy_id"], m["missing_medication"]) for m in james["missing_one"]}


def test_basket_offers_bounds_and_ownership(at):
    assert err(at("P001"), "basket_offers", rx_ids=[])["reason"] == "invalid_args"
    assert err(at("P001"), "basket_offers", rx_ids=["RX1001"] * 11)["reason"] == "invalid_args"
    assert err(at("P001"), "basket_offers", rx_ids=["RX1001", "RX3001"])["reason"] == "not_yours"


# ----------------------------------------------------------------------------- sandboxes, resets, old files
def test_run_time_rows_stay_in_their_sandbox_and_reset_clears_them(store, at):
    a = at("P001", sandbox="tab-a")
    _order(a)
    ok_json(a, "enrol_auto_refill", rx_id="RX1003", pharmacy_id="PH004", confirmed=True, idempotency_key="k-auto-sbx")
    ok_json(a, "schedule_reminder", rx_id="RX1002", confirmed=True, idempotency_key="k-remind-sbx")
    ok_json(a, "set_notifications", sms_on=False, confirmed=True, idempotency_key="k-sms-sbx-1")
    shared = at("P001")
    assert ok_json(shared, "list_auto_refills")["enrolments"] == [] and ok_json(shared, "list_reminders")["reminders"] == []
    assert ok_json(shared, "notification_settings")["sms_on"] and ok_json(shared, "outbox")["scheduled"] == 0
    assert ok_json(a, "outbox")["scheduled"] == 1  # the reminder (the order's and the notice were cancelled by "off")
    store.reset_runtime()
    for table in ("preferences", "outbox", "enrolments", "reminders", "setting_changes"):
        assert store.row(f"SELECT count(*) AS n FROM {table}")["n"] == 0, table


def test_a_file_from_before_issue_19_is_migrated(tmp_path):
    import duckdb

    path = str(tmp_path / "old.duckdb")
    con = duckdb.connect(path)
    con.execute("""CREATE TABLE orders (
        sandbox VARCHAR NOT NULL DEFAULT '', order_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
        rx_id VARCHAR NOT NULL, product_id VARCHAR NOT NULL, pharmacy_id VARCHAR NOT NULL, quantity INTEGER NOT NULL,
        days_supply INTEGER NOT NULL, dispense_brand BOOLEAN NOT NULL, price DOUBLE NOT NULL, price_type VARCHAR NOT NULL,
        status VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, ready_at TIMESTAMP, idempotency_key VARCHAR NOT NULL,
        PRIMARY KEY (sandbox, order_id), UNIQUE (sandbox, idempotency_key))""")
    con.execute("INSERT INTO orders VALUES ('', 'ORD-30007', 'P001', 'RX1001', 'lisinopril-10-mg', 'PH004', 30, 30, "
                "false, 2.1, 'discount_card', 'received', '2026-11-24 10:00', '2026-11-24 10:50', 'k-old-order')")
    con.execute("""CREATE TABLE requests (
        sandbox VARCHAR NOT NULL DEFAULT '', request_id VARCHAR NOT NULL, patient_id VARCHAR NOT NULL,
        rx_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, reason VARCHAR NOT NULL, prescriber_id VARCHAR NOT NULL,
        status VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL,
        idempotency_key VARCHAR NOT NULL, PRIMARY KEY (sandbox, request_id), UNIQUE (sandbox, idempotency_key))""")
    con.execute("INSERT INTO requests VALUES ('', 'REQ-40003', 'P003', 'RX3003', 'renewal', 'expired', 'DR001', 'sent', "
                "'2026-11-24 10:00', '2026-11-24 10:00', 'k-old-request')")
    con.execute("CREATE TABLE pharmacies (pharmacy_id VARCHAR PRIMARY KEY, name VARCHAR, chain VARCHAR, address VARCHAR, "
                "lat DOUBLE, lon DOUBLE, opens VARCHAR, closes VARCHAR, is_24h BOOLEAN, drive_thru BOOLEAN, phone VARCHAR)")
    con.close()
    s = Store(path, MOCK)
    o = s.order("ORD-30007")
    assert (o.fulfilment, o.placed_by, o.price) == ("pickup", None, 2.1)
    assert s.request("REQ-40003").kind == "renewal" and s.request("REQ-40003").drug_id is None
    assert s.pharmacy("PH001").delivery == "courier" and s.patient("P003").sms_opt_in is False
    c = ToolContext(s, "P003", TODAY, now=ELEVEN)
    assert ok_json(c, "list_requests")["requests"][0]["medication"] == "omeprazole"
    assert call_tool(ToolContext(s, "P001", TODAY, now=ELEVEN), "track_order", {"order_id": "ORD-30007"}).ok
    s.close()
