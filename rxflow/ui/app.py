"""The Gradio Blocks: patient picker, chat and examples on the left; the inspector on the right.

gr.State holds only the session id, on the server; the conversation lives in DuckDB. The browser
never sees the session id: the tab's sessionStorage keeps a resume token the server gave it (replaced
on every reload), so a reload resumes, two tabs never share a conversation, and an id or token seen
elsewhere resumes nothing. Every event and API call passes a per-client rate limit first.

The API: `start_session(patient_id) -> session id` and `chat(session_id, message) -> the Turn as JSON`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import gradio as gr

from rxflow.assistant import Assistant, SessionExpired, SessionLimit, UnknownPatient, UnknownSession
from rxflow.demo_patients import DEMO_PATIENTS
from rxflow.flow import replies
from rxflow.ratelimit import RateLimiter
from rxflow.store import StoreUnavailable
from rxflow.ui import render

ROOT = Path(__file__).resolve().parent.parent.parent
SCORES = ROOT / "programs" / "compiled" / "README.md"

CSS = """
#inspector .prose table { font-size: 0.85em; }
#diagram { min-height: 320px; }
footer { display: none !important; }
"""

ABOUT = """
### How RxFlow works
- **Language is learned; decisions are code.** DSPy programs (one module per conversation state) turn
  messages into typed fields: intent, medication mentions, stated dose, pharmacy choice, yes/no.
  Eligibility, drug-use review, prices and stock are deterministic code over a DuckDB world.
- **Every fact comes from a tool.** Seventeen typed tools (patient, drugs, pharmacy, cost, orders) answer from
  DuckDB; replies are templates filled with their results. Orders are written in one transaction, only after
  an explicit yes, with an idempotency key.
- **A real state machine.** The diagram on the Inspector tab is drawn from the same transition table that
  drives the conversation.
- **Offline by default.** Without `RXFLOW_LM` the deterministic offline program answers; with it, the same
  modules run on that LM (with the offline predictor as fallback on any LM error).
"""


def about_md(program_label: str) -> str:
    scores = SCORES.read_text() if SCORES.exists() else "_No recorded evaluation yet: run `python -m evals.run --record`._"
    return f"{ABOUT}\n**Answering now:** `{program_label}`\n\n### Recorded evaluation scores\n{scores}"


def refused(key: str, **facts) -> gr.Error:
    """An expected refusal (rate limit, ended session...): a clear message, no traceback in the log."""
    return gr.Error(replies.say("en", key, **facts), print_exception=False)


def client_of(request: gr.Request | None, proxy_hops: int = 0) -> str:
    """Who is asking, for the rate limit: the TCP peer, or behind `proxy_hops` trusted proxies the
    address the outermost of them saw (X-Forwarded-For, counted from the right: the left is the client's
    own say and can be anything)."""
    if request is None:
        return "in-process"
    host = request.client.host if request.client else "unknown"
    if proxy_hops:
        seen = [h.strip() for h in (request.headers.get("x-forwarded-for") or "").split(",") if h.strip()]
        if len(seen) >= proxy_hops:
            host = seen[-proxy_hops]
    return host[:64]


def build_demo(assistant: Assistant, limiter: RateLimiter | None = None) -> gr.Blocks:
    store, settings = assistant.store, assistant.settings
    if limiter is None:
        limiter = RateLimiter(settings.rate_per_minute, settings.rate_burst, settings.rate_clients)
    choices = [(f"{pid} · {desc.split(' — ')[0]}", pid) for pid, (desc, _) in DEMO_PATIENTS.items()
               if pid in assistant.offered_patients()]

    def admit(request: gr.Request | None) -> None:
        if not limiter.allow(client_of(request, settings.proxy_hops)):
            raise refused("rate_limited")

    def conversation(sid: str):
        try:
            return assistant.conversation(sid)
        except SessionExpired:
            raise refused("session_expired") from None
        except UnknownSession:
            raise refused("session_unknown") from None

    def new_session(patient_id: str) -> str:
        try:
            return assistant.start(patient_id)
        except UnknownPatient:
            raise refused("patient_not_offered", patients=", ".join(assistant.offered_patients())) from None
        except SessionLimit:
            raise refused("sessions_full") from None
        except StoreUnavailable:
            raise refused("store_unavailable") from None

    def panels(sid: str, turn=None):
        conv = conversation(sid)
        receipt, _ = render.order_md(store, conv)
        return (render.diagram(conv), render.slots_json(conv), render.tool_table(turn), render.alerts_md(conv),
                receipt, render.program_md(turn, conv, assistant.program_label), render.orders_table(store, conv))

    def welcome(patient_id: str) -> list[dict]:
        p = store.patient(patient_id)
        return [{"role": "assistant", "content": f"Hello {p.first_name}! I'm RxFlow, your pharmacy refill assistant. "
                                                 "Which prescription would you like to refill?"}]

    def start(patient_id: str, token: str, request: gr.Request):
        """Resume the tab's session after a reload (whichever patient it was for) when the tab holds a
        token this server gave it for a live session; else start one for the picked patient. The
        patient picker and Reset always pass no token."""
        admit(request)
        resumed = assistant.resume(token) if token else None
        if resumed is not None:
            sid, token = resumed
            conv = conversation(sid)
            patient_id, chat = conv.patient_id, welcome(conv.patient_id)
            for u, a in conv.history:
                chat += [{"role": "user", "content": u}, {"role": "assistant", "content": a}]
        else:
            sid = new_session(patient_id)
            token = assistant.resume_token(sid)
            chat = welcome(patient_id)
        desc, examples = DEMO_PATIENTS.get(patient_id, ("", []))
        return (sid, token, patient_id, f"**{desc}**", gr.Dataset(samples=[[e] for e in examples]), chat,
                *panels(sid))

    def current(sid: str, token: str) -> tuple[str, str]:
        """The tab's session and token. Gradio keeps a bounded number of browser states (the oldest is
        dropped first); a tab whose state was dropped still holds its resume token, and resumes with it."""
        if sid:
            return sid, token
        resumed = assistant.resume(token) if token else None
        if resumed is None:
            raise refused("no_session")
        return resumed

    def send(message: str, sid: str, token: str, chat: list, request: gr.Request):
        admit(request)
        sid, token = current(sid, token)
        try:
            turn = assistant.handle(sid, message)
        except SessionExpired:
            raise refused("session_expired") from None
        except UnknownSession:
            raise refused("session_unknown") from None
        chat = list(chat or []) + render.chat_messages(message if isinstance(message, str) else "", turn)
        return "", chat, sid, token, *panels(sid, turn)

    def order_action(kind: str):
        def act(sid: str, token: str, chat: list, request: gr.Request):
            sid, token = current(sid, token)
            _, oid = render.order_md(store, conversation(sid))
            if oid is None:
                raise refused("no_order_yet")
            return send(f"{kind} order {oid}", sid, token, chat, request)

        return act

    with gr.Blocks(title="RxFlow — refill assistant") as demo:
        session = gr.State("")
        stored = gr.Textbox(visible=False)
        gr.Markdown("## 💊 RxFlow — medication refill assistant\nPick a demo patient, then chat. "
                    "The inspector shows what the assistant understood, which tools it called and why.")
        with gr.Row():
            with gr.Column(scale=3):
                patient = gr.Dropdown(choices=choices, value="P001", label="Demo patient")
                patient_desc = gr.Markdown()
                chatbot = gr.Chatbot(label="Chat", height=520, latex_delimiters=[], elem_id="chat")
                with gr.Row():
                    box = gr.Textbox(placeholder="e.g. I need to refill my lisinopril", show_label=False, scale=5,
                                     max_length=assistant.settings.max_message_chars * 2, elem_id="message")
                    send_btn = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                examples = gr.Dataset(components=[box], samples=[], label="Try")
                reset = gr.Button("Reset conversation", elem_id="reset")
            with gr.Column(scale=2, elem_id="inspector"), gr.Tabs():
                with gr.Tab("Inspector"):
                    diagram = gr.Markdown(elem_id="diagram", label="State")
                    slots = gr.JSON(label="Slots", elem_id="slots")
                    tools = gr.Dataframe(label="Tool calls (last turn)", wrap=True, elem_id="tools")
                    alerts = gr.Markdown(label="Safety alerts", elem_id="alerts")
                    with gr.Group():
                        order = gr.Markdown(elem_id="order")
                        with gr.Row():
                            track_btn = gr.Button("Track order", size="sm")
                            cancel_btn = gr.Button("Cancel order", size="sm")
                    program = gr.Markdown(elem_id="program")
                with gr.Tab("Orders"):
                    orders = gr.Dataframe(label="This patient's orders", wrap=True, elem_id="orders")
                with gr.Tab("About"):
                    gr.Markdown(about_md(assistant.program_label))
        outputs = [diagram, slots, tools, alerts, order, program, orders]
        start_outputs = [session, stored, patient, patient_desc, examples, chatbot, *outputs]
        # The tab keeps the resume token (never the session id) in sessionStorage: per tab, survives a reload.
        remember = "(t) => { if (t) { sessionStorage.setItem('rxflow_resume', t); } return t; }"
        ui = {"api_visibility": "private"}  # the page's own events; the API is start_session and chat

        def fresh(p: str, request: gr.Request):
            return start(p, "", request)

        demo.load(start, [patient, stored], start_outputs,
                  js="(p, t) => [p, sessionStorage.getItem('rxflow_resume') || '']", **ui).then(
            None, [stored], [stored], js=remember)
        patient.input(fresh, [patient], start_outputs, **ui).then(None, [stored], [stored], js=remember)
        reset.click(fresh, [patient], start_outputs, **ui).then(None, [stored], [stored], js=remember)
        examples.click(lambda x: x[0], [examples], [box], **ui)
        turn_outputs = [box, chatbot, session, stored, *outputs]
        for event, fn, inputs in ((send_btn.click, send, [box, session, stored, chatbot]),
                                  (box.submit, send, [box, session, stored, chatbot]),
                                  (track_btn.click, order_action("track"), [session, stored, chatbot]),
                                  (cancel_btn.click, order_action("cancel"), [session, stored, chatbot])):
            event(fn, inputs, turn_outputs, **ui).then(None, [stored], [stored], js=remember)

        def start_session(patient_id: str, request: gr.Request) -> str:
            """Start a session for a demo patient; returns its id (a secret: keep it to yourself)."""
            admit(request)
            return new_session(patient_id)

        def chat_api(session_id: str, message: str, request: gr.Request) -> dict:
            """One turn through the API: the Turn as JSON (state, reply, slots, tools, alerts, order)."""
            admit(request)
            try:
                return assistant.handle(session_id, message).public()
            except SessionExpired:
                raise refused("session_expired") from None
            except UnknownSession:
                raise refused("session_unknown") from None

        gr.api(start_session, api_name="start_session")
        gr.api(chat_api, api_name="chat")
    return demo


def launch(assistant: Assistant | None = None, **kwargs):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rxflow import logs
    from rxflow.config import get_settings

    logs.setup(get_settings().log_level)
    try:
        assistant = assistant or Assistant.from_settings()
    except StoreUnavailable as e:  # a locked or unreadable database file: say what to do, no traceback
        print(f"rxflow: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    demo = build_demo(assistant)
    demo.queue(default_concurrency_limit=16)
    # Gradio keeps a state per browser session and per API caller (each a copy of the page's config,
    # ~130 KB): bounded, the least recently used dropped first (a tab resumes with its token).
    kwargs.setdefault("state_session_capacity", assistant.settings.page_states)
    return demo.launch(theme=gr.themes.Soft(), css=CSS, run_history=False, **kwargs)
