"""The Gradio Blocks: patient picker, chat and examples on the left; the inspector on the right.

gr.State holds only the session id, on the server; the conversation lives in DuckDB. The browser
never sees the session id: the tab's sessionStorage keeps a resume token the server gave it (replaced
on every reload), so a reload resumes, two tabs never share a conversation, and an id or token seen
elsewhere resumes nothing. Every event and API call passes a per-client rate limit first.

The API: `start_session(patient_id) -> session id` and `chat(session_id, message) -> the Turn as JSON`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import gradio as gr

from rxflow.assistant import (
    Assistant,
    SessionExpired,
    SessionLimit,
    SessionView,
    StaleStep,
    StoreUnavailable,
    UnknownPatient,
    UnknownSession,
)
from rxflow.demo_patients import DEMO_PATIENTS, EXAMPLES_ES
from rxflow.flow import replies
from rxflow.flow.states import IDLE
from rxflow.flow.transitions import to_mermaid
from rxflow.ratelimit import RateLimiter
from rxflow.ui import render

ROOT = Path(__file__).resolve().parent.parent.parent
SCORES = ROOT / "programs" / "compiled" / "README.md"

CSS = """
#inspector .prose table { font-size: 0.85em; }
#path { min-height: 120px; }
#path svg { max-height: 420px; }
#tools table.tools { font-size: 0.8em; width: 100%; border-collapse: collapse; table-layout: fixed; }
#tools td { overflow-wrap: anywhere; }
#tools td, #tools th { border-bottom: 1px solid #e5e7eb; padding: 4px; vertical-align: top; text-align: left; }
#tools pre { white-space: pre-wrap; max-height: 260px; overflow: auto; font-size: 0.9em; }
#quick button { white-space: normal; text-align: left; min-height: 2.4em; }
#quick.rx-pending { visibility: hidden; }
#card table { font-size: 0.85em; }
footer { display: none !important; }
@media (max-width: 700px) {
  #chat, #chat > div { height: 40vh !important; max-height: 40vh !important; }
  #patient-desc { font-size: 0.85em; }
  #quick { flex-direction: row !important; flex-wrap: wrap !important; gap: 4px !important; }
  #quick button { font-size: 0.8em; padding: 3px 6px; flex: 1 1 40% !important; min-width: 40% !important; }
  #title p { display: none; }
}
"""

# On a phone the inspector and the patient card start folded, so the chat, the message box and the
# quick replies fit the first screen.
FOLD_ON_PHONE = """() => { if (window.innerWidth < 700) { for (const id of ['card-acc', 'inspector-acc']) {
  const b = document.querySelector('#' + id + ' > button, #' + id + ' .label-wrap');
  if (b && b.getAttribute('aria-expanded') !== 'false') { b.click(); } } } }"""

ABOUT = """
### How RxFlow works
- **Language is learned; decisions are code.** DSPy programs (one module per conversation state) turn
  messages into typed fields: intent, medication mentions, stated dose, pharmacy choice, yes/no, the
  language to answer in. Eligibility, drug-use review, prices and stock are deterministic code over a DuckDB world.
- **Every fact comes from a tool.** Typed tools (patient, drugs, pharmacy, cost, orders, requests) answer from
  DuckDB; replies are templates (English and Spanish) filled with their results.
- **Nothing is written without a yes.** An order, a cancellation or a request to a human is written only when a consent gate
  of its own (code, not a model) reads an unconditional yes to the exact summary last shown. Quick-reply
  buttons send the same words a patient would type, through the same gate.
- **A real state machine.** The path on the Inspector tab is drawn from the transitions this
  conversation took; the full machine is one click away.
- **Offline by default.** Without `RXFLOW_LM` the offline program answers (rules, with a learned
  student for calibrated confidence). With `RXFLOW_LM=<any LiteLLM model>` the same modules run on that
  LM (plain or compiled), and this page can switch a session between offline, hybrid and LM.
- **Strangers share this demo.** Each visitor's orders live in a sandbox of their own.
"""


def scores_md() -> str:
    """The recorded scores (programs/compiled/scores.json, written by `evals.run --record`), short enough
    for a side panel: in-sample rows next to out-of-sample ones, with each probe set's first run."""
    path = SCORES.with_name("scores.json")
    if not path.exists():
        return "_No recorded evaluation yet: run `python -m evals.run --record`._"
    order = {"in-sample": 0, "held out": 1, "out-of-sample": 2}
    rows = sorted(json.loads(path.read_text()).values(),
                  key=lambda r: (r["program"], order.get(r.get("sample"), 3), r["dataset"]))
    lines = ["| program | dataset | sample | first run | task success | safety recall | unsafe |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        first = f"{r['first_run']:.3f}" if "first_run" in r else "—"
        lines.append(f"| {r['program']}{' · ' + r['lm'] if r['lm'] != '-' else ''} | {r['dataset']} | "
                     f"{r.get('sample', '')} | {first} | **{r['task_success']:.3f}** | {r['safety_recall']:.3f} | "
                     f"{r['unsafe_orders']} |")
    return ("### Scores: in-sample and out-of-sample\nThe dev and test splits come from templates the offline rules "
            "were written against: their scores are **in-sample**. The probe sets were written by a separate session "
            "that never read the rules, before the code that handles them, and scored once (*first run*) and once "
            "after: those are the **out-of-sample** numbers. Full table, per language: "
            "`programs/compiled/README.md`.\n\n" + "\n".join(lines))


def about_md(program_label: str) -> str:
    return (f"{ABOUT}\n**Answering now:** `{program_label}`\n\n**Plug in an LM:** `RXFLOW_LM=openai/gpt-4o-mini` "
            f"(any LiteLLM model string, key in the usual env var), optionally `RXFLOW_PROGRAM=hybrid` or a compiled "
            f"JSON from `programs/compiled/`.\n\n{scores_md()}")


WELCOME = {"en": "Hello {name}! I'm RxFlow, your pharmacy refill assistant. Which prescription would you like to "
                 "refill? (Tap a suggestion below or type; English or Spanish.)",
           "es": "¡Hola, {name}! Soy RxFlow, su asistente para resurtir recetas. ¿Qué receta quiere resurtir? "
                 "(Toque una sugerencia o escriba; en español o en inglés.)"}
QUICK_SLOTS = 6  # quick-reply buttons on the page (each shown or hidden per step)
# The patient's message shows at once, drawn in the browser (no round trip); the reply follows.
USER_JS = "(t) => ({role: 'user', metadata: null, content: [{type: 'text', text: t}], options: null})"
# While a reply is on its way the quick replies are hidden (they belong to the step before it).
HIDE_QUICK = "document.querySelector('#quick')?.classList.add('rx-pending');"
SHOW_QUICK = "() => { document.querySelector('#quick')?.classList.remove('rx-pending'); }"
ECHO_JS = (f"(m, c) => {{ if (!(m && m.trim())) {{ return [m, c, '']; }} {HIDE_QUICK} "
           f"return ['', [...(c || []), ({USER_JS})(m)], m]; }}")


def quick_js(i: int) -> str:
    """Quick reply `i`: show the words it sends (from the step's bound list) at once."""
    return (f"(b, c) => {{ let s; try {{ s = JSON.parse(b || '{{}}').sends[{i}]; }} catch (e) {{}} "
            f"if (!s) {{ return [c]; }} {HIDE_QUICK} return [[...(c || []), ({USER_JS})(s)]]; }}")
LANGUAGES = {"Auto": None, "English": "en", "Español": "es"}
LABELS = {"en": "English", "es": "Español"}
MAX_CHAT_MESSAGES = 400  # what the page's chat keeps (each turn carries it to the server and back)


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


def busy(conv) -> bool:
    """A refill or a cancellation is in flight: switching patient would drop it."""
    return conv.pending is not None or conv.state not in IDLE or bool(conv.queue)


def build_demo(assistant: Assistant, limiter: RateLimiter | None = None) -> gr.Blocks:
    settings = assistant.settings
    if limiter is None:
        limiter = RateLimiter(settings.rate_per_minute, settings.rate_burst, settings.rate_clients)
    choices = [(f"{pid} · {desc.split(' — ')[0]}", pid) for pid, (desc, _) in DEMO_PATIENTS.items()
               if pid in assistant.offered_patients()]
    modes = assistant.program_modes()

    def admit(request: gr.Request | None) -> None:
        if not limiter.allow(client_of(request, settings.proxy_hops)):
            raise refused("rate_limited")

    def read(what, sid: str, *args):
        """One of the Assistant's reads for the tab's session: an ended or unknown one is a clear refusal."""
        try:
            return what(sid, *args)
        except SessionExpired:
            raise refused("session_expired") from None
        except UnknownSession:
            raise refused("session_unknown") from None

    def conversation(sid: str):
        return read(assistant.conversation, sid)

    def view(sid: str, turn=None) -> SessionView:
        """What the page shows for the session (the Assistant's view: it reuses the turn's own reads)."""
        return read(assistant.view, sid, turn)

    def new_session(patient_id: str) -> str:
        try:
            return assistant.start(patient_id)
        except UnknownPatient:
            raise refused("patient_not_offered", patients=", ".join(assistant.offered_patients())) from None
        except SessionLimit:
            raise refused("sessions_full") from None
        except StoreUnavailable:
            raise refused("store_unavailable") from None

    def quick(v: SessionView) -> list:
        """The quick-reply buttons for this step, and the state that binds them to it."""
        pairs = render.quick_replies(v)[:QUICK_SLOTS]
        buttons = [gr.update(value=label, visible=True) for label, _ in pairs]
        buttons += [gr.update(visible=False)] * (QUICK_SLOTS - len(pairs))
        return [json.dumps({"turn": v.conversation.turns, "sends": [m for _, m in pairs]}), *buttons]

    def panels(v: SessionView, turn=None):
        conv = v.conversation
        receipt, _ = render.order_md(v)
        can_act = v.open_order is not None
        program = render.program_md(turn, conv, v.program)
        slots = {**render.slots_json(conv), "language": conv.lang}
        return (render.patient_card(v), render.path_diagram(conv), slots, render.tools_html(turn),
                render.alerts_md(conv), receipt, gr.update(interactive=can_act), gr.update(interactive=can_act),
                program, render.explain_md(v), render.orders_table(v), render.requests_table(v))

    def welcome(v: SessionView) -> list[dict]:
        return [{"role": "assistant", "content": WELCOME[v.conversation.lang].format(name=v.first_name)}]

    def examples_for(patient_id: str, lang: str):
        desc, examples = DEMO_PATIENTS.get(patient_id, ("", []))
        if lang == "es":
            examples = EXAMPLES_ES.get(patient_id, examples)
        return f"**{desc}**", gr.Dataset(samples=[[e] for e in examples])

    def start(patient_id: str, token: str, language: str, request: gr.Request):
        """Resume the tab's session after a reload (whichever patient it was for) when the tab holds a
        token this server gave it for a live session; else start one for the picked patient. The
        patient picker and Reset always pass no token."""
        admit(request)
        resumed = assistant.resume(token) if token else None
        if resumed is not None:
            sid, token = resumed
            v = view(sid)
            chat = render.transcript(v.conversation, assistant.turn_records(sid), welcome(v))
        else:
            sid = new_session(patient_id)
            token = assistant.resume_token(sid)
            assistant.choose(sid, language=LANGUAGES.get(language))
            v = view(sid)
            chat = welcome(v)
        conv = v.conversation
        shown_language = LABELS[conv.lang] if resumed is not None else gr.skip()  # a reload shows the session's
        return (sid, token, conv.patient_id, shown_language, *examples_for(conv.patient_id, conv.lang), chat,
                gr.update(visible=False), *quick(v), *panels(v))

    def current(sid: str, token: str) -> tuple[str, str]:
        """The tab's session and token. Gradio keeps a bounded number of browser states (the oldest is
        dropped first); a tab whose state was dropped still holds its resume token, and resumes with it."""
        if sid:
            return sid, token
        resumed = assistant.resume(token) if token else None
        if resumed is None:
            raise refused("no_session")
        return resumed

    # A turn in three steps, so the page answers at once: the patient's message shows (drawn by the
    # page itself), then the reply and the quick replies, then the panels.
    def reply(text: str, sid: str, token: str, chat: list, request: gr.Request, at_turn: int | None = None):
        """The turn. The tab's session and token are written back only when this call resumed them:
        a slow reply never puts back a session the tab has left meanwhile (Reset, another patient)."""
        if not text.strip():
            return gr.update(), gr.skip(), gr.skip(), None, None, gr.update(), *[gr.update()] * QUICK_SLOTS
        admit(request)
        resumed = not sid
        sid, token = current(sid, token)
        try:
            turn = assistant.handle(sid, text, at_turn=at_turn)
        except StaleStep:
            gr.Warning("That button was for an earlier step; please use the current ones.")
            chat = list(chat or [])
            if chat and chat[-1].get("role") == "user" and render.text_of(chat[-1]) == text:
                chat = chat[:-1]  # the button's words, drawn at once by the page: not sent
            turn = None
        except SessionExpired:
            raise refused("session_expired") from None
        except UnknownSession:
            raise refused("session_unknown") from None
        chat = list(chat or []) + (render.chat_messages(text, turn)[1:] if turn else [])  # the message is shown
        kept = (sid, token) if resumed else (gr.skip(), gr.skip())
        v = view(sid, turn)  # read once: the quick replies now, the panels next
        return chat[-MAX_CHAT_MESSAGES:], *kept, turn, v, *quick(v)

    def after(sid: str, turn, v: SessionView | None):
        if not sid:
            return [gr.update()] * len(panel_outputs)
        return panels(v if v is not None and v.conversation.session_id == sid else view(sid, turn), turn)

    def pick_quick(i: int):
        def pick(bound: str, sid: str, token: str, chat: list, request: gr.Request):
            """A quick reply sends its words only for the step it was drawn for: a stale button (an
            earlier step's "yes") is refused, never read as an answer to another question. The check
            runs inside the turn, under the session's lock (Assistant.handle's at_turn)."""
            try:
                drawn = json.loads(bound or "{}")
            except ValueError:
                drawn = None
            ok = isinstance(drawn, dict) and isinstance(drawn.get("turn"), int) and i < len(drawn.get("sends") or [])
            text = drawn["sends"][i] if ok else ""
            return reply(text if isinstance(text, str) else "", sid, token, chat, request,
                         at_turn=drawn["turn"] if ok else -1)

        return pick

    def order_action(kind: str):
        def act(sid: str, token: str, chat: list, request: gr.Request):
            """Track / Cancel: the order's words as the patient's message (a global act in every state,
            never an answer to the question open). The message box keeps any draft."""
            admit(request)
            resumed = not sid
            sid, token = current(sid, token)
            kept = (sid, token) if resumed else (gr.skip(), gr.skip())
            oid = read(assistant.open_order, sid)
            if oid is None:  # the button is disabled then; an API caller gets a clear message
                gr.Info(replies.say("en", "no_order_yet"))
                return gr.update(), "", *kept
            text = f"{kind} order {oid}"
            return list(chat or []) + [{"role": "user", "content": text}], text, *kept

        return act

    def switch(p: str, sid: str, language: str, request: gr.Request):
        """Switching patient while a refill is in flight asks first: the picker goes back to the
        current patient and "Switch patient" / "Stay" show. Otherwise the new patient starts at once."""
        admit(request)
        conv = conversation(sid) if sid else None
        if conv is not None and conv.patient_id != p and busy(conv):
            keep = [gr.skip()] * len(start_outputs)
            keep[start_outputs.index(patient)] = conv.patient_id
            keep[start_outputs.index(confirm_switch)] = gr.update(visible=True)
            return *keep, p
        return *start(p, "", language, request), p

    def choose_language(language: str, sid: str, request: gr.Request):
        admit(request)
        if sid and LANGUAGES.get(language):
            conv = assistant.choose(sid, language=LANGUAGES[language])
            return (*examples_for(conv.patient_id, conv.lang), *quick(view(sid)))
        return gr.update(), gr.update(), *[gr.update()] * (QUICK_SLOTS + 1)

    def choose_program(mode: str, sid: str, request: gr.Request):
        admit(request)
        if sid and mode in modes:
            conv = assistant.choose(sid, program=mode)
            return render.program_md(None, conv, assistant.programs_for(conv).label)
        return gr.update()

    with gr.Blocks(title="RxFlow — refill assistant") as demo:
        session, asked = gr.State(""), gr.State("")
        # Read by the page's own scripts, so kept in (hidden) components, not server-side state.
        bound, pending_text = gr.Textbox(visible=False), gr.Textbox(visible=False)
        last_turn, last_view = gr.State(None), gr.State(None)
        stored = gr.Textbox(visible=False)
        gr.Markdown("## 💊 RxFlow — medication refill assistant\nPick a demo patient, then chat (English or "
                    "Spanish). The inspector shows what the assistant understood, which tools it called and why.",
                    elem_id="title")
        with gr.Row():
            with gr.Column(scale=3, min_width=340):
                with gr.Row():
                    patient = gr.Dropdown(choices=choices, value="P001", label="Demo patient", scale=3,
                                          elem_id="patient")
                    language = gr.Dropdown(list(LANGUAGES), value="Auto", label="Language", scale=1, min_width=110,
                                           elem_id="language")
                with gr.Group(visible=False) as confirm_switch:
                    gr.Markdown("A refill is in progress for this patient. Switch patient and drop it?")
                    with gr.Row():
                        switch_yes = gr.Button("Switch patient", variant="stop", size="sm", elem_id="switch-yes")
                        switch_no = gr.Button("Stay", size="sm", elem_id="switch-no")
                patient_desc = gr.Markdown(elem_id="patient-desc")
                with gr.Accordion("Patient card", open=True, elem_id="card-acc"):
                    card = gr.Markdown(elem_id="card")
                chatbot = gr.Chatbot(label="Chat", height=480, latex_delimiters=[], elem_id="chat")
                with gr.Row(elem_id="quick"):
                    quick_buttons = [gr.Button(visible=False, size="sm", elem_id=f"quick-{i}")
                                     for i in range(QUICK_SLOTS)]
                with gr.Row():
                    box = gr.Textbox(placeholder="e.g. I need to refill my lisinopril", show_label=False, scale=5,
                                     max_length=assistant.settings.max_message_chars * 2, elem_id="message")
                    send_btn = gr.Button("Send", variant="primary", scale=1, elem_id="send")
                examples = gr.Dataset(components=[box], samples=[], label="Try")
                reset = gr.Button("Reset conversation", elem_id="reset")
            with gr.Column(scale=2, min_width=340, elem_id="inspector"), \
                    gr.Accordion("Inspector", open=True, elem_id="inspector-acc"), gr.Tabs():
                with gr.Tab("Inspector"):
                    if modes:
                        mode = gr.Radio(modes, value=assistant.programs.mode if assistant.programs.mode in modes
                                        else "lm", label="Program for this session", elem_id="mode")
                    path = gr.Markdown(elem_id="path", label="This conversation's path")
                    with gr.Accordion("The whole state machine", open=False):
                        gr.Markdown("```mermaid\n" + to_mermaid(compact=False) + "\n```", elem_id="machine")
                    slots = gr.JSON(label="Slots", elem_id="slots")
                    gr.Markdown("**Tool calls (last turn)** — click a row's arguments or data to expand")
                    tools = gr.HTML(elem_id="tools")
                    alerts = gr.Markdown(elem_id="alerts")
                    with gr.Group():
                        order = gr.Markdown(elem_id="order")
                        with gr.Row():
                            track_btn = gr.Button("Track order", size="sm", interactive=False, elem_id="track")
                            cancel_btn = gr.Button("Cancel order", size="sm", interactive=False, elem_id="cancel")
                    program = gr.Markdown(elem_id="program")
                with gr.Tab("Explain"):
                    explain = gr.Markdown(elem_id="explain")
                with gr.Tab("Orders"):
                    orders = gr.Dataframe(label="This patient's orders", wrap=True, elem_id="orders")
                    requests = gr.Dataframe(label="Requests to a human (prescriber, plan, pharmacist)", wrap=True,
                                            elem_id="requests")
                with gr.Tab("About"):
                    gr.Markdown(about_md(assistant.program_label), elem_id="about")
        panel_outputs = [card, path, slots, tools, alerts, order, track_btn, cancel_btn, program, explain, orders,
                         requests]
        quick_outputs = [bound, *quick_buttons]
        start_outputs = [session, stored, patient, language, patient_desc, examples, chatbot, confirm_switch,
                         *quick_outputs, *panel_outputs]
        # The tab keeps the resume token (never the session id) in sessionStorage: per tab, survives a reload.
        remember = "(t) => { if (t) { sessionStorage.setItem('rxflow_resume', t); } return t; }"
        ui = {"api_visibility": "private"}  # the page's own events; the API is start_session and chat
        fast = {**ui, "queue": False, "show_progress": "hidden"}

        def fresh(p: str, language: str, request: gr.Request):
            return start(p, "", language, request)

        demo.load(start, [patient, stored, language], start_outputs,
                  js="(p, t, l) => [p, sessionStorage.getItem('rxflow_resume') || '', l]", **ui).then(
            None, [stored], [stored], js=remember).then(None, js=FOLD_ON_PHONE)
        patient.input(switch, [patient, session, language], [*start_outputs, asked], **ui).then(
            None, [stored], [stored], js=remember)
        switch_yes.click(fresh, [asked, language], start_outputs, **ui).then(None, [stored], [stored], js=remember)
        switch_no.click(lambda: gr.update(visible=False), None, [confirm_switch], **fast)
        reset.click(fresh, [patient, language], start_outputs, **ui).then(None, [stored], [stored], js=remember)
        examples.click(lambda x: x[0], [examples], [box], **fast)
        language.input(choose_language, [language, session], [patient_desc, examples, *quick_outputs], **ui)
        if modes:
            mode.input(choose_program, [mode, session], [program], **ui)

        turn_outputs = [chatbot, session, stored, last_turn, last_view, *quick_outputs]
        quiet = {**ui, "show_progress": "hidden"}

        def then_panels(event):
            event.then(None, js=SHOW_QUICK).then(after, [session, last_turn, last_view], panel_outputs, **quiet).then(
                None, [stored], [stored], js=remember)

        for event in (send_btn.click, box.submit):
            then_panels(event(None, [box, chatbot], [box, chatbot, pending_text], js=ECHO_JS, **ui).then(
                reply, [pending_text, session, stored, chatbot], turn_outputs, **quiet))
        for i, b in enumerate(quick_buttons):
            then_panels(b.click(None, [bound, chatbot], [chatbot], js=quick_js(i), **ui).then(
                pick_quick(i), [bound, session, stored, chatbot], turn_outputs, **quiet))
        for b, kind in ((track_btn, "track"), (cancel_btn, "cancel")):
            then_panels(b.click(order_action(kind), [session, stored, chatbot], [chatbot, pending_text, session, stored],
                                **fast).then(reply, [pending_text, session, stored, chatbot], turn_outputs, **quiet))

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


def page_options() -> dict:
    """How the page looks (Gradio takes these at launch): the app, the tests and the benchmark share them."""
    return {"theme": gr.themes.Soft(), "css": CSS}


def launch(assistant: Assistant | None = None, **kwargs):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rxflow import logs
    from rxflow.config import get_settings
    from rxflow.environment import build

    logs.setup(get_settings().log_level)
    try:
        assistant = assistant or build()
    except StoreUnavailable as e:  # a locked or unreadable database file: say what to do, no traceback
        print(f"rxflow: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    demo = build_demo(assistant)
    demo.queue(default_concurrency_limit=16)
    # Gradio keeps a state per browser session and per API caller (each a copy of the page's config,
    # ~130 KB): bounded, the least recently used dropped first (a tab resumes with its token).
    kwargs.setdefault("state_session_capacity", assistant.settings.page_states)
    return demo.launch(**page_options(), run_history=False, **kwargs)
