"""One headless Chromium per test process, lent to each browser test.

Launching Chromium costs about 0.9 s of CPU, and the suite's browser tests launched it some fifty
times on a two-core machine. The tests now import `sync_playwright` from here instead of from
Playwright: the same shape (`with sync_playwright() as p: browser = p.chromium.launch()`), but
`launch` lends the process's Chromium, and leaving the `with` closes the test's pages, never the browser.

A page load is most of a browser test's cost (about 2.9 s of CPU, most of it compiling Gradio's scripts),
so a test's pages open in one persistent profile shared by the process's browser tests: its HTTP and code
caches make a second load of the same app about 1.5 s. Nothing of a visitor is shared that way: the tab's
resume token is in sessionStorage (per page), and the app sets no cookies and keeps nothing in
localStorage; Gradio's assets are content-hashed, so a cache entry never stands for another version.
A page that needs options of its own context (a phone: `is_mobile`, `has_touch`) opens in a fresh,
incognito context of a second Chromium, launched only when a test asks for one. A test's second tab is a
tab of the same window, as a patient's is: only the tab in front runs at full speed (Chromium throttles the
timers of the others: a turn took 3 to 6 s there), so a test that goes back to a tab brings it to the front.

Playwright's sync API must not stay running under tests that start event loops of their own (notebooks,
Gradio's client): conftest stops the browsers after the last of a run of browser tests (`stop`).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from types import SimpleNamespace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 720}  # Playwright's default for a page that names none

_running: dict[str, object] = {}  # "playwright", "shared", "plain", "profile": while a run of browser tests lasts


def _playwright():
    if "playwright" not in _running:
        from playwright.sync_api import sync_playwright as real

        _running["playwright"] = real().start()
    return _running["playwright"]


def _shared():
    """The persistent profile the tests' pages share (its caches are the point)."""
    if "shared" not in _running:
        _running["profile"] = tempfile.mkdtemp(prefix="rxflow-chromium-")
        _running["shared"] = _playwright().chromium.launch_persistent_context(
            _running["profile"], executable_path=CHROMIUM, args=ARGS, viewport=VIEWPORT)
    return _running["shared"]


def _plain():
    """A Chromium for pages that need a context of their own."""
    if "plain" not in _running:
        _running["plain"] = _playwright().chromium.launch(executable_path=CHROMIUM, args=ARGS)
    return _running["plain"]


def stop() -> None:
    """Close the browsers and Playwright (conftest calls it when the next test uses no browser)."""
    for key in ("shared", "plain", "playwright"):
        thing = _running.pop(key, None)
        with contextlib.suppress(Exception):
            if thing is not None:
                thing.stop() if key == "playwright" else thing.close()
    profile = _running.pop("profile", None)
    if profile is not None:
        shutil.rmtree(profile, ignore_errors=True)


class Lease:
    """The process's Chromium as one test's Browser: close() closes this test's pages and contexts only."""

    def __init__(self):
        self._pages, self._contexts = [], []

    def new_context(self, **kw):
        context = _plain().new_context(**kw)
        self._contexts.append(context)
        return context

    def new_page(self, viewport: dict | None = None, **kw):
        if kw:  # context options (a phone): a context of its own
            return self.new_context(**({"viewport": viewport} if viewport else {}), **kw).new_page()
        page = _shared().new_page()
        self._pages.append(page)
        page.set_viewport_size(viewport or VIEWPORT)
        return page

    def close(self) -> None:
        while self._pages:
            with contextlib.suppress(Exception):
                self._pages.pop().close()
        while self._contexts:
            with contextlib.suppress(Exception):
                self._contexts.pop().close()


@contextlib.contextmanager
def sync_playwright():
    """Playwright's entry point as the tests use it; `p.chromium.launch()` lends the process's Chromium."""
    leases: list[Lease] = []

    def launch() -> Lease:
        leases.append(Lease())
        return leases[-1]

    try:
        yield SimpleNamespace(chromium=SimpleNamespace(launch=launch))
    finally:
        for lease in leases:
            lease.close()
