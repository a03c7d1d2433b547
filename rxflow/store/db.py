"""The DuckDB store: connection, idempotent seeding, typed reads and transactional writes.

One Store per process. DuckDB connections are not shared across threads, so every
operation takes a fresh cursor (a cheap child connection); writes also hold a lock, which
with the unique idempotency key makes "two threads confirm the same order" write once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
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
        self.__dict__.pop("catalogue", None)
        self.__dict__.pop("name_index", None)
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
        return [Product(**r) for r in self.rows(
            "SELECT * FROM products WHERE drug_id = ? ORDER BY strength_value", [drug_id])]

    def product(self, product_id: str) -> Product | None:
        r = self.row("SELECT * FROM products WHERE product_id = ?", [product_id])
        return Product(**r) if r else None

    def interactions(self) -> list[Interaction]:
        return [Interaction(**r) for r in self.rows("SELECT * FROM interactions")]

    def duplicate_groups(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM duplicate_groups")

    def cross_sensitivity(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM allergy_cross_sensitivity")

    # ------------------------------------------------------------------ patients
    def patient(self, patient_id: str) -> Patient | None:
        r = self.row("SELECT * FROM patients WHERE patient_id = ?", [patient_id])
        return Patient(**r) if r else None

    def patients(self) -> list[Patient]:
        return [Patient(**r) for r in self.rows("SELECT * FROM patients ORDER BY patient_id")]

    def allergies(self, patient_id: str) -> list[Allergy]:
        return [Allergy(**{k: v for k, v in r.items() if k != "patient_id"}) for r in self.rows(
            "SELECT * FROM allergies WHERE patient_id = ? ORDER BY allergen", [patient_id])]

    def prescriptions(self, patient_id: str, active_only: bool = False) -> list[Prescription]:
        sql = "SELECT * FROM prescriptions WHERE patient_id = ?"
        if active_only:
            sql += " AND status = 'active'"
        return [Prescription(**r) for r in self.rows(sql + " ORDER BY rx_id", [patient_id])]

    def prescription(self, rx_id: str) -> Prescription | None:
        """Any patient's prescription: callers check ownership (tools do, in one place)."""
        r = self.row("SELECT * FROM prescriptions WHERE rx_id = ?", [rx_id])
        return Prescription(**r) if r else None

    def prescriber(self, prescriber_id: str) -> Prescriber | None:
        r = self.row("SELECT * FROM prescribers WHERE prescriber_id = ?", [prescriber_id])
        return Prescriber(**r) if r else None

    def fills(self, rx_id: str) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM fills WHERE rx_id = ? ORDER BY fill_date", [rx_id])

    # ------------------------------------------------------------------ insurance
    def plan(self, plan_id: str | None) -> Plan | None:
        if not plan_id:
            return None
        r = self.row("SELECT * FROM plans WHERE plan_id = ?", [plan_id])
        return Plan(**r) if r else None

    def formulary(self, plan_id: str | None, drug_id: str) -> FormularyEntry | None:
        """The plan's formulary row with its tier copays, or None when the drug is non-formulary."""
        if not plan_id:
            return None
        r = self.row(
            "SELECT f.*, t.copay_30, t.copay_90 FROM formulary f "
            "JOIN plan_tiers t ON t.plan_id = f.plan_id AND t.tier = f.tier "
            "WHERE f.plan_id = ? AND f.drug_id = ?", [plan_id, drug_id])
        return FormularyEntry(**r) if r else None

    # ------------------------------------------------------------------ pharmacies
    def pharmacies(self) -> list[Pharmacy]:
        return [Pharmacy(**r) for r in self.rows("SELECT * FROM pharmacies ORDER BY pharmacy_id")]

    def pharmacy(self, pharmacy_id: str) -> Pharmacy | None:
        r = self.row("SELECT * FROM pharmacies WHERE pharmacy_id = ?", [pharmacy_id])
        return Pharmacy(**r) if r else None

    def pharmacies_by_distance(self, lat: float, lon: float) -> list[dict[str, Any]]:
        # Haversine in SQL: DuckDB's spatial extension would need a download.
        return self.rows(
            """SELECT *, 2 * 6371 * asin(sqrt(
                   pow(sin(radians(lat - ?) / 2), 2)
                   + cos(radians(?)) * cos(radians(lat)) * pow(sin(radians(lon - ?) / 2), 2))) AS distance_km
               FROM pharmacies ORDER BY distance_km, pharmacy_id""", [lat, lat, lon])

    def on_hand(self, pharmacy_id: str, product_id: str) -> int | None:
        r = self.row("SELECT on_hand FROM inventory WHERE pharmacy_id = ? AND product_id = ?",
                     [pharmacy_id, product_id])
        return None if r is None else r["on_hand"]

    def wait_minutes(self, pharmacy_id: str, weekday: int) -> int | None:
        r = self.row("SELECT minutes FROM wait_times WHERE pharmacy_id = ? AND weekday = ?", [pharmacy_id, weekday])
        return None if r is None else r["minutes"]

    def unit_prices(self, pharmacy_id: str, product_id: str) -> dict[str, Any] | None:
        return self.row("SELECT * FROM prices WHERE pharmacy_id = ? AND product_id = ?", [pharmacy_id, product_id])

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

    def insert_order(self, fields: dict[str, Any], recheck=None) -> tuple[Order, bool]:
        """Write one order in one transaction. Returns (order, created).

        The idempotency key makes a repeated confirmation return the first order instead of
        writing a second. `recheck(cursor)` runs inside the transaction, under the write
        lock, so a rule such as "no order already in progress" cannot race.
        """
        with self.transaction() as cur:
            existing = cur.execute("SELECT order_id FROM orders WHERE idempotency_key = ?",
                                   [fields["idempotency_key"]]).fetchone()
            if existing:
                found = existing[0]
            else:
                if recheck is not None:
                    recheck(cur)
                order_id = "ORD-{}".format(cur.execute("SELECT nextval('order_seq')").fetchone()[0])
                cols = ["order_id", *fields]
                cur.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [order_id, *fields.values()])
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
