"""Pure functions from a Turn, a Conversation or a SessionView to what each panel shows (tested without
Gradio). Nothing here calls a tool or reads the store: the Assistant's view holds the facts."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import pandas as pd

from rxflow.alerts import ALERT_KINDS, SEVERITY_ICON
from rxflow.alerts import RULES as ALERT_RULES
from rxflow.domain import Alert, NextStep
from rxflow.flow import replies
from rxflow.flow.context import Conversation
from rxflow.flow.states import State
from rxflow.flow.transitions import to_mermaid
from rxflow.flow.turn import Turn
from rxflow.views import OrderRow, Receipt, SessionView

# What an alert is about (the kind of its rule in rxflow/alerts.py): a stakeholder reads "Coverage" for a
# prior authorization, not "Safety".
KIND_TITLES = tuple(kind.capitalize() for kind in ALERT_KINDS)
ALERT_KIND = {code: rule.kind.capitalize() for code, rule in ALERT_RULES.items()}


def alert_title(a: Alert) -> str:
    """'⛔ Safety · drug interaction with ibuprofen': the kind, the rule, and what tells two apart."""
    d = a.details
    tail = (f" with {d['with_drug']}" if d.get("with_drug") else f" ({d['allergen']})" if d.get("allergen")
            else f" ({d['drug']})" if d.get("drug") else "")
    return f"{SEVERITY_ICON[a.severity]} {ALERT_KIND[a.code]} · {a.code.value.replace('_', ' ')}{tail}"


def text_of(message: dict[str, Any]) -> str:
    """A chat message's text, as the server sent it or as the page holds it ([{type: text, text}])."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def chat_messages(user: str, turn: Turn) -> list[dict[str, Any]]:
    """The turn as chat messages: the user's, one collapsible bubble per tool call, alerts, the reply."""
    out: list[dict[str, Any]] = [{"role": "user", "content": user}]
    for c in turn.tool_calls:
        title = f"🔧 {c['name']}" + ("" if c["ok"] else f" — {c['error']['code']}")
        body = summarize_result(c)
        out.append({"role": "assistant", "content": body,
                    "metadata": {"title": title, "duration": round(c["ms"] / 1000, 3), "status": "done"}})
    for a in turn.alerts:
        out.append({"role": "assistant", "content": f"{a.reason}\n\n_Rule: {a.rule}_",
                    "metadata": {"title": alert_title(a), "status": "done"}})
    out.append({"role": "assistant", "content": turn.reply})
    return out


def summarize_result(call: dict[str, Any], limit: int = 600) -> str:
    args = json.dumps(call["args"], default=str)
    if not call["ok"]:
        return f"args: `{args}`\n\nerror: {call['error']['message']}"
    data = call["data"] or {}
    text = json.dumps(data, default=str)
    if len(text) > limit:
        text = text[:limit] + " …"
    return f"args: `{args}`\n\n```json\n{text}\n```"


def diagram(conv: Conversation) -> str:
    return "```mermaid\n" + to_mermaid(conv.state, conv.visited[-12:], compact=True) + "\n```"


def slots_json(conv: Conversation) -> dict[str, Any]:
    return {"state": conv.state.value, **conv.slots.model_dump(),
            "queue": conv.queue, "candidates": conv.candidates, "pay_cash": conv.pay_cash, "dosage": conv.dosage}


def tool_table(turn: Turn | None) -> pd.DataFrame:
    cols = ["tool", "kind", "arguments", "result", "ms"]
    if turn is None:
        return pd.DataFrame(columns=cols)
    rows = [{"tool": c["name"], "kind": c["kind"], "arguments": json.dumps(c["args"], default=str),
             "result": ("ok: " + short(c["data"])) if c["ok"] else f"{c['error']['code']}: {c['error']['message']}",
             "ms": round(c["ms"], 1)} for c in turn.tool_calls]
    return pd.DataFrame(rows, columns=cols)


def short(data: dict[str, Any] | None) -> str:
    if not data:
        return ""
    keys = ", ".join(f"{k}={v}" if not isinstance(v, list | dict) else f"{k}[{len(v)}]" for k, v in list(data.items())[:5])
    return keys[:160]


def alerts_md(conv: Conversation) -> str:
    """This conversation's alerts, grouped by what they are about (safety, coverage, stock, eligibility)."""
    if not conv.alerts:
        return "**Alerts**\n\n_No alerts in this conversation._"
    lines = ["**Alerts**"]
    recent = list({(a.code, a.rx_id, a.reason): a for a in conv.alerts[-8:]}.values())  # the same alert once
    for kind in KIND_TITLES:
        mine = [a for a in recent if ALERT_KIND[a.code] == kind]
        if not mine:
            continue
        lines += ["", f"*{kind}*"]
        for a in mine:
            step = f" → next: {a.next_step.replace('_', ' ')}" if a.next_step != "none" else ""
            block = "blocks the refill" if a.blocking else "shown, not blocking"
            lines.append(f"- {alert_title(a)} · {a.severity} · {block}{step}  \n  {a.reason}  \n  _Rule: {a.rule}_")
    return "\n".join(lines)


def order_md(view: SessionView) -> tuple[str, str | None]:
    """The latest order this session placed: a receipt in words, and its id."""
    o = view.receipt
    if o is None:
        return "_No order placed in this session yet._", None
    ready = f"{o.ready_at:%b %d, %H:%M}" if o.ready_at else "—"
    what = "brand" if o.brand else "generic"
    return (f"**{o.order_id}** — {o.medication} {o.strength} ({what}) × {o.quantity} "
            f"({o.days_supply} days)\n\n{o.pharmacy} · {fulfilment(o)}\n\n**{replies.money(o.price)}** "
            f"({replies.price_type(o.price_type)}) · status **{status_word(o)}** · ready about {ready}"), o.order_id


def program_md(turn: Turn | None, conv: Conversation, label: str) -> str:
    this = f"{turn.lm_calls} LM calls, {turn.tokens} tokens this turn" if turn else "no turn yet"
    fb = f"; **fallbacks this turn:** {', '.join(f['step'] for f in turn.fallbacks)}" if turn and turn.fallbacks else ""
    sources = ", ".join(f"{s['step']}→{s['source']}" for s in turn.steps) if turn and turn.steps else "—"
    return (f"**Program:** `{label}`\n\n{this}{fb}\n\n**Steps:** {sources}\n\n"
            f"**Session total:** {conv.lm_calls} LM calls, {conv.tokens} tokens, {conv.fallbacks} fallbacks, "
            f"{conv.turns} turns")


ORDER_COLUMNS = ["order", "medication", "pharmacy", "fulfilment", "price", "status", "ready"]


def status_word(o: OrderRow | Receipt, lang: str = "en") -> str:
    """An order's status at the session's world clock (the view's status_now), in words."""
    return replies.say(lang, f"order_word.{o.status_now or o.status}")


def fulfilment(o: OrderRow | Receipt, lang: str = "en") -> str:
    """'pickup', or 'delivery, Wed Nov 25 16:00–20:00' (its delivery window)."""
    if o.fulfilment == "delivery" and o.arrives_from and o.arrives_until:
        return replies.say(lang, "fulfilment.delivery", day=replies.day(o.arrives_from, lang),
                           start=f"{o.arrives_from:%H:%M}", end=f"{o.arrives_until:%H:%M}")
    return replies.say(lang, f"fulfilment.{o.fulfilment}", day="", start="", end="")


def orders_table(view: SessionView) -> pd.DataFrame:
    """The patient's orders this session can see (in demo mode: its own sandbox), in words, in the page's
    language: pickup or delivery (and its window), and each order's status at the session's world clock."""
    lang = view.conversation.lang
    return pd.DataFrame([{
        "order": o.order_id, "medication": f"{o.medication} {o.strength} × {o.quantity}", "pharmacy": o.pharmacy,
        "fulfilment": fulfilment(o, lang), "price": f"{replies.money(o.price)} ({replies.price_type(o.price_type, lang)})",
        "status": status_word(o, lang), "ready": replies.moment(o.ready_at, lang) if o.ready_at else "—"}
        for o in view.orders], columns=ORDER_COLUMNS)


# ----------------------------------------------------------------------------- the conversation's path
def stage_name(state: State, lang: str = "en") -> str:
    """A state as stakeholders read it: its stage's name in words (the reply catalogue), not the enum."""
    return replies.say(lang, f"stage.{State(state).value}")


def path_diagram(conv: Conversation, last: int = 8) -> str:
    """This conversation's own path, large and readable: the last `last` states it went through."""
    path: list[State] = []
    for s in conv.visited:
        if not path or path[-1] != s:
            path.append(State(s))
    path = path[-last:]
    lines = ["flowchart TB"]
    for i, s in enumerate(path):
        lines.append(f'    n{i}["{stage_name(s, conv.lang)}"]')
        if i:
            lines.append(f"    n{i - 1} --> n{i}")
    lines.append("    classDef current fill:#2563eb,color:#fff,stroke:#1e3a8a,stroke-width:3px,font-size:16px")
    lines.append("    classDef visited fill:#dbeafe,stroke:#2563eb,font-size:16px")
    lines += [f"    class n{i} {'current' if i == len(path) - 1 else 'visited'}" for i in range(len(path))]
    return "```mermaid\n" + "\n".join(lines) + "\n```"


# ----------------------------------------------------------------------------- tool calls, expandable
def tools_html(turn: Turn | None) -> str:
    """The last turn's tool calls as a table; each row's arguments and result expand."""
    if turn is None or not turn.tool_calls:
        return "<p class='muted'>No tool calls this turn.</p>"
    rows = []
    for c in turn.tool_calls:
        result = c["data"] if c["ok"] else c["error"]
        outcome = "ok" if c["ok"] else f"⚠ {html.escape(str(c['error']['code']))}"
        rows.append(
            f"<tr><td><code>{html.escape(c['name'])}</code><br><small>{c['kind']}</small></td>"
            f"<td>{outcome}<br><small>{c['ms']:.1f} ms</small></td>"
            f"<td><details><summary>{html.escape(short(c['args']) or '(none)')}</summary>"
            f"<pre>{html.escape(json.dumps(c['args'], indent=1, default=str))}</pre></details></td>"
            f"<td><details><summary>{html.escape(short(result if isinstance(result, dict) else {}))}</summary>"
            f"<pre>{html.escape(json.dumps(result, indent=1, default=str)[:6000])}</pre></details></td></tr>")
    return ("<table class='tools'><thead><tr><th>tool</th><th>result</th><th>arguments</th><th>data</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table>")


# ----------------------------------------------------------------------------- the patient, from the view
STATUS_WORDS = {"due": "✅ due now", "too_soon": "⏳ too soon (from {due})", "no_refills": "⛔ no refills left",
                "expired": "⛔ expired", "controlled": "⛔ controlled: new prescription", "in_progress":
                "📦 order in progress", "needs_pharmacist": "⚠️ needs a pharmacist", "needs_prior_auth":
                "📝 needs prior authorization", "inactive": "— inactive"}


def patient_card(view: SessionView) -> str:
    """Who the patient is, from the tools' answers: plan, allergies, each medication's refill status
    today, open orders and requests sent."""
    h = view.history
    if h is None:
        return "_Patient record unavailable._"
    acting = acting_line(view)
    lines = ([f"**{acting}**", ""] if acting else []) + [
        f"**{h.name}** · plan: {h.plan or 'none'} · allergies: {', '.join(h.allergies) or 'none recorded'}", "",
        "| medication | status | refills left |", "|---|---|---|"]
    for m in h.medications:
        due = f"{m.refill.due_date:%b %d}" if m.refill.due_date else "?"
        status = STATUS_WORDS.get(m.refill.status, m.refill.status).format(due=due)
        lines.append(f"| {m.name} {m.strength} | {status} | {m.refills_remaining} |")
    now = {o.order_id: status_word(o) for o in view.orders}  # each order's status at the world's clock
    lines += ["", "**Open orders:** " + (", ".join(f"{o.order_id} {o.medication} "
                                                   f"({now.get(o.order_id) or o.status.replace('_', ' ')})"
                                                   for o in view.open_orders) or "none")]
    if view.requests_sent:
        lines.append("**Requests sent:** " + ", ".join(
            f"{r.request_id} {r.kind.replace('_', ' ')} for {r.medication}" for r in view.requests_sent))
    return "\n".join(lines)


def in_play(conv: Conversation) -> str | None:
    """The prescription the conversation is about now (or was last)."""
    return conv.slots.rx_id or conv.focus_rx


OUTCOME_ICON = {"pass": "✅ pass", "fail": "❌ fail", "warn": "⚠️ warn", "not_reached": "⏸ not reached"}


def explain_md(view: SessionView) -> str:
    """For the prescription in play: every refill rule in order, its outcome and the data it used."""
    m = view.medication(in_play(view.conversation))
    if m is None:
        return "_No prescription in play yet: ask for a refill and each rule's check shows here._"
    verdict = "allowed" if m.refill.allowed else ("cash only" if m.refill.cash_only else "not allowed")
    lines = [f"**{m.name} {m.strength}** ({m.rx_id}) · verdict today: **{verdict}**", "",
             "| # | rule | stage | outcome | data used |", "|---|---|---|---|---|"]
    for i, c in enumerate(m.refill.checks, 1):
        facts = "; ".join(f"{k}: {v}" for k, v in c.facts.items()).replace("|", "/")
        lines.append(f"| {i} | {c.title} | {c.stage} | {OUTCOME_ICON[c.outcome]} | {facts} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- quick replies
QUICK = {
    "en": {"yes_dose": "Yes, that's my dose", "no_dose": "No, it's different", "stop": "Stop",
           "yes_order": "Yes, place the order", "no_order": "No", "yes_cancel": "Yes, cancel it",
           "no_cancel": "No, keep it", "same_all": "Same pharmacy for all", "track": "Where's my order?",
           "due": "What's due?", "refill": "Refill my {m}", "when": "When can I get it?", "meds": "My medications",
           "pharmacist": "Have a pharmacist call me", "renewal": "Send a renewal request",
           "prior_auth": "Request prior authorization", "cash": "I'll pay cash", "yes_request": "Yes, send it",
           "track_request": "Where's my request?", "yes_basket": "Yes, place them all",
           "without": "Without the {m}", "yes_withdraw": "Yes, withdraw it", "no_keep": "No, keep it",
           "yes_transfer": "Yes, send the transfer request", "no_setting": "No, leave it as it is",
           "cancel_which": "Cancel the {m} ({o})", "restate": "My label says {s}",
           "check_dose": "Have a pharmacist check it", "withdraw": "Withdraw {r}",
           "back_to_me": "Back to my own record", "remind": "Remind me when it's due",
           "yes_setting.auto_refill_on": "Yes, turn on auto-refill", "yes_setting.auto_refill_pause": "Yes, pause it",
           "yes_setting.auto_refill_resume": "Yes, turn it back on", "yes_setting.auto_refill_stop": "Yes, stop it",
           "yes_setting.reminder_on": "Yes, schedule the reminder", "yes_setting.reminder_off": "Yes, cancel the reminder",
           "yes_setting.texts_on": "Yes, turn texts on", "yes_setting.texts_off": "Yes, turn texts off"},
    "es": {"yes_dose": "Sí, esa es mi dosis", "no_dose": "No, es otra", "stop": "Olvídalo",
           "yes_order": "Sí, haga el pedido", "no_order": "No", "yes_cancel": "Sí, cancélelo",
           "no_cancel": "No, déjelo", "same_all": "La misma farmacia para todas", "track": "¿Dónde está mi pedido?",
           "due": "¿Qué me toca?", "refill": "Resurtir mi {m}", "when": "¿En qué fecha la puedo resurtir?",
           "meds": "Mis medicinas", "pharmacist": "Que me llame un farmacéutico", "renewal": "Pedir la renovación",
           "prior_auth": "Pedir la autorización previa", "cash": "Pago en efectivo", "yes_request": "Sí, envíela",
           "track_request": "¿Cómo va mi solicitud?", "yes_basket": "Sí, haga todos los pedidos",
           "without": "Sin {m}", "yes_withdraw": "Sí, retírela", "no_keep": "No, déjela",
           "yes_transfer": "Sí, mande la transferencia", "no_setting": "No, déjelo como está",
           "cancel_which": "Cancelar {m} ({o})", "restate": "Mi etiqueta dice {s}",
           "check_dose": "Que lo revise un farmacéutico", "withdraw": "Retirar {r}",
           "back_to_me": "Volver a mi expediente", "remind": "Recuérdame cuando toque",
           "yes_setting.auto_refill_on": "Sí, active el resurtido automático", "yes_setting.auto_refill_pause": "Sí, páuselo",
           "yes_setting.auto_refill_resume": "Sí, reactívelo", "yes_setting.auto_refill_stop": "Sí, deténgalo",
           "yes_setting.reminder_on": "Sí, programe el recordatorio", "yes_setting.reminder_off": "Sí, cancele el recordatorio",
           "yes_setting.texts_on": "Sí, active los mensajes", "yes_setting.texts_off": "Sí, desactive los mensajes"},
}
# What each quick reply sends: the words a patient would type (the chat shows them as the patient's). Every
# yes is a plain "yes": the consent gate reads it against the summary on the table, as it reads a typed one.
_YES = ("yes_order", "yes_cancel", "yes_request", "yes_basket", "yes_withdraw", "yes_transfer",
        *(k for k in QUICK["en"] if k.startswith("yes_setting.")))
_NO = ("no_order", "no_cancel", "no_keep", "no_setting")
SENDS = {"en": {"yes_dose": "yes", "no_dose": "no", "stop": "stop", **dict.fromkeys(_YES, "yes"),
                **dict.fromkeys(_NO, "no"), "same_all": "same pharmacy for all",
                "track": "where's my order?", "due": "what's due?", "refill": "refill my {m}",
                "when": "when can I get it?", "meds": "what are my medications?",
                "pharmacist": "have a pharmacist call me", "renewal": "send the renewal request",
                "prior_auth": "send the prior authorization request", "cash": "pay cash",
                "track_request": "what's the status of my request?", "without": "without the {m}",
                "cancel_which": "{o}", "restate": "{s}", "check_dose": "pharmacist", "withdraw": "withdraw {r}",
                "back_to_me": "back to me", "remind": "remind me when my {m} is due"},
         "es": {"yes_dose": "sí", "no_dose": "no", "stop": "olvídalo", **dict.fromkeys(_YES, "sí"),
                **dict.fromkeys(_NO, "no"), "same_all": "la misma farmacia para todas",
                "track": "¿dónde está mi pedido?", "due": "¿qué me toca?", "refill": "necesito resurtir mi {m}",
                "when": "¿en qué fecha la puedo resurtir?", "meds": "¿cuáles son mis medicinas?",
                "pharmacist": "quiero hablar con un farmacéutico", "renewal": "mándele la solicitud de renovación a mi doctor",
                "prior_auth": "pida la autorización previa", "cash": "pago en efectivo",
                "track_request": "¿cómo va mi solicitud?", "without": "sin {m}", "cancel_which": "{o}",
                "restate": "{s}", "check_dose": "farmacéutico", "withdraw": "retire la {r}",
                "back_to_me": "ahora las mías", "remind": "recuérdame cuando toque mi {m}"}}


# The next step a refusal's blocking rule names (an alert's next_step), and the request to a human a refusal
# offered in words (Focus.offer: referrals.py sends it), as the quick reply that takes it.
NEXT_STEP_REPLY = {NextStep.RENEWAL_REQUEST: "renewal", NextStep.NEW_PRESCRIPTION: "renewal",
                   NextStep.PHARMACIST: "pharmacist", NextStep.PRIOR_AUTH: "prior_auth", NextStep.WAIT: "when",
                   NextStep.PAY_CASH: "cash"}
OFFER_REPLY = {"renewal": "renewal", "pharmacist_callback": "pharmacist", "prior_auth": "prior_auth"}
REFUSED = (State.NOT_ELIGIBLE, State.REFER_PRESCRIBER, State.REFER_PHARMACIST, State.ESCALATE_PA)


def offer_label(i: int, o, lang: str = "en") -> str:
    """An offer as a card's text: name, price, distance, ready time, 24h, drive-thru."""
    extras = [w for w, on in (("24h", o.is_24h), ("drive-thru", o.drive_thru)) if on]
    ready = "lista en" if lang == "es" else "ready in"
    return (f"{i}. {o.pharmacy_name} · {replies.money(o.price, lang)} · {o.distance_km:.1f} km · "
            f"{ready} ~{o.wait_minutes} min" + "".join(f" · {e}" for e in extras))


def next_steps(conv: Conversation) -> list[str]:
    """The next steps a refusal left open, as quick-reply keys, in the order the reply offers them: the
    request it offered, paying cash (insurance alone refused), what its blocking rules name (a date to
    wait for...), and a pharmacist's call back, which is always possible."""
    f = conv.focus if conv.focus is not None and conv.focus.kind == "refused" else None
    rx = f.rx_id if f is not None else in_play(conv)
    keys = [OFFER_REPLY[f.offer]] if f is not None and f.offer in OFFER_REPLY else []
    if conv.cash_rx and conv.cash_rx == rx:
        keys.append("cash")
    steps = [a.next_step for a in conv.alerts if a.blocking and a.rx_id == rx] or \
            [a.next_step for a in conv.alerts[-3:] if a.blocking]
    keys += [NEXT_STEP_REPLY[s] for s in steps if s in NEXT_STEP_REPLY]
    return list(dict.fromkeys([*keys, "pharmacist"]))


def summary_replies(view: SessionView) -> list[str] | None:
    """The yes and no of the summary on the table (an order, everything due, a cancellation, a request to
    a human or its withdrawal, a transfer, a setting), as quick-reply keys; None when none is pending."""
    conv, p = view.conversation, view.conversation.pending
    st = conv.state
    if st == State.CONFIRM_CANCEL:
        return ["yes_cancel", "no_cancel"]
    if p is None:
        return None
    if st == State.CONFIRM_ORDER:
        return ["yes_basket" if p.kind == "basket" else "yes_order", "no_order", "stop"]
    if st == State.CONFIRM_REQUEST:
        if p.kind == "withdraw":
            return ["yes_withdraw", "no_keep"]
        return ["yes_transfer" if p.kind == "transfer" else "yes_request", "no_order", "stop"]
    if st == State.CONFIRM_SETTING:
        key = f"yes_setting.{getattr(p, 'setting', '')}"
        return [key if key in QUICK["en"] else "yes_order", "no_setting"]
    return None


def quick_replies(view: SessionView) -> list[tuple[str, str]]:
    """(label, message) pairs for the step the conversation is at: every next step a reply offers has its
    button. Each sends the words a patient would type, read by the same programs and the same consent gate
    as typed text. A question answered mid-step leaves the step (and so its buttons) where it was."""
    conv, h = view.conversation, view.history
    lang = conv.lang
    q, send = QUICK[lang], SENDS[lang]

    def pair(key: str, **kw) -> tuple[str, str]:
        return q[key].format(**kw), send[key].format(**kw)

    st = conv.state
    names = {m.rx_id: m.name for m in (h.medications if h else [])}
    if st == State.CONFIRM_DOSAGE and conv.dose_attempts and conv.slots.strength:
        # After a dose that differs, a plain yes is no dose: the reply asks for the dose on the label, or
        # "pharmacist" to have it checked.
        return [pair("restate", s=conv.slots.strength), pair("check_dose"), pair("stop")]
    if st == State.CONFIRM_DOSAGE:
        return [pair("yes_dose"), pair("no_dose"), pair("stop")]
    at_summary = summary_replies(view)
    if at_summary is not None:
        p = conv.pending
        # Everything due: leaving one item out is a step of its own ("without the metformin").
        drop = [pair("without", m=names[rx]) for rx in getattr(p, "rx_ids", [])[:3] if rx in names] \
            if p is not None and p.kind == "basket" else []
        return [pair(k) for k in at_summary[:-1]] + drop + [pair(at_summary[-1])]
    if st == State.SELECT_PHARMACY:
        cards = [(offer_label(i, o, lang), o.pharmacy_name) for i, o in enumerate(conv.offers, 1)]
        return cards + ([pair("same_all")] if conv.queue and not conv.same_for_all else []) + [pair("stop")]
    if st in (State.CLARIFY_MEDICATION, State.IDENTIFY_MEDICATION) and conv.candidates:
        full = {m.rx_id: f"{m.name} {m.strength}" for m in (h.medications if h else [])}
        return [(full[c], full[c]) for c in conv.candidates if c in full] + [pair("stop")]
    if st == State.CHOOSE_ORDER:
        rows = {o.order_id: o.medication for o in view.orders}
        return [pair("cancel_which", m=rows[o], o=o) for o in conv.order_choice[:4] if o in rows] + [pair("stop")]
    if st == State.COLLECT_TRANSFER:
        return [pair("stop")]
    if st in REFUSED:
        return [pair(k) for k in next_steps(conv)] + [pair("meds"), pair("due")]
    # Idle: a request just sent can be followed or taken back (its reply says how), then the medications
    # due now, then the usual questions.
    f = conv.focus
    sent = [pair("track_request"), pair("withdraw", r=f.request_id)] if f is not None and f.kind == "sent" \
        and f.request_id else []
    sent += [pair("remind", m=h.split(":", 1)[1]) for h in conv.hints if h.startswith("reminder:")]
    due = [m.name for m in (h.medications if h else []) if m.refill.status == "due"][:3]
    extra = ([pair("track")] if conv.orders else []) + ([pair("track_request")] if conv.requests and not sent else [])
    mine = [pair("back_to_me")] if conv.record_id else []  # a caregiver on a dependant's record ("record_for")
    leave = [pair("stop")] if st == State.IDENTIFY_MEDICATION else []  # "which medication? (a name, or "stop")"
    return sent + [pair("refill", m=m) for m in due] + extra + [pair("due"), pair("meds")] + mine + leave


# ----------------------------------------------------------------------------- the chat
def transcript(conv: Conversation, records: list[dict[str, Any]], welcome: list[dict[str, Any]],
               turn: Turn | None = None, sent: str = "") -> list[dict]:
    """The chat as the conversation holds it, on every turn and after a reload alike: each turn's message,
    its tool-call and alert bubbles (from the stored turn records, which keep each call's name, outcome and
    timing) and its reply. Bounded: the history keeps the last turns, each clipped.

    `turn`: the turn just taken, drawn in full (its tool results too). One the store could not keep (it was
    unavailable) is not in the history: it is added at the end, with the message `sent`."""
    chat = list(welcome)
    answered = records[-len(conv.history):] if conv.history else []
    offset = len(conv.history) - len(answered)  # history older than the turn records kept
    stored = turn is not None and bool(records) and _at(records[-1]) == turn.at
    for k, (user, reply) in enumerate(conv.history):
        if stored and k == len(conv.history) - 1:
            chat += chat_messages(user, turn)
            continue
        chat.append({"role": "user", "content": user})
        rec = answered[k - offset] if k >= offset else {}
        for c in rec.get("tool_calls", []):
            title = f"🔧 {c['name']}" + ("" if c.get("ok") else " — failed")
            chat.append({"role": "assistant", "content": f"args: `{json.dumps(c.get('args'), default=str)}`",
                         "metadata": {"title": title, "duration": round(c.get("ms", 0) / 1000, 3), "status": "done"}})
        for a in rec.get("alerts", []):
            alert = Alert.model_validate(a)
            chat.append({"role": "assistant", "content": f"{alert.reason}\n\n_Rule: {alert.rule}_",
                         "metadata": {"title": alert_title(alert), "status": "done"}})
        chat.append({"role": "assistant", "content": reply})
    if turn is not None and not stored:
        chat += chat_messages(sent, turn)
    return chat


def _at(record: dict[str, Any]):
    try:
        return dt.datetime.fromisoformat(record.get("at") or "")
    except (TypeError, ValueError):
        return None


REQUEST_COLUMNS = ["request_id", "medication", "strength", "kind", "prescriber", "reason", "status", "created_at",
                   "updated_at"]


def requests_table(view: SessionView) -> pd.DataFrame:
    """The patient's requests to a human this session can see (in demo mode: only its own), newest
    first: number, medication, kind, who it went to, why, status and dates. No idempotency key."""
    return pd.DataFrame([r.model_dump() for r in view.requests], columns=REQUEST_COLUMNS)


# ----------------------------------------------------------------------------- the world's clock, whose record, the phone
# The clock control's buttons: minutes each moves the session's world on (Assistant.move_clock).
CLOCK_STEPS = {"hour": 60, "day": 24 * 60, "week": 7 * 24 * 60}


def clock_labels(lang: str) -> dict[str, str]:
    """The clock control's button labels in the page's language: {"hour": "+1 hour", ...}."""
    return {step: replies.say(lang, f"page.clock_{step}") for step in CLOCK_STEPS}


def relation(view: SessionView) -> str:
    """Who the dependant is to the patient, in the page's language ("your mother" / "su mamá")."""
    rel, lang = view.record_relation or "", view.conversation.lang
    return replies.say(lang, f"relation.{rel}") if f"relation.{rel}" in replies.EN else rel


def acting_line(view: SessionView) -> str:
    """'👤 Acting for Eleanor Carter (your mother)' while a caregiver uses a dependant's record, else ''."""
    if not view.record_name:
        return ""
    return replies.say(view.conversation.lang, "page.acting_for", name=view.record_name, relation=relation(view))


def world_md(view: SessionView, place: str) -> str:
    """The strip above the chat: the world's time for this session ('🕒 Tue Nov 24, 11:05 (Riverton time)'),
    and whose record is in use when it is a dependant's."""
    lang = view.conversation.lang
    line = replies.say(lang, "page.clock", moment=replies.moment(view.now, lang), place=place)
    acting = acting_line(view)
    return f"{line} · **{acting}**" if acting else line


def text_message(m, lang: str) -> str:
    """One text on the phone, said from its kind and facts in the page's language; the English body the
    outbox keeps when its facts do not fill the template."""
    f = m.facts
    try:
        if m.kind == "ready":
            return replies.say(lang, "text.ready", medication=f["medication"], strength=f["strength"],
                               pharmacy=f["pharmacy_name"], address=f["address"])
        if m.kind == "on_its_way":
            start, end = (dt.datetime.fromisoformat(str(f[k])) for k in ("arrives_from", "arrives_until"))
            return replies.say(lang, "text.on_its_way", medication=f["medication"], strength=f["strength"],
                               address=f["delivery_address"], window=replies.window(start, end, m.send_at, lang))
        if m.kind == "reminder":
            return replies.say(lang, "text.reminder", medication=f["medication"], strength=f["strength"],
                               when=replies.say(lang, f"text.reminder_when.{f['basis']}"))
        if m.kind == "auto_refill":
            return replies.say(lang, "text.auto_refill", medication=f["medication"], strength=f["strength"],
                               pharmacy=f["pharmacy_name"])
    except (KeyError, TypeError, ValueError):
        pass
    return m.body


TEXTS_SHOWN = 30  # the latest texts the phone panel draws


def phone_html(view: SessionView) -> str:
    """The patient's phone: the texts sent by the session's world clock as messages (newest last, each with
    its world time), the texts still scheduled and when the next comes, and whether texts are on."""
    lang, box = view.conversation.lang, view.outbox
    say = lambda key, **facts: html.escape(replies.say(lang, key, **facts))  # noqa: E731
    if box is None:
        return f"<div class='phone'><p class='phone-foot'>{say('page.phone_unavailable')}</p></div>"
    head = say("page.phone", phone=box.phone, sms=replies.say(lang, "page.sms_on" if box.sms_on else "page.sms_off"))
    texts = "".join(f"<div class='sms'><div class='sms-body'>{html.escape(text_message(m, lang))}</div>"
                    f"<div class='sms-at'>{html.escape(replies.moment(m.send_at, lang))}</div></div>"
                    for m in box.messages[-TEXTS_SHOWN:]) or f"<p class='no-texts'>{say('page.no_texts')}</p>"
    if not box.scheduled or box.next_at is None:
        later = say("page.scheduled_none")
    else:
        later = say("page.scheduled_one" if box.scheduled == 1 else "page.scheduled_many", count=box.scheduled,
                    moment=replies.moment(box.next_at, lang))
    return (f"<div class='phone'><div class='phone-head'>{head}</div><div class='sms-list'>{texts}</div>"
            f"<div class='phone-foot'>{later}</div></div>")


def new_texts(view: SessionView, since: dt.datetime) -> int:
    """How many of the phone's texts were sent after `since` (the clock before it moved)."""
    return sum(1 for m in view.outbox.messages if m.send_at > since) if view.outbox else 0
