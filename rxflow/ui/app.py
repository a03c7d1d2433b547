"""The Gradio Blocks, chat first: one header row (patient, language, New conversation); the patient's line and
the world's clock, the chat, the quick replies and the message box on the first screen; the inspector beside
it (under it on a phone). Every message waits in the page's outbox (OUTBOX) and goes to the server one at a
time, in order; every word of the page follows the conversation's language (chrome, render.inspector_labels).

gr.State holds only the session id, on the server; the conversation lives in DuckDB. The browser
never sees the session id: the tab's sessionStorage keeps a resume token the server gave it (replaced
on every reload), so a reload resumes, two tabs never share a conversation, and an id or token seen
elsewhere resumes nothing; every event carries the token, so a Gradio session hash seen elsewhere
reaches no conversation either. Every event and API call passes a per-client rate limit first (the
panels step after a turn rides on the turn's; the page's words, drawn again when their language changes,
read nothing and take no place), and every request the gate in front (rxflow/ui/gate.py).

The clock control above the chat moves only the tab's own session's world on (Assistant.move_clock; the
token and the rate limit as for every event) and draws the panels at its new time: the Phone tab shows the
texts sent by then. Every word of it, and of the Phone tab, is in the session's language (rxflow/flow/replies.py).

The server is the source of the chat: each turn returns the chat as the conversation holds it (what a
reload shows), never the tab's copy. A typed message carries the step it was typed at, as a quick reply
does, so a yes sent before a summary reached the page is asked again instead of answering it.

The API: `start_session(patient_id) -> session id` and `chat(session_id, message) -> the Turn as JSON`.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import gradio as gr
from starlette.middleware import Middleware

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
from rxflow.demo_patients import ABOUT_ES, DEMO_PATIENTS, EXAMPLES_ES
from rxflow.flow import replies
from rxflow.flow.states import IDLE
from rxflow.ratelimit import RateLimiter
from rxflow.ui import render
from rxflow.ui.gate import Gate, client_address

ROOT = Path(__file__).resolve().parent.parent.parent
SCORES = ROOT / "programs" / "compiled" / "README.md"

CSS = """
.rx-hidden { display: none !important; }
#top { align-items: center; gap: 8px; flex-wrap: nowrap; }
#title { flex: 1 1 auto !important; min-width: 180px; }
#patient { flex: 0 0 300px !important; }
#language { flex: 0 0 130px !important; }
#title p { margin: 0; font-size: 1.1em; }
#world-row { align-items: center; gap: 6px; flex-wrap: nowrap; }
/* One line: the patient gives way (cut with "…"; the Patient tab has the whole card), the clock does not. */
#strip { flex: 1 1 0 !important; min-width: 0 !important; overflow: hidden; }
#strip p { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#strip p, #world p { margin: 0; font-size: 0.85em; }
#world { flex: 0 0 auto !important; width: auto !important; }
#world p { white-space: nowrap; }
#world-row button { flex: 0 0 auto !important; min-width: 0 !important; padding: 1px 6px !important;
  font-size: 0.8em !important; }
/* "New conversation" is the one reset: the chat's own clear icon would empty the page, not the conversation. */
#chat button[aria-label="Clear"], #chat button[title="Clear"] { display: none !important; }
/* The one "checked: ..." line a turn adds to the chat stays one small line until opened. */
#chat .thought-group { padding: 2px 8px !important; margin: 2px 0 !important; font-size: 0.8em; opacity: 0.8; }
#chat .thought-group .title { min-height: 0 !important; height: auto !important; }
#quick button { white-space: normal; text-align: left; min-height: 2.4em; }
#quick.rx-pending { visibility: hidden; }
/* Beside the chat on a desktop, the inspector scrolls on its own, so the chat stays on the screen. */
@media (min-width: 701px) {
  #inspector { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; }
}
#inspector .prose table { font-size: 0.85em; }
#path { min-height: 120px; }
#path svg { display: block; margin: 0 auto; max-width: 100%; max-height: 420px; }
#tools table.tools { font-size: 0.8em; width: 100%; border-collapse: collapse; table-layout: fixed; }
#tools td, #tools th { border-bottom: 1px solid #e5e7eb; padding: 4px; vertical-align: top; text-align: left; }
#tools pre { white-space: pre-wrap; max-height: 260px; overflow: auto; font-size: 0.9em; }
#card table { font-size: 0.85em; }
#phone .phone { max-width: 380px; margin: 0 auto; border: 6px solid #1f2937; border-radius: 22px; padding: 8px 10px;
  background: #f3f4f6; color: #111827; }
#phone .phone-head, #phone .phone-foot { font-size: 0.8em; color: #4b5563; text-align: center; padding: 2px 0; }
#phone .sms-list { max-height: 420px; overflow-y: auto; }
#phone .sms { background: #e5e7eb; border-radius: 14px 14px 14px 4px; padding: 6px 10px; margin: 6px 20% 6px 0; }
#phone .sms-body { font-size: 0.9em; overflow-wrap: anywhere; }
#phone .sms-at { font-size: 0.7em; color: #6b7280; text-align: right; }
#phone .no-texts { font-size: 0.85em; color: #6b7280; text-align: center; }
footer { display: none !important; }
@media (max-width: 700px) {
  #chat, #chat > div { height: 48vh !important; max-height: 48vh !important; min-height: 240px !important; }
  #top { flex-wrap: wrap !important; }
  #title { display: none; }
  #top > div { min-width: 30% !important; }
  #quick { flex-direction: row !important; flex-wrap: wrap !important; gap: 4px !important; }
  #quick button { font-size: 0.8em; padding: 3px 6px; flex: 1 1 40% !important; min-width: 40% !important; }
  /* The clock goes under the message box, so the chat, the box and the quick replies keep the first screen. */
  #talk { display: flex; flex-direction: column; }
  #world-row { order: 1; flex-wrap: wrap !important; }
  #strip p, #world p { white-space: normal; }
  #strip { flex: 1 1 100% !important; }
  #examples { order: 2; }
  #about-acc { order: 3; }
  #world, #strip { font-size: 0.85em; }
}
"""

# On a phone the inspector starts folded (under the chat), so the chat, the message box and the
# quick replies fit the first screen.
FOLD_ON_PHONE = """() => { if (window.innerWidth < 700) { for (const id of ['inspector-acc']) {
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
- **A world with a clock.** Ready times follow opening hours in the world's time zone; the clock above the
  chat moves this session's world on (+1 hour, +1 day, +1 week), and the Phone tab shows the texts that have
  arrived by then (ready for pickup, on its way, reminders, auto-refills).
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


QUICK_SLOTS = 6  # quick-reply buttons on the page (each shown or hidden per step)
# The page's outbox. Every message (typed, a quick reply, Track/Cancel, the language switch) is drawn in the
# chat at once and waits here for its turn: the hidden #dispatch button sends the first to the server, and
# the next goes when its reply is in, so messages sent while a reply is on its way are answered one by one,
# in the order sent, none lost. While any is waiting the quick replies are hidden (they belong to the step
# before it). A dispatch that never came back (a dropped connection) stops blocking after a minute.
OUTBOX = """const Q = (window.rxQ = window.rxQ || []);
const pump = () => setTimeout(() => {
  if (window.rxHold && Date.now() - (window.rxHeld || 0) < 30000) { return; }
  if (window.rxBusy && Date.now() - (window.rxSince || 0) < 60000) { return; }
  if (!Q.length) { window.rxBusy = false; return; }
  window.rxBusy = true; window.rxSince = Date.now(); document.querySelector('#dispatch')?.click(); }, 0);
const mine = (t) => ({role: 'user', metadata: null, content: [{type: 'text', text: t}], options: null});
const post = (item, c) => { item.id = (window.rxSeq = (window.rxSeq || 0) + 1); Q.push(item); document.querySelector('#quick')?.classList.add('rx-pending'); pump();
  return [...(c || []), mine(item.text)]; };"""
# A typed message carries the step the page showed when it was sent (`b`, the quick replies' binding).
SEND_JS = f"(m, c, b) => {{ {OUTBOX} if (!(m && m.trim())) {{ return [m, c]; }} return ['', post({{kind: 'typed', text: m, bound: b}}, c)]; }}"
# The words a Track / Cancel button sends, queued the same way.
SAY_JS = f"(t, c, b) => {{ {OUTBOX} if (!t) {{ return [c]; }} return [post({{kind: 'typed', text: t, bound: b}}, c)]; }}"
# The first message waiting, for the server (the dispatch step's input).
NEXT_JS = (f"() => {{ {OUTBOX} window.rxInflight = Q.length ? Q[0].id : null; "
           "return [Q.length ? JSON.stringify(Q[0]) : '']; }")
# After a reply: the message answered leaves the outbox; the chat is the server's, with the messages still
# waiting drawn after it; the next is sent. A message the server refused (the rate limit, an ended session)
# goes back into the message box (unless something new was typed there) with any still waiting, and the
# outbox is emptied: nothing is sent behind the patient's back after a refusal.
AFTER_JS = f"""(u, c, b) => {{ {OUTBOX} const i = Q.findIndex((x) => x.id === window.rxInflight);
  if (i >= 0) {{ Q.splice(i, 1); }} window.rxInflight = null; window.rxBusy = false;
  const chat = [...(c || [])];
  while (chat.length && chat[chat.length - 1].role === 'user') {{ chat.pop(); }}
  if (u) {{ const back = [u, ...Q.splice(0).map((x) => x.text)].join(' '); b = b || back; }}
  for (const x of Q) {{ chat.push(mine(x.text)); }}
  if (Q.length) {{ pump(); }} else {{ document.querySelector('#quick')?.classList.remove('rx-pending'); }}
  return [chat, b]; }}"""


def quick_js(i: int) -> str:
    """Quick reply `i`: the words it sends (from the step's bound list), queued and drawn at once."""
    return (f"(b, c) => {{ {OUTBOX} let s; try {{ s = JSON.parse(b || '{{}}').sends[{i}]; }} catch (e) {{}} "
            f"if (!s) {{ return [c]; }} return [post({{kind: 'quick', i: {i}, text: s, bound: b}}, c)]; }}")


# Choosing a language in the dropdown once the conversation has begun says so in the chat, the way a patient
# would type it: the open question (a summary included) is shown again in that language and needs a new yes.
SWITCH_WORDS = {"English": "in English", "Español": "en español"}
# (The dropdown reports one choice twice, on choosing and on leaving it: the same choice again says nothing.)
LANGUAGE_JS = (f"(l, c, b) => {{ {OUTBOX} const said = {SWITCH_WORDS!r}[l]; "
               "if (!said || said === window.rxSaid || !(c || []).some((m) => m.role === 'user')) { return [c]; } "
               "window.rxSaid = said; return [post({kind: 'typed', text: said, bound: b}, c)]; }")
LANGUAGES = {"Auto": None, "English": "en", "Español": "es"}
LABELS = {"en": "English", "es": "Español"}


def refused(key: str, **facts) -> gr.Error:
    """An expected refusal (rate limit, ended session...): a clear message, no traceback in the log."""
    return gr.Error(replies.say("en", key, **facts), print_exception=False)


def client_of(request: gr.Request | None, proxy_hops: int = 0) -> str:
    """Who is asking, for the rate limit and the share of live sessions: the TCP peer, or behind
    `proxy_hops` trusted proxies the address the outermost of them saw (rxflow/ui/gate.py:
    client_address, which reads every X-Forwarded-For line)."""
    if request is None:
        return "in-process"
    headers = request.headers
    getlist = getattr(headers, "getlist", None)
    forwarded = getlist("x-forwarded-for") if getlist else [headers.get("x-forwarded-for") or ""]
    return client_address(request.client.host if request.client else None, forwarded, proxy_hops)


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

    def who(request: gr.Request | None) -> str:
        return client_of(request, settings.proxy_hops)

    def admit(request: gr.Request | None) -> None:
        if not limiter.allow(who(request)):
            raise refused("rate_limited")

    def read(what, sid: str, *args, **kwargs):
        """One of the Assistant's calls for the tab's session: an ended or unknown one, or a store that
        cannot be used, is a clear refusal."""
        try:
            return what(sid, *args, **kwargs)
        except SessionExpired:
            raise refused("session_expired") from None
        except UnknownSession:
            raise refused("session_unknown") from None
        except StoreUnavailable:
            raise refused("store_unavailable") from None

    def conversation(sid: str):
        return read(assistant.conversation, sid)

    def view(sid: str, turn=None) -> SessionView:
        """What the page shows for the session (the Assistant's view: it reuses the turn's own reads)."""
        return read(assistant.view, sid, turn)

    def new_session(patient_id: str, request: gr.Request | None) -> str:
        try:
            return assistant.start(patient_id, client=who(request))
        except UnknownPatient:
            raise refused("patient_not_offered", patients=", ".join(assistant.offered_patients())) from None
        except SessionLimit:
            raise refused("sessions_full") from None
        except StoreUnavailable:
            raise refused("store_unavailable") from None

    def quick(v: SessionView) -> list:
        """The quick-reply buttons for this step, and the state that binds them (and typed messages) to it."""
        pairs = render.quick_replies(v)[:QUICK_SLOTS]
        buttons = [gr.update(value=label, visible=True) for label, _ in pairs]
        buttons += [gr.update(visible=False)] * (QUICK_SLOTS - len(pairs))
        return [json.dumps({"turn": v.conversation.turns, "sends": [m for _, m in pairs]}), *buttons]

    def panels(v: SessionView, turn=None):
        """The inspector, the patient strip and the world for the view (panel_outputs). The page's words
        around them are chrome's, drawn again only when their language changes."""
        conv = v.conversation
        receipt, _ = render.order_md(v)
        can_act = v.open_order is not None
        program = render.program_md(turn, conv, v.program)
        return (render.patient_card(v), render.patient_strip(v), render.path_diagram(conv), render.diagram(conv),
                render.slots_json(conv), render.tools_html(turn, conv.lang), render.alerts_md(conv), receipt,
                gr.update(interactive=can_act), gr.update(interactive=can_act), program, render.explain_md(v),
                render.orders_html(v), render.requests_html(v), *world_of(v))

    def world_of(v: SessionView):
        """What the page says in the session's language about its world: the time (and whose record is in
        use) above the chat, and the phone. (The Phone tab's name and the clock control's labels are chrome's.)"""
        return render.world_md(v, settings.place), render.phone_html(v)

    def welcome(v: SessionView) -> list[dict]:
        return [{"role": "assistant", "content": replies.say(v.conversation.lang, "page.welcome", name=v.first_name)}]

    def examples_for(patient_id: str, lang: str):
        """What to try with this demo patient, and what the patient shows, in the page's language."""
        desc, examples = DEMO_PATIENTS.get(patient_id, ("", []))
        if lang == "es":
            desc, examples = ABOUT_ES.get(patient_id, desc), EXAMPLES_ES.get(patient_id, examples)
        about = desc.split(" — ", 1)[-1]
        return gr.Dataset(samples=[[e] for e in examples], label=replies.say(lang, "page.try", about=about))

    def chrome(lang: str) -> tuple:
        """Every word of the page around the chat, in `lang` (chrome_outputs' order): labels, titles, tab names,
        button texts, and `lang` itself, the language they are then drawn in (drawn_lang)."""
        say = functools.partial(replies.say, lang)
        clock = render.clock_labels(lang)

        return (say("page.title"), gr.update(label=say("page.patient")),
                gr.update(label=say("page.language")), gr.update(value=say("page.reset")), gr.update(label=say("page.chat")),
                gr.update(placeholder=say("page.placeholder")), gr.update(value=say("page.send")),
                gr.update(label=say("page.inspector")), say("page.switch_ask"), gr.update(value=say("page.switch_yes")),
                gr.update(value=say("page.switch_no")), *inspector_words(lang),
                gr.update(label=say("page.phone_tab")), *[gr.update(value=clock[step]) for step in render.CLOCK_STEPS],
                lang)

    def inspector_words(lang: str) -> list:
        """The inspector's labels (render.inspector_labels), in inspector_outputs' order."""
        w = render.inspector_labels(lang)
        return [gr.update(label=w["tab_inspector"]), gr.update(label=w["tab_patient"]),
                gr.update(label=w["tab_explain"]), gr.update(label=w["tab_about"]),
                *([gr.update(label=w["program_mode"])] if modes else []), f"**{w['path']}**",
                gr.update(label=w["machine"]), w["machine_hint"], gr.update(value=w["zoom_in"]),
                gr.update(value=w["zoom_out"]), gr.update(value=w["zoom_full"]), gr.update(label=w["slots"]),
                f"**{w['tools']}** — {w['tools_hint']}", gr.update(value=w["track"]), gr.update(value=w["cancel"])]

    def relabel(lang: str):
        """The page's words in `lang`, drawn when the language they are to be in (drawn_lang) changed: a start
        in another language (a reload of a Spanish conversation, Español picked), or a turn that switched the
        conversation's language (typed "en español"). It reads no session and writes nothing, so it takes no
        place in the rate limit (the gate in front still counts its request); any other value draws nothing."""
        return chrome(lang) if lang in LANGUAGES.values() and lang else [gr.skip()] * len(chrome_outputs)

    def fields(lang: str, patient: str | None = None, shown: str | None = None, chat: list | None = None) -> tuple:
        """What a start puts in the page's fields (start_fields: the patient picker, the language picker, the
        chat; skipped where None) and the language the page's words are to be in (relabel follows it)."""
        return (gr.skip() if patient is None else gr.update(value=patient),
                gr.skip() if shown is None else gr.update(value=shown), gr.skip() if chat is None else chat, lang)

    def start(patient_id: str, token: str, language: str, request: gr.Request):
        """Resume the tab's session after a reload (whichever patient it was for) when the tab holds a
        token this server gave it for a live session; else start one for the picked patient. The
        patient picker and Reset always pass no token."""
        admit(request)
        resumed = read(assistant.resume, token) if token else None
        if resumed is not None:
            sid, token = resumed
            v = view(sid)
            chat = render.transcript(v.conversation, read(assistant.turn_records, sid), welcome(v))
        else:
            sid = new_session(patient_id, request)
            token = read(assistant.resume_token, sid)
            read(assistant.choose, sid, language=LANGUAGES.get(language))
            v = view(sid)
            chat = welcome(v)
        conv = v.conversation
        shown_language = LABELS[conv.lang] if resumed is not None else None  # a reload shows the session's
        return (sid, token, examples_for(conv.patient_id, conv.lang), gr.update(visible=False), *quick(v),
                *panels(v), *fields(conv.lang, patient=conv.patient_id, shown=shown_language, chat=chat))

    def current(sid: str, token: str) -> tuple[str, str]:
        """The tab's session and token. The session in the tab's server-side state counts only with the
        token that tab holds (a Gradio session hash is no credential). Gradio keeps a bounded number of
        browser states (the oldest is dropped first); a tab whose state was dropped still holds its
        resume token, and resumes with it. The token is the tab's credential, and it wins: two starts at once
        (the patient picker reports one choice twice) could leave the server-side state with one start's
        session and the tab with the other's token and chat, and the tab's next message was refused."""
        if sid and read(assistant.holds, sid, token):
            return sid, token
        resumed = read(assistant.resume, token) if token else None
        if resumed is None:
            raise refused("session_unknown" if sid else "no_session")
        return resumed

    def step_of(bound: str) -> int | None:
        """The turn the page's quick replies (and so the whole page) were drawn at."""
        try:
            drawn = json.loads(bound or "{}")
        except ValueError:
            return None
        turn = drawn.get("turn") if isinstance(drawn, dict) else None
        return turn if isinstance(turn, int) and not isinstance(turn, bool) else None

    def nothing(unsent: str = ""):
        """The reply step's outputs when no turn ran: the page keeps what it shows (and takes `unsent` off)."""
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), unsent, *[gr.skip()] * (QUICK_SLOTS + 1)

    # A turn in three steps, so the page answers at once: the patient's message shows (drawn by the
    # page itself), then the reply and the quick replies, then the panels.
    def reply(text: str, sid: str, token: str, bound: str, request: gr.Request, at_turn: int | None = None,
              typed: bool = True):
        """The turn, and the chat as the server holds it after it (the tab's copy is never read back).
        `bound`: the step the page was at when the message was typed. The tab's session and token are
        written back only when this call resumed or replaced them: a slow reply never puts back a session
        the tab has left meanwhile (Reset, another patient). A refusal (the rate limit, an ended session)
        is a notice, and the page takes the message it drew off again."""
        if not text.strip():
            return nothing()
        if not limiter.allow(who(request)):
            gr.Warning(replies.say("en", "rate_limited"))
            return nothing(text)
        try:
            return turn_for(text, sid, token, request, step_of(bound) if at_turn is None else at_turn, typed)
        except gr.Error as e:
            gr.Warning(e.message)
            return nothing(text)

    def turn_for(text: str, sid: str, token: str, request: gr.Request, at_turn: int | None, typed: bool):
        given = sid
        sid, token = current(sid, token)
        try:
            turn, v, records = assistant.converse(sid, text, at_turn=at_turn, typed=typed)
        except StoreUnavailable:
            raise refused("store_unavailable") from None
        except StaleStep:
            turn, v, records = None, view(sid), read(assistant.turn_records, sid)
            gr.Warning(replies.say(v.conversation.lang, "page.stale_button"))
        except SessionExpired:
            # A session that never took a turn (a page opened and left) expires sooner: nothing was lost,
            # so the page goes on in a new one. One with a conversation is refused clearly.
            sid = read(assistant.renew, sid, who(request))
            if sid is None:
                raise refused("session_expired") from None
            token = read(assistant.resume_token, sid)
            turn, v, records = assistant.converse(sid, text)
        except UnknownSession:
            raise refused("session_unknown") from None
        if v is None:  # the store failed after the turn was answered: its reply, as a notice
            gr.Warning(turn.reply)
            return nothing()
        chat = render.transcript(v.conversation, records, welcome(v), turn, text)
        kept = (sid, token) if sid != given or not given else (gr.skip(), gr.skip())
        return chat, *kept, turn, v, "", *quick(v)

    def after(sid: str, token: str, turn, v: SessionView | None, request: gr.Request):
        """The panels, and the conversation's language (the page's words follow it where it changed: relabel).
        After a turn they reuse its view (read with it, under the session's lock): that step rides on the
        turn's place in the rate limit, once. Called any other way it takes a place of its own, and a refusal
        leaves the panels as they are."""
        if not sid:
            return [gr.update()] * (len(panel_outputs) + 2)
        if v is None or v.conversation.session_id != sid:
            if not limiter.allow(who(request)):
                return [gr.update()] * (len(panel_outputs) + 2)
            try:  # (a check that never resumes: resuming would replace the tab's token unseen)
                held = read(assistant.holds, sid, token)
            except gr.Error:
                held = False
            if not held:
                return [gr.update()] * (len(panel_outputs) + 2)
            v = view(sid, turn)
        return *panels(v, turn), None, v.conversation.lang

    def dispatch(item: str, sid: str, token: str, request: gr.Request):
        """The first message of the page's outbox (OUTBOX): typed, a quick reply or an order button's words.
        A typed message carries the step it was typed at. A quick reply sends its words only for the step it
        was drawn for: a stale button (an earlier step's "yes") is refused, never read as an answer to
        another question; the check runs inside the turn, under the session's lock (Assistant.handle's
        at_turn). The page hides the quick replies while anything waits, so a button is never queued behind
        a typed message."""
        try:
            queued = json.loads(item or "{}")
        except ValueError:
            queued = None
        if not isinstance(queued, dict) or not isinstance(queued.get("text"), str):
            return nothing()
        text, bound = queued["text"], queued.get("bound") if isinstance(queued.get("bound"), str) else ""
        if queued.get("kind") != "quick":
            return reply(text, sid, token, bound, request)
        try:
            drawn = json.loads(bound or "{}")
        except ValueError:
            drawn = None
        i = queued.get("i")
        ok = (isinstance(drawn, dict) and isinstance(drawn.get("turn"), int) and isinstance(i, int)
              and 0 <= i < len(drawn.get("sends") or []) and drawn["sends"][i] == text)
        return reply(text if ok else "", sid, token, bound, request, at_turn=drawn["turn"] if ok else -1, typed=False)

    def order_action(kind: str):
        def act(sid: str, token: str, request: gr.Request):
            """Track / Cancel: the order's words as the patient's message (a global act in every state,
            never an answer to the question open). The message box keeps any draft."""
            admit(request)
            given = sid
            sid, token = current(sid, token)
            kept = (sid, token) if sid != given else (gr.skip(), gr.skip())
            oid = read(assistant.open_order, sid)
            if oid is None:  # the button is disabled then; an API caller gets a clear message
                gr.Info(replies.say("en", "no_order_yet"))
                return "", *kept
            return f"{kind} order {oid}", *kept

        return act

    def switch(p: str, sid: str, token: str, language: str, request: gr.Request):
        """Switching patient while a refill is in flight asks first: the picker goes back to the
        current patient and "Switch patient" / "Stay" show. Otherwise the new patient starts at once."""
        admit(request)
        conv = conversation(sid) if sid and read(assistant.holds, sid, token) else None
        if conv is not None and conv.patient_id != p and busy(conv):
            keep = [gr.skip()] * len(start_outputs)
            keep[start_outputs.index(patient)] = conv.patient_id
            keep[start_outputs.index(confirm_switch)] = gr.update(visible=True)
            return *keep, p
        return *start(p, "", language, request), p

    def choose_language(language: str, sid: str, token: str, request: gr.Request):
        """The language dropdown: the whole page in that language at once (its words, the examples, the
        quick replies, the patient and the inspector); before the first message the greeting too. Once
        the conversation has begun, the page has also queued the switch in words (LANGUAGE_JS), so the
        open question is shown again in the new language, and a summary needs a new yes."""
        admit(request)
        if sid and LANGUAGES.get(language) and read(assistant.holds, sid, token):
            if conversation(sid).turns:  # the switch in words does it, as a turn (the page's words follow it)
                return [gr.skip()] * (1 + len(quick_outputs) + len(panel_outputs) + len(start_fields))
            conv = read(assistant.choose, sid, language=LANGUAGES[language])
            v = view(sid)
            return examples_for(conv.patient_id, conv.lang), *quick(v), *panels(v), *fields(conv.lang, chat=welcome(v))
        return [gr.update()] * (1 + len(quick_outputs) + len(panel_outputs) + len(start_fields))

    def clock_control(step: str):
        minutes = render.CLOCK_STEPS[step]

        def move(sid: str, token: str, language: str, request: gr.Request):
            """The clock control: the tab's own session's world moves on (Assistant.move_clock), and the
            panels are drawn at its new time; the Phone tab comes forward when texts arrived. Like every
            event it passes the rate limit and needs the tab's token; refused, nothing moves and a notice
            says so."""
            lang = LANGUAGES.get(language) or "en"

            def not_moved(why: str):
                gr.Warning(replies.say(lang, "page.clock_not_moved", why=why))
                return [gr.skip()] * len(clock_outputs)

            if not limiter.allow(who(request)):
                return not_moved(replies.say(lang, "rate_limited"))
            given = sid
            try:
                sid, token = current(sid, token)
                before = read(lambda s: assistant.context(assistant.conversation(s)).clock, sid)
                read(assistant.move_clock, sid, minutes)
                v = view(sid)
            except gr.Error as e:
                return not_moved(e.message)
            arrived = render.new_texts(v, before)
            if arrived:
                gr.Info(replies.say(v.conversation.lang, "page.new_texts_one" if arrived == 1 else "page.new_texts_many",
                                    count=arrived))
            kept = (sid, token) if sid != given else (gr.skip(), gr.skip())
            # What the clock changes: the card, the receipt, Explain (today's verdicts), the orders, the world;
            # the last turn's path, slots, tool calls, alerts and program stay as they are.
            drawn = [gr.skip() if id(c) in turn_only else x for c, x in zip(panel_outputs, panels(v), strict=True)]
            return (*drawn, *quick(v), gr.Tabs(selected="phone") if arrived else gr.skip(), *kept)

        move.__name__ = move.__qualname__ = f"clock_{step}"
        return move

    def choose_program(mode: str, sid: str, token: str, request: gr.Request):
        admit(request)
        if sid and mode in modes and read(assistant.holds, sid, token):
            conv = read(assistant.choose, sid, program=mode)
            return render.program_md(None, conv, assistant.programs_for(conv).label)
        return gr.update()

    words = render.inspector_labels("en")
    with gr.Blocks(title="RxFlow — refill assistant") as demo:
        session, asked = gr.State(""), gr.State("")
        # Read by the page's own scripts, so kept in (hidden) components, not server-side state.
        bound, pending_text = gr.Textbox(visible=False), gr.Textbox(visible=False)
        queued = gr.Textbox(visible=False)  # the outbox's first message, for the dispatch step
        unsent = gr.Textbox(visible=False)  # a message the server refused: the page takes it off the chat
        last_turn, last_view = gr.State(None), gr.State(None)
        # The language the page's words are drawn in: a (hidden) field, so that its change, and only that, draws
        # them again (relabel). Every update the page gets costs it a walk of the component's subtree, even an
        # update that changes nothing: the words, sent with every turn's panels, were two thirds of a turn's.
        drawn_lang = gr.Textbox("en", visible=False)
        stored = gr.Textbox(visible=False)
        # The first screen is the conversation: one header row, the patient in one line with the world's clock,
        # then the chat, the quick replies and the message box. The full patient card is the inspector's first
        # tab; the inspector sits beside the chat on a desktop and folds under it on a phone.
        with gr.Row(elem_id="top", equal_height=True):
            title = gr.Markdown(replies.say("en", "page.title"), elem_id="title")
            # Labelled for screen readers; the choices say what they are, so no label takes a line.
            patient = gr.Dropdown(choices=choices, value="P001", label=replies.say("en", "page.patient"), scale=2,
                                  show_label=False, container=False, elem_id="patient")
            language = gr.Dropdown(list(LANGUAGES), value="Auto", label=replies.say("en", "page.language"), scale=1,
                                   min_width=110, show_label=False, container=False, elem_id="language")
            reset = gr.Button(replies.say("en", "page.reset"), size="sm", scale=0, min_width=120, elem_id="reset")
        with gr.Group(visible=False, elem_id="confirm-switch") as confirm_switch:
            switch_ask = gr.Markdown(replies.say("en", "page.switch_ask"))
            with gr.Row():
                switch_yes = gr.Button(replies.say("en", "page.switch_yes"), variant="stop", size="sm",
                                       elem_id="switch-yes")
                switch_no = gr.Button(replies.say("en", "page.switch_no"), size="sm", elem_id="switch-no")
        with gr.Row(elem_id="main"):
            with gr.Column(scale=3, min_width=340, elem_id="talk"):
                with gr.Row(elem_id="world-row", equal_height=True):
                    strip = gr.Markdown(elem_id="strip")
                    world = gr.Markdown(elem_id="world")
                    clock_buttons = [gr.Button(label, size="sm", scale=0, min_width=70, elem_id=f"clock-{step}")
                                     for step, label in render.clock_labels("en").items()]
                # The chat grows with the window (never under 400 px); the chat's own clear icon is hidden
                # by CSS: "New conversation" is the one reset.
                chatbot = gr.Chatbot(label=replies.say("en", "page.chat"), height="calc(100vh - 330px)",
                                     min_height=400, show_label=False, latex_delimiters=[], buttons=["copy_all"], elem_id="chat")
                with gr.Row(elem_id="quick"):
                    quick_buttons = [gr.Button(visible=False, size="sm", elem_id=f"quick-{i}")
                                     for i in range(QUICK_SLOTS)]
                with gr.Row(elem_id="compose", equal_height=True):
                    box = gr.Textbox(placeholder=replies.say("en", "page.placeholder"), show_label=False, scale=5,
                                     max_length=assistant.settings.max_message_chars * 2, elem_id="message")
                    send_btn = gr.Button(replies.say("en", "page.send"), variant="primary", scale=1, min_width=80,
                                         elem_id="send")
                examples = gr.Dataset(components=[box], samples=[], label="Try", elem_id="examples")
                # How it works, for stakeholders: under the conversation, folded.
                with gr.Accordion(words["tab_about"], open=False, elem_id="about-acc") as about_tab:
                    gr.Markdown(about_md(assistant.program_label), elem_id="about")
                dispatch_btn = gr.Button("dispatch", elem_id="dispatch", elem_classes="rx-hidden")
            with gr.Column(scale=2, min_width=340, elem_id="inspector"), \
                    gr.Accordion(replies.say("en", "page.inspector"), open=True, elem_id="inspector-acc") as inspector, \
                    gr.Tabs() as tabs:
                with gr.Tab(words["tab_inspector"]) as inspector_tab:
                    if modes:
                        mode = gr.Radio(modes, value=assistant.programs.mode if assistant.programs.mode in modes
                                        else "lm", label=words["program_mode"], elem_id="mode")
                    path_title = gr.Markdown(f"**{words['path']}**", elem_id="path-title")
                    path = gr.HTML(elem_id="path")  # an SVG drawn on the server (render.path_diagram)
                    with gr.Accordion(words["machine"], open=False, elem_id="machine-acc") as machine_acc:
                        machine_hint = gr.Markdown(words["machine_hint"], elem_id="machine-hint")
                        with gr.Row(elem_id="machine-zoom"):
                            zoom_buttons = [gr.Button(words[k], size="sm", elem_id=f"machine-{k}")
                                            for k in ("zoom_in", "zoom_out", "zoom_full")]
                        machine = gr.Markdown(elem_id="machine")
                    slots = gr.JSON(label=words["slots"], elem_id="slots")
                    tools_title = gr.Markdown(f"**{words['tools']}** — {words['tools_hint']}")
                    tools = gr.HTML(elem_id="tools")
                    alerts = gr.Markdown(elem_id="alerts")
                    with gr.Group():
                        order = gr.Markdown(elem_id="order")
                        with gr.Row():
                            track_btn = gr.Button(words["track"], size="sm", interactive=False, elem_id="track")
                            cancel_btn = gr.Button(words["cancel"], size="sm", interactive=False, elem_id="cancel")
                    program = gr.Markdown(elem_id="program")
                # The whole patient card, then the patient's orders and requests (four tabs: all show in the column, in either language).
                with gr.Tab(words["tab_patient"], elem_id="card-tab") as patient_tab:
                    card = gr.Markdown(elem_id="card")
                    orders = gr.HTML(elem_id="orders")
                    requests = gr.HTML(elem_id="requests")
                with gr.Tab(replies.say("en", "page.phone_tab"), id="phone", elem_id="phone-tab") as phone_tab:
                    phone = gr.HTML(elem_id="phone")
                with gr.Tab(words["tab_explain"]) as explain_tab:
                    explain = gr.Markdown(elem_id="explain")
        world_outputs = [world, phone]
        inspector_outputs = [inspector_tab, patient_tab, explain_tab, about_tab, *([mode] if modes else []), path_title,
                             machine_acc, machine_hint, *zoom_buttons, slots, tools_title, track_btn, cancel_btn]
        chrome_outputs = [title, patient, language, reset, chatbot, box, send_btn, inspector, switch_ask, switch_yes,
                          switch_no, *inspector_outputs, phone_tab, *clock_buttons, drawn_lang]
        panel_outputs = [card, strip, path, machine, slots, tools, alerts, order, track_btn, cancel_btn, program,
                         explain, orders, requests, *world_outputs]
        quick_outputs = [bound, *quick_buttons]
        start_fields = [patient, language, chatbot, drawn_lang]  # what a start fills in (fields); relabel the words
        start_outputs = [session, stored, examples, confirm_switch, *quick_outputs, *panel_outputs, *start_fields]
        turn_only = {id(c) for c in (path, machine, slots, tools, alerts, program)}
        # The tab keeps the resume token (never the session id) in sessionStorage: per tab, survives a reload.
        # (It writes nothing back: a write-back of the token it read, landing after a later start's, paired that
        # start's session with the earlier token, and the tab's next message was refused as unknown.)
        remember = "(t) => { if (t) { sessionStorage.setItem('rxflow_resume', t); } }"
        ui = {"api_visibility": "private"}  # the page's own events; the API is start_session and chat
        fast = {**ui, "queue": False, "show_progress": "hidden"}
        quiet = {**ui, "show_progress": "hidden"}

        def fresh(p: str, language: str, request: gr.Request):
            return start(p, "", language, request)

        # A new conversation (or another patient) starts with an empty outbox, emptied when the button is pressed
        # (not after the new conversation is drawn, which would drop a message sent in between). A reply still on
        # its way for the old conversation finds its message gone and takes nothing else off.
        # Messages sent while the new conversation starts wait for it (held), then go to it. Holds are counted: the
        # patient picker reports one choice twice, and the first start's release must not send a message before
        # the second start is drawn.
        def forget(n: int) -> str:
            args = ", ".join(f"a{i}" for i in range(n))
            return (f"({args}) => {{ {OUTBOX} Q.splice(0); window.rxSaid = null; "
                    f"window.rxHold = (window.rxHold || 0) + 1; window.rxHeld = Date.now(); return [{args}]; }}")

        release = f"() => {{ {OUTBOX} window.rxHold = Math.max(0, (window.rxHold || 0) - 1); pump(); }}"

        demo.load(start, [patient, stored, language], start_outputs,
                  js="(p, t, l) => [p, sessionStorage.getItem('rxflow_resume') || '', l]", **ui).then(
            None, [stored], None, js=remember).then(None, js=FOLD_ON_PHONE)
        patient.input(switch, [patient, session, stored, language], [*start_outputs, asked], js=forget(4), **ui).then(
            None, [stored], None, js=remember).then(None, js=release)
        switch_yes.click(fresh, [asked, language], start_outputs, js=forget(2), **ui).then(
            None, [stored], None, js=remember).then(None, js=release)
        switch_no.click(lambda: gr.update(visible=False), None, [confirm_switch], **fast)
        reset.click(fresh, [patient, language], start_outputs, js=forget(2), **ui).then(
            None, [stored], None, js=remember).then(None, js=release)
        examples.click(lambda x: x[0], [examples], [box], **fast)
        language.input(None, [language, chatbot, bound], [chatbot], js=LANGUAGE_JS, **ui).then(
            choose_language, [language, session, stored], [examples, *quick_outputs, *panel_outputs, *start_fields], **ui)
        if modes:
            mode.input(choose_program, [mode, session, stored], [program], **ui)

        # Sending draws the message and queues it (OUTBOX); the dispatch step sends the outbox's first message,
        # then the page takes it off the outbox, sends the next, and the panels are drawn. The chat is never
        # sent to the server: the reply step returns it as the server holds it.
        turn_outputs = [chatbot, session, stored, last_turn, last_view, unsent, *quick_outputs]
        for event in (send_btn.click, box.submit):
            event(None, [box, chatbot, bound], [box, chatbot], js=SEND_JS, **ui)
        for i, b in enumerate(quick_buttons):
            b.click(None, [bound, chatbot], [chatbot], js=quick_js(i), **ui)
        for b, kind in ((track_btn, "track"), (cancel_btn, "cancel")):
            b.click(order_action(kind), [session, stored], [pending_text, session, stored], **fast).then(
                None, [pending_text, chatbot, bound], [chatbot], js=SAY_JS, **ui)
        dispatch_btn.click(None, None, [queued], js=NEXT_JS, **ui).then(
            dispatch, [queued, session, stored], turn_outputs, **quiet).then(
            None, [unsent, chatbot, box], [chatbot, box], js=AFTER_JS).then(
            after, [session, stored, last_turn, last_view], [*panel_outputs, last_view, drawn_lang], **quiet).then(
            None, [stored], None, js=remember)
        drawn_lang.change(relabel, [drawn_lang], chrome_outputs, **quiet)

        # The whole machine, drawn by the diagram library in the page while its accordion is folded, has no size:
        # drawn again when opened (cleared first, so the same text counts as new). (The path is an SVG of its own.)
        def redrawn(draw):
            """A folded diagram's event: the session's conversation drawn again by `draw`."""
            def redraw(sid: str, token: str, request: gr.Request):
                if not sid or not limiter.allow(who(request)) or not read(assistant.holds, sid, token):
                    return gr.skip()
                return draw(conversation(sid))

            redraw.__name__ = redraw.__qualname__ = f"redraw_{draw.__name__}"
            return redraw

        machine_acc.expand(lambda: "", None, [machine], **fast).then(redrawn(render.diagram), [session, stored], [machine],
                                                                    **quiet)
        for b, script in zip(zoom_buttons, (render.zoom_js(1.25), render.zoom_js(0.8), render.FULL_SIZE_JS),
                             strict=True):
            b.click(None, js=script, **ui)

        # The clock control: the tab's session's world moves on; the panels and quick replies are drawn again.
        clock_outputs = [*panel_outputs, *quick_outputs, tabs, session, stored]
        for b, step in zip(clock_buttons, render.CLOCK_STEPS, strict=True):
            b.click(clock_control(step), [session, stored, language], clock_outputs, **quiet).then(
                None, [stored], None, js=remember)

        def start_session(patient_id: str, request: gr.Request) -> str:
            """Start a session for a demo patient; returns its id (a secret: keep it to yourself)."""
            admit(request)
            return new_session(patient_id, request)

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
    return {"theme": gr.themes.Soft(), "css": CSS + render.INSPECTOR_CSS}


def server_options(settings) -> dict:
    """What else launch() takes, shared by the app, the tests and the soak: the gate in front of every route
    (rxflow/ui/gate.py: a request rate per client, bodies bounded in bytes, no uploads, no monitoring page),
    uploads capped should one get past it, and Gradio's per-tab states bounded in number."""
    requests = RateLimiter(settings.http_rate_per_minute, settings.http_burst, settings.rate_clients)
    gate = Middleware(Gate, limiter=requests, proxy_hops=settings.proxy_hops, max_body=settings.max_request_bytes)
    # Gradio keeps a state per browser session and per API caller (each a copy of the page's config,
    # ~130 KB): bounded, the least recently used dropped first (a tab resumes with its token).
    return {"app_kwargs": {"middleware": [gate]}, "max_file_size": "1kb", "run_history": False,
            "state_session_capacity": settings.page_states}


QUEUE_IDLE_POLL_S = 0.01


def queued(demo: gr.Blocks) -> gr.Blocks:
    """The page's event queue. Idle, Gradio's queue looks for work every millisecond: about 3% of a core per
    server doing nothing (a Space's small CPU, and the test suite's servers, ran that all along). Every
    10 ms costs an event at most 10 ms before it starts (a turn is two events, ~125 ms) and a fifth of the CPU."""
    demo.queue(default_concurrency_limit=16)
    queue = getattr(demo, "_queue", None)  # Gradio's own attribute: left as it is if a version renames it
    if queue is not None and isinstance(getattr(queue, "sleep_when_free", None), float):
        queue.sleep_when_free = max(queue.sleep_when_free, QUEUE_IDLE_POLL_S)
    return demo


def launch(assistant: Assistant | None = None, **kwargs):
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # uvicorn would take a loopback peer's X-Forwarded-For as the client's address: the gate and the rate
    # limit read it themselves, trusting exactly `proxy_hops` proxies.
    os.environ.setdefault("FORWARDED_ALLOW_IPS", "")
    from rxflow import logs
    from rxflow.config import get_settings
    from rxflow.environment import build

    settings = get_settings()
    logs.setup(settings.log_level, settings.error_lines_per_minute)
    logs.quiet_gradio()
    try:
        assistant = assistant or build()
    except StoreUnavailable as e:  # a locked or unreadable database file: say what to do, no traceback
        print(f"rxflow: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    demo = queued(build_demo(assistant))
    return demo.launch(**page_options(), **{**server_options(assistant.settings), **kwargs})
