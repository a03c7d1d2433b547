"""Load benchmark (not a timed test): start the app, drive concurrent gradio_client sessions.

    python -m evals.load --sessions 50 --turns 10

Reports errors (must be 0), cross-talk (a reply naming another demo patient, or another demo
patient's drug with its strength: must be 0) and turn latency p50/p95, as seen by the client over HTTP.
The app runs as a subprocess on 127.0.0.1 (demo mode, the rate limit off) with a throwaway DuckDB
file; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

SCRIPTS = {
    "P001": ["hello", "what are my medications?", "refill my lisinopril", "yes", "the cheapest", "yes",
             "where is my order?", "refill my atorvastatin", "yes", "stop"],
    "P002": ["hi", "I need my blood pressure pill", "the water pill", "yes", "closest", "no", "stop",
             "refill my synthroid", "yes", "stop"],
    "P003": ["refill my sertraline", "yes", "refill simvastatin", "yes", "refill omeprazole", "yes",
             "what are my medications?", "how much is my sertraline?", "hello", "thanks"],
    "P004": ["refill my oxycodone", "yes", "refill alprazolam", "yes", "zolpidem please", "yes", "fastest", "no",
             "stop", "what are my medications?"],
    "P005": ["refill my amoxicillin", "yes", "I need my warfarin", "yes", "refill lisinopril", "yes", "the closest",
             "yes", "track my order", "what are my medications?"],
    "P006": ["refill eliquis", "yes", "pay cash", "cheapest", "no", "stop", "refill my ozempic", "yes", "1", "stop"],
    "P007": ["refill omeprazole", "yes", "refill my lexapro", "yes", "the first one", "yes", "where is my order?",
             "what are my medications?", "hi", "thanks"],
    "P008": ["refill my levothyroxine", "I take 100 mcg", "75 mcg once a day", "cheapest", "yes",
             "refill gabapentin", "yes", "second", "yes", "what are my medications?"],
}


def foreign_words(store) -> dict[str, set[str]]:
    """Per demo patient, what would betray another demo patient's record in a reply: their names,
    and their drugs with strength ("sertraline 50 mg"). A bare drug name is not enough: plan text
    may name one ("warfarin tried or contraindicated")."""
    def held(pid):
        return {f"{store.drug(rx.drug_id).generic_name} {store.product(rx.product_id).strength_label}"
                for rx in store.prescriptions(pid)}

    drugs = {pid: held(pid) for pid in SCRIPTS}
    names = {pid: {store.patient(pid).first_name, store.patient(pid).last_name} for pid in SCRIPTS}
    out = {}
    for pid in SCRIPTS:
        others = set().union(*(drugs[o] | names[o] for o in SCRIPTS if o != pid))
        out[pid] = others - drugs[pid] - names[pid]
    return out


def drive(url: str, sessions: int, turns: int, foreign: dict[str, set[str]], timeout: float = 120) -> dict:
    from gradio_client import Client

    from rxflow.sessions import digest

    latencies: list[float] = []
    errors: list[str] = []
    crosstalk: list[str] = []
    lock = threading.Lock()
    patients = list(SCRIPTS)

    def one(i: int) -> None:
        pid = patients[i % len(patients)]
        try:
            c = Client(url, verbose=False)
            sid = c.predict(pid, api_name="/start_session")
            for msg in SCRIPTS[pid][:turns]:
                start = time.perf_counter()
                turn = c.predict(sid, msg, api_name="/chat")
                ms = (time.perf_counter() - start) * 1000
                bad = [w for w in foreign[pid] if w in turn["reply"]]
                with lock:
                    latencies.append(ms)
                    if bad or turn["session_id"] != digest(sid):
                        crosstalk.append(f"{pid} session {i}: {bad or turn['session_id']}")
        except Exception as e:  # counted, reported, never hidden
            with lock:
                errors.append(f"{pid} session {i}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(sessions)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    wall = time.perf_counter() - wall
    return {"sessions": sessions, "turns": len(latencies), "errors": len(errors), "crosstalk": len(crosstalk),
            "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
            "latency_ms_p95": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
            "wall_s": round(wall, 1), "turns_per_second": round(len(latencies) / wall, 1),
            "error_samples": errors[:5], "crosstalk_samples": crosstalk[:5]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.load")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--turns", type=int, default=10)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from rxflow.config import get_settings
    from rxflow.store import Store

    store = Store(":memory:", get_settings().mock_dir)
    foreign = foreign_words(store)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RXFLOW_DB_PATH": str(Path(tmp) / "load.duckdb"), "GRADIO_SERVER_PORT": str(port),
               "GRADIO_SERVER_NAME": "127.0.0.1", "RXFLOW_LOG_LEVEL": "WARNING",
               # All clients share one address here: the per-client limits (the rate, the requests, the share
               # of live sessions) would measure themselves.
               "RXFLOW_RATE_PER_MINUTE": "0", "RXFLOW_HTTP_RATE_PER_MINUTE": "0",
               "RXFLOW_MAX_SESSIONS_PER_CLIENT": str(10 * args.sessions + 100)}
        env.pop("RXFLOW_LM", None)
        app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.time() + 120
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(url, timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            report = drive(url, args.sessions, args.turns, foreign)
        finally:
            app.terminate()
            app.wait(20)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0 if report["errors"] == 0 and report["crosstalk"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
