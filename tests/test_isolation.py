"""Patient isolation, probed exhaustively: every ID-taking tool with every other patient's IDs,
and every other patient named or numbered in a message. Nothing of theirs may come back."""

from __future__ import annotations

import json

import pytest

from rxflow.tools import REGISTRY, call_tool
from rxflow.ui import render

DEMO = [f"P00{i}" for i in range(1, 9)]


def id_probes(store, me: str):
    """(tool, args, other patient) for every tool argument that names a row, with other patients' ids."""
    probes = []
    for other in store.patients():
        if other.patient_id == me:
            continue
        found = []
        for rx in store.prescriptions(other.patient_id):
            found += [("adherence_check", {"rx_id": rx.rx_id}),
                       ("dosage_verification", {"rx_id": rx.rx_id, "stated_strength": "10 mg"}),
                       ("inventory_check", {"pharmacy_id": "PH001", "rx_id": rx.rx_id}),
                       ("price_lookup", {"rx_id": rx.rx_id}),
                       ("brand_generic_compare", {"rx_id": rx.rx_id, "pharmacy_id": "PH001"}),
                       ("prior_auth_lookup", {"rx_id": rx.rx_id}),
                       ("submit_order", {"rx_id": rx.rx_id, "pharmacy_id": "PH001", "confirmed": True,
                                         "idempotency_key": f"probe-{me}-{rx.rx_id}"}),
                       ("create_request", {"rx_id": rx.rx_id, "kind": "pharmacist_callback", "reason": "patient_request",
                                           "confirmed": True, "idempotency_key": f"probe-{me}-{rx.rx_id}"}),
                       ("list_requests", {"rx_id": rx.rx_id}),
                       ("delivery_quote", {"rx_id": rx.rx_id, "pharmacy_id": "PH001"}),
                       ("auto_refill_plan", {"rx_id": rx.rx_id}),
                       ("enrol_auto_refill", {"rx_id": rx.rx_id, "pharmacy_id": "PH001", "confirmed": True,
                                              "idempotency_key": f"probe-{me}-{rx.rx_id}"}),
                       ("reminder_plan", {"rx_id": rx.rx_id}),
                       ("schedule_reminder", {"rx_id": rx.rx_id, "confirmed": True,
                                              "idempotency_key": f"probe-{me}-{rx.rx_id}"})]
        for o in store.orders(other.patient_id):
            found += [("track_order", {"order_id": o.order_id}), ("cancel_order", {"order_id": o.order_id})]
        for q in store.requests(other.patient_id):
            found += [("list_requests", {"request_id": q.request_id}), ("withdraw_request", {"request_id": q.request_id})]
        for e in store.enrolments(other.patient_id):
            found += [("change_auto_refill", {"enrolment_id": e.enrolment_id, "action": "stop", "confirmed": True,
                                              "idempotency_key": f"probe-{me}-{e.enrolment_id}"})]
        for r in store.reminders(other.patient_id):
            found += [("cancel_reminder", {"reminder_id": r.reminder_id, "confirmed": True,
                                           "idempotency_key": f"probe-{me}-{r.reminder_id}"})]
        probes += [(name, args, other) for name, args in found]
    return probes


def test_every_id_taking_tool_refuses_other_patients(ctx_for, store):
    taking_ids = {name for name, s in REGISTRY.items()
                  if {"rx_id", "order_id", "request_id", "enrolment_id", "reminder_id"} & set(s.json_schema()["properties"])}
    for p in store.patients():  # a request, a reminder and an auto-refill of each patient's own, for the others to probe
        own = ctx_for(p.patient_id)
        rx = store.prescriptions(p.patient_id)[0]
        assert call_tool(own, "create_request", {
            "rx_id": rx.rx_id, "kind": "pharmacist_callback", "reason": "patient_request", "confirmed": True,
            "idempotency_key": f"own-{p.patient_id}"}).ok
        assert call_tool(own, "schedule_reminder", {"rx_id": rx.rx_id, "confirmed": True,
                                                    "idempotency_key": f"own-{p.patient_id}"}).ok
        auto = [r for r in store.prescriptions(p.patient_id) if call_tool(own, "auto_refill_plan", {"rx_id": r.rx_id}).ok]
        if auto:  # not P004: every one of his is a controlled substance
            assert call_tool(own, "enrol_auto_refill", {"rx_id": auto[0].rx_id, "pharmacy_id": "PH001", "confirmed": True,
                                                        "idempotency_key": f"own-{p.patient_id}"}).ok
    sent = store.row("SELECT count(*) AS n FROM requests WHERE status = 'sent'")["n"]
    settings = store.row("SELECT (SELECT count(*) FROM enrolments WHERE status = 'active') + "
                         "(SELECT count(*) FROM reminders WHERE status = 'scheduled') AS n")["n"]
    total = 0
    for me in DEMO:
        probes = id_probes(store, me)
        assert {name for name, _, _ in probes} == taking_ids
        my_drugs = {rx.drug_id for rx in store.prescriptions(me)}
        for name, args, other in probes:
            r = call_tool(ctx_for(me), name, args)
            total += 1
            assert not r.ok and r.error["code"] == "forbidden" and r.data is None, (me, name, args)
            text = json.dumps(r.error)
            theirs = {store.drug(rx.drug_id).generic_name for rx in store.prescriptions(other.patient_id)
                      if rx.drug_id not in my_drugs}
            assert other.last_name not in text and not any(d in text for d in theirs), (name, text)
    assert store.row("SELECT count(*) AS n FROM orders")["n"] == 10  # nothing written, nothing cancelled
    assert store.row("SELECT count(*) AS n FROM requests WHERE status = 'sent'")["n"] == sent  # nor withdrawn
    assert store.row("SELECT (SELECT count(*) FROM enrolments WHERE status = 'active') + "
                     "(SELECT count(*) FROM reminders WHERE status = 'scheduled') AS n")["n"] == settings
    assert all(o.status == s for o, s in ((store.order("ORD-20007"), "received"), (store.order("ORD-20009"), "in_progress")))
    assert total > 1000  # the probes are exhaustive, not a sample


def test_no_tool_argument_can_name_the_patient():
    for spec in REGISTRY.values():
        assert "patient_id" not in spec.json_schema()["properties"], spec.name


@pytest.mark.parametrize("me", DEMO)
def test_messages_naming_other_patients_are_refused_everywhere(assistant, store, me):
    sid = assistant.start(me)
    leaks = 0
    mine = {me} | {r["patient_id"] for r in store.rows("SELECT patient_id FROM caregivers WHERE caregiver_id = ?", [me])}
    for other in store.patients():
        if other.patient_id in mine:  # a dependant who authorised `me` is reachable (tests/test_caregivers.py)
            continue
        their_drugs = {store.drug(rx.drug_id).generic_name for rx in store.prescriptions(other.patient_id)}
        my_drugs = {store.drug(rx.drug_id).generic_name for rx in store.prescriptions(me)}
        for msg in (f"show me {other.patient_id}'s medications", f"refill {other.first_name} {other.last_name}'s meds",
                    f"what does {other.first_name}'s prescription list say?"):
            t = assistant.handle(sid, msg)
            conv = assistant.conversation(sid)
            panels = json.dumps([t.reply, t.slots, render.slots_json(conv), render.alerts_md(conv),
                                 render.tool_table(t).to_dict(), render.program_md(t, conv, "offline")], default=str)
            assert t.guarded and "anyone else" in t.reply
            leaks += sum(1 for d in their_drugs - my_drugs if d in panels)
            leaks += other.last_name in panels.replace(msg, "")
    assert leaks == 0
