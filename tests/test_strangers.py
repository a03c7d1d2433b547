"""Strangers on the Space, round two (issue 22): one regression test per finding, numbered as the issue
numbers them, and the "also seen" items after. Chromium where the page is involved.

1 consent bound to the step on screen · 2 fair shares of the live sessions · 3 state bounded in bytes ·
4 no uploads · 5 bounded logs · 6 store faults end clean · 7 the re-ask names what a yes does · 8 the
panels inside the rate limit · 9 X-Forwarded-For across header lines · 10 a retried yes after a crash
finds its order · 11 a refused message is taken off the chat.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import duckdb
import pytest
from conftest import MOCK, ROOT, serve
from helpers import at_stage, page_functions

from rxflow.flow import replies
from rxflow.flow.states import State
from rxflow.store import Store

TO_SUMMARY = ("refill my lisinopril", "yes", "the cheapest one please")  # P001: Costco's summary (PH004)
STALE = replies.say("en", "stale_yes")
UNAVAILABLE = replies.say("en", "store_unavailable")


def build(store=None, **settings):
    from rxflow.environment import build as build_assistant

    return build_assistant(store=store or Store(":memory:", MOCK), program="offline", **settings)


def placed(store, sandbox):
    return [o for o in store.orders("P001", sandbox) if not o.idempotency_key.startswith("seed-")]


def request_from(host="203.0.113.7", forwarded: list[str] | None = None):
    """A page event's request: the peer, and X-Forwarded-For header lines as starlette keeps them."""
    from starlette.datastructures import Headers

    raw = [(b"x-forwarded-for", line.encode()) for line in (forwarded or [])]
    return SimpleNamespace(client=SimpleNamespace(host=host), headers=Headers(raw=raw))


def page_fns(assistant, limiter=None):
    from rxflow.ratelimit import RateLimiter
    from rxflow.ui.app import build_demo

    demo = build_demo(assistant, limiter or RateLimiter(0, 1))
    return demo, page_functions(demo)


def at_summary(a, client="203.0.113.7"):
    sid = a.start("P001", client=client)
    for m in TO_SUMMARY:
        a.handle(sid, m)
    return sid


# ----------------------------------------------------------------------------- 1. consent bound to the step
def test_1_a_yes_typed_against_an_earlier_summary_is_asked_again_not_taken():
    """At Costco's summary, "the closest one" and then "yes" 30 ms later, both typed at that summary: the
    yes is not taken for CVS's summary (the patient never saw it). CVS's summary is shown with a notice,
    and only a yes sent at it places the order, at CVS."""
    a = build(mode="demo")
    for first in range(10):  # the 10 tries; each its own session
        sid = at_summary(a)
        step = a.conversation(sid).turns
        a.handle(sid, "the closest one", at_turn=step, typed=True)
        again = a.handle(sid, "yes", at_turn=step, typed=True)
        conv = a.conversation(sid)
        assert again.state == State.CONFIRM_ORDER and again.order is None, first
        assert again.reply.startswith(STALE) and "CVS Pharmacy - Market St" in again.reply
        assert placed(a.store, conv.sandbox) == [] and conv.pending.pharmacy_id != "PH004"
    seen = conv.pending.pharmacy_id  # the summary on screen now
    done = a.handle(sid, "yes", at_turn=conv.turns, typed=True)
    [order] = placed(a.store, conv.sandbox)
    assert done.reply.startswith("Done!") and order.pharmacy_id == seen and "CVS Pharmacy - Market St" in done.reply


def test_1_at_the_pharmacy_list_a_yes_sent_with_the_choice_does_not_confirm_an_unseen_summary():
    a = build(mode="demo")
    sid = a.start("P001")
    a.handle(sid, "refill my lisinopril")
    a.handle(sid, "yes")
    step = a.conversation(sid).turns  # the pharmacy list
    a.handle(sid, "the cheapest", at_turn=step, typed=True)
    again = a.handle(sid, "yes", at_turn=step, typed=True)
    assert again.reply.startswith(STALE) and "Please confirm this order" in again.reply
    assert placed(a.store, a.conversation(sid).sandbox) == []


def test_1_a_stale_typed_message_that_is_not_a_yes_still_runs_and_the_api_is_unchanged():
    a = build(mode="demo")
    sid = at_summary(a)
    step = a.conversation(sid).turns
    a.handle(sid, "the closest one", at_turn=step, typed=True)
    back = a.handle(sid, "actually the cheapest one please", at_turn=step, typed=True)  # a change, not a yes: runs
    assert a.conversation(sid).pending.pharmacy_id == "PH004" and STALE not in back.reply
    assert a.handle(sid, "yes").reply.startswith("Done!")  # no step given (the API): as before


def test_1_the_page_sends_the_step_with_typed_messages_and_draws_the_chat_from_the_server():
    """The reply step takes the step the page was at (`bound`), never the tab's chat: no event function
    of the page takes the chat as an input, and what it returns is the conversation's own transcript."""
    a = build(mode="demo")
    demo, fn = page_fns(a)
    chat_inputs = [f.name for f in demo.fns.values() if f.fn and any(getattr(b, "elem_id", None) == "chat"
                                                                       for b in f.inputs)]
    assert chat_inputs == []
    req = request_from()
    sid, token = fn["start"]("P001", "", "Auto", req)[:2]
    out = None
    for m in TO_SUMMARY:
        out = fn["reply"](m, sid, token, out[6] if out else "", req)
    bound = out[6]  # Costco's summary, as drawn
    fn["reply"]("the closest one", sid, token, bound, req)
    out = fn["reply"]("yes", sid, token, bound, req)  # typed at Costco's summary, arriving after the change
    assert out[0][-1]["content"].startswith(STALE)
    texts = [m["content"] for m in out[0] if m["role"] == "user"]
    assert texts == [*TO_SUMMARY, "the closest one", "yes"]  # the server's chat, every message once, in order


SLOW = 0.8  # a turn at LM speed


@pytest.fixture(scope="module")
def app():
    """The app behind its gate, as on the Space (demo mode; the rate limits off: their own tests turn them
    on): (url, assistant, the Blocks)."""
    url, assistant, close = serve("demo")
    yield url, assistant, close.demo
    close()


@pytest.fixture
def bounded_logs(monkeypatch):
    """rxflow.logs as launch() sets it up, undone afterwards (other tests read the rxflow loggers by caplog)."""
    import logging

    import gradio.queueing
    import gradio.routes

    from rxflow import logs

    logger = logging.getLogger("rxflow")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    for module in (gradio.queueing, gradio.routes):
        monkeypatch.setattr(module, "traceback", module.traceback)
    monkeypatch.setattr(logs, "BUDGET", logs.ErrorBudget(10))
    yield logs
    logger.handlers[:], logger.propagate = saved[0], saved[1]
    logger.setLevel(saved[2])
    for name in ("uvicorn.error", "uvicorn", "gradio"):
        for f in [f for f in logging.getLogger(name).filters if isinstance(f, logs.ErrorBudget)]:
            logging.getLogger(name).removeFilter(f)


def _browser(p):
    from test_app import _need_chromium

    _need_chromium()
    return p.chromium.launch()  # the process's Chromium (tests/chromium.py)


def _wait(page, js: str, timeout=30_000):
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(js, timeout=timeout)
    except Timeout:  # what the page showed (the end of the chat, the outbox, any notice): a rare failure's clue
        from test_app import Page

        raise AssertionError(f"never true: {js}\n{Page.shown(SimpleNamespace(page=page))}") from None


def _state(page, state):
    _wait(page, at_stage(state))


def _chat_has(page, text, timeout=30_000):
    _wait(page, f"document.querySelector('#chat').innerText.includes({json.dumps(text)})", timeout)


def _say(page, text, state):
    page.fill("#message textarea", text)
    page.click("#send")
    _chat_has(page, text)
    _state(page, state)


@pytest.mark.slow
def test_1_in_chromium_enter_then_send_at_lm_speed_never_confirms_the_summary_not_yet_shown(app):
    """The issue's race at human speed: at Costco's summary, "the closest one" + Enter, then "yes" + the Send
    button 30 ms later, with turns taking 0.8 s. No order is placed; the page ends showing CVS's summary
    and the notice, every message once; a yes typed at it places the order at CVS."""
    from chromium import sync_playwright

    url, assistant, _ = app
    real = assistant.programs_for

    def slow(conv):
        time.sleep(SLOW)
        return real(conv)

    errors: list[str] = []
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        _state(page, "START")
        for m, state in zip(TO_SUMMARY, ("CONFIRM_DOSAGE", "SELECT_PHARMACY", "CONFIRM_ORDER"), strict=True):
            _say(page, m, state)
        sid = next(r["session_id"] for r in assistant.store.rows("SELECT session_id, turn_count FROM sessions")
                   if r["turn_count"] == 3)
        sandbox = assistant.conversation(sid).sandbox
        assistant.programs_for = slow
        try:
            page.fill("#message textarea", "the closest one")
            page.press("#message textarea", "Enter")
            page.wait_for_timeout(30)
            page.fill("#message textarea", "yes")
            page.click("#send")
            _chat_has(page, STALE[:40], timeout=30_000)
            page.wait_for_timeout(2 * SLOW * 1000)  # both replies in, and the panels
        finally:
            assistant.programs_for = real
        assert placed(assistant.store, sandbox) == []
        chat = page.inner_text("#chat")
        assert chat.count("the closest one") == 1 and chat.rindex("CVS Pharmacy - Market St") > chat.index(STALE[:40])
        assert "Costco" not in page.inner_text("#order")
        _say(page, "yes", "COMPLETE")
        [order] = placed(assistant.store, sandbox)
        assert order.pharmacy_id != "PH004" and "CVS Pharmacy - Market St" in page.inner_text("#order")
        browser.close()
    assert not errors, errors


# ----------------------------------------------------------------------------- 2. fair shares
def test_2_one_client_holds_at_most_its_share_and_gives_up_its_idlest():
    from rxflow.assistant import SessionExpired

    a = build(mode="demo", max_sessions_per_client=3)
    mine = [a.start("P001", client="198.51.100.1")]
    a.handle(mine[0], "hello")  # the oldest took a turn: the sessions that never did go first
    mine += [a.start("P001", client="198.51.100.1") for _ in range(4)]
    live = [s for s in mine if not _expired(a, s)]
    assert live == [mine[0], mine[3], mine[4]]
    with pytest.raises(SessionExpired):
        a.conversation(mine[1])
    other = a.start("P002", client="198.51.100.2")  # another client is not touched
    assert a.conversation(other).patient_id == "P002"


def _expired(a, sid) -> bool:
    from rxflow.assistant import SessionExpired

    try:
        a.conversation(sid)
    except SessionExpired:
        return True
    return False


def test_2_at_the_global_cap_the_biggest_holder_gives_up_its_idlest_and_a_newcomer_is_served():
    a = build(mode="demo", max_live_sessions=10, max_sessions_per_client=10)
    hog = [a.start("P001", client="198.51.100.66") for _ in range(9)]
    for sid in hog:
        a.handle(sid, "hello")
    visitor = a.start("P002", client="203.0.113.20")  # the tenth: room left
    newcomer = a.start("P003", client="203.0.113.21")  # at the cap: the hog's idlest goes, not the visitor
    assert _expired(a, hog[0]) and not any(_expired(a, s) for s in hog[1:])
    assert not _expired(a, visitor) and not _expired(a, newcomer)
    assert a.handle(visitor, "what are my medications?").reply


def test_2_a_session_that_never_took_a_turn_expires_soon_and_the_page_goes_on_in_a_new_one():
    a = build(mode="demo", fresh_session_timeout=1)
    _, fn = page_fns(a)
    req = request_from()
    page = fn["start"]("P001", "", "Español", req)
    sid, token = page[0], page[1]
    used = a.start("P002", client="203.0.113.8")
    a.handle(used, "hello")
    time.sleep(1.2)
    assert _expired(a, sid) and not _expired(a, used)  # a conversation keeps the long timeout
    assert len(a._live()) == 1
    out = fn["reply"]("necesito resurtir mi lisinopril", sid, token, "", req)  # the tab goes on, unasked
    assert out[1] != sid and isinstance(out[1], str) and out[2] != token
    assert a.conversation(out[1]).patient_id == "P001" and a.conversation(out[1]).lang == "es"
    assert "lisinopril" in out[0][-1]["content"]


def test_2_one_address_loading_the_page_in_a_loop_cannot_lock_out_a_second_visitor():
    from rxflow.ratelimit import RateLimiter

    a = build(mode="demo", max_live_sessions=20, max_sessions_per_client=5)
    _, fn = page_fns(a, RateLimiter(per_minute=600, burst=1000))
    for _ in range(60):  # the attack: page loads from one address, inside its rate limit (3x the global cap)
        fn["start"]("P001", "", "Auto", request_from("198.51.100.66"))
    assert len(a._live()) == 5
    visitor = request_from("203.0.113.30")
    sid, token = fn["start"]("P002", "", "Auto", visitor)[:2]
    for _ in range(25):
        fn["start"]("P001", "", "Auto", request_from("198.51.100.66"))
    out = fn["reply"]("what are my medications?", sid, token, "", visitor)
    assert out[3] is not None and "Your active prescriptions" in out[0][-1]["content"]


# ----------------------------------------------------------------------------- 3. state bounded in bytes
def _post(url: str, path: str, body: bytes, headers: dict | None = None) -> int:
    req = urllib.request.Request(url.rstrip("/") + path, data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_3_request_bodies_are_bounded_before_gradio_keeps_anything(app):
    url, _, demo = app
    states = len(demo.state_holder.session_data)
    big = json.dumps({"data": ["x" * 500_000, None, "", ""], "fn_index": 0, "session_hash": "bigbody00001"}).encode()
    assert _post(url, "/gradio_api/queue/join", big) == 413
    assert _post_chunked(url, "/gradio_api/queue/join", big) == 413  # no length declared: counted as it comes
    assert len(demo.state_holder.session_data) == states  # nothing was kept for those


def _post_chunked(url: str, path: str, body: bytes) -> int:
    import http.client
    from urllib.parse import urlsplit

    where = urlsplit(url)
    c = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    c.putrequest("POST", path)
    c.putheader("Content-Type", "application/json")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    try:
        for i in range(0, len(body), 16_000):
            chunk = body[i:i + 16_000]
            c.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        c.send(b"0\r\n\r\n")
    except OSError:
        pass  # the gate answered and closed before the rest was sent
    try:
        return c.getresponse().status
    finally:
        c.close()


def test_3_the_chat_the_server_keeps_per_tab_is_bounded_however_big_the_messages():
    """Four tabs each send many maximal messages: what the page holds per tab (the transcript the server
    draws, each message clipped, the last turns only) stays the same size once the chat holds its last
    SHOWN_TURNS turns (12): measured just past that and 14 turns later."""
    from rxflow.flow.context import SHOWN_TURNS

    a = build(mode="demo", max_sessions_per_client=10)
    _, fn = page_fns(a)
    sizes = []
    for tab in range(4):
        req = request_from()
        sid, token = fn["start"]("P001", "", "Auto", req)[:2]
        for turn in range(SHOWN_TURNS + 16):
            out = fn["reply"](f"{tab}{turn} " + "é" * 1990, sid, token, "", req)
            if turn in (SHOWN_TURNS + 1, SHOWN_TURNS + 15):
                sizes.append(len(json.dumps(out[0], ensure_ascii=False).encode()))
    assert len(sizes) == 8 and max(sizes) < 120_000, sizes
    assert all(abs(early - late) < 2_000 for early, late in zip(sizes[::2], sizes[1::2], strict=True)), sizes


# ----------------------------------------------------------------------------- 4. uploads
def test_4_the_upload_route_accepts_nothing_and_keeps_nothing(app):
    url, _, _ = app
    import gradio.utils as gu

    folder = gu.get_upload_folder()
    before = sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0
    boundary = "rxflowboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.html\"\r\n"
            f"Content-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--{boundary}--\r\n").encode()
    for _ in range(20):
        status = _post(url, "/gradio_api/upload", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert status == 403
    after = sum(len(files) for _, _, files in os.walk(folder)) if os.path.isdir(folder) else 0
    assert after == before


# ----------------------------------------------------------------------------- 5. bounded logs
def test_5_malformed_page_events_write_one_short_line_each_under_a_budget(app, bounded_logs, capfd):
    """A malformed event (too few inputs, a 60 KB value) used to print its inputs in a traceback: now one
    short JSON line, and at most the error budget a minute."""
    url, _, demo = app
    bounded_logs.setup("INFO", 10)
    bounded_logs.quiet_gradio()
    capfd.readouterr()
    reply_index = next(i for i, f in demo.fns.items() if f.name == "dispatch")
    for k in range(40):
        body = json.dumps({"data": ["M" * 60_000], "fn_index": reply_index, "session_hash": f"malformed{k:04d}",
                           "event_data": None, "trigger_id": 1}).encode()
        assert _post(url, "/gradio_api/queue/join", body) == 200
    time.sleep(2)  # the queue runs them
    out, err = capfd.readouterr()
    logged = out + err
    assert "MMMMMMMM" not in logged and "Traceback" not in logged
    assert 1 <= logged.count("gradio_error") <= 10 and len(logged.encode()) < 10_000, len(logged)


# ----------------------------------------------------------------------------- 6. store faults end clean
class CommitFails:
    """A DuckDB connection whose COMMITs fail as a full disk fails them (from the `after`-th on)."""

    def __init__(self, con, after: int = 0):
        self.con, self.after, self.commits = con, after, 0

    def cursor(self):
        return _Cursor(self, self.con.cursor())

    def __getattr__(self, name):
        return getattr(self.con, name)


class _Cursor:
    def __init__(self, owner, cur):
        self.owner, self.cur = owner, cur

    def execute(self, sql, params=()):
        if sql == "COMMIT":
            self.owner.commits += 1
            if self.owner.commits > self.owner.after:
                raise duckdb.TransactionException('TransactionContext Error: Failed to commit: Could not write file '
                                                  '"world.duckdb.wal": No space left on device')
        return self.cur.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.cur, name)


def test_6_a_commit_that_fails_is_one_clear_message_and_nothing_is_written():
    a = build(mode="demo")
    sid = at_summary(a)
    sandbox = a.conversation(sid).sandbox
    real = a.store._con
    a.store._con = CommitFails(real)
    t = a.handle(sid, "yes")
    assert t.reply == UNAVAILABLE and t.order is None
    a.store._con = real
    assert placed(a.store, sandbox) == []
    assert a.handle(sid, "yes").reply.startswith("Done!")  # back once the disk is


def test_6_after_the_order_commits_the_reply_is_done_even_when_the_session_cannot_be_saved():
    a = build(mode="demo")
    sid = at_summary(a)
    sandbox = a.conversation(sid).sandbox
    real = a.store._con
    a.store._con = CommitFails(real, after=1)  # the order's COMMIT goes through, the session's save does not
    t = a.handle(sid, "yes")
    a.store._con = real
    [order] = placed(a.store, sandbox)
    assert t.reply.startswith(f"Done! Order {order.order_id} is placed")
    again = a.handle(sid, "yes")  # the session was not saved: its summary is still open; the yes finds the order
    assert again.reply.startswith(f"Done! Order {order.order_id}") and len(placed(a.store, sandbox)) == 1
    assert a.conversation(sid).orders == [order.order_id] and a.open_order(sid) == order.order_id


def test_6_through_the_page_a_failing_store_is_a_notice_never_a_bare_error():
    import gradio as gr

    a = build(mode="demo")
    _, fn = page_fns(a)
    req = request_from()
    sid, token = fn["start"]("P001", "", "Auto", req)[:2]
    for m in TO_SUMMARY:
        fn["reply"](m, sid, token, "", req)
    fresh, fresh_token = fn["start"]("P001", "", "Auto", request_from("203.0.113.99"))[:2]  # no turn yet
    real = a.store._con
    a.store._con = CommitFails(real)
    try:
        out = fn["reply"]("yes", sid, token, "", req)
        assert out[0][-1]["content"] == UNAVAILABLE
        # Before the first message the dropdown writes the language itself (after it, a turn says it).
        with pytest.raises(gr.Error, match="can't reach the pharmacy records"):
            fn["choose_language"]("Español", fresh, fresh_token, request_from("203.0.113.99"))
    finally:
        a.store._con = real


FULL_DISK = """
import resource, signal, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from rxflow.environment import build
from rxflow.store import Store
store = Store({db!r}, Path({mock!r}))
a = build(store=store, program="offline", mode="demo")
sid = a.start("P001")
for m in ("refill my lisinopril", "yes", "the cheapest one please"):
    a.handle(sid, m)
store.rows("CHECKPOINT")
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))  # the write-ahead log cannot grow
full = a.handle(sid, "yes")
resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
print("FULL:", full.reply)
print("AGAIN:", a.handle(sid, "yes").reply)
"""


def test_6_a_real_write_ahead_log_that_cannot_grow_is_one_clear_message(tmp_path):
    code = FULL_DISK.format(root=str(ROOT), db=str(tmp_path / "w.duckdb"), mock=str(MOCK))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-2000:]
    full = next(line for line in out.stdout.splitlines() if line.startswith("FULL:"))
    again = next(line for line in out.stdout.splitlines() if line.startswith("AGAIN:"))
    assert full == f"FULL: {UNAVAILABLE}" and again.startswith("AGAIN: Done! Order ORD-30001")


# ----------------------------------------------------------------------------- 7. the re-ask names the yes
@pytest.mark.parametrize("lang, question, names", [
    ("en", "how much is my metformin?", "A yes orders lisinopril 10 mg at Costco Pharmacy - Riverton for $2.10"),
    ("es", "¿cuánto cuesta mi metformina?", "Un sí pide lisinopril 10 mg en Costco Pharmacy - Riverton por $2.10"),
])
def test_7_a_question_at_the_order_summary_is_answered_and_the_re_ask_names_the_order(lang, question, names):
    a = build(mode="demo")
    sid = a.start("P001")
    if lang == "es":
        a.choose(sid, language="es")
    for m in TO_SUMMARY if lang == "en" else ("necesito resurtir mi lisinopril", "sí", "la más barata"):
        a.handle(sid, m)
    t = a.handle(sid, question)
    assert t.state == State.CONFIRM_ORDER and "metformin" in t.reply and names in t.reply, t.reply
    unclear = a.handle(sid, "hmm" if lang == "en" else "mmm")
    assert names.split(" ", 2)[2] in unclear.reply  # "orders lisinopril ..." / "pide lisinopril ..."
    done = a.handle(sid, "yes" if lang == "en" else "sí")
    assert "Costco Pharmacy - Riverton" in done.reply and "lisinopril" in done.reply


def test_7_a_question_at_a_request_summary_names_the_request():
    a = build(mode="demo")
    sid = a.start("P003")
    a.handle(sid, "refill omeprazole")  # expired: a renewal request is offered
    shown = a.handle(sid, "yes, send a renewal request")
    assert shown.state == State.CONFIRM_REQUEST, shown.reply
    t = a.handle(sid, "what are my medications?")
    assert t.state == State.CONFIRM_REQUEST and "A yes sends the request (a renewal request) for your omeprazole" \
        in t.reply, t.reply


# ----------------------------------------------------------------------------- 8. panels inside the rate limit
def test_8_the_panels_step_rides_on_its_turn_once_and_otherwise_takes_a_place_of_its_own():
    from rxflow.ratelimit import RateLimiter

    a = build(mode="demo")
    limiter = RateLimiter(per_minute=1, burst=5)
    _, fn = page_fns(a, limiter)
    req = request_from("198.51.100.8")
    sid, token = fn["start"]("P001", "", "Auto", req)[:2]  # 1 place
    out = fn["reply"]("what are my medications?", sid, token, "", req)  # 2
    drawn = fn["after"](sid, token, out[3], out[4], req)  # the turn's own panels: no place of their own
    assert drawn[-2:] == (None, "en") and drawn[0] and limiter._buckets["198.51.100.8"][0] == pytest.approx(3, abs=0.1)
    views = []
    real = a.view
    a.view = lambda *args, **kw: views.append(1) or real(*args, **kw)
    for _ in range(1_406):  # the count in 30 s
        fn["after"](sid, token, None, None, req)
    assert len(views) <= 3  # the places left; every other call did no work


# ----------------------------------------------------------------------------- 9. X-Forwarded-For
def test_9_behind_a_proxy_every_forwarded_line_counts_and_the_clients_own_first_line_decides_nothing():
    from rxflow.ui.app import client_of
    from rxflow.ui.gate import Gate, client_address

    two_lines = request_from("10.16.3.80", ["6.6.6.6", "198.51.100.23"])  # the client's line, then the proxy's
    assert client_of(two_lines, 1) == "198.51.100.23"
    for spoof in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        assert client_of(request_from("10.16.3.80", [spoof, "198.51.100.23"]), 1) == "198.51.100.23"
    gate = Gate(None, limiter=None, proxy_hops=1)
    scope = {"client": ("10.16.3.80", 1), "headers": [(b"x-forwarded-for", b"6.6.6.6"),
                                                        (b"x-forwarded-for", b"198.51.100.23")]}
    assert gate.client(scope) == "198.51.100.23"
    # One host holds a whole IPv6 /64: its addresses share one bucket and one share of the sessions.
    assert client_address("2001:db8:1:2::1") == client_address("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_address("::ffff:203.0.113.4") == "203.0.113.4"


def test_9_uvicorn_does_not_take_a_loopback_clients_forwarded_header_as_its_address(monkeypatch):
    """launch() tells uvicorn to trust no proxy header (the app reads them itself, for exactly proxy_hops
    proxies): a local client sending X-Forwarded-For gets no bucket of its own per made-up address."""
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")
    url, _, close = serve("demo", http_rate_per_minute=60, http_burst=5)
    try:
        codes = [_post(url, "/gradio_api/queue/join", b"{}", {"X-Forwarded-For": f"192.0.2.{i}"}) for i in range(12)]
    finally:
        close()
    assert codes.count(429) >= 6, codes


def test_9_launch_puts_the_gate_in_front_and_trusts_no_proxy_header_itself(monkeypatch, bounded_logs):
    import gradio as gr

    from rxflow.ui import app as ui_app

    seen = {}
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "restored afterwards")
    monkeypatch.delenv("FORWARDED_ALLOW_IPS")
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: seen.update(kw))
    ui_app.launch(build(mode="demo"))
    assert os.environ["FORWARDED_ALLOW_IPS"] == ""
    [gate] = seen["app_kwargs"]["middleware"]
    assert gate.cls.__name__ == "Gate" and seen["max_file_size"] == "1kb" and seen["state_session_capacity"] == 500


# ----------------------------------------------------------------------------- 10. a crash after the commit
CRASH = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from rxflow.environment import build
from rxflow.store import Store
store = Store({db!r}, Path({mock!r}))
a = build(store=store, program="offline", mode="demo")
sid = a.start("P001")
Path({sidfile!r}).write_text(sid)
for m in ("refill my lisinopril", "yes", "the cheapest one please"):
    a.handle(sid, m)
def crash(*args, **kwargs):  # the order is committed; the session is not saved yet
    Path({marker!r}).write_text("committed")
    time.sleep(60)
store.save_session = crash
a.handle(sid, "yes")
"""


def test_10_a_retried_yes_after_a_crash_between_commit_and_save_finds_its_order_and_the_session_lists_it(tmp_path):
    db, marker, sidfile = tmp_path / "w.duckdb", tmp_path / "marker", tmp_path / "sid"
    code = CRASH.format(root=str(ROOT), db=str(db), mock=str(MOCK), marker=str(marker), sidfile=str(sidfile))
    child = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.time() + 90
    while not marker.exists() and time.time() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached the save"
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    a = build(Store(str(db), MOCK), mode="demo")
    sid = sidfile.read_text()
    sandbox = a.conversation(sid).sandbox
    [order] = placed(a.store, sandbox)
    again = a.handle(sid, "yes")
    assert again.reply.startswith(f"Done! Order {order.order_id} is placed") and len(placed(a.store, sandbox)) == 1
    assert a.conversation(sid).orders == [order.order_id] and a.open_order(sid) == order.order_id  # Track/Cancel
    a.store.close()


# ----------------------------------------------------------------------------- 11. a refused message
@pytest.mark.slow
def test_11_in_chromium_a_message_refused_by_the_rate_limit_is_taken_off_the_chat_and_the_quick_replies_return():
    from chromium import sync_playwright

    from rxflow.ratelimit import RateLimiter

    url, _, close = serve("demo", limiter=RateLimiter(per_minute=2, burst=3))
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = _browser(p)
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)  # 1 place
            _state(page, "START")
            _say(page, "what are my medications?", "START")  # 2
            _chat_has(page, "Your active prescriptions")  # its reply (the state was START already)
            _say(page, "refill my lisinopril", "CONFIRM_DOSAGE")  # 3: the last one
            page.fill("#message textarea", "refill my metformin please")
            page.click("#send")
            _wait(page, "document.body.innerText.includes('Too many requests')")
            _wait(page, "!document.querySelector('#chat').innerText.includes('refill my metformin please')")
            _wait(page, "!document.querySelector('#quick').classList.contains('rx-pending')")
            assert page.input_value("#message textarea") == "refill my metformin please"  # back in the box
            assert page.locator("#quick button").first.is_visible()
            browser.close()
    finally:
        close()
    assert not errors, errors


# ----------------------------------------------------------------------------- also seen
def test_also_an_event_needs_the_tabs_token_not_only_its_gradio_session():
    """A tab's Gradio session hash (in URLs) carries its server-side state, session id included: an event
    with that state but without the tab's resume token reaches nothing."""
    a = build(mode="demo")
    _, fn = page_fns(a)
    req = request_from()
    sid, token = fn["start"]("P001", "", "Auto", req)[:2]
    with pytest.warns(UserWarning, match="doesn't exist or has ended"):
        out = fn["reply"]("refill my lisinopril", sid, "x" * 32, "", req)
    assert out[5] == "refill my lisinopril" and a.conversation(sid).turns == 0
    assert all(x == {"__type__": "update"} for x in fn["after"](sid, "", None, None, req))  # no panels drawn
    assert fn["reply"]("refill my lisinopril", sid, token, "", req)[3] is not None  # the tab itself goes on


def test_also_a_pages_event_stream_belongs_to_the_client_that_opened_it():
    import asyncio

    from rxflow.ratelimit import RateLimiter
    from rxflow.ui.gate import Gate

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = Gate(app, limiter=RateLimiter(0, 1))

    def get(host, path, query=b""):
        sent = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query, "client": (host, 1),
                 "headers": []}
        asyncio.run(gate(scope, receive, send))
        return sent[0]["status"]

    assert get("203.0.113.7", "/gradio_api/heartbeat/tabhash0001") == 200  # the tab opens its page session
    assert get("203.0.113.7", "/gradio_api/queue/data", b"session_hash=tabhash0001") == 200
    assert get("198.51.100.66", "/gradio_api/queue/data", b"session_hash=tabhash0001") == 403  # read elsewhere
    assert get("198.51.100.66", "/monitoring/summary") == 404


def test_also_the_monitoring_summary_is_not_public(app):
    url, _, _ = app
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(url + "monitoring/summary", timeout=10)
    with urllib.request.urlopen(url, timeout=10) as r:
        assert r.status == 200  # the page itself is served


def test_also_the_gate_and_the_events_limit_different_things():
    """The gate counts requests (a turn makes four); the page's limiter counts what a person does."""
    from rxflow.config import Settings

    s = Settings()
    assert s.http_rate_per_minute >= 4 * s.rate_per_minute and s.max_request_bytes >= 4 * 4 * s.max_message_chars

