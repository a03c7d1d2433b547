"""Finding 5 of "A public Space strangers can share": store faults give one clear message and never a
false "Done!". A database file deleted or replaced while the app runs is detected before anything is
written; a locked or unreadable file at start-up gets one line saying what to do (exit code 2); no
exception name reaches a patient."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import duckdb
import pytest
from conftest import MOCK, ROOT, free_port

from rxflow.flow import replies
from rxflow.store import Store, StoreUnavailable

UNAVAILABLE = replies.say("en", "store_unavailable")
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b")
TO_SUMMARY = ("refill my lisinopril", "yes", "the cheapest one please")


def file_assistant(path, mode="shared"):
    from rxflow.environment import build

    return build(store=Store(str(path), MOCK), program="offline", mode=mode)


def placed(store, sandbox=""):
    return [o for o in store.orders("P001", sandbox) if not o.idempotency_key.startswith("seed-")]


@pytest.mark.parametrize("fault", ["deleted", "replaced"])
def test_5_a_database_file_gone_while_running_gives_one_clear_message_and_no_done(tmp_path, fault):
    db = tmp_path / "world.duckdb"
    a = file_assistant(db, mode="demo")
    sid = a.start("P001")
    for m in TO_SUMMARY:
        a.handle(sid, m)
    if fault == "deleted":
        db.unlink()
    else:  # another file under the same name (a restore from backup, a second deployment)
        shutil.copy(db, tmp_path / "copy.duckdb")
        os.replace(tmp_path / "copy.duckdb", db)
    t = a.handle(sid, "yes")
    assert t.reply == UNAVAILABLE and "Done" not in t.reply and t.order is None and t.tool_calls == []
    assert a.handle(sid, "where is my order?").reply == UNAVAILABLE  # every turn, until a restart
    with pytest.raises(StoreUnavailable):
        a.store.insert_order({"idempotency_key": "k" * 16}, "box")
    a.store.close()
    again = Store(str(db), MOCK)  # the restart: the orders are where they were, nothing was lost after "Done!"
    assert placed(again) == [] and again.runtime_rows()["sandboxed_orders"] in (0, 2)
    again.close()


class FailingConnection:
    """A DuckDB connection whose statements matching `when` fail as a full disk does."""

    def __init__(self, con, when):
        self.con, self.when = con, when

    def cursor(self):
        return FailingCursor(self.con.cursor(), self.when)

    def __getattr__(self, name):
        return getattr(self.con, name)


class FailingCursor:
    def __init__(self, cur, when):
        self.cur, self.when = cur, when

    def execute(self, sql, params=()):
        if self.when(sql):
            raise duckdb.IOException('IO Error: Could not write file "world.duckdb": No space left on device')
        return self.cur.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.cur, name)


@pytest.mark.parametrize("statement", ["INSERT INTO orders", "UPDATE sessions", "SELECT * FROM orders",
                                       "SELECT * FROM sessions", "UPDATE orders"])
def test_5_no_exception_name_reaches_a_patient(store, statement):
    from rxflow.environment import build
    from rxflow.ui import render

    a = build(store=store, program="offline", mode="shared")
    sid = a.start("P001")
    script = [*TO_SUMMARY, "yes", "cancel order ORD-30001", "yes"]
    stop = {"INSERT INTO orders": 3, "UPDATE sessions": 0, "SELECT * FROM orders": 0, "SELECT * FROM sessions": 0,
            "UPDATE orders": 5}[statement]
    for m in script[:stop]:
        a.handle(sid, m)
    store._con = FailingConnection(store._con, lambda sql, s=statement: sql.startswith(s))
    t = a.handle(sid, script[stop])
    shown = json.dumps([t.public(), render.chat_messages(script[stop], t)], default=str)
    assert t.reply == UNAVAILABLE and not EXCEPTION_NAME.search(shown), shown[:500]
    store._con = store._con.con
    assert a.handle(sid, "what are my medications?").reply != UNAVAILABLE  # back once the store is


def test_5_a_failing_tool_says_nothing_of_its_internals(assistant, monkeypatch):
    from rxflow.tools import REGISTRY

    def broken(ctx, args):
        raise RuntimeError("KeyError: 'pharmacy_id' in /srv/app/rxflow/tools/cost.py")

    monkeypatch.setattr(REGISTRY["price_lookup"], "fn", broken)
    sid = assistant.start("P001")
    turns = [assistant.handle(sid, m) for m in ("refill my lisinopril", "yes", "how much is my metformin?")]
    shown = json.dumps([t.public() for t in turns])
    assert not EXCEPTION_NAME.search(shown) and "/srv/app" not in shown


def _start_up(env_db: str, *command: str, timeout: int = 90) -> subprocess.CompletedProcess:
    env = {**os.environ, "RXFLOW_DB_PATH": env_db, "GRADIO_SERVER_PORT": str(free_port()),
           "GRADIO_SERVER_NAME": "127.0.0.1"}
    return subprocess.run([sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_5_a_locked_database_at_start_up_says_what_to_do(tmp_path):
    db = tmp_path / "world.duckdb"
    Store(str(db), MOCK).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                                                     "print('holding', flush=True); time.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        out = _start_up(str(db), "app.py")  # the Space's entry point
    finally:
        holder.kill()
        holder.wait(10)
    assert out.returncode == 2, out.stderr[-2000:]
    assert "Traceback" not in out.stderr and "in use by another process" in out.stderr
    assert "RXFLOW_DB_PATH" in out.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_5_an_unreadable_database_at_start_up_says_what_to_do(tmp_path, damage):
    db = tmp_path / "world.duckdb"
    if damage == "garbage":
        db.write_bytes(os.urandom(20_000))
    elif damage == "truncated":
        Store(str(db), MOCK).close()
        db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    else:
        db.write_bytes(b"")
    with pytest.raises(StoreUnavailable, match="Move or delete it"):
        Store(str(db), MOCK)
    out = _start_up(str(db), "-m", "rxflow", "world", timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "cannot be read" in out.stderr
