"""One headless Chromium per test process, lent to each browser test.

Launching Chromium costs about 0.9 s of CPU, and the suite's browser tests launched it some fifty
times on a two-core machine. The tests now import `sync_playwright` from here instead of from
Playwright: the same shape (`with sync_playwright() as p: browser = p.chromium.launch()`), but
`launch` lends the process's one Chromium, and each test's pages open in browser contexts of their own
(cookies, sessionStorage and cache apart, as separate browsers had them). Leaving the `with` closes the
test's contexts, never the browser.

Playwright's sync API must not stay running under tests that start event loops of their own (notebooks,
Gradio's client): conftest stops the browser after the last of a run of browser tests (`stop`).
"""

from __future__ import annotations

import contextlib
import shutil
from types import SimpleNamespace

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

_running: dict[str, object] = {}  # "playwright", "browser": while a run of browser tests lasts


def _browser():
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright as real

        _running["playwright"] = real().start()
        _running["browser"] = _running["playwright"].chromium.launch(executable_path=CHROMIUM, args=ARGS)
    return _running["browser"]


def stop() -> None:
    """Close the shared Chromium and Playwright (conftest calls it when the next test uses no browser)."""
    browser, playwright = _running.pop("browser", None), _running.pop("playwright", None)
    with contextlib.suppress(Exception):
        if browser is not None:
            browser.close()
    with contextlib.suppress(Exception):
        if playwright is not None:
            playwright.stop()


class Lease:
    """The shared Chromium as one test's Browser: every page in a context of its own; close() closes
    this test's contexts only."""

    def __init__(self, browser):
        self._browser, self._contexts = browser, []

    def new_context(self, **kw):
        context = self._browser.new_context(**kw)
        self._contexts.append(context)
        return context

    def new_page(self, **kw):
        return self.new_context(**kw).new_page()

    def close(self) -> None:
        while self._contexts:
            with contextlib.suppress(Exception):
                self._contexts.pop().close()


@contextlib.contextmanager
def sync_playwright():
    """Playwright's entry point as the tests use it; `p.chromium.launch()` lends the shared browser
    (launched with ARGS)."""
    leases: list[Lease] = []

    def launch() -> Lease:
        leases.append(Lease(_browser()))
        return leases[-1]

    try:
        yield SimpleNamespace(chromium=SimpleNamespace(launch=launch))
    finally:
        for lease in leases:
            lease.close()
