"""The DuckDB store: connection, idempotent seeding, typed reads and transactional writes.

One Store per process. DuckDB connections are not shared across threads, so every
operation takes a fresh cursor (a cheap child connection); writes also hold a lock, which
with the unique idempotency key makes "two threads confirm the same order" write once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb

from rxflow.domain import (
    OPEN_ORDER_STATUSES,
    Allergy,
    Drug,
    FormularyEntry,
    Interaction,
    Order,
    Patient,
    Pharmacy,
    Plan,
    Prescriber,
    Prescription,
    Product,
)

SCHEMA = Path(__file__).with_name("schema.sql")

# Reference tables, seeded from CSV files of the same name. Orders are seeded separately
# because run-time orders live beside them and must survive a re-seed.
REFERENCE_TABLES = (
    "drugs", "products", "duplicate_groups", "interactions", "allergy_cross_sensitivity", "prescribers",
    "plans", "plan_tiers", "formulary", "pharmacies", "inventory", "prices", "wait_times", "patients",
    "allergies", "prescriptions", "fills",
)


class StoreError(Exception):
    """A write the store refused (conflict, unknown row)."""


class OrderConflict(StoreError):
    """Another order for the same prescription is still open."""

    def __init__(self, order_id: str):
        super().__init__(f"Order {order_id} for this prescription is already in progress.")
        self.order_id = order_id


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(";") if v]


class Store:
    def __init__(self, path: str = ":memory:", mock_dir: Path | None = None):
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._con = duckdb.connect(path)
        self._write_lock = threading.RLock()
        self._con.execute(SCHEMA.read_text())
        if mock_dir is not None:
            self.seed(mock_dir)

    @classmethod
    def from_settings(cls, settings=None) -> Store:
        from rxflow.config import get_settings

        s = settings or get_settings()
        return cls(s.db_path, s.mock_dir)

    def close(self) -> None:
        self._con.close()

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def rows(self, sql: str, params: list[Any] | tuple = ()) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            res = cur.execute(sql, params)
            cols = [d[0] for d in res.description]
            return [dict(zip(cols, r, strict=True)) for r in res.fetchall()]

    def row(self, sql: str, params: list[Any] | tuple = ()) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def df(self, sql: str, params: list[Any] | tuple = ()):
        """A query as a pandas DataFrame, for notebooks and evals."""
        with self.cursor() as cur:
            return cur.execute(sql, params).df()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._write_lock, self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    # ------------------------------------------------------------------ seeding
    @staticmethod
    def seed_digest(mock_dir: Path) -> str:
        h = hashlib.sha256()
        for name in (*REFERENCE_TABLES, "orders"):
            h.update(name.encode())
            h.update((mock_dir / f"{name}.csv").read_bytes())
        return h.hexdigest()[:16]

    def seed(self, mock_dir: Path) -> bool:
        """Load the mock world; a no-op when the same files were loaded already. Returns True if it loaded."""
        mock_dir = Path(mock_dir)
        digest = self.seed_digest(mock_dir)
        with self.transaction() as cur:
            have = cur.execute("SELECT value FROM world_meta WHERE key = 'seed_digest'").fetchone()
            if have and have[0] == digest:
                return False
            for table in REFERENCE_TABLES:
                cur.execute(f"DELETE FROM {table}")
                cur.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                    [str(mock_dir / f"{table}.csv")],
                )
            cur.execute(
                "INSERT INTO orders BY NAME SELECT * FROM read_csv(?, header = true, all_varchar = true) "
                "ON CONFLICT DO NOTHING",
                [str(mock_dir / "orders.csv")],
            )
            cur.execute("INSERT OR REPLACE INTO world_meta VALUES ('seed_digest', ?)", [digest])
        for cached in ("catalogue", "name_index", "ref"):
            self.__dict__.pop(cached, None)
        return True

    def reset_runtime(self, mock_dir: Path) -> None:
        """Back to the seeded world: run-time orders, sessions and turns removed, seed orders restored,
        order numbers restarting at ORD-30001. Much cheaper than a new database (evals use it
        between conversations)."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM turns")
            cur.execute("DELETE FROM sessions")
            cur.execute("DELETE FROM orders")
            cur.execute("INSERT INTO orders BY NAME SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                        [str(Path(mock_dir) / "orders.csv")])
        with self._write_lock, self.cursor() as cur:
            cur.execute("DROP SEQUENCE IF EXISTS order_seq")
            cur.execute("CREATE SEQUENCE order_seq START 30001")

    def table_sizes(self) -> dict[str, int]:
        return {t: self.row(f"SELECT count(*) AS n FROM {t}")["n"] for t in (*REFERENCE_TABLES, "orders")}

    # ------------------------------------------------------------------ reference data (cached: read-only)
    # The reference tables never change at run time (only orders, sessions and turns do), so they
    # are read once per seed into indexes: a turn then costs a few dictionary lookups instead of
    # ~30 DuckDB round trips (~0.6 ms each from Python). seed() drops the cache.
    @cached_property
    def ref(self) -> SimpleNamespace:
        def table(name: str, order: str) -> list[dict[str, Any]]:
            return self.rows(f"SELECT * FROM {name} ORDER BY {order}")

        products = [Product(**r) for r in table("products", "drug_id, strength_value")]
        rxs = [Prescription(**r) for r in table("prescriptions", "rx_id")]
        formulary = {(r["plan_id"], r["drug_id"]): FormularyEntry(**r) for r in self.rows(
            "SELECT f.*, t.copay_30, t.copay_90 FROM formulary f "
            "JOIN plan_tiers t ON t.plan_id = f.plan_id AND t.tier = f.tier")}
        allergies: dict[str, list[Allergy]] = {}
        for r in table("allergies", "patient_id, allergen"):
            allergies.setdefault(r.pop("patient_id"), []).append(Allergy(**r))
        fills: dict[str, list[dict]] = {}
        for r in table("fills", "rx_id, fill_date"):
            fills.setdefault(r["rx_id"], []).append(r)
        return SimpleNamespace(
            products={p.product_id: p for p in products},
            products_by_drug={d: [p for p in products if p.drug_id == d] for d in {p.drug_id for p in products}},
            patients={r["patient_id"]: Patient(**r) for r in table("patients", "patient_id")},
            prescriptions={rx.rx_id: rx for rx in rxs},
            rx_by_patient={pid: [rx for rx in rxs if rx.patient_id == pid] for pid in {rx.patient_id for rx in rxs}},
            prescribers={r["prescriber_id"]: Prescriber(**r) for r in table("prescribers", "prescriber_id")},
            plans={r["plan_id"]: Plan(**r) for r in table("plans", "plan_id")},
            formulary=formulary,
            pharmacies={r["pharmacy_id"]: Pharmacy(**r) for r in table("pharmacies", "pharmacy_id")},
            on_hand={(r["pharmacy_id"], r["product_id"]): r["on_hand"] for r in table("inventory", "pharmacy_id")},
            prices={(r["pharmacy_id"], r["product_id"]): r for r in table("prices", "pharmacy_id")},
            waits={(r["pharmacy_id"], r["weekday"]): r["minutes"] for r in table("wait_times", "pharmacy_id")},
            interactions=[Interaction(**r) for r in table("interactions", "a, b")],
            duplicate_groups=table("duplicate_groups", "group_name, drug_class"),
            cross=table("allergy_cross_sensitivity", "allergy_class, target"),
            allergies=allergies, fills=fills)

    # ------------------------------------------------------------------ catalogue (cached: read-only)
    @cached_property
    def catalogue(self) -> dict[str, Drug]:
        return {r["drug_id"]: self._drug(r) for r in self.rows("SELECT * FROM drugs ORDER BY drug_id")}

    @cached_property
    def name_index(self) -> tuple[list[str], list[tuple[str, str]]]:
        """Every name a drug goes by (lower case), and its (drug_id, kind): for fuzzy lookup."""
        names, owners = [], []
        for d in self.catalogue.values():
            for kind, values in (("generic", [d.generic_name]), ("brand", d.brand_names),
                                 ("abbreviation", d.abbreviations)):
                for v in values:
                    names.append(v.lower())
                    owners.append((d.drug_id, kind))
        return names, owners

    @staticmethod
    def _drug(r: dict[str, Any]) -> Drug:
        return Drug(**{**r, "brand_names": _split(r["brand_names"]), "abbreviations": _split(r["abbreviations"])})

    def drug(self, drug_id: str) -> Drug | None:
        return self.catalogue.get(drug_id)

    def products(self, drug_id: str) -> list[Product]:
        return list(self.ref.products_by_drug.get(drug_id, []))

    def product(self, product_id: str) -> Product | None:
        return self.ref.products.get(product_id)

    def interactions(self) -> list[Interaction]:
        return self.ref.interactions

    def duplicate_groups(self) -> list[dict[str, Any]]:
        return self.ref.duplicate_groups

    def cross_sensitivity(self) -> list[dict[str, Any]]:
        return self.ref.cross

    # ------------------------------------------------------------------ patients
    def patient(self, patient_id: str) -> Patient | None:
        return self.ref.patients.get(patient_id)

    def patients(self) -> list[Patient]:
        return list(self.ref.patients.values())

    def allergies(self, patient_id: str) -> list[Allergy]:
        return list(self.ref.allergies.get(patient_id, []))

    def prescriptions(self, patient_id: str, active_only: bool = False) -> list[Prescription]:
        rxs = self.ref.rx_by_patient.get(patient_id, [])
        return [rx for rx in rxs if rx.status == "active"] if active_only else list(rxs)

    def prescription(self, rx_id: str) -> Prescription | None:
        """Any patient's prescription: callers check ownership (tools do, in one place)."""
        return self.ref.prescriptions.get(rx_id)

    def prescriber(self, prescriber_id: str) -> Prescriber | None:
        return self.ref.prescribers.get(prescriber_id)

    def fills(self, rx_id: str) -> list[dict[str, Any]]:
        return list(self.ref.fills.get(rx_id, []))

    # ------------------------------------------------------------------ insurance
    def plan(self, plan_id: str | None) -> Plan | None:
        return self.ref.plans.get(plan_id) if plan_id else None

    def formulary(self, plan_id: str | None, drug_id: str) -> FormularyEntry | None:
        """The plan's formulary row with its tier copays, or None when the drug is non-formulary."""
        return self.ref.formulary.get((plan_id, drug_id)) if plan_id else None

    # ------------------------------------------------------------------ pharmacies
    def pharmacies(self) -> list[Pharmacy]:
        return list(self.ref.pharmacies.values())

    def pharmacy(self, pharmacy_id: str) -> Pharmacy | None:
        return self.ref.pharmacies.get(pharmacy_id)

    @lru_cache(maxsize=256)  # noqa: B019  (one Store per process; keys are a patient's coordinates)
    def _distances(self, lat: float, lon: float, _seed: int) -> tuple[tuple[str, float], ...]:
        def km(p: Pharmacy) -> float:  # haversine; DuckDB's spatial extension would need a download
            a = (math.sin(math.radians(p.lat - lat) / 2) ** 2
                 + math.cos(math.radians(lat)) * math.cos(math.radians(p.lat)) * math.sin(math.radians(p.lon - lon) / 2) ** 2)
            return 2 * 6371 * math.asin(math.sqrt(a))

        return tuple(sorted(((p.pharmacy_id, km(p)) for p in self.ref.pharmacies.values()), key=lambda t: (t[1], t[0])))

    def pharmacies_by_distance(self, lat: float, lon: float) -> list[dict[str, Any]]:
        ph = self.ref.pharmacies
        return [{**ph[pid].model_dump(), "distance_km": d} for pid, d in self._distances(lat, lon, id(self.ref))]

    def on_hand(self, pharmacy_id: str, product_id: str) -> int | None:
        return self.ref.on_hand.get((pharmacy_id, product_id))

    def wait_minutes(self, pharmacy_id: str, weekday: int) -> int | None:
        return self.ref.waits.get((pharmacy_id, weekday))

    def unit_prices(self, pharmacy_id: str, product_id: str) -> dict[str, Any] | None:
        return self.ref.prices.get((pharmacy_id, product_id))

    # ------------------------------------------------------------------ orders
    def orders(self, patient_id: str) -> list[Order]:
        return [Order(**r) for r in self.rows(
            "SELECT * FROM orders WHERE patient_id = ? ORDER BY created_at DESC, order_id DESC", [patient_id])]

    def order(self, order_id: str) -> Order | None:
        r = self.row("SELECT * FROM orders WHERE order_id = ?", [order_id])
        return Order(**r) if r else None

    def open_orders(self, rx_id: str) -> list[Order]:
        marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
        return [Order(**r) for r in self.rows(
            f"SELECT * FROM orders WHERE rx_id = ? AND status IN ({marks}) ORDER BY created_at",
            [rx_id, *OPEN_ORDER_STATUSES])]

    def orders_frame(self, patient_id: str):
        """A patient's orders with drug, strength and pharmacy names, newest first (pandas, for the UI)."""
        return self.df(
            """SELECT o.order_id, d.generic_name AS medication, p.strength_label AS strength, o.quantity,
                      ph.name AS pharmacy, o.price, o.price_type, o.status, o.created_at, o.ready_at
               FROM orders o JOIN products p USING (product_id) JOIN drugs d ON d.drug_id = p.drug_id
               JOIN pharmacies ph USING (pharmacy_id) WHERE o.patient_id = ? ORDER BY o.created_at DESC""",
            [patient_id])

    def order_by_key(self, idempotency_key: str) -> Order | None:
        r = self.row("SELECT * FROM orders WHERE idempotency_key = ?", [idempotency_key])
        return Order(**r) if r else None

    def insert_order(self, fields: dict[str, Any], inside=None) -> tuple[Order, bool]:
        """Write one order in one transaction. Returns (order, created).

        The idempotency key makes a repeated confirmation return the first order instead of
        writing a second. "No other open order for this prescription" is checked inside the
        transaction after the row is written, under the write lock, so two confirmations cannot
        race past it; on a conflict the transaction rolls back and OrderConflict is raised.
        `inside(cursor)` runs at that point too (the crash tests stop the process there).
        """
        with self.transaction() as cur:
            existing = cur.execute("SELECT order_id FROM orders WHERE idempotency_key = ?",
                                   [fields["idempotency_key"]]).fetchone()
            if existing:
                found = existing[0]
            else:
                order_id = "ORD-{}".format(cur.execute("SELECT nextval('order_seq')").fetchone()[0])
                cols = ["order_id", *fields]
                cur.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [order_id, *fields.values()])
                marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
                other = cur.execute(f"SELECT order_id FROM orders WHERE rx_id = ? AND status IN ({marks}) "
                                    "AND idempotency_key <> ?",
                                    [fields["rx_id"], *OPEN_ORDER_STATUSES, fields["idempotency_key"]]).fetchone()
                if other:
                    raise OrderConflict(other[0])
                if inside is not None:
                    inside(cur)
                found = None
        if found:
            return self.order(found), False
        return self.order(order_id), True

    def set_order_status(self, order_id: str, status: str, allowed_from: tuple[str, ...]) -> Order:
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM orders WHERE order_id = ?", [order_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown order {order_id}")
            if r[0] not in allowed_from:
                raise StoreError(f"Order {order_id} is {r[0]}")
            cur.execute("UPDATE orders SET status = ? WHERE order_id = ?", [status, order_id])
        return self.order(order_id)

    # ------------------------------------------------------------------ sessions
    def save_session(self, session_id: str, patient_id: str, state: str, context: dict[str, Any],
                     turn: dict[str, Any] | None = None) -> None:
        """Persist the conversation context and (optionally) the turn record in one transaction."""
        now = dt.datetime.now()
        with self.transaction() as cur:
            row = cur.execute("SELECT turn_count FROM sessions WHERE session_id = ?", [session_id]).fetchone()
            count = (row[0] if row else 0) + (1 if turn is not None else 0)
            cur.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                "state = excluded.state, context = excluded.context, updated_at = excluded.updated_at, "
                "turn_count = excluded.turn_count",
                [session_id, patient_id, state, json.dumps(context, default=str), now, now, count])
            if turn is not None:
                cur.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                            [session_id, count, turn.get("state_before"), turn.get("state_after"),
                             json.dumps(turn, default=str), now])

    def load_session(self, session_id: str) -> dict[str, Any] | None:
        r = self.row("SELECT * FROM sessions WHERE session_id = ?", [session_id])
        if r is None:
            return None
        r["context"] = json.loads(r["context"])
        return r

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM turns WHERE session_id = ?", [session_id])
            cur.execute("DELETE FROM sessions WHERE session_id = ?", [session_id])
