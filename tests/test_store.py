"""The mock world: seeding, sizes, the demo patients' records, internal consistency."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest
from conftest import MOCK

from rxflow.domain import (
    CLOSED_ORDER_STATUSES,
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
    PREPARING_ORDER_STATUSES,
    OrderStatus,
    RequestStatus,
)
from rxflow.store import Store
from rxflow.units import doses_per_day, parse_strength, same_strength


def test_seeding_is_idempotent(tmp_path):
    path = str(tmp_path / "w.duckdb")
    s = Store(path, MOCK)
    first = s.table_sizes()
    assert s.seed(MOCK) is False  # same files: nothing reloaded
    s.close()
    s2 = Store(path, MOCK)  # reopen the file: same rows, not doubled
    assert s2.table_sizes() == first
    s2.close()


def test_reseed_keeps_runtime_orders(tmp_path):
    s = Store(str(tmp_path / "w.duckdb"), MOCK)
    s.rows("INSERT INTO orders BY NAME SELECT * REPLACE ('ORD-99999' AS order_id, 'received' AS status, "
           "'k-99999' AS idempotency_key) FROM orders LIMIT 1")
    s.rows("UPDATE world_meta SET value = 'stale' WHERE key = 'seed_digest'")
    assert s.seed(MOCK) is True
    assert s.order("ORD-99999") is not None


def test_reset_runtime_gives_back_exactly_the_seeded_world(tmp_path):
    """After orders (a seed order cancelled too), a request, a reminder, texts, a setting, sessions and turns, a
    reset is table for table a new store: the seed orders as seeded, every run-time row gone (emptied or never
    written alike)."""
    from conftest import TODAY, _fingerprint

    from rxflow.tools import ToolContext, call_tool

    s = Store(str(tmp_path / "w.duckdb"), MOCK)
    pristine = _fingerprint(s)
    me = ToolContext(s, "P001", TODAY)
    assert call_tool(me, "create_request", {"rx_id": "RX1001", "kind": "pharmacist_callback", "reason": "patient_request",
                                            "confirmed": True, "idempotency_key": "k-request-1"}).ok
    assert call_tool(me, "schedule_reminder", {"rx_id": "RX1001", "confirmed": True, "idempotency_key": "k-reminder-1"}).ok
    s.rows("INSERT INTO orders BY NAME SELECT * REPLACE ('ORD-99999' AS order_id, 'k-99999' AS idempotency_key) "
           "FROM orders LIMIT 1")
    s.rows("UPDATE orders SET status = 'cancelled' WHERE order_id = 'ORD-20009'")
    s.create_session("S1", "P001", "START", {"a": 1})
    s.save_session("S1", "START", {"a": 2}, {"state_before": "START", "state_after": "START"})
    s.set_sms_opt_in({"patient_id": "P001", "sms_opt_in": False, "updated_at": dt.datetime(2026, 11, 24, 9),
                      "placed_by": None, "idempotency_key": "k-sms"})
    assert _fingerprint(s) != pristine
    assert all(s.row(f"SELECT count(*) AS n FROM {t}")["n"] for t in ("requests", "reminders", "outbox", "preferences"))
    s.reset_runtime()
    assert _fingerprint(s) == pristine
    s.reset_runtime()  # nothing to empty: the same again
    assert _fingerprint(s) == pristine
    s.close()


def test_a_file_seeded_before_the_seed_orders_were_kept_is_seeded_again(tmp_path):
    path = str(tmp_path / "w.duckdb")
    s = Store(path, MOCK)
    s.rows("DROP TABLE seed_orders")  # as an older version left it: no seed orders kept, no digest of them
    s.rows("DELETE FROM world_meta WHERE key = 'seed_orders_digest'")
    s.close()
    s = Store(path, MOCK)  # same seed digest, but no kept seed orders: seeded again, the orders kept
    s.reset_runtime()
    assert s.row("SELECT count(*) AS n FROM orders")["n"] == 10
    s.rows("UPDATE world_meta SET value = 'other-csvs' WHERE key = 'seed_orders_digest'")
    s.close()
    s = Store(path, MOCK)  # seed orders kept from other files: read again
    assert s.row("SELECT value FROM world_meta WHERE key = 'seed_orders_digest'")["value"] == Store.seed_digest(MOCK)
    s.close()


def test_a_store_opened_without_mock_data_cannot_be_reset_to_it():
    from rxflow.store import StoreError

    with pytest.raises(StoreError, match="without mock data"):
        Store(":memory:").reset_runtime()


def test_table_sizes_meet_the_brief(store):
    n = store.table_sizes()
    assert n["drugs"] >= 60 and n["patients"] >= 25 and n["plans"] >= 4 and n["pharmacies"] >= 10
    assert n["orders"] >= 5 and n["interactions"] >= 15
    thresholds = {r["too_soon_threshold"] for r in store.rows("SELECT too_soon_threshold FROM plans")}
    assert 0.75 in thresholds and 0.80 in thresholds
    assert store.row("SELECT count(*) AS n FROM inventory WHERE on_hand = 0")["n"] >= 3


def _rx(store, patient, drug):
    return next(r for r in store.prescriptions(patient) if r.drug_id == drug)


@pytest.mark.parametrize("patient,drug,strength,left,last_fill,days", [
    ("P001", "lisinopril", "10 mg", 4, "2026-10-26", 30),
    ("P001", "atorvastatin", "20 mg", 3, "2026-10-28", 30),
    ("P001", "metformin", "500 mg", 1, "2026-08-30", 90),
    ("P003", "sertraline", "50 mg", None, "2026-11-14", 30),
    ("P003", "simvastatin", "40 mg", 0, None, None),
    ("P004", "zolpidem", "10 mg", None, "2026-10-24", None),
    ("P008", "levothyroxine", "75 mcg", None, None, None),
])
def test_demo_patient_records(store, patient, drug, strength, left, last_fill, days):
    rx = _rx(store, patient, drug)
    assert store.product(rx.product_id).strength_label == strength
    assert rx.status == "active"
    if left is not None:
        assert rx.refills_remaining == left
    if last_fill:
        assert rx.last_fill_date == dt.date.fromisoformat(last_fill)
    if days:
        assert rx.days_supply == days


def test_demo_patients_named_and_scenarios_hold(store):
    names = {p.patient_id: p.name for p in store.patients()}
    assert names["P001"] == "Maria Gonzalez" and names["P005"] == "Aisha Mohammed" and names["P008"] == "Thomas Wright"
    assert _rx(store, "P002", "levothyroxine").dispense_as_written
    assert _rx(store, "P003", "omeprazole").date_written == dt.date(2025, 9, 15)
    assert store.drug("oxycodone").dea_schedule == 2 and store.drug("alprazolam").dea_schedule == 4
    assert _rx(store, "P004", "alprazolam").date_written == dt.date(2026, 4, 1)
    assert any(a.allergy_class == "penicillins" for a in store.allergies("P005"))
    assert store.formulary("PLN-BLUE", "apixaban").prior_auth
    assert store.formulary("PLN-BLUE", "semaglutide") is None  # non-formulary for P006
    assert store.formulary("PLN-BLUE", "rosuvastatin").tier == 1
    assert all(store.formulary("PLN-ACME", d).tier == 1 for d in ("lisinopril", "atorvastatin", "metformin"))
    assert store.allergies("P001") == []
    # P007: escitalopram 10 mg is out of stock at her nearest pharmacy.
    p = store.patient("P007")
    nearest = store.pharmacies_by_distance(p.lat, p.lon)[0]["pharmacy_id"]
    assert store.on_hand(nearest, "escitalopram-10-mg") == 0


def test_fill_history_is_consistent_with_prescriptions(store):
    bad = store.rows("""
        SELECT p.rx_id FROM prescriptions p JOIN fills f USING (rx_id)
        GROUP BY p.rx_id, p.last_fill_date, p.date_written
        HAVING max(f.fill_date) <> p.last_fill_date OR min(f.fill_date) < p.date_written - INTERVAL 31 DAY""")
    assert bad == []


def test_every_reference_resolves(store):
    assert store.rows("SELECT rx_id FROM prescriptions WHERE product_id NOT IN (SELECT product_id FROM products)") == []
    assert store.rows("SELECT rx_id FROM prescriptions WHERE patient_id NOT IN (SELECT patient_id FROM patients)") == []
    assert store.rows("SELECT drug_id FROM formulary WHERE drug_id NOT IN (SELECT drug_id FROM drugs)") == []
    # Every product has a price and a stock row at every pharmacy.
    assert store.row("SELECT count(*) AS n FROM prices")["n"] == store.row(
        "SELECT (SELECT count(*) FROM products) * (SELECT count(*) FROM pharmacies) AS n")["n"]


@pytest.mark.parametrize("a,b,same", [
    ("0.5 mg", "500 mcg", True), ("1 g", "1000 mg", True), ("10 mg", "10mg", True),
    ("10 milligrams", "10 mg", True), ("75 mcg", "100 mcg", False), ("0.075 mg", "75 mcg", True),
    ("100 units", "100 units", True), ("5 mL", "5 mg", False),
])
def test_unit_normalisation(a, b, same):
    assert same_strength(parse_strength(a), parse_strength(b)) is same


def test_unparseable_strengths_and_frequencies():
    assert parse_strength("a lot") is None and parse_strength("") is None and parse_strength("10 furlongs") is None
    assert doses_per_day("twice daily") == 2 and doses_per_day("once daily at bedtime") == 1
    assert doses_per_day("every 12 hours") == 2 and doses_per_day("whenever") is None


def test_order_and_request_statuses_are_stated_once():
    assert sorted(OPEN_ORDER_STATUSES + CLOSED_ORDER_STATUSES) == sorted(get_args(OrderStatus))
    assert not set(OPEN_ORDER_STATUSES) & set(CLOSED_ORDER_STATUSES)
    assert set(PREPARING_ORDER_STATUSES) < set(OPEN_ORDER_STATUSES)
    assert set(OPEN_REQUEST_STATUSES) < set(get_args(RequestStatus))
