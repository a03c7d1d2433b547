"""What a visitor waits for in the browser: time from "send" to the reply shown, and the page weight.

Serves the app in this process (offline program, its own in-memory world), drives headless Chromium
through a 30-turn script (refill, dose, pharmacy, stop, again) and reports the distribution of
send-to-reply times and the bytes the page loads. A benchmark, not a test: the numbers depend on
the machine (record which one).

    .venv/bin/python -m evals.ui_timing                       # prints JSON
    .venv/bin/python -m evals.ui_timing --out evals/results/ui_timing.json --label after
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import socket
import statistics
import time
from pathlib import Path

SCRIPT = ["refill my lisinopril", "yes", "the cheapest", "stop"] * 7 + ["refill my lisinopril", "yes"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def expected_replies(assistant, patient: str) -> list[str]:
    """The replies the script gets, from the same program in process (they are deterministic)."""
    sid = assistant.start(patient)
    return [assistant.handle(sid, m).reply for m in SCRIPT]


def marker(reply: str) -> str:
    """A piece of the reply that the chat shows verbatim (its first line, without markdown)."""
    line = reply.strip().splitlines()[0]
    return "".join(c for c in line if c not in "*_`#")[:40]


def measure(chromium: str, width: int = 1440, height: int = 900) -> dict:
    from playwright.sync_api import sync_playwright

    from rxflow.config import get_settings
    from rxflow.environment import build
    from rxflow.ratelimit import RateLimiter
    from rxflow.store import Store
    from rxflow.ui import app

    build_demo = app.build_demo
    page_options = getattr(app, "page_options", dict)  # an older page (a "before" run) set its look at launch

    mock = get_settings().mock_dir
    assistant = build(store=Store(":memory:", mock), program="offline", mode="demo")
    markers = [marker(r) for r in expected_replies(build(store=Store(":memory:", mock), program="offline",
                                                         mode="demo"), "P001")]
    demo = build_demo(assistant, RateLimiter(0, 1))
    app.queued(demo)  # the app's own queue settings
    port = _port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **page_options())
    times: list[float] = []
    echoes: list[float] = []  # send to the patient's own message shown
    panels: list[float] = []  # send to the inspector's panels drawn again
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": width, "height": height})
            t0 = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#message textarea", timeout=60_000)
            page.wait_for_function("document.querySelector('#chat') && "
                                   "document.querySelector('#chat').innerText.includes('Hello')", timeout=60_000)
            load_s = time.perf_counter() - t0
            weight = page.evaluate("""() => {
                const r = performance.getEntriesByType('resource');
                const n = performance.getEntriesByType('navigation')[0];
                return {bytes: r.reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0)
                               + (n ? (n.transferSize || n.encodedBodySize || 0) : 0), requests: r.length + 1};
            }""")
            # Timed in the page (performance.now, checked every animation frame), so the numbers are the
            # page's own: from the click to the first frame that shows the patient's message, and the reply.
            turn_js = """async ([msg, mark]) => {
                const chat = document.querySelector('#chat');
                const count = (m) => chat.innerText.split(m).length - 1;
                const mine = count(msg);
                // The panels: the tool-call table is drawn again after every turn (its timings differ).
                const tools = () => (document.querySelector('#tools') || {}).innerHTML || '';
                const drawn = tools();
                const t0 = performance.now();
                document.querySelector('#send').click();
                let shown = null, replied = null, panels = null;
                while ((replied === null || panels === null) && performance.now() - t0 < 30000) {
                    await new Promise((r) => requestAnimationFrame(r));
                    const t = performance.now() - t0;
                    if (shown === null && count(msg) > mine) shown = t;
                    // The chat holds the last turns only (the server draws it): the reply is the marker after
                    // the message just sent, once that message has shown.
                    const rows = [...chat.querySelectorAll('.message-row')];
                    const last = rows.map((r) => r.classList.contains('user-row')).lastIndexOf(true);
                    const after = rows.slice(last + 1).map((r) => r.innerText).join(' ');
                    if (replied === null && last >= 0 && rows[last].innerText.trim() === msg && after.includes(mark)) {
                        replied = t; }
                    if (panels === null && tools() !== drawn) panels = t;
                }
                return [shown, replied, panels];
            }"""
            for msg, mark in zip(SCRIPT, markers, strict=True):
                page.fill("#message textarea", msg)  # typed as a patient would (the page's own input events)
                page.wait_for_timeout(100)
                shown, replied, drawn = page.evaluate(turn_js, [msg, mark])
                if replied is None:
                    raise RuntimeError(f"no reply to {msg!r} within 30 s: the chat shows {page.inner_text('#chat')[-600:]!r}")
                echoes.append((shown if shown is not None else replied) / 1000)
                times.append(replied / 1000)
                if drawn is not None:
                    panels.append(drawn / 1000)
                page.wait_for_timeout(600)  # a patient reads the reply; the panels finish drawing
            browser.close()
    finally:
        demo.close()
    q = statistics.quantiles(times, n=10)
    return {"turns": len(times), "send_to_reply_s_p50": round(statistics.median(times), 3),
            "send_to_reply_s_p90": round(q[8], 3), "send_to_reply_s_max": round(max(times), 3),
            "send_to_message_s_p50": round(statistics.median(echoes), 3),
            "send_to_panels_s_p50": round(statistics.median(panels), 3) if panels else None,
            "send_to_panels_s_p90": round(statistics.quantiles(panels, n=10)[8], 3) if len(panels) > 1 else None,
            "page_load_s": round(load_s, 2), "page_bytes": weight["bytes"], "page_requests": weight["requests"],
            "viewport": f"{width}x{height}", "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="add the result under --label to this JSON file")
    ap.add_argument("--label", default="now")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    result = measure(chromium, args.width, args.height)
    print(json.dumps(result, indent=2))
    if args.out:
        data = json.loads(args.out.read_text()) if args.out.exists() else {}
        data[args.label] = result
        args.out.write_text(json.dumps(data, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
