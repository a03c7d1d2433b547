"""The Gradio Blocks: patient picker, chat and examples on the left; the inspector on the right.

gr.State holds only the session id; the conversation lives in DuckDB. The id is mirrored in
the tab's sessionStorage (per tab, survives a reload), so a reload resumes and two tabs never
share a conversation.
"""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr

from rxflow.assistant import Assistant, UnknownSession
from rxflow.ui import render
from rxflow.ui.demo_patients import DEMO_PATIENTS

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


def build_demo(assistant: Assistant) -> gr.Blocks:
    store = assistant.store
    choices = [(f"{pid} · {desc.split(' — ')[0]}", pid) for pid, (desc, _) in DEMO_PATIENTS.items()]

    def panels(sid: str, turn=None):
        conv = assistant.conversation(sid)
        receipt, _ = render.order_md(store, conv)
        return (render.diagram(conv), render.slots_json(conv), render.tool_table(turn), render.alerts_md(conv),
                receipt, render.program_md(turn, conv, assistant.program_label),
                render.orders_table(store, conv.patient_id))

    def welcome(patient_id: str) -> list[dict]:
        p = store.patient(patient_id)
        return [{"role": "assistant", "content": f"Hello {p.first_name}! I'm RxFlow, your pharmacy refill assistant. "
                                                 "Which prescription would you like to refill?"}]

    def start(patient_id: str, stored: str):
        """Resume the tab's session after a reload (whichever patient it was for), else start one
        for the picked patient. The patient picker and Reset always pass no stored session."""
        sid = None
        if stored:
            try:
                sid, patient_id = stored, assistant.conversation(stored).patient_id
            except UnknownSession:
                sid = None
        chat = welcome(patient_id)
        if sid is None:
            sid = assistant.start(patient_id)
        else:
            for u, a in assistant.conversation(sid).history:
                chat += [{"role": "user", "content": u}, {"role": "assistant", "content": a}]
        desc, examples = DEMO_PATIENTS.get(patient_id, ("", []))
        return (sid, sid, patient_id, f"**{desc}**", gr.Dataset(samples=[[e] for e in examples]), chat,
                *panels(sid))

    def send(message: str, sid: str, chat: list):
        if not sid:
            raise gr.Error("No session: pick a patient first.")
        try:
            turn = assistant.handle(sid, message)
        except UnknownSession:
            raise gr.Error("This session has ended. Pick a patient to start again.") from None
        chat = list(chat or []) + render.chat_messages(message if isinstance(message, str) else "", turn)
        return "", chat, *panels(sid, turn)

    def order_action(kind: str):
        def act(sid: str, chat: list):
            conv = assistant.conversation(sid)
            _, oid = render.order_md(store, conv)
            if oid is None:
                raise gr.Error("No order in this session yet.")
            return send(f"{kind} order {oid}", sid, chat)

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
                    orders = gr.Dataframe(label="This patient's orders", wrap=True)
                with gr.Tab("About"):
                    gr.Markdown(about_md(assistant.program_label))
        outputs = [diagram, slots, tools, alerts, order, program, orders]
        start_outputs = [session, stored, patient, patient_desc, examples, chatbot, *outputs]
        remember = "(s) => { if (s) { sessionStorage.setItem('rxflow_session', s); } return s; }"

        demo.load(start, [patient, stored], start_outputs,
                  js="(p, s) => [p, sessionStorage.getItem('rxflow_session') || '']").then(
            None, [stored], [stored], js=remember)
        patient.input(lambda p: start(p, ""), [patient], start_outputs).then(None, [stored], [stored], js=remember)
        reset.click(lambda p: start(p, ""), [patient], start_outputs).then(None, [stored], [stored], js=remember)
        examples.click(lambda x: x[0], [examples], [box])
        send_btn.click(send, [box, session, chatbot], [box, chatbot, *outputs], api_name="send")
        box.submit(send, [box, session, chatbot], [box, chatbot, *outputs])
        track_btn.click(order_action("track"), [session, chatbot], [box, chatbot, *outputs])
        cancel_btn.click(order_action("cancel"), [session, chatbot], [box, chatbot, *outputs])

        def start_session(patient_id: str) -> str:
            """Start a session for a demo patient; returns its id (for API clients)."""
            return assistant.start(patient_id)

        def chat_api(session_id: str, message: str) -> dict:
            """One turn through the API: the Turn as JSON (state, reply, slots, tools, alerts, order)."""
            return assistant.handle(session_id, message).model_dump(mode="json")

        gr.api(start_session, api_name="start_session")
        gr.api(chat_api, api_name="chat")
    return demo


def launch(assistant: Assistant | None = None, **kwargs):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from rxflow import logs
    from rxflow.config import get_settings

    logs.setup(get_settings().log_level)
    assistant = assistant or Assistant.from_settings()
    demo = build_demo(assistant)
    demo.queue(default_concurrency_limit=16)
    return demo.launch(theme=gr.themes.Soft(), css=CSS, run_history=False, **kwargs)
