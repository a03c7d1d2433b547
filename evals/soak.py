"""Soak benchmark (not a timed test): what strangers sharing the public Space cost the server, and what
the attacks of issue 22 cost it.

    python -m evals.soak                          # both parts (~25 minutes)
    python -m evals.soak --part sessions          # 1,000 sessions x 5 turns, 40 made-up 1 MB ids, 1,000 turns
    python -m evals.soak --part attacks --json evals/results/soak_attacks.json
    python -m evals.soak --part attacks --root /tmp/rxflow-before    # the same attacks on another checkout

Both parts start the app (demo mode, as on the Space) as a subprocess on 127.0.0.1 with a throwaway DuckDB
file and drive it over raw HTTP (gradio_client's own cost would dominate).

**sessions** reports, as JSON: the server's memory (RSS) before and after the sessions, per live session,
and after the made-up ids; the log bytes the made-up ids added; the turn time (in the server, and as the
client sees it) at the start of one session and around its turn 1,000 (medians over 10 and 50 turns:
single turns on a shared 2-core machine are noisy); the rows left once every session has expired and a
sweep has run (read from the file afterwards); the sandbox's cost per session, in process: milliseconds to
start one, rows and database bytes, demo mode next to shared mode.

**attacks** runs each attack of issue 22 as a bounded loop against a fresh server (one behind a proxy:
clients are told apart by the X-Forwarded-For line the proxy adds, so an attacker and a visitor can both
be on this machine), with the default rate limits. For each: the server's RSS, its log bytes and its
file bytes (database, write-ahead log, Gradio's upload folder) before and after, what the attack got
(requests accepted and refused, orders, sessions held, panels drawn...), and what a well-behaved second
visitor, chatting through the API once a second meanwhile, saw (turns answered, errors, latency). The
store faults (findings 6 and 10) and the page's drawing (finding 11) are the tests' (tests/test_strangers.py).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from evals.load import SCRIPTS, free_port

ROOT = Path(__file__).resolve().parent.parent
ORDERING = ["refill my lisinopril", "yes", "the cheapest one please", "yes", "where is my order?"]
CHEAP = ["hello", "what are my medications?", "how much is my metformin?"]


class ApiError(Exception):
    pass


def call(base: str, api: str, *data, timeout: float = 120, client: str | None = None):
    """One call of a Gradio API endpoint over raw HTTP (POST the call, read its event stream). `client`: the
    address a proxy in front would add to X-Forwarded-For (for a server started with one proxy hop)."""
    headers = {"Content-Type": "application/json", **({"X-Forwarded-For": client} if client else {})}
    req = urllib.request.Request(f"{base}gradio_api/call/{api}", data=json.dumps({"data": list(data)}).encode(),
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        event = json.load(r)["event_id"]
    stream = urllib.request.Request(f"{base}gradio_api/call/{api}/{event}", headers=headers)
    with urllib.request.urlopen(stream, timeout=timeout) as r:
        body = r.read().decode()
    kind = next((line[7:] for line in body.splitlines() if line.startswith("event: ")), "")
    payload = json.loads(body.rsplit("data: ", 1)[-1]) if "data: " in body else None
    if kind != "complete":
        raise ApiError((payload or {}).get("error") if isinstance(payload, dict) else str(payload))
    return payload[0]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmRSS")


def script_for(i: int) -> tuple[str, list[str]]:
    pid = list(SCRIPTS)[i % len(SCRIPTS)]
    return pid, (ORDERING if pid == "P001" else SCRIPTS[pid][:5])


def many_sessions(base: str, sessions: int, turns: int, threads: int) -> dict:
    errors: list[str] = []
    latencies: list[float] = []
    lock = threading.Lock()
    todo = iter(range(sessions))

    def worker():
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            pid, script = script_for(i)
            try:
                sid = call(base, "start_session", pid)
                for msg in script[:turns]:
                    t = time.perf_counter()
                    call(base, "chat", sid, msg)
                    with lock:
                        latencies.append((time.perf_counter() - t) * 1000)
            except Exception as e:  # counted, reported
                with lock:
                    errors.append(f"{pid}: {type(e).__name__}: {str(e)[:120]}")

    start = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - start
    return {"sessions": sessions, "turns": len(latencies), "errors": len(errors), "error_samples": errors[:3],
            "wall_s": round(wall, 1), "turns_per_second": round(len(latencies) / wall, 1),
            "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1) if latencies else None}


def made_up_ids(base: str, count: int, size: int) -> dict:
    refused = at_gate = 0
    for _ in range(count):
        fake = "".join(random.choices(string.ascii_letters, k=64)) * (size // 64)
        body = json.dumps({"data": [fake, "hello"]}).encode()
        status, answer = post(base, "gradio_api/call/chat", body, {"Content-Type": "application/json"})
        if status == 413:  # over the request size: refused at the gate, unread
            at_gate += 1
            continue
        with urllib.request.urlopen(f"{base}gradio_api/call/chat/{json.loads(answer)['event_id']}", timeout=120) as r:
            refused += "doesn't exist" in r.read().decode()
    return {"sent": count, "bytes_each": size, "refused_clearly": refused + at_gate, "refused_at_the_gate": at_gate}


def long_session(base: str, turns: int) -> dict:
    sid = call(base, "start_session", "P001")
    server, client = [], []
    for i in range(turns):
        t = time.perf_counter()
        turn = call(base, "chat", sid, CHEAP[i % len(CHEAP)])
        client.append((time.perf_counter() - t) * 1000)
        server.append(turn["ms"])

    def median(values, first, last):  # turns first..last (1-based)
        return round(float(np.median(values[first - 1:last])), 2)

    n = turns
    return {"turns": n, "server_ms_turns_1_10": median(server, 1, 10), "server_ms_turns_1_50": median(server, 1, 50),
            f"server_ms_turns_{n - 49}_{n}": median(server, n - 49, n),
            f"server_ms_turns_{n - 9}_{n}": median(server, n - 9, n),
            "client_ms_turns_1_50": median(client, 1, 50), f"client_ms_turns_{n - 49}_{n}": median(client, n - 49, n)}


def sandbox_cost(sessions: int = 300) -> dict:
    """Per session, in process over a DuckDB file: start() time, rows and database bytes after a 5-turn
    order, in demo mode (a sandbox each) and in shared mode (one world)."""
    from rxflow.environment import build
    from rxflow.store import Store

    out = {}
    for mode in ("shared", "demo"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "cost.duckdb"
            store = Store(str(path), ROOT / "datasets" / "mock")
            a = build(store=store, program="offline", mode=mode, max_live_sessions=10**6)
            for _ in range(20):  # warm: imports, caches
                a.handle(a.start("P001"), "hello")
            store.sweep(dt.datetime.max)
            store.rows("CHECKPOINT")
            size0 = path.stat().st_size
            starts, sids = [], []
            for _ in range(sessions):
                t = time.perf_counter()
                sids.append(a.start("P001"))
                starts.append((time.perf_counter() - t) * 1000)
            for sid in sids:
                for m in ORDERING:
                    a.handle(sid, m)
                if mode == "shared":  # one world: the next session could not order it again
                    store.rows("DELETE FROM orders WHERE NOT starts_with(idempotency_key, 'seed-')")
            rows = store.runtime_rows()
            stored = store.row("SELECT (SELECT sum(length(context)) FROM sessions) AS context_bytes, "
                               "(SELECT sum(length(record)) FROM turns) AS turn_bytes")
            store.rows("CHECKPOINT")
            size1 = path.stat().st_size
            store.close()
        out[mode] = {"start_ms_p50": round(float(np.median(starts)), 2),
                     "rows_per_session": round(sum(rows.values()) / sessions, 2),
                     "sandboxed_orders_per_session": round(rows["sandboxed_orders"] / sessions, 2),
                     "stored_json_bytes_per_session": round((stored["context_bytes"] + stored["turn_bytes"]) / sessions),
                     "file_bytes_per_session": round((size1 - size0) / sessions)}
    return out


# ----------------------------------------------------------------------------- the server under test
class Server:
    """The app (`root`'s app.py, its own code) as a subprocess on 127.0.0.1 with a throwaway DuckDB file, log
    and Gradio upload folder: what it holds in memory, log and files, read from outside."""

    def __init__(self, root: Path, tmp: Path, **env: str):
        self.tmp, self.db, self.log = tmp, tmp / "soak.duckdb", tmp / "server.log"
        self.uploads = tmp / "gradio"
        self.uploads.mkdir(exist_ok=True)
        port = free_port()
        full = {**os.environ, "RXFLOW_DB_PATH": str(self.db), "GRADIO_SERVER_PORT": str(port),
                "GRADIO_SERVER_NAME": "127.0.0.1", "RXFLOW_LOG_LEVEL": "INFO", "RXFLOW_MODE": "demo",
                "GRADIO_TEMP_DIR": str(self.uploads), "PYTHONPATH": str(root), **env}
        full.pop("RXFLOW_LM", None)
        with self.log.open("w") as sink:
            self.proc = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=full, stdout=sink, stderr=sink)
        self.base = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(self.base, timeout=2)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.close()
                    raise RuntimeError(self.log.read_text()[-2000:]) from None
                time.sleep(0.3)
        self.config = json.load(urllib.request.urlopen(self.base + "config", timeout=30))

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid)

    def log_bytes(self) -> int:
        return self.log.stat().st_size

    def file_bytes(self) -> int:
        """The database, its write-ahead log and Gradio's upload folder."""
        files = [p for p in self.tmp.rglob("*") if p.is_file() and p != self.log]
        return sum(p.stat().st_size for p in files)

    def figures(self) -> dict:
        return {"rss_mb": self.rss_mb(), "log_bytes": self.log_bytes(), "file_bytes": self.file_bytes()}

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def post(base: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST over one connection; a server that answers before the body is all sent (a 413) is read anyway."""
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(base)
    c = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        c.putrequest("POST", "/" + path.lstrip("/"))
        for k, v in {**headers, "Content-Length": str(len(body))}.items():
            c.putheader(k, v)
        c.endheaders()
        with contextlib.suppress(OSError):  # the server answered and closed first
            c.send(body)
        try:
            r = c.getresponse()
            return r.status, r.read()
        except OSError:
            return 0, b""
    finally:
        c.close()


class Tab:
    """A browser tab as the page's own events see it, over raw HTTP: a Gradio session hash, the events by
    name, the resume token and the step the page was drawn at (or, on a checkout from before issue 22,
    the tab's chat, which that page sent with every message)."""

    def __init__(self, server: Server, client: str):
        self.base, self.client = server.base, client
        self.hash = "".join(random.choices(string.ascii_lowercase + string.digits, k=11))
        cfg = server.config
        self.types = {c["id"]: c["type"] for c in cfg["components"]}
        self.deps = {d["api_name"]: d for d in cfg["dependencies"] if d.get("backend_fn") and d.get("api_name")}
        start = self.deps["start"]["outputs"]
        self.stored_id, self.bound_id, self.chat_id = start[1], start[8], start[6]
        self.token, self.bound, self.chat = "", "", []
        self.pending: dict[str, dict] = {}

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        return post(self.base, path, body, {"Content-Type": "application/json", "X-Forwarded-For": self.client})

    def event(self, name: str, values: dict[str, object] | list | None = None, wait: bool = True):
        """Run one of the page's events. `values`: by input kind ('text', 'token', 'step', 'chat') or a raw
        data list. Returns the HTTP status of the join, and the output data (or None)."""
        status, event = self.join(name, values)
        if status != 200 or not wait:
            return status, None
        return status, self.collect([event]).get(event)

    def join(self, name: str, values: dict[str, object] | list | None = None) -> tuple[int, str | None]:
        dep = self.deps[name]
        if isinstance(values, list):
            data = values
        else:
            data = [self.value(i, k, dep, values or {}) for k, i in enumerate(dep["inputs"])]
        body = json.dumps({"data": data, "fn_index": dep["id"], "session_hash": self.hash, "event_data": None,
                           "trigger_id": None}).encode()
        status, answer = self.post("gradio_api/queue/join", body)
        event = json.loads(answer)["event_id"] if status == 200 else None
        if event:
            self.pending[event] = dep
        return status, event

    def collect(self, events: list[str]) -> dict[str, list | None]:
        """Read the tab's event stream (one, as the page does) until every event in `events` completed."""
        got: dict[str, list | None] = {}
        req = urllib.request.Request(f"{self.base}gradio_api/queue/data?session_hash={self.hash}",
                                     headers={"X-Forwarded-For": self.client})
        try:
            with urllib.request.urlopen(req, timeout=60) as stream:
                for line in stream:
                    if not line.startswith(b"data: "):
                        continue
                    msg = json.loads(line[6:])
                    event = msg.get("event_id")
                    if event in events and msg.get("msg") == "process_completed":
                        out = (msg.get("output") or {}).get("data")
                        if out is not None:
                            self.keep(self.pending[event], out)
                        got[event] = out
                        if len(got) == len(events):
                            break
        except (urllib.error.HTTPError, OSError):
            pass
        return got

    def value(self, component: int, k: int, dep: dict, values: dict):
        kind = self.types[component]
        if kind == "state":
            return None
        if component == self.stored_id:
            return values.get("token", self.token)
        if component == self.bound_id:
            return values.get("step", self.bound)
        if component == self.chat_id or kind == "chatbot":
            return values.get("chat", self.chat)
        if k == 0:
            return values.get("text", "")
        return values.get(kind, "")

    def keep(self, dep: dict, out: list) -> None:
        for cid, value in zip(dep["outputs"], out, strict=False):
            if isinstance(value, dict) and value.get("__type__") == "update":
                continue
            if cid == self.stored_id and value:
                self.token = value
            elif cid == self.bound_id and value:
                self.bound = value
            elif cid == self.chat_id and isinstance(value, list):
                self.chat = value

    def load(self, patient: str = "P001") -> None:
        self.event("start", ["P001" if patient is None else patient, "", "Auto"])

    def say(self, text: str, **values):
        return self.event("reply", {"text": text, **values})

    @staticmethod
    def last_reply(out) -> str:
        chat = (out or [None])[0]
        if isinstance(chat, list) and chat:
            content = chat[-1].get("content")
            return content if isinstance(content, str) else json.dumps(content)
        return ""


class Visitor:
    """A well-behaved second visitor, from an address of its own, chatting through the API once a second
    while an attack runs, and starting over (a new session, as Reset does) every three turns: what it sees."""

    SCRIPT = ["what are my medications?", "refill my lisinopril", "yes", "the cheapest one please", "no", "stop"]

    def __init__(self, server: Server, client: str = "203.0.113.50"):
        self.base, self.client = server.base, client
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        sid, i = None, 0
        while not self.stop.is_set():
            t = time.perf_counter()
            try:
                if sid is None or i % 3 == 0:
                    sid = None
                    sid = call(self.base, "start_session", "P001", client=self.client, timeout=60)
                call(self.base, "chat", sid, self.SCRIPT[i % len(self.SCRIPT)], client=self.client, timeout=60)
                self.latencies.append((time.perf_counter() - t) * 1000)
            except Exception as e:  # what it saw
                self.errors.append(str(e)[:100])
            i += 1
            self.stop.wait(1.0)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(90)

    def report(self) -> dict:
        lat = self.latencies
        return {"turns": len(lat) + len(self.errors), "answered": len(lat), "errors": len(self.errors),
                "error_samples": sorted(set(self.errors))[:3],
                "latency_ms_p50": round(float(np.median(lat)), 1) if lat else None,
                "latency_ms_max": round(max(lat), 1) if lat else None}


def attack(name: str, root: Path, run, env: dict[str, str] | None = None) -> dict:
    """One attack against a fresh server: the figures before and after, what it got, what the visitor saw."""
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(root, Path(tmp), RXFLOW_PROXY_HOPS="1", **(env or {}))
        try:
            call(server.base, "chat", call(server.base, "start_session", "P002", client="192.0.2.1"), "hello",
                 client="192.0.2.1")  # warm: imports, caches
            before = server.figures()
            with Visitor(server) as visitor:
                t = time.perf_counter()
                got = run(server)
                wall = time.perf_counter() - t
            after = server.figures()
        finally:
            server.close()
    print(f"  {name}: {json.dumps(got)[:300]}", file=sys.stderr)
    return {"attack": name, "wall_s": round(wall, 1), "got": got,
            "rss_mb": [before["rss_mb"], after["rss_mb"]], "log_bytes": [before["log_bytes"], after["log_bytes"]],
            "file_bytes": [before["file_bytes"], after["file_bytes"]], "visitor": visitor.report()}


ATTACKER = "198.51.100.66"


def consent_race(server: Server, tries: int = 10) -> dict:
    """1. At Costco's summary, "the closest one" and 30 ms later "yes", both typed at that summary."""
    unseen = seen = asked = 0
    for i in range(tries):
        tab = Tab(server, f"198.51.100.{10 + i}")
        tab.load("P001")
        for m in ("refill my lisinopril", "yes", "the cheapest one please"):
            tab.say(m)
        step, chat = tab.bound, tab.chat  # the page as drawn at Costco's summary: both messages typed at it
        _, change = tab.join("reply", {"text": "the closest one", "step": step, "chat": chat})
        time.sleep(0.03)
        _, yes = tab.join("reply", {"text": "yes", "step": step, "chat": chat})
        outs = tab.collect([e for e in (change, yes) if e])
        texts = " ".join(tab.last_reply(o) for o in outs.values() if o)
        asked += "That yes was sent before" in texts
        if "Done! Order" in texts:
            unseen += "at CVS Pharmacy" in texts
            seen += "at Costco Pharmacy" in texts
    return {"tries": tries, "orders_at_the_summary_on_screen": seen, "orders_at_a_summary_never_shown": unseen,
            "yes_asked_again": asked}


def hold_every_slot(server: Server, addresses: int = 5, loads: int = 60) -> dict:
    """2. A few addresses load the page in a loop, inside their rate limit (the cap set to 100 here)."""
    refused = served = 0
    lock = threading.Lock()

    def loader(a: int):
        nonlocal refused, served
        for _ in range(loads):
            tab = Tab(server, f"198.51.100.{100 + a}")
            status, out = tab.event("start", ["P001", "", "Auto"])
            with lock:
                served += bool(out and out[1])
                refused += not (out and out[1])

    pool = [threading.Thread(target=loader, args=(a,)) for a in range(addresses)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(300)
    late = Tab(server, "203.0.113.77")  # a newcomer after the attack
    status, out = late.event("start", ["P002", "", "Auto"])
    ok = bool(out and out[1])
    answer = late.say("what are my medications?")[1] if ok else None
    return {"page_loads": addresses * loads, "sessions_started": served, "refused_or_limited": refused,
            "newcomer_started": ok, "newcomer_answered": "Your active prescriptions" in late.last_reply(answer)}


def big_messages(server: Server, tabs: int = 8) -> dict:
    """3. Eight tabs of one client send large messages: two 1 MB messages each with a 20 MB chat (what the
    page before issue 22 sent back with every message, and the server kept per tab), then five 60 KB
    messages each (under the request cap), as the page sends them now."""
    out = {}
    big_chat = [{"role": "user", "content": "x" * 1_000_000}] * 20
    for label, size, turns, chat in (("1_mb_with_a_20_mb_chat", 1_000_000, 2, big_chat), ("60_kb", 60_000, 5, None)):
        statuses: dict[str, int] = {}
        rss = server.rss_mb()
        for t in range(tabs):
            tab = Tab(server, ATTACKER)
            tab.load("P001")
            for k in range(turns):
                values = {"chat": chat} if chat else {}
                status, _ = tab.say(f"{t}{k}" + "x" * size, **values)
                statuses[str(status)] = statuses.get(str(status), 0) + 1
        out[label] = {"messages": tabs * turns, "status": statuses, "rss_mb_growth": round(server.rss_mb() - rss, 1)}
    return out


def uploads(server: Server, big: int = 50, small: int = 500) -> dict:
    """4. Files sent to Gradio's upload route: 50 of 1 MB, 500 of 100 bytes; and one fetched back."""
    accepted, paths = 0, []
    boundary = "soakboundary"
    for i in range(big + small):
        size = 1_000_000 if i < big else 100
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f{i}.html\"\r\n"
                f"Content-Type: text/html\r\n\r\n").encode() + b"u" * size + f"\r\n--{boundary}--\r\n".encode()
        status, answer = post(server.base, "gradio_api/upload", body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Forwarded-For": ATTACKER})
        if status == 200:
            accepted += 1
            paths += json.loads(answer)
    served_back = False
    if paths:
        try:
            with urllib.request.urlopen(f"{server.base}gradio_api/file={paths[0]}", timeout=30) as r:
                served_back = r.status == 200
        except urllib.error.HTTPError:
            pass
    return {"sent": big + small, "accepted": accepted, "served_back": served_back}


def malformed_events(server: Server, big: int = 50, small: int = 200) -> dict:
    """5. Page events with too few inputs carrying a large value: 50 of 1 MB, 200 of 60 KB."""
    statuses: dict[str, int] = {}
    for i in range(big + small):
        tab = Tab(server, ATTACKER)
        status, _ = tab.event("reply", ["M" * (1_000_000 if i < big else 60_000)], wait=False)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    time.sleep(3)  # the queue runs what it took
    return {"sent": big + small, "status": statuses}


def panels_flood(server: Server, calls: int = 1406, seconds: float = 30) -> dict:
    """8. The panels step called on its own, as fast as it answers, for at most 30 s."""
    tab = Tab(server, ATTACKER)
    tab.load("P001")
    tab.say("what are my medications?")
    drawn = refused = 0
    end = time.time() + seconds
    for _ in range(calls):
        if time.time() > end:
            break
        status, out = tab.event("after", {})
        if out and any(not (isinstance(v, dict) and v.get("__type__") == "update") for v in out[:1]):
            drawn += 1
        else:
            refused += 1
    return {"calls": drawn + refused, "panels_drawn": drawn, "refused_or_empty": refused}


def forwarded_lines(server: Server, calls: int = 200) -> dict:
    """9. One client behind the proxy, a first X-Forwarded-For line of its own changing every call: how many
    session starts pass its rate limit (burst 20)."""
    import http.client

    host, port = server.base.split("//")[1].strip("/").split(":")
    passed = refused = 0
    for i in range(calls):
        c = http.client.HTTPConnection(host, int(port), timeout=60)
        body = json.dumps({"data": ["P001"]}).encode()
        c.putrequest("POST", "/gradio_api/call/start_session")
        c.putheader("Content-Type", "application/json")
        c.putheader("Content-Length", str(len(body)))
        c.putheader("X-Forwarded-For", f"10.{i // 256}.{i % 256}.1")  # the client's own line
        c.putheader("X-Forwarded-For", ATTACKER)  # the line the proxy adds
        c.endheaders(body)
        r = c.getresponse()
        answer = r.read()
        c.close()
        if r.status != 200:
            refused += 1
            continue
        event = json.loads(answer)["event_id"]
        try:
            stream = urllib.request.Request(f"{server.base}gradio_api/call/start_session/{event}",
                                            headers={"X-Forwarded-For": ATTACKER})
            with urllib.request.urlopen(stream, timeout=60) as s:
                done = "event: complete" in s.read().decode()
        except urllib.error.HTTPError:
            done = False
        passed += done
        refused += not done
    return {"calls": calls, "passed_the_rate_limit": passed, "refused": refused}


def also_seen(server: Server) -> dict:
    """The "also seen" items: the public monitoring summary, a tab's event stream opened from elsewhere."""
    try:
        with urllib.request.urlopen(server.base + "monitoring/summary", timeout=30) as r:
            monitoring = r.status
    except urllib.error.HTTPError as e:
        monitoring = e.code
    victim = Tab(server, "203.0.113.60")
    victim.load("P001")
    req = urllib.request.Request(f"{server.base}gradio_api/queue/data?session_hash={victim.hash}",
                                 headers={"X-Forwarded-For": ATTACKER})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            stream = r.status
    except urllib.error.HTTPError as e:
        stream = e.code
    except OSError:
        stream = "timeout (open)"
    return {"monitoring_summary_status": monitoring, "another_clients_stream_status": stream}


ATTACKS = {
    "1_consent_race": (consent_race, {}),
    "2_hold_every_slot": (hold_every_slot, {"RXFLOW_MAX_LIVE_SESSIONS": "100"}),
    "3_big_messages": (big_messages, {}),
    "4_uploads": (uploads, {}),
    "5_malformed_events": (malformed_events, {}),
    "8_panels_flood": (panels_flood, {}),
    "9_forwarded_lines": (forwarded_lines, {}),
    "also_seen": (also_seen, {}),
}


def attacks(root: Path, only: list[str] | None = None) -> list[dict]:
    out = []
    for name, (run, env) in ATTACKS.items():
        if only and name not in only:
            continue
        print(f"attack {name} on {root}", file=sys.stderr)
        out.append(attack(name, root, run, env))
    return out


# ----------------------------------------------------------------------------- many sessions (the first soak)
def sessions_soak(args) -> dict:
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Every client here shares one address: the rate limits and the per-client share of the live sessions
        # would refuse the benchmark itself.
        server = Server(args.root, Path(tmp), RXFLOW_SESSION_TIMEOUT=str(args.timeout),
                        RXFLOW_SESSION_GRACE=str(args.grace), RXFLOW_SWEEP_INTERVAL="1",
                        RXFLOW_MAX_LIVE_SESSIONS=str(args.sessions + 100),
                        RXFLOW_MAX_SESSIONS_PER_CLIENT=str(args.sessions + 100), RXFLOW_RATE_PER_MINUTE="0",
                        RXFLOW_HTTP_RATE_PER_MINUTE="0")
        base, db, log = server.base, server.db, server.log
        try:
            call(base, "chat", call(base, "start_session", "P002"), "hello")  # warm: imports, caches
            rss0 = server.rss_mb()
            half = args.sessions // 2
            first = many_sessions(base, half, args.turns, args.threads)
            rss_half = server.rss_mb()
            second = many_sessions(base, args.sessions - half, args.turns, args.threads)
            rss1 = server.rss_mb()
            report["sessions"] = {k: first[k] + second[k] for k in ("sessions", "turns", "errors", "wall_s")}
            report["sessions"].update(error_samples=(first["error_samples"] + second["error_samples"])[:3],
                                      latency_ms_p50=second["latency_ms_p50"])
            # Gradio's own per-caller state is capped (RXFLOW_PAGE_STATES, and 2,000 message queues): it fills
            # during the first half, so the second half's growth is what one more live session costs.
            report["memory_mb"] = {"before": rss0, "after_half": rss_half, "after_sessions": rss1,
                                   "per_live_session_kb": round((rss1 - rss0) * 1024 / args.sessions, 1),
                                   "per_live_session_kb_second_half": round(
                                       (rss1 - rss_half) * 1024 / (args.sessions - half), 1)}
            log1 = log.stat().st_size
            report["made_up_ids"] = made_up_ids(base, args.made_up, args.made_up_bytes)
            report["memory_mb"]["after_made_up_ids"] = server.rss_mb()
            report["made_up_ids"]["log_bytes_added"] = log.stat().st_size - log1
            report["long_session"] = long_session(base, args.long)
            # Let every session expire (and its grace pass), then one start runs the sweep.
            time.sleep(args.timeout + args.grace + 2)
            call(base, "start_session", "P004")  # P004 has no seeded orders to copy
            report["memory_mb"]["after_expiry_sweep"] = server.rss_mb()
        finally:
            server.close()
        from rxflow.store import Store

        left = Store(str(db))
        report["rows_after_expiry"] = {**left.runtime_rows(), "note": "the one session started after the sweep"}
        left.rows("CHECKPOINT")
        report["db_file_mb_after_expiry"] = round(db.stat().st_size / 2**20, 2)
        left.close()
    report["sandbox_cost_per_session"] = sandbox_cost()
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.soak")
    ap.add_argument("--part", choices=["all", "sessions", "attacks"], default="all")
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py is served (default: this one)")
    ap.add_argument("--attack", action="append", choices=list(ATTACKS), help="only these attacks (repeatable)")
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--turns", type=int, default=5)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--made-up", type=int, default=40)
    ap.add_argument("--made-up-bytes", type=int, default=1_000_000)
    ap.add_argument("--long", type=int, default=1000, help="turns of the one long session")
    ap.add_argument("--timeout", type=int, default=300, help="the server's session timeout, seconds")
    ap.add_argument("--grace", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    report: dict = {"settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()
                                 if k != "json"}}
    ok = True
    if args.part in ("all", "sessions"):
        report.update(sessions_soak(args))
        ok = report["sessions"]["errors"] == 0 and report["made_up_ids"]["refused_clearly"] == args.made_up
    if args.part in ("all", "attacks"):
        report["attacks"] = attacks(args.root, args.attack)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
