"""Soak benchmark (not a timed test): what strangers sharing the public Space cost the server.

    python -m evals.soak                       # 1,000 sessions x 5 turns, 40 made-up 1 MB ids, 1,000 turns
    python -m evals.soak --sessions 200 --timeout 60 --json var/soak.json

Starts the app (demo mode, as on the Space) as a subprocess on 127.0.0.1 with a throwaway DuckDB file
and a short session timeout, and drives its HTTP API (the `start_session` and `chat` endpoints, raw
HTTP: gradio_client's own cost would dominate). Reports, as JSON:
- the server's memory (RSS) before and after the sessions, per live session, and after the made-up ids;
- the log bytes the made-up ids added;
- the turn time (in the server, and as the client sees it) at the start of one session and around its
  turn 1,000 (medians over 10 and 50 turns: single turns on a shared 2-core machine are noisy);
- the rows left once every session has expired and a sweep has run (read from the file afterwards);
- the sandbox's cost per session, in process: milliseconds to start one, rows and database bytes,
  demo mode next to shared mode.
"""

from __future__ import annotations

import argparse
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


def call(base: str, api: str, *data, timeout: float = 120):
    """One call of a Gradio API endpoint over raw HTTP (POST the call, read its event stream)."""
    req = urllib.request.Request(f"{base}gradio_api/call/{api}", data=json.dumps({"data": list(data)}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        event = json.load(r)["event_id"]
    with urllib.request.urlopen(f"{base}gradio_api/call/{api}/{event}", timeout=timeout) as r:
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
    refused = 0
    for _ in range(count):
        fake = "".join(random.choices(string.ascii_letters, k=64)) * (size // 64)
        try:
            call(base, "chat", fake, "hello")
        except ApiError as e:
            refused += "doesn't exist" in str(e)
    return {"sent": count, "bytes_each": size, "refused_clearly": refused}


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.soak")
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

    report: dict = {"settings": {k: v for k, v in vars(args).items() if k != "json"}}
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        db, log = Path(tmp) / "soak.duckdb", Path(tmp) / "server.log"
        env = {**os.environ, "RXFLOW_DB_PATH": str(db), "GRADIO_SERVER_PORT": str(port),
               "GRADIO_SERVER_NAME": "127.0.0.1", "RXFLOW_LOG_LEVEL": "INFO", "RXFLOW_MODE": "demo",
               "RXFLOW_SESSION_TIMEOUT": str(args.timeout), "RXFLOW_SESSION_GRACE": str(args.grace),
               "RXFLOW_SWEEP_INTERVAL": "1", "RXFLOW_MAX_LIVE_SESSIONS": str(args.sessions + 100),
               # every client here shares one address: the rate limit would refuse the benchmark itself
               "RXFLOW_RATE_PER_MINUTE": "0"}
        env.pop("RXFLOW_LM", None)
        with log.open("w") as sink:
            app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=sink, stderr=sink)
        base = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(base, timeout=2)
                    break
                except OSError:
                    if time.time() > deadline or app.poll() is not None:
                        raise RuntimeError(log.read_text()[-2000:]) from None
                    time.sleep(0.3)
            call(base, "chat", call(base, "start_session", "P002"), "hello")  # warm: imports, caches
            rss0 = rss_mb(app.pid)
            half = args.sessions // 2
            first = many_sessions(base, half, args.turns, args.threads)
            rss_half = rss_mb(app.pid)
            second = many_sessions(base, args.sessions - half, args.turns, args.threads)
            rss1 = rss_mb(app.pid)
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
            report["memory_mb"]["after_made_up_ids"] = rss_mb(app.pid)
            report["made_up_ids"]["log_bytes_added"] = log.stat().st_size - log1
            report["long_session"] = long_session(base, args.long)
            # Let every session expire (and its grace pass), then one start runs the sweep.
            time.sleep(args.timeout + args.grace + 2)
            call(base, "start_session", "P004")  # P004 has no seeded orders to copy
            report["memory_mb"]["after_expiry_sweep"] = rss_mb(app.pid)
        finally:
            app.terminate()
            app.wait(30)
        from rxflow.store import Store

        left = Store(str(db))
        report["rows_after_expiry"] = {**left.runtime_rows(), "note": "the one session started after the sweep"}
        left.rows("CHECKPOINT")
        report["db_file_mb_after_expiry"] = round(db.stat().st_size / 2**20, 2)
        left.close()
    report["sandbox_cost_per_session"] = sandbox_cost()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    ok = report["sessions"]["errors"] == 0 and report["made_up_ids"]["refused_clearly"] == args.made_up
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
