"""The DuckDB store: connection, idempotent seeding, typed reads and transactional writes.

One Store per process. DuckDB connections are not shared across threads, so every
operation takes a fresh cursor (a cheap child connection); writes also hold a lock, which
with the unique idempotency key makes "two threads confirm the same order" write once.

Orders and requests are scoped by a sandbox ('' is the shared world; in demo mode each session has its own),
so every order or request read and write takes one. A database file that cannot be used (locked by another
process, unreadable, deleted or replaced while running) raises StoreUnavailable: nothing is
written to a file that is no longer the one opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cached_property, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb

from rxflow.domain import (
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
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
    Request,
)

SCHEMA = Path(__file__).with_name("schema.sql")
log = logging.getLogger("rxflow.store")

# Reference tables, seeded from CSV files of the same name. Orders are seeded separately
# because run-time orders live beside them and must survive a re-seed.
REFERENCE_TABLES = (
    "drugs", "products", "duplicate_groups", "interactions", "allergy_cross_sensitivity", "prescribers",
    "plans", "plan_tiers", "formulary", "pharmacies", "inventory", "prices", "wait_times", "patients",
    "allergies", "prescriptions", "fills",
)


class StoreError(Exception):
    """A write the store refused (conflict, unknown row)."""


class StoreUnavailable(Exception):
    """The database cannot be used: locked by another process, unreadable, or deleted or replaced
    while the app runs. The message says what to do; it is for the operator (start-up, logs), never
    for a patient. Not a StoreError: nothing may treat it as a refused write and carry on."""


class OrderConflict(StoreError):
    """Another order for the same prescription is still open."""

    def __init__(self, order_id: str):
        super().__init__(f"Order {order_id} for this prescription is already in progress.")
        self.order_id = order_id


class RequestConflict(StoreError):
    """A request of the same kind for the same prescription is already sent."""

    def __init__(self, request_id: str):
        super().__init__(f"Request {request_id} for this prescription is already sent.")
        self.request_id = request_id


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(";") if v]


# DuckDB errors that mean the file, not the query, is at fault.
_FILE_ERRORS = (duckdb.IOException, duckdb.FatalException)


def _unusable(path: str, error: Exception) -> StoreUnavailable:
    text = str(error)
    if "lock" in text.lower():
        why = (f"The database file {path} is in use by another process. Stop that process, or set "
               "RXFLOW_DB_PATH to another file, and start again.")
    else:
        why = (f"The database file {path} cannot be read (damaged, or not a DuckDB database). Move or delete it "
               "(a new one is seeded from datasets/mock), or set RXFLOW_DB_PATH to another file, and start again.")
    return StoreUnavailable(why)


def _write_failed(path: str, error: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"The database {path} could not save a change (a full disk, or a file or its "
                            f"write-ahead log that cannot be written?): {str(error)[:300]}")


class Store:
    def __init__(self, path: str = ":memory:", mock_dir: Path | None = None):
        self.path = path
        self._write_lock = threading.RLock()
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(path)
        except (duckdb.Error, OSError) as e:
            raise _unusable(path, e) from None
        # The file this store writes to: a write is refused once the path is gone or names another file.
        self._identity = self._file_identity()
        try:
            self._migrate()
            self._con.execute(SCHEMA.read_text())
            if mock_dir is not None:
                self.seed(mock_dir)
        except (StoreUnavailable, *_FILE_ERRORS) as e:  # a file that opened but cannot be read through
            self._con.close()
            raise _unusable(path, e) from None

    @classmethod
    def from_settings(cls, settings=None) -> Store:
        from rxflow.config import get_settings

        s = settings or get_settings()
        return cls(s.db_path, s.mock_dir)

    def close(self) -> None:
        self._con.close()

    # ------------------------------------------------------------------ plumbing
    def _file_identity(self) -> tuple[int, int] | None:
        if self.path == ":memory:":
            return None
        st = os.stat(self.path)
        return st.st_dev, st.st_ino

    def check(self) -> None:
        """Raise StoreUnavailable unless the file opened is still there, under the same name. (DuckDB
        keeps writing to a deleted file's open handle: those writes would vanish at the next start.)"""
        if self._identity is None:
            return
        try:
            same = self._file_identity() == self._identity
        except OSError:
            same = False
        if not same:
            raise StoreUnavailable(f"The database file {self.path} was deleted or replaced while the app was "
                                   "running. Restart the app (a missing file is seeded again).")

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            cur = self._con.cursor()
        except _FILE_ERRORS as e:
            raise StoreUnavailable(f"The database {self.path} failed: {e}") from e
        try:
            yield cur
        except _FILE_ERRORS as e:
            raise StoreUnavailable(f"The database {self.path} failed: {e}") from e
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
        """One write, all or nothing. Any DuckDB error in it, the COMMIT's own included (a full disk or an
        unwritable WAL fails there, after every statement succeeded), rolls it back and raises
        StoreUnavailable: one clear message for the caller, and nothing of the write is in the store."""
        with self._write_lock, self.cursor() as cur:
            self.check()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException as e:
                with suppress(duckdb.Error):  # a failed file: the transaction is gone with it
                    cur.execute("ROLLBACK")
                if isinstance(e, duckdb.Error) and not isinstance(e, _FILE_ERRORS):  # those: cursor() says so
                    raise _write_failed(self.path, e) from e
                raise
            try:
                cur.execute("COMMIT")
            except duckdb.Error as e:
                with suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                raise _write_failed(self.path, e) from e

    def _migrate(self) -> None:
        """Files made before sandboxes: orders gain a sandbox ('' for every existing row); sessions and
        turns (conversations under the old, guessable ids) are dropped, as no id of theirs is valid now."""
        def columns(table: str) -> set[str]:
            return {r[0] for r in self._con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}

        have = columns("orders")
        if have and "sandbox" not in have:
            self._con.execute("ALTER TABLE orders RENAME TO orders_before_sandboxes")
            self._con.execute(SCHEMA.read_text())
            self._con.execute("INSERT INTO orders BY NAME SELECT * FROM orders_before_sandboxes")
            self._con.execute("DROP TABLE orders_before_sandboxes")
        if columns("sessions") and "sandbox" not in columns("sessions"):
            self._con.execute("DROP TABLE IF EXISTS turns")
            self._con.execute("DROP TABLE sessions")

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
                "INSERT INTO orders BY NAME SELECT '' AS sandbox, * FROM read_csv(?, header = true, all_varchar = true) "
                "ON CONFLICT DO NOTHING",
                [str(mock_dir / "orders.csv")],
            )
            cur.execute("INSERT OR REPLACE INTO world_meta VALUES ('seed_digest', ?)", [digest])
        if self.path != ":memory:":  # never silent: a new or changed seed in a file is worth a line
            log.warning("seeded the mock world into %s", self.path)
        for cached in ("catalogue", "name_index", "ref"):
            self.__dict__.pop(cached, None)
        return True

    def reset_runtime(self, mock_dir: Path) -> None:
        """Back to the seeded world: run-time orders and requests (every sandbox), sessions and turns
        removed, seed orders restored, order numbers restarting at ORD-30001. Much cheaper than a new database
        (evals use it between conversations)."""
        with self.transaction() as cur:
            cur.execute("DELETE FROM turns")
            cur.execute("DELETE FROM sessions")
            cur.execute("DELETE FROM orders")
            cur.execute("DELETE FROM requests")
            cur.execute("INSERT INTO orders BY NAME SELECT '' AS sandbox, * "
                        "FROM read_csv(?, header = true, all_varchar = true)", [str(Path(mock_dir) / "orders.csv")])

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

    # ------------------------------------------------------------------ orders (scoped by sandbox)
    @staticmethod
    def _order(r: dict[str, Any]) -> Order:
        r.pop("sandbox", None)
        return Order(**r)

    def orders(self, patient_id: str, sandbox: str = "") -> list[Order]:
        return [self._order(r) for r in self.rows(
            "SELECT * FROM orders WHERE sandbox = ? AND patient_id = ? ORDER BY created_at DESC, order_id DESC",
            [sandbox, patient_id])]

    def order(self, order_id: str, sandbox: str = "") -> Order | None:
        r = self.row("SELECT * FROM orders WHERE sandbox = ? AND order_id = ?", [sandbox, order_id])
        return self._order(r) if r else None

    def open_orders(self, rx_id: str, sandbox: str = "") -> list[Order]:
        marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
        return [self._order(r) for r in self.rows(
            f"SELECT * FROM orders WHERE sandbox = ? AND rx_id = ? AND status IN ({marks}) ORDER BY created_at",
            [sandbox, rx_id, *OPEN_ORDER_STATUSES])]

    def orders_frame(self, patient_id: str, sandbox: str = ""):
        """A patient's orders with drug, strength and pharmacy names, newest first (pandas, for the UI)."""
        return self.df(
            """SELECT o.order_id, d.generic_name AS medication, p.strength_label AS strength, o.quantity,
                      ph.name AS pharmacy, o.price, o.price_type, o.status, o.created_at, o.ready_at
               FROM orders o JOIN products p USING (product_id) JOIN drugs d ON d.drug_id = p.drug_id
               JOIN pharmacies ph USING (pharmacy_id) WHERE o.sandbox = ? AND o.patient_id = ?
               ORDER BY o.created_at DESC""",
            [sandbox, patient_id])

    def order_by_key(self, idempotency_key: str, sandbox: str = "") -> Order | None:
        r = self.row("SELECT * FROM orders WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._order(r) if r else None

    def insert_order(self, fields: dict[str, Any], sandbox: str = "", inside=None) -> tuple[Order, bool]:
        """Write one order in one transaction, in `sandbox`. Returns (order, created).

        The idempotency key makes a repeated confirmation return the first order instead of
        writing a second. "No other open order for this prescription" is checked inside the
        transaction after the row is written, under the write lock, so two confirmations cannot
        race past it; on a conflict the transaction rolls back and OrderConflict is raised.
        Order numbers count from ORD-30001 in each sandbox. `inside(cursor)` runs before the
        commit too (the crash tests stop the process there).
        """
        key = fields["idempotency_key"]
        with self.transaction() as cur:
            existing = cur.execute("SELECT order_id FROM orders WHERE sandbox = ? AND idempotency_key = ?",
                                   [sandbox, key]).fetchone()
            if existing:
                found = existing[0]
            else:
                number = cur.execute(
                    "SELECT greatest(coalesce(max(TRY_CAST(substr(order_id, 5) AS BIGINT)), 0), 30000) + 1 "
                    "FROM orders WHERE sandbox = ?", [sandbox]).fetchone()[0]
                order_id = f"ORD-{number}"
                cols = ["sandbox", "order_id", *fields]
                cur.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [sandbox, order_id, *fields.values()])
                marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
                other = cur.execute(f"SELECT order_id FROM orders WHERE sandbox = ? AND rx_id = ? "
                                    f"AND status IN ({marks}) AND idempotency_key <> ?",
                                    [sandbox, fields["rx_id"], *OPEN_ORDER_STATUSES, key]).fetchone()
                if other:
                    raise OrderConflict(other[0])
                if inside is not None:
                    inside(cur)
                found = None
        if found:
            return self.order(found, sandbox), False
        return self.order(order_id, sandbox), True

    def set_order_status(self, order_id: str, status: str, allowed_from: tuple[str, ...],
                         sandbox: str = "") -> Order:
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM orders WHERE sandbox = ? AND order_id = ?",
                            [sandbox, order_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown order {order_id}")
            if r[0] not in allowed_from:
                raise StoreError(f"Order {order_id} is {r[0]}")
            cur.execute("UPDATE orders SET status = ? WHERE sandbox = ? AND order_id = ?", [status, sandbox, order_id])
        return self.order(order_id, sandbox)

    # ------------------------------------------------------------------ requests (scoped by sandbox, as orders)
    @staticmethod
    def _request(r: dict[str, Any]) -> Request:
        r.pop("sandbox", None)
        return Request(**r)

    def requests(self, patient_id: str, sandbox: str = "") -> list[Request]:
        return [self._request(r) for r in self.rows(
            "SELECT * FROM requests WHERE sandbox = ? AND patient_id = ? ORDER BY created_at DESC, request_id DESC",
            [sandbox, patient_id])]

    def request(self, request_id: str, sandbox: str = "") -> Request | None:
        r = self.row("SELECT * FROM requests WHERE sandbox = ? AND request_id = ?", [sandbox, request_id])
        return self._request(r) if r else None

    def request_by_key(self, idempotency_key: str, sandbox: str = "") -> Request | None:
        r = self.row("SELECT * FROM requests WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._request(r) if r else None

    def requests_frame(self, patient_id: str, sandbox: str = ""):
        """A patient's requests with drug, strength and prescriber names, newest first (pandas, for the UI)."""
        return self.df(
            """SELECT q.request_id, d.generic_name AS medication, p.strength_label AS strength, q.kind,
                      pr.name AS prescriber, q.reason, q.status, q.created_at, q.updated_at
               FROM requests q JOIN prescriptions rx USING (rx_id) JOIN products p ON p.product_id = rx.product_id
               JOIN drugs d ON d.drug_id = p.drug_id LEFT JOIN prescribers pr ON pr.prescriber_id = q.prescriber_id
               WHERE q.sandbox = ? AND q.patient_id = ? ORDER BY q.created_at DESC, q.request_id DESC""",
            [sandbox, patient_id])

    def insert_request(self, fields: dict[str, Any], sandbox: str = "") -> tuple[Request, bool]:
        """Write one request in one transaction, in `sandbox`. Returns (request, created).

        As for orders: the idempotency key makes a repeated yes return the first request, and
        "no other request of this kind for this prescription still sent" is checked inside the
        transaction, under the write lock (RequestConflict). Numbers count from REQ-40001 in each
        sandbox.
        """
        key = fields["idempotency_key"]
        with self.transaction() as cur:
            existing = cur.execute("SELECT request_id FROM requests WHERE sandbox = ? AND idempotency_key = ?",
                                   [sandbox, key]).fetchone()
            if existing:
                found = existing[0]
            else:
                marks = ",".join("?" * len(OPEN_REQUEST_STATUSES))
                other = cur.execute("SELECT request_id FROM requests WHERE sandbox = ? AND patient_id = ? "
                                    f"AND rx_id = ? AND kind = ? AND status IN ({marks})",
                                    [sandbox, fields["patient_id"], fields["rx_id"], fields["kind"],
                                     *OPEN_REQUEST_STATUSES]).fetchone()
                if other:
                    raise RequestConflict(other[0])
                number = cur.execute(
                    "SELECT greatest(coalesce(max(TRY_CAST(substr(request_id, 5) AS BIGINT)), 0), 40000) + 1 "
                    "FROM requests WHERE sandbox = ?", [sandbox]).fetchone()[0]
                request_id = f"REQ-{number}"
                cols = ["sandbox", "request_id", *fields]
                cur.execute(f"INSERT INTO requests ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [sandbox, request_id, *fields.values()])
                found = None
        if found:
            return self.request(found, sandbox), False
        return self.request(request_id, sandbox), True

    def set_request_status(self, request_id: str, status: str, allowed_from: tuple[str, ...], at: dt.datetime,
                           sandbox: str = "") -> Request:
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM requests WHERE sandbox = ? AND request_id = ?",
                            [sandbox, request_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown request {request_id}")
            if r[0] not in allowed_from:
                raise StoreError(f"Request {request_id} is {r[0]}")
            cur.execute("UPDATE requests SET status = ?, updated_at = ? WHERE sandbox = ? AND request_id = ?",
                        [status, at, sandbox, request_id])
        return self.request(request_id, sandbox)

    # ------------------------------------------------------------------ sessions
    def create_session(self, session_id: str, patient_id: str, state: str, context: dict[str, Any],
                       sandbox: str = "") -> None:
        """A new session row; a sandbox starts as a copy of its patient's seeded orders (so that
        cancelling one there never touches the shared world or another sandbox)."""
        now = dt.datetime.now()
        with self.transaction() as cur:
            cur.execute("INSERT INTO sessions (session_id, patient_id, sandbox, state, context, created_at, "
                        "updated_at, turn_count) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                        [session_id, patient_id, sandbox, state, json.dumps(context, default=str), now, now])
            if sandbox:
                cur.execute("INSERT INTO orders BY NAME SELECT * REPLACE (? AS sandbox) FROM orders "
                            "WHERE sandbox = '' AND patient_id = ? AND starts_with(idempotency_key, 'seed-')",
                            [sandbox, patient_id])

    def save_session(self, session_id: str, state: str, context: dict[str, Any],
                     turn: dict[str, Any] | None = None, keep: int | None = None) -> bool:
        """Persist the conversation context and (optionally) the turn record in one transaction,
        keeping the latest `keep` turn records. False when the session is gone (swept)."""
        now = dt.datetime.now()
        with self.transaction() as cur:
            row = cur.execute("SELECT turn_count FROM sessions WHERE session_id = ?", [session_id]).fetchone()
            if row is None:
                return False
            count = row[0] + (1 if turn is not None else 0)
            cur.execute("UPDATE sessions SET state = ?, context = ?, updated_at = ?, turn_count = ? "
                        "WHERE session_id = ?", [state, json.dumps(context, default=str), now, count, session_id])
            if turn is not None:
                cur.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                            [session_id, count, turn.get("state_before"), turn.get("state_after"),
                             json.dumps(turn, default=str), now])
                if keep is not None and count > keep:
                    cur.execute("DELETE FROM turns WHERE session_id = ? AND turn_no <= ?", [session_id, count - keep])
        return True

    def turn_records(self, session_id: str) -> list[dict[str, Any]]:
        return [json.loads(r["record"]) if isinstance(r["record"], str) else r["record"] for r in self.rows(
            "SELECT record FROM turns WHERE session_id = ? ORDER BY turn_no", [session_id])]

    def load_session(self, session_id: str) -> dict[str, Any] | None:
        r = self.row("SELECT * FROM sessions WHERE session_id = ?", [session_id])
        if r is None:
            return None
        r["context"] = json.loads(r["context"])
        return r

    def set_resume(self, session_id: str, resume_digest: str) -> None:
        with self.transaction() as cur:
            cur.execute("UPDATE sessions SET resume = ? WHERE session_id = ?", [resume_digest, session_id])

    def rotate_resume(self, old_digest: str, new_digest: str) -> dict[str, Any] | None:
        """Replace a resume token's digest by the next one, in one statement (so a token resumes once, even
        from two tabs at the same moment). Returns the session (id, updated_at) it belonged to, or None."""
        with self.transaction() as cur:
            r = cur.execute("UPDATE sessions SET resume = ? WHERE resume = ? RETURNING session_id, updated_at",
                            [new_digest, old_digest]).fetchone()
        return {"session_id": r[0], "updated_at": r[1]} if r else None

    def live_sessions(self, active_since: dt.datetime) -> int:
        return self.row("SELECT count(*) AS n FROM sessions WHERE updated_at >= ?", [active_since])["n"]

    def sweep(self, idle_before: dt.datetime) -> dict[str, int]:
        """Delete sessions idle since before `idle_before`, with their turns and sandboxed orders and
        requests (and any sandboxed row whose session is gone). Returns the rows deleted per table."""
        with self.transaction() as cur:
            sessions = cur.execute("DELETE FROM sessions WHERE updated_at < ?", [idle_before]).fetchone()[0]
            turns = cur.execute("DELETE FROM turns WHERE session_id NOT IN (SELECT session_id FROM sessions)"
                                ).fetchone()[0]
            orders = cur.execute("DELETE FROM orders WHERE sandbox <> '' AND sandbox NOT IN "
                                 "(SELECT sandbox FROM sessions)").fetchone()[0]
            requests = cur.execute("DELETE FROM requests WHERE sandbox <> '' AND sandbox NOT IN "
                                   "(SELECT sandbox FROM sessions)").fetchone()[0]
        return {"sessions": sessions, "turns": turns, "orders": orders, "requests": requests}

    def runtime_rows(self) -> dict[str, int]:
        """Rows written at run time: sessions, turns, sandboxed orders and requests (the soak benchmark reads it)."""
        return self.row("SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM turns) AS turns, "
                        "(SELECT count(*) FROM orders WHERE sandbox <> '') AS sandboxed_orders, "
                        "(SELECT count(*) FROM requests WHERE sandbox <> '') AS sandboxed_requests")

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM turns WHERE session_id = ?", [session_id])
            for table in ("orders", "requests"):
                cur.execute(f"DELETE FROM {table} WHERE sandbox <> '' AND sandbox IN "
                            "(SELECT sandbox FROM sessions WHERE session_id = ?)", [session_id])
            cur.execute("DELETE FROM sessions WHERE session_id = ?", [session_id])
