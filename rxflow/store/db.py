"""The DuckDB store: connection, idempotent seeding, typed reads and transactional writes.

One Store per process. DuckDB connections are not shared across threads, so every
operation takes a fresh cursor (a cheap child connection); writes also hold a lock, which
with the unique idempotency key makes "two threads confirm the same order" write once.

Orders, requests and the other run-time rows (texts on or off, the outbox of texts, auto-refill enrolments,
reminders) are scoped by a sandbox ('' is the shared world; in demo mode each session has its own), so every
read and write of them takes one. A database file that cannot be used (locked by another
process, unreadable, deleted or replaced while running) raises StoreUnavailable: nothing is
written to a file that is no longer the one opened.
"""

from __future__ import annotations

import csv
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
    OPEN_ENROLMENT_STATUSES,
    OPEN_ORDER_STATUSES,
    OPEN_REQUEST_STATUSES,
    Allergy,
    Caregiver,
    Drug,
    Enrolment,
    FormularyEntry,
    Interaction,
    Message,
    Order,
    Patient,
    Pharmacy,
    Plan,
    Prescriber,
    Prescription,
    Product,
    Reminder,
    Request,
)

SCHEMA = Path(__file__).with_name("schema.sql")
log = logging.getLogger("rxflow.store")

# Reference tables, seeded from CSV files of the same name. Orders are seeded separately
# because run-time orders live beside them and must survive a re-seed.
REFERENCE_TABLES = (
    "drugs", "products", "duplicate_groups", "interactions", "allergy_cross_sensitivity", "prescribers",
    "plans", "plan_tiers", "formulary", "pharmacies", "inventory", "prices", "wait_times", "patients",
    "allergies", "prescriptions", "fills", "caregivers",
)
# Rows written at run time, each in a sandbox: what a reset clears and a swept session's sandbox loses.
RUNTIME_TABLES = ("orders", "requests", "preferences", "outbox", "enrolments", "reminders", "setting_changes")


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
    """A request of the same kind for the same prescription (a transfer: the same drug) is already sent."""

    def __init__(self, request_id: str):
        super().__init__(f"Request {request_id} for this prescription is already sent.")
        self.request_id = request_id


class EnrolmentConflict(StoreError):
    """The prescription is on auto-refill already (active or paused)."""

    def __init__(self, enrolment_id: str):
        super().__init__(f"This prescription is on auto-refill already ({enrolment_id}).")
        self.enrolment_id = enrolment_id


class ReminderConflict(StoreError):
    """A reminder for the prescription is scheduled already."""

    def __init__(self, reminder_id: str):
        super().__init__(f"A reminder for this prescription is scheduled already ({reminder_id}).")
        self.reminder_id = reminder_id


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(";") if v]


def _columns(con) -> dict[str, set[str]]:
    """Each table of a database, with its columns."""
    found: dict[str, set[str]] = {}
    for table, column in con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
        found.setdefault(table, set()).add(column)
    return found


@lru_cache(maxsize=1)
def _schema_columns() -> dict[str, set[str]]:
    """Each table's columns as schema.sql has them now (read once, from a scratch database)."""
    con = duckdb.connect()
    try:
        con.execute(SCHEMA.read_text())
        return _columns(con)
    finally:
        con.close()


def _next_id(cur, table: str, column: str, prefix: str, floor: int, sandbox: str) -> str:
    """The next number of a run-time row in its sandbox: ORD-30001, REQ-40001, AR-40001, REM-40001, MSG-50001."""
    number = cur.execute(
        f"SELECT greatest(coalesce(max(TRY_CAST(substr({column}, {len(prefix) + 1}) AS BIGINT)), 0), {floor}) + 1 "
        f"FROM {table} WHERE sandbox = ?", [sandbox]).fetchone()[0]
    return f"{prefix}{number}"


def _insert(cur, table: str, sandbox: str, fields: dict[str, Any]) -> None:
    cols = ["sandbox", *fields]
    cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [sandbox, *fields.values()])


def _queue_text(cur, sandbox: str, ref_id: str, message: dict[str, Any]) -> str:
    """Write one text in the outbox, inside the caller's transaction (so a text exists exactly when the row it
    is about does). `message`: patient_id, kind, facts, body, send_at, created_at; '{ref_id}' in the body is
    the id of that row, known only here."""
    message_id = _next_id(cur, "outbox", "message_id", "MSG-", 50000, sandbox)
    _insert(cur, "outbox", sandbox, {
        **message, "message_id": message_id, "ref_id": ref_id, "facts": json.dumps(message["facts"], default=str),
        "body": message["body"].replace("{ref_id}", ref_id), "cancelled": False})
    return message_id


def _claim(cur, sandbox: str, change: dict[str, Any]) -> bool:
    """Record a change of a standing setting by its idempotency key (ref_id, action, patient_id, placed_by,
    created_at), inside the caller's transaction; False when that key already changed something."""
    if cur.execute("SELECT 1 FROM setting_changes WHERE sandbox = ? AND idempotency_key = ?",
                   [sandbox, change["idempotency_key"]]).fetchone():
        return False
    _insert(cur, "setting_changes", sandbox, change)
    return True


def _cancel_texts(cur, sandbox: str, ref_id: str, after: dt.datetime) -> None:
    """Cancel the texts about `ref_id` not yet sent at `after` (those sent stay on the phone)."""
    cur.execute("UPDATE outbox SET cancelled = true WHERE sandbox = ? AND ref_id = ? AND send_at > ? AND NOT cancelled",
                [sandbox, ref_id, after])


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


def _csv(path: Path) -> str:
    """A mock CSV as text columns (`read_csv`'s all_varchar; the schema casts), its header read here: without
    DuckDB's dialect sniffing a new in-memory store takes 92 ms, not 128 (every eval and many tests make one)."""
    with open(path, newline="", encoding="utf-8-sig") as f:  # (a header saved with a BOM names its first column plainly)
        header = next(csv.reader(f))
    columns = ", ".join("'" + name.replace("'", "''") + "': 'VARCHAR'" for name in header)
    quoted = str(path).replace("'", "''")
    return (f"read_csv('{quoted}', header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"columns = {{{columns}}})")


def _sorted(rows: list[dict[str, Any]], *keys: str, newest_first: bool = False) -> list[dict[str, Any]]:
    """A patient's rows by `keys`, all ascending or all descending (newest_first). The per-patient lists are
    sorted here rather than by ORDER BY: DuckDB's sort costs about 0.35 ms a query even for two rows, and a
    patient's orders are the query a turn asks most."""
    return sorted(rows, key=lambda r: tuple(r[k] for k in keys), reverse=newest_first)


# One thread per query: every statement here is a point lookup or a write of a few rows, where DuckDB's worker
# pool only adds hand-offs (an offline turn costs 14% less CPU with one thread than with the default, one per
# core). Visitors' queries still run side by side: each runs on its caller's own cursor, in the caller's thread.
# (DuckDB refuses a second connection to an open file with other settings: open a store's file through Store.)
CONNECTION = {"threads": 1}


class Store:
    def __init__(self, path: str = ":memory:", mock_dir: Path | None = None):
        self.path = path
        self._write_lock = threading.RLock()
        self._seeded = False  # seed() ran on this store (reset_runtime restores what it kept)
        try:
            if path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(path, config=CONNECTION)
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
        """Files made before a table gained columns (orders their sandbox, then delivery and who placed them;
        requests transfers; pharmacies delivery; patients texts): the table is rebuilt as the schema has it
        now, every row kept and the new columns at their defaults. Sessions and turns from before sandboxes
        (conversations under the old, guessable ids) are dropped, as no id of theirs is valid now."""
        have = _columns(self._con)
        if "sessions" in have and "sandbox" not in have["sessions"]:
            self._con.execute("DROP TABLE IF EXISTS turns")
            self._con.execute("DROP TABLE sessions")
        stale = [t for t in (*REFERENCE_TABLES, *RUNTIME_TABLES) if t in have and _schema_columns()[t] - have[t]]
        for table in stale:
            self._con.execute(f"ALTER TABLE {table} RENAME TO {table}_before_migration")
        if stale:
            self._con.execute(SCHEMA.read_text())
        for table in stale:
            self._con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {table}_before_migration")
            self._con.execute(f"DROP TABLE {table}_before_migration")

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
            # The seed orders kept for reset_runtime carry their own digest: a file seeded by an older version
            # (no seed_orders, or seed_orders of other CSVs) is seeded again.
            have = dict(cur.execute("SELECT key, value FROM world_meta WHERE key IN ('seed_digest', "
                                    "'seed_orders_digest')").fetchall())
            if have.get("seed_digest") == digest and have.get("seed_orders_digest") == digest:
                self._seeded = True
                return False
            for table in REFERENCE_TABLES:
                cur.execute(f"DELETE FROM {table}")
                cur.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {_csv(mock_dir / f'{table}.csv')}")
            # The seed orders as read, kept for reset_runtime (a table scan costs a fifth of reading the CSV again).
            cur.execute(f"CREATE OR REPLACE TABLE seed_orders AS SELECT * FROM {_csv(mock_dir / 'orders.csv')}")
            cur.execute("INSERT INTO orders BY NAME SELECT '' AS sandbox, * FROM seed_orders ON CONFLICT DO NOTHING")
            cur.execute("INSERT OR REPLACE INTO world_meta VALUES ('seed_digest', ?), ('seed_orders_digest', ?)",
                        [digest, digest])
        self._seeded = True
        if self.path != ":memory:":  # never silent: a new or changed seed in a file is worth a line
            log.warning("seeded the mock world into %s", self.path)
        for cached in ("catalogue", "name_index", "ref"):
            self.__dict__.pop(cached, None)
        return True

    def reset_runtime(self) -> None:
        """Back to the seeded world: run-time rows (orders, requests, settings, texts: every sandbox), sessions
        and turns removed, seed orders restored, order numbers restarting at ORD-30001. Much cheaper than a new
        database (evals and tests use it between conversations, thousands of times a run: so only the tables
        with rows are emptied, each DELETE costing a round trip, and the seed orders are the ones seed() kept)."""
        if not self._seeded:
            raise StoreError("reset_runtime restores the seeded world: this store was opened without mock data "
                             "(Store(path, mock_dir))")
        tables = ("turns", "sessions", *RUNTIME_TABLES)
        with self.transaction() as cur:
            counts = cur.execute(" UNION ALL ".join(f"SELECT {i} AS i, count(*) AS n FROM {t}"
                                                    for i, t in enumerate(tables))).fetchall()
            for i, n in sorted(counts):
                if n:
                    cur.execute(f"DELETE FROM {tables[i]}")
            cur.execute("INSERT INTO orders BY NAME SELECT '' AS sandbox, * FROM seed_orders")

    def table_sizes(self) -> dict[str, int]:
        return {t: self.row(f"SELECT count(*) AS n FROM {t}")["n"] for t in (*REFERENCE_TABLES, "orders")}

    # ------------------------------------------------------------------ reference data (cached: read-only)
    # The reference tables never change at run time (only the run-time rows, sessions and turns do), so they
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
            allergies=allergies, fills=fills,
            caregivers=[Caregiver(**r) for r in table("caregivers", "caregiver_id, patient_id")])

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

    def caregiver(self, caregiver_id: str, patient_id: str) -> Caregiver | None:
        """The authorisation for `caregiver_id` to manage `patient_id`'s record, or None."""
        return next((c for c in self.ref.caregivers if (c.caregiver_id, c.patient_id) == (caregiver_id, patient_id)),
                    None)

    def dependants(self, caregiver_id: str) -> list[Caregiver]:
        """Whose records `caregiver_id` may manage."""
        return [c for c in self.ref.caregivers if c.caregiver_id == caregiver_id]

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
        return [self._order(r) for r in _sorted(self.rows(
            "SELECT * FROM orders WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id]),
            "created_at", "order_id", newest_first=True)]

    def order(self, order_id: str, sandbox: str = "") -> Order | None:
        r = self.row("SELECT * FROM orders WHERE sandbox = ? AND order_id = ?", [sandbox, order_id])
        return self._order(r) if r else None

    def open_orders(self, rx_id: str, sandbox: str = "") -> list[Order]:
        marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
        return [self._order(r) for r in _sorted(self.rows(
            f"SELECT * FROM orders WHERE sandbox = ? AND rx_id = ? AND status IN ({marks})",
            [sandbox, rx_id, *OPEN_ORDER_STATUSES]), "created_at", "order_id")]

    def order_lines(self, patient_id: str, sandbox: str = "") -> list[dict[str, Any]]:
        """A patient's orders with drug, strength and pharmacy names, newest first (for the page's tables; rows,
        not a pandas frame: a frame cost 6 ms a page load or turn, these rows 1 ms)."""
        return _sorted(self.rows(
            """SELECT o.order_id, d.generic_name AS medication, p.strength_label AS strength, o.quantity,
                      ph.name AS pharmacy, o.price, o.price_type, o.status, o.created_at, o.ready_at,
                      o.fulfilment, o.arrives_from, o.arrives_until
               FROM orders o JOIN products p USING (product_id) JOIN drugs d ON d.drug_id = p.drug_id
               JOIN pharmacies ph USING (pharmacy_id) WHERE o.sandbox = ? AND o.patient_id = ?""",
            [sandbox, patient_id]), "created_at", "order_id", newest_first=True)

    def order_by_key(self, idempotency_key: str, sandbox: str = "") -> Order | None:
        r = self.row("SELECT * FROM orders WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._order(r) if r else None

    def insert_order(self, fields: dict[str, Any], sandbox: str = "", inside=None,
                     text: dict[str, Any] | None = None) -> tuple[Order, bool]:
        """Write one order in one transaction, in `sandbox`. Returns (order, created).

        The idempotency key makes a repeated confirmation return the first order instead of
        writing a second. "No other open order for this prescription" is checked inside the
        transaction after the row is written, under the write lock, so two confirmations cannot
        race past it; on a conflict the transaction rolls back and OrderConflict is raised.
        Order numbers count from ORD-30001 in each sandbox. `text`: the "ready" or "on its way"
        text, queued in the same transaction (see _queue_text). `inside(cursor)` runs before the
        commit too (the crash tests stop the process there).
        """
        key = fields["idempotency_key"]
        with self.transaction() as cur:
            existing = cur.execute("SELECT order_id FROM orders WHERE sandbox = ? AND idempotency_key = ?",
                                   [sandbox, key]).fetchone()
            if existing:
                found = existing[0]
            else:
                order_id = _next_id(cur, "orders", "order_id", "ORD-", 30000, sandbox)
                _insert(cur, "orders", sandbox, {"order_id": order_id, **fields})
                marks = ",".join("?" * len(OPEN_ORDER_STATUSES))
                other = cur.execute(f"SELECT order_id FROM orders WHERE sandbox = ? AND rx_id = ? "
                                    f"AND status IN ({marks}) AND idempotency_key <> ?",
                                    [sandbox, fields["rx_id"], *OPEN_ORDER_STATUSES, key]).fetchone()
                if other:
                    raise OrderConflict(other[0])
                if text is not None:
                    _queue_text(cur, sandbox, order_id, text)
                if inside is not None:
                    inside(cur)
                found = None
        if found:
            return self.order(found, sandbox), False
        return self.order(order_id, sandbox), True

    def set_order_status(self, order_id: str, status: str, allowed_from: tuple[str, ...],
                         sandbox: str = "", at: dt.datetime | None = None) -> Order:
        """Move an order to `status` if it is in one of `allowed_from` (StoreError otherwise). A cancellation
        at `at` also cancels the order's texts not sent by then."""
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM orders WHERE sandbox = ? AND order_id = ?",
                            [sandbox, order_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown order {order_id}")
            if r[0] not in allowed_from:
                raise StoreError(f"Order {order_id} is {r[0]}")
            cur.execute("UPDATE orders SET status = ? WHERE sandbox = ? AND order_id = ?", [status, sandbox, order_id])
            if status == "cancelled" and at is not None:
                _cancel_texts(cur, sandbox, order_id, at)
        return self.order(order_id, sandbox)

    # ------------------------------------------------------------------ requests (scoped by sandbox, as orders)
    @staticmethod
    def _request(r: dict[str, Any]) -> Request:
        r.pop("sandbox", None)
        return Request(**r)

    def requests(self, patient_id: str, sandbox: str = "") -> list[Request]:
        return [self._request(r) for r in _sorted(self.rows(
            "SELECT * FROM requests WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id]),
            "created_at", "request_id", newest_first=True)]

    def request(self, request_id: str, sandbox: str = "") -> Request | None:
        r = self.row("SELECT * FROM requests WHERE sandbox = ? AND request_id = ?", [sandbox, request_id])
        return self._request(r) if r else None

    def request_by_key(self, idempotency_key: str, sandbox: str = "") -> Request | None:
        r = self.row("SELECT * FROM requests WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._request(r) if r else None

    def requests_frame(self, patient_id: str, sandbox: str = ""):
        """A patient's requests with drug, strength and prescriber names, newest first (pandas, for the UI). A
        transfer of a drug not on the record has no strength; its prescriber column names where it comes from."""
        return self.df(
            """SELECT q.request_id, d.generic_name AS medication, p.strength_label AS strength, q.kind,
                      coalesce(pr.name, 'from ' || q.from_pharmacy) AS prescriber, q.reason, q.status, q.created_at,
                      q.updated_at
               FROM requests q LEFT JOIN prescriptions rx ON rx.rx_id = q.rx_id
               LEFT JOIN products p ON p.product_id = rx.product_id
               JOIN drugs d ON d.drug_id = coalesce(q.drug_id, rx.drug_id)
               LEFT JOIN prescribers pr ON pr.prescriber_id = q.prescriber_id
               WHERE q.sandbox = ? AND q.patient_id = ? ORDER BY q.created_at DESC, q.request_id DESC""",
            [sandbox, patient_id])

    def insert_request(self, fields: dict[str, Any], sandbox: str = "") -> tuple[Request, bool]:
        """Write one request in one transaction, in `sandbox`. Returns (request, created).

        As for orders: the idempotency key makes a repeated yes return the first request, and
        "no other request of this kind for this prescription (a transfer: this drug) still sent" is
        checked inside the transaction, under the write lock (RequestConflict). Numbers count from
        REQ-40001 in each sandbox.
        """
        key = fields["idempotency_key"]
        with self.transaction() as cur:
            existing = cur.execute("SELECT request_id FROM requests WHERE sandbox = ? AND idempotency_key = ?",
                                   [sandbox, key]).fetchone()
            if existing:
                found = existing[0]
            else:
                marks = ",".join("?" * len(OPEN_REQUEST_STATUSES))
                same = ("drug_id", fields["drug_id"]) if fields["kind"] == "transfer" else ("rx_id", fields["rx_id"])
                other = cur.execute("SELECT request_id FROM requests WHERE sandbox = ? AND patient_id = ? "
                                    f"AND {same[0]} = ? AND kind = ? AND status IN ({marks})",
                                    [sandbox, fields["patient_id"], same[1], fields["kind"],
                                     *OPEN_REQUEST_STATUSES]).fetchone()
                if other:
                    raise RequestConflict(other[0])
                request_id = _next_id(cur, "requests", "request_id", "REQ-", 40000, sandbox)
                _insert(cur, "requests", sandbox, {"request_id": request_id, **fields})
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

    # ------------------------------------------------------------------ texts: on or off, and the outbox
    def sms_opt_in(self, patient_id: str, sandbox: str = "") -> bool:
        """Whether texts to the patient's phone are on: the latest choice in `sandbox`, else as enrolled."""
        r = self.row("SELECT arg_max(sms_opt_in, seq) AS sms_opt_in, count(*) AS n FROM preferences "
                     "WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id])
        if r["n"]:
            return r["sms_opt_in"]
        p = self.patient(patient_id)
        return bool(p and p.sms_opt_in)

    def set_sms_opt_in(self, fields: dict[str, Any], sandbox: str = "", cancel_after: dt.datetime | None = None,
                       cancel_kinds: tuple[str, ...] = ()) -> tuple[dict[str, Any], bool]:
        """Record one choice of texts on or off (patient_id, sms_opt_in, updated_at, placed_by,
        idempotency_key) in one transaction; a key already used returns its row. Turning texts off also
        cancels the patient's texts of `cancel_kinds` not sent by `cancel_after`. Returns (row, created)."""
        with self.transaction() as cur:
            found = cur.execute("SELECT * FROM preferences WHERE sandbox = ? AND idempotency_key = ?",
                                [sandbox, fields["idempotency_key"]]).fetchone()
            if found is None:
                seq = cur.execute("SELECT coalesce(max(seq), 0) + 1 FROM preferences WHERE sandbox = ?",
                                  [sandbox]).fetchone()[0]
                _insert(cur, "preferences", sandbox, {"seq": seq, **fields})
                if not fields["sms_opt_in"] and cancel_after is not None and cancel_kinds:
                    marks = ",".join("?" * len(cancel_kinds))
                    cur.execute(f"UPDATE outbox SET cancelled = true WHERE sandbox = ? AND patient_id = ? "
                                f"AND kind IN ({marks}) AND send_at > ? AND NOT cancelled",
                                [sandbox, fields["patient_id"], *cancel_kinds, cancel_after])
        row = self.row("SELECT * FROM preferences WHERE sandbox = ? AND idempotency_key = ?",
                       [sandbox, fields["idempotency_key"]])
        return row, found is None

    @staticmethod
    def _message(r: dict[str, Any]) -> Message:
        r.pop("sandbox", None)
        return Message(**{**r, "facts": json.loads(r["facts"]) if isinstance(r["facts"], str) else r["facts"]})

    def messages(self, patient_id: str, sandbox: str = "") -> list[Message]:
        """Every text written for a patient in `sandbox` (sent, scheduled or cancelled), by send time."""
        return [self._message(r) for r in _sorted(self.rows(
            "SELECT * FROM outbox WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id]),
            "send_at", "message_id")]

    # ------------------------------------------------------------------ auto-refill enrolments
    @staticmethod
    def _enrolment(r: dict[str, Any]) -> Enrolment:
        r.pop("sandbox", None)
        return Enrolment(**r)

    def enrolments(self, patient_id: str, sandbox: str = "") -> list[Enrolment]:
        return [self._enrolment(r) for r in _sorted(self.rows(
            "SELECT * FROM enrolments WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id]),
            "created_at", "enrolment_id", newest_first=True)]

    def enrolment(self, enrolment_id: str, sandbox: str = "") -> Enrolment | None:
        r = self.row("SELECT * FROM enrolments WHERE sandbox = ? AND enrolment_id = ?", [sandbox, enrolment_id])
        return self._enrolment(r) if r else None

    def enrolment_by_key(self, idempotency_key: str, sandbox: str = "") -> Enrolment | None:
        r = self.row("SELECT * FROM enrolments WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._enrolment(r) if r else None

    def change_by_key(self, idempotency_key: str, sandbox: str = "") -> dict[str, Any] | None:
        """The change of a standing setting this key made (ref_id, action...), or None."""
        return self.row("SELECT * FROM setting_changes WHERE sandbox = ? AND idempotency_key = ?",
                        [sandbox, idempotency_key])

    def insert_enrolment(self, fields: dict[str, Any], sandbox: str = "",
                         text: dict[str, Any] | None = None) -> tuple[Enrolment, bool]:
        """Put a prescription on auto-refill in one transaction (numbers from AR-40001 in each sandbox), with
        its first text when given. A key already used returns its enrolment; an active or paused enrolment
        for the same prescription raises EnrolmentConflict. Returns (enrolment, created)."""
        with self.transaction() as cur:
            found = cur.execute("SELECT enrolment_id FROM enrolments WHERE sandbox = ? AND idempotency_key = ?",
                                [sandbox, fields["idempotency_key"]]).fetchone()
            if found is None:
                marks = ",".join("?" * len(OPEN_ENROLMENT_STATUSES))
                other = cur.execute(f"SELECT enrolment_id FROM enrolments WHERE sandbox = ? AND rx_id = ? "
                                    f"AND status IN ({marks})", [sandbox, fields["rx_id"], *OPEN_ENROLMENT_STATUSES]
                                    ).fetchone()
                if other:
                    raise EnrolmentConflict(other[0])
                enrolment_id = _next_id(cur, "enrolments", "enrolment_id", "AR-", 40000, sandbox)
                _insert(cur, "enrolments", sandbox, {"enrolment_id": enrolment_id, **fields})
                if text is not None:
                    _queue_text(cur, sandbox, enrolment_id, text)
        return self.enrolment(found[0] if found else enrolment_id, sandbox), found is None

    def change_enrolment(self, enrolment_id: str, status: str, allowed_from: tuple[str, ...],
                         change: dict[str, Any], next_fill_date: dt.date | None = None, sandbox: str = "",
                         text: dict[str, Any] | None = None) -> tuple[Enrolment, bool]:
        """Pause, resume or stop an enrolment in one transaction, if its status is one of `allowed_from`
        (StoreError otherwise): its texts not sent by the change's time are cancelled, and a resumed one gets
        its new next fill date and `text`. `change` (see _claim) carries the key: a key already used changes
        nothing. Returns (enrolment, changed)."""
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM enrolments WHERE sandbox = ? AND enrolment_id = ?",
                            [sandbox, enrolment_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown enrolment {enrolment_id}")
            if r[0] not in allowed_from:
                raise StoreError(f"Auto-refill {enrolment_id} is {r[0]}")
            changed = _claim(cur, sandbox, {**change, "ref_id": enrolment_id})
            if changed:
                at = change["created_at"]
                cur.execute("UPDATE enrolments SET status = ?, updated_at = ?, next_fill_date = coalesce(?, "
                            "next_fill_date) WHERE sandbox = ? AND enrolment_id = ?",
                            [status, at, next_fill_date, sandbox, enrolment_id])
                _cancel_texts(cur, sandbox, enrolment_id, at)
                if text is not None:
                    _queue_text(cur, sandbox, enrolment_id, text)
        return self.enrolment(enrolment_id, sandbox), changed

    # ------------------------------------------------------------------ refill reminders
    @staticmethod
    def _reminder(r: dict[str, Any]) -> Reminder:
        r.pop("sandbox", None)
        return Reminder(**r)

    def reminders(self, patient_id: str, sandbox: str = "") -> list[Reminder]:
        return [self._reminder(r) for r in _sorted(self.rows(
            "SELECT * FROM reminders WHERE sandbox = ? AND patient_id = ?", [sandbox, patient_id]),
            "created_at", "reminder_id", newest_first=True)]

    def reminder(self, reminder_id: str, sandbox: str = "") -> Reminder | None:
        r = self.row("SELECT * FROM reminders WHERE sandbox = ? AND reminder_id = ?", [sandbox, reminder_id])
        return self._reminder(r) if r else None

    def reminder_by_key(self, idempotency_key: str, sandbox: str = "") -> Reminder | None:
        r = self.row("SELECT * FROM reminders WHERE sandbox = ? AND idempotency_key = ?", [sandbox, idempotency_key])
        return self._reminder(r) if r else None

    def insert_reminder(self, fields: dict[str, Any], text: dict[str, Any], sandbox: str = "") -> tuple[Reminder, bool]:
        """Schedule a reminder and its text in one transaction (numbers from REM-40001 in each sandbox). A key
        already used returns its reminder; one for the same prescription still to be sent at the time of this
        one's creation (created_at) raises ReminderConflict. Returns (reminder, created)."""
        with self.transaction() as cur:
            found = cur.execute("SELECT reminder_id FROM reminders WHERE sandbox = ? AND idempotency_key = ?",
                                [sandbox, fields["idempotency_key"]]).fetchone()
            if found is None:
                other = cur.execute("SELECT reminder_id FROM reminders WHERE sandbox = ? AND rx_id = ? "
                                    "AND status = 'scheduled' AND send_at > ?",
                                    [sandbox, fields["rx_id"], fields["created_at"]]).fetchone()
                if other:
                    raise ReminderConflict(other[0])
                reminder_id = _next_id(cur, "reminders", "reminder_id", "REM-", 40000, sandbox)
                _insert(cur, "reminders", sandbox, {"reminder_id": reminder_id, **fields})
                _queue_text(cur, sandbox, reminder_id, text)
        return self.reminder(found[0] if found else reminder_id, sandbox), found is None

    def cancel_reminder(self, reminder_id: str, change: dict[str, Any], sandbox: str = "") -> tuple[Reminder, bool]:
        """Cancel a scheduled reminder and its text (if not sent by the change's time) in one transaction
        (StoreError when it is not scheduled); a key already used (see _claim) changes nothing. Returns
        (reminder, changed)."""
        with self.transaction() as cur:
            r = cur.execute("SELECT status FROM reminders WHERE sandbox = ? AND reminder_id = ?",
                            [sandbox, reminder_id]).fetchone()
            if r is None:
                raise StoreError(f"Unknown reminder {reminder_id}")
            if r[0] != "scheduled":
                raise StoreError(f"Reminder {reminder_id} is {r[0]}")
            changed = _claim(cur, sandbox, {**change, "ref_id": reminder_id})
            if changed:
                cur.execute("UPDATE reminders SET status = 'cancelled' WHERE sandbox = ? AND reminder_id = ?",
                            [sandbox, reminder_id])
                _cancel_texts(cur, sandbox, reminder_id, change["created_at"])
        return self.reminder(reminder_id, sandbox), changed

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
            row = cur.execute("UPDATE sessions SET state = ?, context = ?, updated_at = ?, turn_count = turn_count + ? "
                              "WHERE session_id = ? RETURNING turn_count",
                              [state, json.dumps(context, default=str), now, 1 if turn is not None else 0,
                               session_id]).fetchone()
            if row is None:
                return False
            count = row[0]
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
        """Delete sessions idle since before `idle_before`, with their turns and sandboxed run-time rows
        (and any sandboxed row whose session is gone). Returns the rows deleted per table."""
        with self.transaction() as cur:
            deleted = {"sessions": cur.execute("DELETE FROM sessions WHERE updated_at < ?", [idle_before]).fetchone()[0],
                       "turns": cur.execute("DELETE FROM turns WHERE session_id NOT IN (SELECT session_id FROM sessions)"
                                            ).fetchone()[0]}
            for table in RUNTIME_TABLES:
                deleted[table] = cur.execute(f"DELETE FROM {table} WHERE sandbox <> '' AND sandbox NOT IN "
                                             "(SELECT sandbox FROM sessions)").fetchone()[0]
        return deleted

    def runtime_rows(self) -> dict[str, int]:
        """Rows written at run time: sessions, turns, sandboxed orders and requests (the soak benchmark reads it)."""
        return self.row("SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM turns) AS turns, "
                        "(SELECT count(*) FROM orders WHERE sandbox <> '') AS sandboxed_orders, "
                        "(SELECT count(*) FROM requests WHERE sandbox <> '') AS sandboxed_requests")

    def delete_session(self, session_id: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM turns WHERE session_id = ?", [session_id])
            for table in RUNTIME_TABLES:
                cur.execute(f"DELETE FROM {table} WHERE sandbox <> '' AND sandbox IN "
                            "(SELECT sandbox FROM sessions WHERE session_id = ?)", [session_id])
            cur.execute("DELETE FROM sessions WHERE session_id = ?", [session_id])
