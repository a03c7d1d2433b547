"""Every tool: success, typed errors, and never another patient's rows."""

from __future__ import annotations

import json

import pytest
from helpers import err, ok_json

from rxflow.tools import REGISTRY, call_tool, list_tools


def test_registry_has_the_38_tools_in_seven_categories():
    tools = list_tools()
    assert len(tools) == 38
    assert {t["category"] for t in tools} == {"patient", "drugs", "pharmacy", "cost", "orders", "requests", "services"}
    assert {t["name"] for t in tools if t["kind"] == "write"} == {
        "submit_order", "cancel_order", "create_request", "withdraw_request", "request_transfer", "set_notifications",
        "enrol_auto_refill", "change_auto_refill", "schedule_reminder", "cancel_reminder"}
    for t in tools:
        spec = REGISTRY[t["name"]]
        assert "Args:" in spec.description and "Returns:" in spec.description, t["name"]
        assert t["schema"]["type"] == "object"


@pytest.mark.parametrize("query,expected,on", [
    ("lisinipril", "lisinopril", "generic"), ("Lipitor", "atorvastatin", "brand"), ("HCTZ", "hydrochlorothiazide", "abbreviation"),
    ("synthroid", "levothyroxine", "brand"), ("atorvastatine", "atorvastatin", "generic"), ("Zestril", "lisinopril", "brand"),
    ("metformin ER", "metformin-er", "generic"), ("eliquis", "apixaban", "brand"), ("ozempic", "semaglutide", "brand"),
    ("sertaline", "sertraline", "generic"), ("amlodopine", "amlodipine", "generic"),
])
def test_drug_lookup_fuzzy(ctx_for, query, expected, on):
    d = ok_json(ctx_for("P001"), "drug_lookup", query=query)
    assert d["confident"] and d["matches"][0]["drug_id"] == expected and d["matches"][0]["matched_on"] == on


def test_drug_lookup_nonsense_is_not_confident(ctx_for):
    assert not ok_json(ctx_for("P001"), "drug_lookup", query="qwzx")["confident"]
    assert err(ctx_for("P001"), "drug_lookup", query="")["code"] == "bad_input"
    assert err(ctx_for("P001"), "drug_lookup", query="x" * 500)["code"] == "bad_input"


def test_patient_history(ctx_for):
    d = ok_json(ctx_for("P001"), "patient_history")
    assert d["name"] == "Maria Gonzalez" and {m["name"] for m in d["medications"]} == {"lisinopril", "atorvastatin", "metformin"}
    lis = next(m for m in d["medications"] if m["name"] == "lisinopril")
    assert lis["strength"] == "10 mg" and lis["refills_remaining"] == 4
    assert d["recent_orders"] and all(o["order_id"].startswith("ORD-") for o in d["recent_orders"])
    inactive = ok_json(ctx_for("P018"), "patient_history", include_inactive=True)
    assert any(m["status"] == "discontinued" for m in inactive["medications"])
    assert not any(m["status"] == "discontinued" for m in ok_json(ctx_for("P018"), "patient_history")["medications"])


def test_adherence(ctx_for):
    d = ok_json(ctx_for("P001"), "adherence_check", rx_id="RX1001")
    assert 0.8 <= d["proportion_days_covered"] <= 1 and d["adherent"]
    assert err(ctx_for("P001"), "adherence_check", rx_id="RX1001", window_days=5)["code"] == "bad_input"


def test_allergy_check_cross_sensitivity(ctx_for):
    c = ctx_for("P005")
    amox = ok_json(c, "allergy_check", drug="amoxicillin")
    assert not amox["safe"] and amox["alerts"][0]["severity"] == "major"
    assert ok_json(c, "allergy_check", drug="Keflex")["alerts"][0]["severity"] == "moderate"
    assert ok_json(c, "allergy_check", drug="ceftriaxone")["alerts"][0]["severity"] == "minor"
    assert ok_json(c, "allergy_check", drug="lisinopril")["safe"]
    assert ok_json(ctx_for("P003"), "allergy_check", drug="Bactrim")["alerts"][0]["code"] == "drug_allergy"
    assert err(c, "allergy_check", drug="notadrugatall")["code"] == "not_found"


@pytest.mark.parametrize("rx,strength,freq,verdict", [
    ("RX8001", "100 mcg", None, "mismatch"), ("RX8001", "75 mcg", "once daily", "consistent"),
    ("RX8001", "0.075 mg", None, "consistent"), ("RX8002", "300 mg", "twice daily", "mismatch"),
    ("RX8002", None, "three times daily", "consistent"), ("RX8001", "lots", None, "unclear"),
])
def test_dosage_verification(ctx_for, rx, strength, freq, verdict):
    d = ok_json(ctx_for("P008"), "dosage_verification", rx_id=rx, stated_strength=strength, stated_frequency=freq)
    assert d["verdict"] == verdict
    assert (d["alert"] is not None) == (verdict == "mismatch")


def test_interaction_check(ctx_for):
    c = ctx_for("P005")
    lis = ok_json(c, "interaction_check", drug="lisinopril")
    assert lis["worst"] == "moderate" and {a["details"]["with_drug"] for a in lis["alerts"]} >= {"meloxicam", "ibuprofen"}
    warf = ok_json(c, "interaction_check", drug="warfarin")
    assert warf["worst"] == "major"
    dup = ok_json(ctx_for("P007"), "interaction_check", drug="omeprazole")
    assert any(a["code"] == "duplicate_therapy" and a["severity"] == "major" for a in dup["alerts"])
    assert ok_json(ctx_for("P001"), "interaction_check", drug="lisinopril")["worst"] == "none"


def test_pharmacy_tools(ctx_for):
    c = ctx_for("P001")
    near = ok_json(c, "pharmacy_locator", limit=3)["pharmacies"]
    assert len(near) == 3 and near[0]["distance_km"] <= near[1]["distance_km"] <= near[2]["distance_km"]
    assert all(p["hours"] == "open 24 hours" for p in ok_json(c, "pharmacy_locator", open_24h=True)["pharmacies"])
    inv = ok_json(c, "inventory_check", pharmacy_id="PH004", rx_id="RX1001")
    assert inv["in_stock"] and inv["needed"] == 30
    assert not ok_json(ctx_for("P007"), "inventory_check", pharmacy_id="PH006", rx_id="RX7003")["in_stock"]
    assert ok_json(c, "wait_time", pharmacy_id="PH004")["minutes"] > 0
    assert ok_json(c, "pharmacy_details", pharmacy_id="ph004")["name"].startswith("Costco")
    assert err(c, "pharmacy_details", pharmacy_id="PH999")["code"] == "not_found"
    assert err(c, "wait_time", pharmacy_id="'; DROP TABLE orders; --")["code"] == "not_found"


def test_price_lookup_lowest_wins(ctx_for):
    d = ok_json(ctx_for("P001"), "price_lookup", rx_id="RX1001")
    for q in d["quotes"]:
        options = [p for p in (q["copay"], q["cash_price"], q["card_price"]) if p is not None]
        assert q["price"] == min(options)
    one = ok_json(ctx_for("P001"), "price_lookup", rx_id="RX1001", pharmacy_id="PH004")["quotes"]
    assert len(one) == 1 and one[0]["pharmacy_id"] == "PH004"
    # Non-formulary semaglutide for P006: no copay anywhere, cash or discount card only.
    sema = ok_json(ctx_for("P006"), "price_lookup", rx_id="RX6002")["quotes"]
    assert all(q["copay"] is None and q["price_type"] in ("cash", "discount_card") for q in sema)


def test_formulary_brand_generic_prior_auth(ctx_for):
    c6 = ctx_for("P006")
    assert ok_json(c6, "formulary_check", drug="Eliquis")["prior_auth"]
    assert not ok_json(c6, "formulary_check", drug="Ozempic")["covered"]
    assert ok_json(c6, "formulary_check", drug="rosuvastatin")["tier"] == 1
    pa = ok_json(c6, "prior_auth_lookup", rx_id="RX6001")
    assert pa["required"] and pa["criteria"] and pa["turnaround_days"] == 3 and pa["prescriber_fax"]
    assert not ok_json(c6, "prior_auth_lookup", rx_id="RX6003")["required"]
    bg = ok_json(ctx_for("P002"), "brand_generic_compare", rx_id="RX2003", pharmacy_id="PH003")
    assert bg["dispensed"] == "brand" and bg["dispense_as_written"] and bg["brand_cash"] > bg["generic_cash"]
    assert ok_json(ctx_for("P001"), "brand_generic_compare", rx_id="RX1001", pharmacy_id="PH001")["dispensed"] == "generic"
    assert ok_json(ctx_for("P012"), "formulary_check", drug="atorvastatin")["plan"] is None


def test_submit_track_cancel(ctx_for, store):
    c = ctx_for("P001")
    key = "test-session:RX1001:PH004"
    assert err(c, "submit_order", rx_id="RX1001", pharmacy_id="PH004", confirmed=False, idempotency_key=key)["code"] == "refused"
    assert store.open_orders("RX1001") == []
    first = ok_json(c, "submit_order", rx_id="RX1001", pharmacy_id="PH004", confirmed=True, idempotency_key=key)
    again = ok_json(c, "submit_order", rx_id="RX1001", pharmacy_id="PH004", confirmed=True, idempotency_key=key)
    assert first["created"] and not again["created"] and first["order"]["order_id"] == again["order"]["order_id"]
    assert len(store.open_orders("RX1001")) == 1
    oid = first["order"]["order_id"]
    assert first["order"]["price"] == 2.1 and first["order"]["price_type"] == "discount_card"
    # A second, different confirmation for the same prescription is refused: order in progress.
    assert err(c, "submit_order", rx_id="RX1001", pharmacy_id="PH001", confirmed=True, idempotency_key="other-key-1")["code"] == "refused"
    assert ok_json(c, "track_order", order_id=oid)["order"]["status"] == "received"
    assert ok_json(c, "cancel_order", order_id=oid)["order"]["status"] == "cancelled"
    assert err(c, "cancel_order", order_id=oid)["code"] == "conflict"
    assert err(c, "cancel_order", order_id="ORD-20001")["code"] == "conflict"  # already picked up
    assert err(c, "track_order", order_id="ORD-424242")["code"] == "not_found"
    assert err(c, "track_order", order_id="DROP TABLE")["code"] == "bad_input"


@pytest.mark.parametrize("patient,rx,code", [
    ("P003", "RX3001", "refill_too_soon"), ("P003", "RX3002", "no_refills"), ("P003", "RX3003", "expired"),
    ("P004", "RX4001", "controlled_c2"), ("P004", "RX4002", "controlled_limit"), ("P005", "RX5001", "drug_allergy"),
    ("P005", "RX5003", "drug_interaction"), ("P007", "RX7001", "duplicate_therapy"), ("P006", "RX6001", "prior_auth_required"),
])
def test_submit_refuses_what_policy_refuses(ctx_for, store, patient, rx, code):
    r = call_tool(ctx_for(patient), "submit_order", {"rx_id": rx, "pharmacy_id": "PH009", "confirmed": True,
                                                     "idempotency_key": f"k-{rx}-refused"})
    assert not r.ok and r.error["code"] == "refused" and code in r.error["alerts"]
    assert store.open_orders(rx) == []


def test_prior_auth_drug_can_be_bought_with_cash(ctx_for):
    d = ok_json(ctx_for("P006"), "submit_order", rx_id="RX6001", pharmacy_id="PH010", confirmed=True,
           idempotency_key="k-cash-apixaban", pay_cash=True)
    assert d["order"]["price_type"] in ("cash", "discount_card")


def test_out_of_stock_is_refused(ctx_for):
    r = call_tool(ctx_for("P007"), "submit_order", {"rx_id": "RX7003", "pharmacy_id": "PH006", "confirmed": True,
                                                    "idempotency_key": "k-oos-0001"})
    assert r.error["code"] == "refused" and r.error["alerts"] == ["out_of_stock"]


FOREIGN = {  # P001's session probing other patients' rows
    "adherence_check": {"rx_id": "RX3001"}, "dosage_verification": {"rx_id": "RX8001", "stated_strength": "75 mcg"},
    "inventory_check": {"pharmacy_id": "PH001", "rx_id": "RX3001"}, "price_lookup": {"rx_id": "RX6002"},
    "brand_generic_compare": {"rx_id": "RX2003", "pharmacy_id": "PH001"}, "prior_auth_lookup": {"rx_id": "RX6001"},
    "submit_order": {"rx_id": "RX3001", "pharmacy_id": "PH001", "confirmed": True, "idempotency_key": "steal-123"},
    "track_order": {"order_id": "ORD-20005"}, "cancel_order": {"order_id": "ORD-20009"},
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_no_tool_reaches_another_patients_rows(ctx_for, store, name):
    before = store.table_sizes()["orders"], store.order("ORD-20009").status
    r = call_tool(ctx_for("P001"), name, FOREIGN[name])
    assert not r.ok and r.error["code"] == "forbidden"
    assert (store.table_sizes()["orders"], store.order("ORD-20009").status) == before
    text = json.dumps(r.to_dict())
    for other_name in ("Linda", "Park", "Kim", "Carter", "sertraline", "apixaban"):
        assert other_name not in text


def test_patient_cannot_be_passed_as_an_argument(ctx_for):
    assert err(ctx_for("P001"), "patient_history", patient_id="P003")["code"] == "bad_input"


def test_patient_scoped_tools_return_only_own_rows(ctx_for, store):
    for pid in ("P001", "P003", "P005"):
        d = ok_json(ctx_for(pid), "patient_history", include_inactive=True)
        own = {r.rx_id for r in store.prescriptions(pid)}
        assert {m["rx_id"] for m in d["medications"]} == own
        assert all(o["rx_id"] in own for o in d["recent_orders"])


def test_unknown_tool_and_bad_arguments(ctx_for):
    assert err(ctx_for("P001"), "rm_rf")["code"] == "not_found"
    assert err(ctx_for("P001"), "price_lookup", rx_id=None)["code"] == "bad_input"
    assert err(ctx_for("P001"), "price_lookup", rx_id="RX1001", extra=1)["code"] == "bad_input"
    assert err(ctx_for("P001"), "price_lookup", rx_id="RX0000")["code"] == "not_found"
