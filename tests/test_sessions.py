"""The public Space, tried as a stranger would: one regression test per finding of the issue
"A public Space strangers can share" (findings 1-4 and 6; the store faults of finding 5 are in
test_store_faults.py, the tools CLI in test_cli.py).

Demo mode (the app's default) gives each session a sandbox of orders; session ids are secrets;
sessions, rates and stored turns are bounded."""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

import pytest
from conftest import serve
from helpers import at_stage, page_functions

from rxflow.flow.states import State

ORDER = ("refill my lisinopril", "yes", "the cheapest one please", "yes")


def new_orders(store, patient="P001", sandbox=""):
    return [o for o in store.orders(patient, sandbox) if not o.idempotency_key.startswith("seed-")]


def build(store, **settings):
    from rxflow.environment import build as build_assistant

    return build_assistant(store=store, program="offline", **settings)


def ui_fn(demo, name):
    """A page event's function (the page's events are not callable by API clients)."""
    return next(f.fn for f in demo.fns.values() if f.name == name)


def browser_request(host="203.0.113.7"):
    return SimpleNamespace(client=SimpleNamespace(host=host), headers={})


# ----------------------------------------------------------------------------- 1. session takeover
def test_1_no_session_id_or_order_key_in_the_chat_api_reply_or_the_tool_bubbles(served_demo):
    from gradio_client import Client

    from rxflow.sessions import digest
    from rxflow.ui import render

    url, assistant = served_demo
    c = Client(url, verbose=False)
    sid = c.predict("P001", api_name="/start_session")
    turns = [c.predict(sid, m, api_name="/chat") for m in (*ORDER, "where is my order?")]
    assert turns[3]["reply"].startswith("Done!") and turns[4]["tool_calls"][-1]["name"] == "track_order"
    conv = assistant.conversation(sid)
    [order] = new_orders(assistant.store, sandbox=conv.sandbox)
    secrets_ = {sid, order.idempotency_key, conv.write_token, conv.sandbox}
    blob = json.dumps(turns)
    assert not any(s in blob for s in secrets_), "a secret reached the API's reply"
    assert all(t["session_id"] == digest(sid) for t in turns)
    # The chat's tool bubbles and inspector panels, rendered from the same turn.
    turn = assistant.handle(sid, "where is my order?")
    shown = json.dumps([render.chat_messages("where is my order?", turn), render.tool_table(turn).to_dict(),
                        render.order_md(assistant.view(sid, turn))], default=str)
    assert not any(s in shown for s in secrets_)


def test_1_idempotency_key_is_a_conversation_token_not_the_session_id(demo_assistant):
    a = demo_assistant
    sid = a.start("P001")
    for m in ORDER:
        a.handle(sid, m)
    conv = a.conversation(sid)
    [order] = new_orders(a.store, sandbox=conv.sandbox)
    assert order.idempotency_key.startswith(f"{conv.write_token}:") and sid not in order.idempotency_key


def test_1_a_tab_resumes_only_with_the_token_the_server_gave_it(served_demo):
    """The attack: copy a session id into sessionStorage and reload. The page's start event resumes
    only with a resume token (never shown anywhere), and each token works once."""
    from rxflow.ui.app import build_demo

    _, assistant = served_demo
    demo = build_demo(assistant)
    start = ui_fn(demo, "start")
    shown = [getattr(b, "elem_id", None) for b in next(f for f in demo.fns.values() if f.name == "start").outputs]

    def patient(out) -> str:  # the patient the page shows (the picker's value)
        return out[shown.index("patient")]["value"]

    victim = start("P001", "", "Auto", browser_request())
    sid, token = victim[0], victim[1]
    assistant.handle(sid, "refill my lisinopril")
    for stolen in (sid, sid[:31], "x" * 100_000, ""):
        other = start("P002", stolen, "Auto", browser_request("198.51.100.2"))
        assert other[0] != sid and patient(other) == "P002", "a session id resumed someone's conversation"
    again = start("P002", token, "Auto", browser_request())  # the tab itself, after a reload
    assert again[0] == sid and patient(again) == "P001" and again[1] != token
    assert start("P002", token, "Auto", browser_request())[0] != sid  # the old token is spent
    assert assistant.resume(sid) is None


def test_1_two_starts_at_once_leave_the_tab_in_the_session_its_token_and_chat_are_for(served_demo):
    """The patient picker reports one choice twice: two starts run at once, and the server-side state can
    keep one's session while the tab keeps the other's token (and draws its chat). The token is the tab's
    credential: the next message goes to its session (a flaky browser test had it refused as unknown). A
    token that is no live session's is still refused, whatever session id comes with it."""
    from helpers import page_functions

    from rxflow.ui.app import build_demo

    _, assistant = served_demo
    fn = page_functions(build_demo(assistant))
    one = fn["start"]("P006", "", "Auto", browser_request())
    two = fn["start"]("P006", "", "Auto", browser_request())
    out = fn["reply"]("refill eliquis", one[0], two[1], two[4], browser_request())  # [4]: the quick replies' binding
    chat, sid, token = out[0], out[1], out[2]
    assert sid == two[0] and token not in ("", two[1]) and assistant.holds(sid, token)
    assert "refill eliquis" in str(chat) and assistant.conversation(two[0]).turns == 1
    assert assistant.conversation(one[0]).turns == 0
    refused = fn["reply"]("refill eliquis", two[0], two[1], two[4], browser_request())  # the spent token
    assert refused[1:3] != (two[0], two[1]) and assistant.conversation(two[0]).turns == 1


def test_1_an_expired_session_can_be_neither_resumed_nor_read(store):
    from rxflow.assistant import SessionExpired

    a = build(store, mode="demo", session_timeout=1)
    sid = a.start("P001")
    token = a.resume_token(sid)
    for m in ORDER[:3]:
        a.handle(sid, m)
    time.sleep(1.2)
    with pytest.raises(SessionExpired):
        a.handle(sid, "yes")
    with pytest.raises(SessionExpired):
        a.conversation(sid)
    assert a.resume(token) is None
    assert new_orders(store, sandbox=store.load_session(sid)["sandbox"]) == []


def test_1_an_expired_session_through_the_api_is_a_clear_error():
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, assistant, close = serve("demo", session_timeout=1)
    try:
        c = Client(url, verbose=False)
        sid = c.predict("P001", api_name="/start_session")
        c.predict(sid, "refill my lisinopril", api_name="/chat")
        time.sleep(1.2)
        with pytest.raises(AppError, match="expired"):
            c.predict(sid, "yes", api_name="/chat")
    finally:
        close()


# ----------------------------------------------------------------------------- 2. made-up ids
def test_2_made_up_session_ids_allocate_nothing_and_stay_out_of_the_logs(served_demo, caplog, capfd):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, assistant = served_demo
    caplog.set_level("INFO", logger="rxflow")
    c = Client(url, verbose=False)
    sessions_before = assistant.store.runtime_rows()["sessions"]
    made_up = ["Z" * 1_000_000, "Q" * 1_000_000, "A" * 32, "é" * 32, "", "a" * 31, "../" * 11 + "ab"]
    for sid in made_up:
        # A megabyte is refused at the gate, unread (rxflow/ui/gate.py: issue 22); the rest by the Assistant.
        with pytest.raises(Exception, match="413") if len(sid) > 64_000 else pytest.raises(AppError,
                                                                                            match="doesn't exist"):
            c.predict(sid, "hello", api_name="/chat")
    assert assistant._locks.in_use == 0
    assert assistant.store.runtime_rows()["sessions"] == sessions_before
    out, err = capfd.readouterr()
    logged = out + err + "".join(r.getMessage() for r in caplog.records)
    assert "ZZZZZZZZ" not in logged and "QQQQQQQQ" not in logged and "Traceback" not in logged
    assert len(logged) < 20_000


def test_2_session_locks_are_freed_when_turns_end(demo_assistant):
    a = demo_assistant
    sids = [a.start("P001") for _ in range(5)]
    barrier = threading.Barrier(10)

    def talk(sid):
        barrier.wait()
        a.handle(sid, "what are my medications?")

    threads = [threading.Thread(target=talk, args=(s,)) for s in sids * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert a._locks.in_use == 0


# ----------------------------------------------------------------------------- 3. one world for all
def test_3_two_visitors_as_one_patient_both_refill_and_see_only_their_own(demo_assistant, store):
    a = demo_assistant
    mine, theirs = a.start("P001"), a.start("P001")
    for m in ORDER:
        a.handle(mine, m)
    first = a.conversation(mine).sandbox
    for m in ("refill my lisinopril", "yes", "the closest", "yes"):
        t = a.handle(theirs, m)
    assert t.reply.startswith("Done!") and "already" not in t.reply  # not blocked by the other's open order
    second = a.conversation(theirs).sandbox
    [o1], [o2] = new_orders(store, sandbox=first), new_orders(store, sandbox=second)
    assert o1.order_id == o2.order_id == "ORD-30001" and o1.pharmacy_id != o2.pharmacy_id
    assert new_orders(store) == []  # nothing in the shared world
    # Neither sees, tracks nor cancels the other's order.
    seen = a.handle(theirs, "where is my order?")
    other_pharmacy = store.pharmacy(o1.pharmacy_id).name
    assert other_pharmacy not in seen.reply and store.pharmacy(o2.pharmacy_id).name in seen.reply
    history = a.handle(theirs, "what are my medications?").tool_calls[0]["data"]["recent_orders"]
    assert [o["pharmacy_id"] for o in history if o["order_id"] == "ORD-30001"] == [o2.pharmacy_id]
    a.handle(theirs, "cancel order ORD-30001")
    assert a.handle(theirs, "yes").outcome == "order_cancelled"
    assert store.order("ORD-30001", first).status == "received"
    assert store.order("ORD-30001", second).status == "cancelled"


def test_3_two_api_clients_as_one_patient_do_not_share_orders(served_demo):
    from gradio_client import Client

    url, _ = served_demo
    replies = {}

    def play(name, choice):
        c = Client(url, verbose=False)
        sid = c.predict("P001", api_name="/start_session")
        replies[name] = [c.predict(sid, m, api_name="/chat")["reply"]
                         for m in ("refill my lisinopril", "yes", choice, "yes", "where is my order?")]

    threads = [threading.Thread(target=play, args=a) for a in (("a", "the cheapest"), ("b", "the closest"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r[3].startswith("Done! Order ORD-30001") for r in replies.values()), replies
    assert "Costco" in replies["a"][4] and "Costco" not in replies["b"][4]
    assert "CVS" in replies["b"][4] and "CVS" not in replies["a"][4]


def test_3_cancelling_a_seeded_order_in_a_sandbox_touches_no_other_world(store):
    store.create_session("s" * 32, "P009", "START", {}, sandbox="box-a")
    store.create_session("t" * 32, "P009", "START", {}, sandbox="box-b")
    store.set_order_status("ORD-20009", "cancelled", ("in_progress",), sandbox="box-a")
    assert store.order("ORD-20009", "box-a").status == "cancelled"
    assert store.order("ORD-20009", "box-b").status == "in_progress"
    assert store.order("ORD-20009").status == "in_progress"  # the shared world ('')


def test_3_shared_mode_keeps_one_world(assistant, store):
    first, second = assistant.start("P001"), assistant.start("P001")
    for m in ORDER:
        assistant.handle(first, m)
    t = assistant.handle(second, "refill my lisinopril")  # refused at once: already in progress
    assert t.state == State.NOT_ELIGIBLE and "already received" in t.reply and len(new_orders(store)) == 1


# ----------------------------------------------------------------------------- 4. limits and clean-up
def test_4_api_and_page_are_rate_limited_per_client():
    import gradio as gr
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from rxflow.ratelimit import RateLimiter
    from rxflow.ui.app import build_demo

    url, assistant, close = serve("demo", limiter=RateLimiter(per_minute=6, burst=3))
    try:
        c = Client(url, verbose=False)
        sid = c.predict("P001", api_name="/start_session")
        c.predict(sid, "hello", api_name="/chat")
        c.predict(sid, "hello", api_name="/chat")
        with pytest.raises(AppError, match="Too many requests"):
            c.predict(sid, "hello", api_name="/chat")
        with pytest.raises(AppError, match="Too many requests"):
            c.predict("P001", api_name="/start_session")
        # The page's own events pass the same limit (per client address).
        demo = build_demo(assistant, RateLimiter(per_minute=6, burst=2))
        start, send = ui_fn(demo, "start"), page_functions(demo)["reply"]
        page = start("P001", "", "Auto", browser_request("192.0.2.1"))
        send("hello", page[0], page[1], "", browser_request("192.0.2.1"))
        # A refused message is a notice (gr.Warning) and comes back as "unsent": the page takes it off the chat.
        with pytest.warns(UserWarning, match="Too many requests"):
            refused = send("hello", page[0], page[1], "", browser_request("192.0.2.1"))
        assert refused[5] == "hello"
        with pytest.raises(gr.Error, match="Too many requests"):
            start("P001", "", "Auto", browser_request("192.0.2.1"))
        assert start("P001", "", "Auto", browser_request("192.0.2.2"))[0]  # another client is not affected
    finally:
        close()


def test_4_page_states_are_bounded_and_a_tab_whose_state_was_dropped_resumes():
    """Gradio keeps a state per browser session and per API caller (a copy of the page's config): the
    number kept is capped (page_states); a tab whose state was dropped resumes with its token."""
    from evals.soak import ApiError, call

    url, assistant, close = serve("demo", page_states=5)
    try:
        for _ in range(12):  # raw HTTP callers: a new Gradio session each
            with pytest.raises(ApiError, match="doesn't exist"):
                call(url, "chat", "x" * 32, "hello")
        kept = len(close.demo.state_holder.session_data)
    finally:
        close()
    assert kept == 5
    from rxflow.ui.app import build_demo

    demo = build_demo(_small_world_assistant())
    start, send = ui_fn(demo, "start"), page_functions(demo)["reply"]
    page = start("P001", "", "Auto", browser_request())
    out = send("refill my lisinopril", "", page[1], "", browser_request())  # no server-side state left
    assert out[1] == page[0] and out[2] != page[1] and "lisinopril" in out[0][-1]["content"]


def _small_world_assistant():
    from conftest import MOCK

    from rxflow.store import Store

    return build(Store(":memory:", MOCK), mode="demo")


def test_4_rate_limiter_forgets_the_least_recent_clients():
    from rxflow.ratelimit import RateLimiter

    rl = RateLimiter(per_minute=60, burst=2, max_clients=100)
    assert [rl.allow("a", now=0.0) for _ in range(3)] == [True, True, False]
    assert rl.allow("a", now=1.0)  # one token a second
    for i in range(1000):
        rl.allow(f"10.0.{i // 256}.{i % 256}", now=2.0)
    assert rl.clients == 100


def test_4_live_sessions_are_capped_with_a_clear_message(store):
    from rxflow.assistant import SessionLimit

    a = build(store, mode="demo", max_live_sessions=3)
    for client in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        a.start("P001", client=client)
    with pytest.raises(SessionLimit):  # no client holds more than one (issue 22: else the biggest holder gives one up)
        a.start("P002", client="192.0.2.4")


def test_4_expired_sessions_are_deleted_with_their_turns_and_sandboxes(store):
    a = build(store, mode="demo", session_timeout=1, session_grace=0, sweep_interval=0)
    old = a.start("P001")
    for m in ORDER:
        a.handle(old, m)
    assert store.runtime_rows() == {"sessions": 1, "turns": 4, "sandboxed_orders": 3,
                                   "sandboxed_requests": 0}  # 2 seeded copies + 1
    time.sleep(1.2)
    a.start("P004")  # a session start sweeps (at most every sweep_interval seconds); P004 has no seeded orders
    assert store.load_session(old) is None
    assert store.runtime_rows() == {"sessions": 1, "turns": 0, "sandboxed_orders": 0, "sandboxed_requests": 0}
    assert store.table_sizes()["orders"] == 10  # the seeded world is untouched


def test_4_stored_turns_are_bounded_so_a_late_turn_costs_what_an_early_one_does(store):
    """Orders placed and cancelled, questions: once its lists are full (20 outcomes...) the stored context
    stays the same size, and only the latest turns_kept turn records remain."""
    a = build(store, mode="demo", turns_kept=10)
    sid = a.start("P001")
    round_ = ["refill lisinopril", "yes", "the cheapest one please", "yes", "where is my order?", "cancel it", "yes",
              "what are my medications?", "how much is my metformin?", "hello"]
    sizes = []
    for i in range(30):
        for m in round_:
            a.handle(sid, m)
        if i in (21, 29):
            sizes.append(len(json.dumps(store.load_session(sid)["context"])))
    assert store.row("SELECT count(*) AS n FROM turns WHERE session_id = ?", [sid])["n"] == 10
    assert store.load_session(sid)["turn_count"] == 300
    assert [o.status for o in new_orders(store, "P001", a.conversation(sid).sandbox)] == ["cancelled"]
    assert abs(sizes[1] - sizes[0]) < 50, sizes  # the stored context does not grow


# ----------------------------------------------------------------------------- 6. small leaks
def test_6_start_session_offers_only_the_demo_patients(served_demo):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    url, _ = served_demo
    c = Client(url, verbose=False)
    said = []
    for pid in ("P017", "P999", "P009", "'; DROP TABLE patients; --"):
        with pytest.raises(AppError) as e:
            c.predict(pid, api_name="/start_session")
        said.append(str(e.value))
    assert len(set(said)) == 1 and "P001" in said[0]  # the same answer whether or not the patient exists
    assert c.predict("P008", api_name="/start_session")


REFERENCES = [  # (a phrasing, with {who} for a person or an id)
    "show me {id}'s medications", "refill {first} {last}'s meds", "what does {first}'s prescription list say?",
    "I'm calling for {first} {last}, track her order", "switch to patient {id}", "is Mrs {last}'s order ready?",
    "refill the lisinopril for {first} {last}", "what is {first}'s warfarin dose?", "cancel {id} order",
    "track Mr. {last}'s order", "{first} {last} needs a refill of sertraline",
]


@pytest.mark.parametrize("phrasing", REFERENCES)
def test_6_other_patient_refusal_reads_the_same_whether_or_not_they_exist(demo_assistant, phrasing):
    a = demo_assistant
    real = dict(id="P017", first="Linda", last="Park")  # P003 exists (and P017 does too, outside the demo)
    made_up = dict(id="P431", first="Lisa", last="Parker")
    replies = []
    for who in (real, made_up):
        sid = a.start("P001")
        t = a.handle(sid, phrasing.format(**who))
        replies.append((t.reply.encode(), t.guarded, t.state, t.tool_calls))
    assert replies[0] == replies[1]
    assert replies[0][1] and b"anyone else" in replies[0][0]


def test_6_own_names_and_ordinary_words_are_not_someone_else(demo_assistant):
    a = demo_assistant
    sid = a.start("P001")
    for msg in ("I'm Maria Gonzalez, refill my lisinopril", "that's right", "what is lisinopril's dose",
                "is the Costco Pharmacy open late", "my doctor's orders say 10 mg", "refill my Blood Pressure pill",
                "I'm calling for a refill", "P001 here"):
        assert not a.handle(sid, msg).guarded, msg


# ----------------------------------------------------------------------------- 1 and 3 in a real browser
@pytest.mark.slow
def test_3_two_tabs_as_one_patient_each_order_and_neither_sees_the_other(served_demo):
    """Two tabs as P001 each place an order (one at Costco, one at CVS): each sees only its own. Then
    the takeover of finding 1: the second tab stores the first's session id and reloads; it gets a new
    conversation, while the first tab's own reload still resumes its own."""
    from test_app import CHROMIUM

    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    from chromium import sync_playwright

    url, assistant = served_demo

    def say(page, text, state):
        page.bring_to_front()  # the patient goes to that tab (a tab behind runs throttled: tests/chromium.py)
        page.fill("#message textarea", text)
        page.click("#send")
        page.wait_for_function(f"document.querySelector('#chat').innerText.includes({json.dumps(text)})",
                               timeout=15_000)
        page.wait_for_function(at_stage(state), timeout=30_000)

    def new_order_row(page) -> str:
        """The Orders tab's row for ORD-30001 (the table's cells, as text, up to the next order)."""
        page.bring_to_front()
        page.get_by_role("tab", name="Patient").click()
        page.wait_for_function("document.querySelector('#orders') && "
                               "document.querySelector('#orders').innerText.includes('ORD-30001')", timeout=15_000)
        text = page.inner_text("#orders")
        page.get_by_role("tab", name="Inspector").click()
        row = text[text.index("ORD-30001") + 9:]
        return row[:row.index("ORD-")] if "ORD-" in row else row

    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch()
        tabs = {"costco": browser.new_page(), "cvs": browser.new_page()}
        for page in tabs.values():
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url)
            page.wait_for_function(at_stage("START"), timeout=30_000)
        for name, choice in (("costco", "the cheapest one please"), ("cvs", "the closest one")):
            page = tabs[name]
            say(page, "refill my lisinopril", "CONFIRM_DOSAGE")
            say(page, "yes", "SELECT_PHARMACY")
            say(page, choice, "CONFIRM_ORDER")
            say(page, "yes", "COMPLETE")
            assert "Order ORD-30001 is placed" in page.inner_text("#chat")
        costco, cvs = new_order_row(tabs["costco"]), new_order_row(tabs["cvs"])
        assert "Costco" in costco and "CVS" not in costco, costco
        assert "CVS" in cvs and "Costco" not in cvs, cvs
        # Finding 1 in the browser: a session id copied into the tab's storage resumes nothing.
        victim = next(r["session_id"] for r in assistant.store.rows("SELECT session_id, sandbox FROM sessions")
                      if any(o.pharmacy_id == "PH004" for o in new_orders(assistant.store, sandbox=r["sandbox"])))
        thief = tabs["cvs"]
        thief.bring_to_front()
        thief.evaluate("(s) => { sessionStorage.setItem('rxflow_session', s); "
                       "sessionStorage.setItem('rxflow_resume', s); }", victim)
        thief.reload()
        thief.wait_for_function(at_stage("START"), timeout=30_000)
        assert "ORD-30001" not in thief.inner_text("#chat") and "Costco" not in thief.inner_text("#order")
        tabs["costco"].bring_to_front()
        tabs["costco"].reload()  # the owner's reload resumes, with its token
        tabs["costco"].wait_for_function(at_stage("COMPLETE"), timeout=30_000)
        assert "Costco" in tabs["costco"].inner_text("#order")
        browser.close()
    assert not errors, errors


def test_4_rate_limit_client_behind_proxies():
    from rxflow.ui.app import client_of

    spoofed = SimpleNamespace(client=SimpleNamespace(host="10.16.3.80"),
                              headers={"x-forwarded-for": "6.6.6.6, 198.51.100.23"})
    assert client_of(spoofed, 0) == "10.16.3.80"  # no proxy trusted: the TCP peer
    assert client_of(spoofed, 1) == "198.51.100.23"  # what the one trusted proxy saw, not what the client claims
    assert client_of(browser_request("203.0.113.9"), 1) == "203.0.113.9"  # no header: the peer
