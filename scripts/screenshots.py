"""The README's screenshots: the first screen at desktop (1440x900) and phone (390x844) sizes, mid-conversation.

    .venv/bin/python scripts/screenshots.py      # writes docs/screenshot.png and docs/screenshot-phone.png

Serves the app in this process (offline, demo mode, its own in-memory world) and drives Debian's
Chromium through a refill with a safety alert (P005's lisinopril: an interaction with meloxicam).
"""

from __future__ import annotations

import shutil
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from playwright.sync_api import sync_playwright

    from rxflow.config import get_settings
    from rxflow.environment import build
    from rxflow.flow.states import State
    from rxflow.ratelimit import RateLimiter
    from rxflow.store import Store
    from rxflow.ui import render
    from rxflow.ui.app import build_demo, page_options

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    assistant = build(store=Store(":memory:", get_settings().mock_dir), program="offline", mode="demo")
    demo = build_demo(assistant, RateLimiter(0, 1))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **page_options())
    url = f"http://127.0.0.1:{port}/"
    # The Slots panel names the conversation's stage in words (render.stage_name), never its code name.
    slots = "(s) => document.querySelector('#slots') && document.querySelector('#slots').innerText.includes(s)"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for name, size, extra in (("screenshot.png", (1440, 900), {}),
                                      ("screenshot-phone.png", (390, 844), {"is_mobile": True, "has_touch": True})):
                page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1, **extra)
                page.goto(url)
                page.wait_for_function(slots, arg=render.stage_name(State.START), timeout=60_000)
                page.click("#patient input")
                page.get_by_role("option", name="P005 · Aisha Mohammed").click()
                page.wait_for_function("document.body.innerText.includes('Aisha')", timeout=15_000)
                page.wait_for_timeout(800)
                for text, state in (("refill my lisinopril", "CONFIRM_DOSAGE"), ("yes 20 mg once a day", "SELECT_PHARMACY")):
                    page.fill("#message textarea", text)
                    page.click("#send")
                    page.wait_for_function(slots, arg=render.stage_name(State(state)), timeout=30_000)
                page.wait_for_timeout(1500)  # the panels and the path diagram follow the reply
                page.evaluate("window.scrollTo(0, 0)")  # the first screen, as a visitor sees it
                page.wait_for_timeout(300)
                page.screenshot(path=str(ROOT / "docs" / name))
                page.close()
            browser.close()
    finally:
        demo.close()
    print("wrote docs/screenshot.png and docs/screenshot-phone.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
