"""Pure functions from a Turn, a Conversation or a SessionView to what each panel shows (tested without
Gradio). Nothing here calls a tool or reads the store: the Assistant's view holds the facts."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import pandas as pd

from rxflow.alerts import ALERT_KINDS, SEVERITY_ICON
from rxflow.alerts import RULES as ALERT_RULES
from rxflow.domain import Alert, NextStep
from rxflow.flow import replies
from rxflow.flow.context import Conversation, Decided
from rxflow.flow.states import IDLE, State
from rxflow.flow.transitions import arrows
from rxflow.flow.turn import Turn
from rxflow.views import OrderRow, Receipt, RequestRow, SessionView

# What an alert is about (the kind of its rule in rxflow/alerts.py): a stakeholder reads "Coverage" for a
# prior authorization, not "Safety". English here; alert_title and alerts_md say it in the session's language.
ALERT_KIND = {code: rule.kind.capitalize() for code, rule in ALERT_RULES.items()}


def alert_title(a: Alert, lang: str = "en") -> str:
    """'⛔ Safety · drug interaction with ibuprofen': the kind, the rule, and what tells two apart."""
    d = a.details
    tail = (" " + replies.say(lang, "page.alert_with", drug=d["with_drug"]) if d.get("with_drug")
            else f" ({replies.world(d['allergen'], lang)})" if d.get("allergen")
            else f" ({d['drug']})" if d.get("drug") else "")
    kind = replies.say(lang, f"page.alert_kind.{ALERT_RULES[a.code].kind}")
    return f"{SEVERITY_ICON[a.severity]} {kind} · {replies.say(lang, f'page.code.{a.code.value}')}{tail}"


def text_of(message: dict[str, Any]) -> str:
    """A chat message's text, as the server sent it or as the page holds it ([{type: text, text}])."""
    content = message.get("content")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def checked(calls: list[dict[str, Any]], alerts: list[Alert], lang: str = "en") -> list[dict[str, Any]]:
    """At most one folded line per turn under the patient's message: what the assistant checked ("checked:
    patient history, price lookup") and the alerts it raised. The inspector has every call in full; the chat
    keeps the conversation, so a turn never adds more than this one line to it."""
    if not calls and not alerts:
        return []
    names = list(dict.fromkeys(c["name"].replace("_", " ") for c in calls))
    failed = sum(1 for c in calls if not c.get("ok", True))
    title = replies.say(lang, "page.checked", tools=", ".join(names) or "—")
    if failed:
        title += " · " + replies.say(lang, "page.checked_failed", count=failed)
    if alerts:
        title += " · " + ", ".join(dict.fromkeys(alert_title(a) for a in alerts))
    body = [f"- `{c['name']}` {c.get('ms', 0):.0f} ms" + ("" if c.get("ok", True) else " ❌") for c in calls]
    body += [f"- {alert_title(a)}: {a.reason}" for a in alerts]
    return [{"role": "assistant", "content": "\n".join(body), "metadata": {"title": title, "status": "done"}}]


def chat_messages(user: str, turn: Turn, lang: str = "en") -> list[dict[str, Any]]:
    """The turn as chat messages: the patient's, one folded "checked: ..." line, the reply."""
    return [{"role": "user", "content": user}, *checked(turn.tool_calls, turn.alerts, lang),
            {"role": "assistant", "content": turn.reply}]


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
    """The whole machine, in words, with where this conversation is and has been (machine_diagram)."""
    return machine_diagram(conv.lang, conv.state, conv.visited)


def slots_json(conv: Conversation) -> dict[str, Any]:
    """What the conversation has gathered, labelled in its language: the stage in words, not its code name."""
    lang = conv.lang
    dosage = replies.say(lang, f"page.dosage.{conv.dosage}") if f"page.dosage.{conv.dosage}" in replies.EN \
        else conv.dosage
    values = {"stage": stage_name(conv.state, lang), "language": replies.say(lang, f"page.language.{lang}"),
              **conv.slots.model_dump(), "queue": conv.queue, "candidates": conv.candidates,
              "pay_cash": yes_no(conv.pay_cash, lang), "dosage": dosage}
    return {replies.say(lang, f"page.slot.{k}"): v for k, v in values.items()}


def yes_no(value: bool, lang: str) -> str:
    return replies.say(lang, "page.yes" if value else "page.no")


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
    """This conversation's alerts, grouped by what they are about (safety, coverage, stock, eligibility),
    in its language."""
    lang = conv.lang
    say = lambda key, **facts: replies.say(lang, key, **facts)  # noqa: E731
    if not conv.alerts:
        return f"**{say('page.alerts')}**\n\n{say('page.alerts_none')}"
    lines = [f"**{say('page.alerts')}**"]
    recent = list({(a.code, a.rx_id, a.reason): a for a in conv.alerts[-8:]}.values())  # the same alert once
    for kind in ALERT_KINDS:
        mine = [a for a in recent if ALERT_RULES[a.code].kind == kind]
        if not mine:
            continue
        lines += ["", f"*{say(f'page.alert_kind.{kind}')}*"]
        for a in mine:
            step = f" → {say('page.next', step=say(f'page.step.{a.next_step.value}'))}" \
                if a.next_step != NextStep.NONE else ""
            block = say("page.blocks" if a.blocking else "page.not_blocking")
            lines.append(f"- {alert_title(a, lang)} · {say(f'page.severity.{a.severity.value}')} · {block}{step}  \n"
                         f"  {replies.why(a, lang)}  \n  _{say('page.rule_line', rule=replies.rule(a, lang))}_")
    return "\n".join(lines)


def order_md(view: SessionView) -> tuple[str, str | None]:
    """The latest order this session placed: a receipt in words (the session's language), and its id."""
    lang, o = view.conversation.lang, view.receipt
    if o is None:
        return replies.say(lang, "page.no_order"), None
    return replies.say(lang, "page.receipt", order_id=o.order_id, medication=o.medication, strength=o.strength,
                       what=replies.say(lang, "what.brand" if o.brand else "what.generic"), quantity=o.quantity,
                       days=o.days_supply, pharmacy=o.pharmacy, fulfilment=fulfilment(o, lang),
                       price=replies.money(o.price, lang), price_type=replies.price_type(o.price_type, lang),
                       status=status_word(o, lang),
                       ready=replies.moment(o.ready_at, lang) if o.ready_at else "—"), o.order_id


def program_md(turn: Turn | None, conv: Conversation, label: str) -> str:
    lang = conv.lang
    say = lambda key, **facts: replies.say(lang, key, **facts)  # noqa: E731
    this = say("page.program_turn", calls=turn.lm_calls, tokens=turn.tokens) if turn else say("page.program_no_turn")
    fb = say("page.program_fallbacks", steps=", ".join(f["step"] for f in turn.fallbacks)) \
        if turn and turn.fallbacks else ""
    sources = ", ".join(f"{s['step']}→{s['source']}" for s in turn.steps) if turn and turn.steps else "—"
    return (f"{say('page.program', label=label)}\n\n{this}{fb}\n\n{say('page.program_steps', steps=sources)}\n\n"
            + say("page.program_total", calls=conv.lm_calls, tokens=conv.tokens, fallbacks=conv.fallbacks,
                  turns=conv.turns))


# The orders table's columns (their headers in the session's language: inspector_labels' "order_col.*"). Status
# and price come right after the order, so a narrow inspector shows them first; each cell is words, not codes.
ORDER_COLUMNS = ["order", "status", "price", "pharmacy", "ready"]


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
    language, headers too: each order's status at the session's world clock, its price, its pharmacy with
    pickup or delivery (and its window), and when it is ready, on the world's clock."""
    lang = view.conversation.lang
    head = inspector_labels(lang)
    return pd.DataFrame([[
        replies.say(lang, "page.order_cell", order_id=o.order_id, medication=f"{o.medication} {o.strength} × {o.quantity}"),
        status_word(o, lang), f"{replies.money(o.price, lang)} ({replies.price_type(o.price_type, lang)})",
        f"{o.pharmacy} · {fulfilment(o, lang)}", replies.moment(o.ready_at, lang) if o.ready_at else "—"]
        for o in view.orders], columns=[head[f"order_col.{c}"] for c in ORDER_COLUMNS])


# ----------------------------------------------------------------------------- the conversation's path
def stage_name(state: State, lang: str = "en") -> str:
    """A state as stakeholders read it: its stage's name in words (the reply catalogue), not the enum."""
    return replies.say(lang, f"stage.{State(state).value}")


PATH_BOX = (250, 34, 20)  # a stage's box (width, height) and the arrow's length between two, in px: 8 in 420 px


def path_diagram(conv: Conversation, last: int = 8) -> str:
    """This conversation's own path, large and readable: the last `last` states it went through, top to bottom,
    each by its stage's name in the conversation's language, where it is now in blue (no code name reaches the
    page). Drawn here, as SVG the page only shows: drawn in the page by the diagram library (as the whole
    machine is) it cost about 70 ms of the page's time a turn, and drew nothing while the inspector was folded."""
    path: list[State] = []
    for s in conv.visited:
        if not path or path[-1] != s:
            path.append(State(s))
    path = path[-last:]
    if not path:
        return ""
    width, height, gap = PATH_BOX
    names = [stage_name(s, conv.lang) for s in path]
    tall = len(path) * height + (len(path) - 1) * gap + 4
    title = f"{replies.say(conv.lang, 'page.path')}: {' → '.join(names)}"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width + 4}" height="{tall}" '
             f'viewBox="0 0 {width + 4} {tall}"><title>{html.escape(title)}</title>']
    for i, name in enumerate(names):
        top, now = 2 + i * (height + gap), i == len(names) - 1
        if i:  # the arrow from the stage before
            mid = 2 + width / 2
            parts.append(f'<path class="arrow" d="M{mid} {top - gap} V{top - 6} M{mid - 5} {top - 7} L{mid} {top - 1} '
                         f'L{mid + 5} {top - 7}" stroke="#2563eb" stroke-width="2" fill="none"/>')
        fill, stroke, ink, line, weight = (("#2563eb", "#1e3a8a", "#ffffff", 3, "bold") if now
                                           else ("#dbeafe", "#2563eb", "#1e293b", 1.5, "normal"))
        parts.append(f'<g class="stage {"current" if now else "visited"}"><rect x="2" y="{top}" width="{width}" '
                     f'height="{height}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="{line}"/>'
                     f'<text x="{2 + width / 2}" y="{top + height / 2}" text-anchor="middle" dominant-baseline="central" '
                     f'font-size="16" font-weight="{weight}" fill="{ink}">{html.escape(name)}</text></g>')
    return "".join(parts) + "</svg>"


# ----------------------------------------------------------------------------- the whole machine, by stage group
# The machine's states in groups a stakeholder can read at a glance; START stands alone above them.
STAGE_GROUPS: dict[str, tuple[State, ...]] = {
    "find": (State.IDENTIFY_MEDICATION, State.CLARIFY_MEDICATION),
    "check": (State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION),
    "order": (State.SELECT_PHARMACY, State.CONFIRM_ORDER),
    "refer": (State.NOT_ELIGIBLE, State.REFER_PRESCRIBER, State.REFER_PHARMACIST, State.ESCALATE_PA),
    "request": (State.CONFIRM_REQUEST, State.CONFIRM_SETTING, State.COLLECT_TRANSFER),
    "cancel": (State.CHOOSE_ORDER, State.CONFIRM_CANCEL),
    "end": (State.COMPLETE, State.ERROR),
}
GROUP_OF = {s: g for g, states in STAGE_GROUPS.items() for s in states}
TIGHT = "%%{init: {'flowchart': {'nodeSpacing': 12, 'rankSpacing': 28, 'padding': 6}}}%%"


def machine_diagram(lang: str = "en", current: State | None = None, visited: list[State] | None = None,
                    detail: bool = False) -> str:
    """The whole state machine, legible in a side panel, in the session's language: one box per group of
    stages listing its stages in words, and one arrow per pair of groups a transition joins (the transition
    table's own arrows, rxflow/flow/transitions.py: arrows). `detail`: every stage its own box inside its
    group's, with the arrows between stages of one group (a larger drawing, for full size). Where the
    conversation is now is amber (its stage marked ▶), where it has been light blue. Ids are s0, g_find...: no code
    name reaches the page."""
    ids = {s: f"s{i}" for i, s in enumerate(State)}
    seen = {State(v) for v in visited or []}
    now = State(current) if current is not None else None
    node = lambda s: ids[s] if detail or s not in GROUP_OF else f"g_{GROUP_OF[s]}"  # noqa: E731
    mark = lambda s: ("▶ " if s == now else "") + stage_name(s, lang)  # noqa: E731
    # Left to right, spaced tightly (mermaid's own init directive): about 800 px wide, legible at the
    # inspector's width with INSPECTOR_CSS's minimum width and a short sideways scroll.
    lines = [TIGHT, "flowchart TB" if detail else "flowchart LR", f'    {ids[State.START]}(["{mark(State.START)}"])']
    for group, states in STAGE_GROUPS.items():
        title = replies.say(lang, f"page.group.{group}")
        if detail:
            lines += [f'    subgraph g_{group}["{title}"]', "        direction LR",
                      *(f'        {ids[s]}["{mark(s)}"]' for s in states), "    end"]
        else:
            lines.append(f'    g_{group}["<b>{title}</b><br>' + "<br>".join(mark(s) for s in states) + '"]')
    drawn: dict[tuple[str, str], None] = {}
    for t in arrows(compact=True):
        if not detail and t.src in IDLE and t.src != State.START:
            continue  # a resting stage (done, refused) starts a new request as Start does: drawn once, from Start
        same = GROUP_OF.get(t.src) is not None and GROUP_OF.get(t.src) == GROUP_OF.get(t.dst)
        if detail and same:
            drawn[(ids[t.src], ids[t.dst])] = None
        elif not same:
            drawn[(f"g_{GROUP_OF[t.src]}" if t.src in GROUP_OF else ids[t.src],
                   f"g_{GROUP_OF[t.dst]}" if t.dst in GROUP_OF else ids[t.dst])] = None
    lines += [f"    {a} --> {b}" for a, b in drawn]
    lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px")
    lines.append("    classDef visited fill:#dbeafe,stroke:#2563eb")
    marked = {node(s): "visited" for s in seen}
    if now is not None:
        marked[node(now)] = "current"
    lines += [f"    class {n} {kind}" for n, kind in marked.items()]
    return "```mermaid\n" + "\n".join(lines) + "\n```"


# The whole machine's zoom (the page's buttons run these in the browser; nothing is fetched): the diagram is
# drawn at its own size in a scrolling box (INSPECTOR_CSS), each press scales it, "open full size" shows the
# drawing alone in a new tab. The scale is kept on the box (`--rx-zoom`), not on the drawing: every turn and
# every unfold draws the diagram again, and a scale set on the old <svg> was lost with it (a patient's zoom
# undone by the next message; a redraw racing the press made a CI run fail).
MACHINE = "#machine svg"
ZOOM_LIMITS = (0.3, 4.0)


def zoom_js(factor: float) -> str:
    """The browser-side script of a zoom button: scale the whole machine's drawing by `factor`, within
    ZOOM_LIMITS, by the box's `--rx-zoom` (INSPECTOR_CSS sizes the drawing from it)."""
    low, high = ZOOM_LIMITS
    return ("() => { const box = document.querySelector('#machine'); if (!box) { return; } "
            "const z = parseFloat(box.style.getPropertyValue('--rx-zoom')) || 1; "
            f"box.style.setProperty('--rx-zoom', Math.min({high}, Math.max({low}, z * {factor}))); }}")


FULL_SIZE_JS = (f"() => {{ const svg = document.querySelector('{MACHINE}'); if (!svg) {{ return; }} "
                "const url = URL.createObjectURL(new Blob([svg.outerHTML], {type: 'image/svg+xml'})); "
                "window.open(url, '_blank'); }")


# ----------------------------------------------------------------------------- tool calls, expandable
def tools_html(turn: Turn | None, lang: str | None = None) -> str:
    """The last turn's tool calls as a table, headed in the session's language (`lang`, else the turn's);
    each row's arguments and result expand."""
    lang = lang or (turn.language if turn is not None else "en")
    say = lambda key: html.escape(replies.say(lang, key))  # noqa: E731
    if turn is None or not turn.tool_calls:
        return f"<p class='muted'>{say('page.tools_none')}</p>"
    rows = []
    for c in turn.tool_calls:
        result = c["data"] if c["ok"] else c["error"]
        outcome = say("page.tool_ok") if c["ok"] else f"⚠ {html.escape(str(c['error']['code']).replace('_', ' '))}"
        kind = say(f"page.tool_kind.{c['kind']}") if f"page.tool_kind.{c['kind']}" in replies.EN else c["kind"]
        rows.append(
            f"<tr><td><code>{html.escape(c['name'])}</code><br><small>{kind}</small></td>"
            f"<td>{outcome}<br><small>{c['ms']:.1f} ms</small></td>"
            f"<td><details><summary>{html.escape(short(c['args'])) or say('page.tool_no_args')}</summary>"
            f"<pre>{html.escape(json.dumps(c['args'], indent=1, default=str))}</pre></details></td>"
            f"<td><details><summary>{html.escape(short(result if isinstance(result, dict) else {}))}</summary>"
            f"<pre>{html.escape(json.dumps(result, indent=1, default=str)[:6000])}</pre></details></td></tr>")
    head = "".join(f"<th>{say(f'page.tools_col.{k}')}</th>" for k in ("tool", "result", "arguments", "data"))
    return f"<table class='tools'><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"


# ----------------------------------------------------------------------------- the patient, from the view
def patient_card(view: SessionView) -> str:
    """Who the patient is, from the tools' answers, in the session's language: plan, allergies, each
    medication's refill status today, open orders and requests sent."""
    h, lang = view.history, view.conversation.lang
    say = lambda key, **facts: replies.say(lang, key, **facts)  # noqa: E731
    if h is None:
        return "_Patient record unavailable._" if lang == "en" else "_El expediente del paciente no está disponible._"
    acting = acting_line(view)
    lines = ([f"**{acting}**", ""] if acting else []) + [
        say("page.card_line", name=h.name, plan=h.plan or say("page.none"),
            allergies=", ".join(replies.world(a, lang) for a in h.allergies) or say("page.no_allergies")), "",
        say("page.card_head"), "|---|---|---|"]
    for m in h.medications:
        due = replies.day(m.refill.due_date, lang) if m.refill.due_date else "?"
        lines.append(f"| {m.name} {m.strength} | {say(f'page.med_status.{m.refill.status}', due=due)} | "
                     f"{m.refills_remaining} |")
    now = {o.order_id: status_word(o, lang) for o in view.orders}  # each order's status at the world's clock
    opened = ", ".join(f"{o.order_id} {o.medication} ({now.get(o.order_id) or say(f'order_word.{o.status}')})"
                       for o in view.open_orders)
    lines += ["", say("page.open_orders", orders=opened or say("page.none"))]
    if view.requests_sent:
        lines.append(say("page.requests_sent", requests=", ".join(
            say("page.request_for", request_id=r.request_id, kind=request_kind(r, lang), medication=r.medication)
            for r in view.requests_sent)))
    return "\n".join(lines)


def in_play(conv: Conversation) -> str | None:
    """The prescription the conversation is about now (or was last)."""
    return conv.slots.rx_id or conv.focus_rx


def verdict(r: Decided | Any, lang: str) -> str:
    """A refill verdict in words: allowed, cash only, not allowed (a Decided or a RefillStatus)."""
    key = "allowed" if r.allowed else "cash_only" if r.cash_only else "not_allowed"
    return replies.say(lang, f"page.verdict.{key}")


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fact_value(key: str, value: Any, lang: str) -> str:
    """One datum a rule used, in words: dates written out, yes / no, a threshold as a share of the supply."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, list):
        return ", ".join(replies.world(str(v), lang) for v in value) or "—"
    if key == "threshold" and isinstance(value, float):
        return replies.say(lang, "page.threshold", percent=round(value * 100))
    if isinstance(value, str) and ISO_DATE.match(value):
        return replies.date(value, lang)
    if f"page.fact_value.{value}" in replies.EN:
        return replies.say(lang, f"page.fact_value.{value}")
    return replies.world(str(value), lang)


def check_rows(checks: list, lang: str, numbers: list[int] | None = None) -> list[str]:
    """Rules (the policy's Checks, as the view and the record carry them) as a markdown table: number, rule, stage, outcome, the data it used (each in words)."""
    say = lambda key: replies.say(lang, key)  # noqa: E731
    rows = [say("page.explain_head"), "|---|---|---|---|---|"]
    for i, c in zip(numbers or range(1, len(checks) + 1), checks, strict=True):
        facts = "; ".join(f"{say(f'page.fact.{k}') if f'page.fact.{k}' in replies.EN else k}: "
                          f"{fact_value(k, v, lang)}" for k, v in c.facts.items()).replace("|", "/")
        rows.append(f"| {i} | {say(f'page.rule.{c.rule}')} | {say(f'page.rule_stage.{c.stage}')} | "
                    f"{say(f'page.outcome.{c.outcome}')} | {facts} |")
    return rows


def explain_md(view: SessionView) -> str:
    """For the prescription in play: the verdict its refill was decided on in this conversation (every rule as
    it was applied then: the conversation's record, not a second run of the rules), and apart from it what the
    rules say now (patient_history's verdict, already read for the view), with the rules whose outcome changed.
    After an order the two differ: the order just placed is itself in progress, so asking again is refused."""
    conv, lang = view.conversation, view.conversation.lang
    rx = in_play(conv)
    m, decided = view.medication(rx), conv.decision(rx)
    if m is None and decided is None:
        return replies.say(lang, "page.explain_none")
    name = f"{m.name} {m.strength}" if m else rx
    lines: list[str] = []
    if decided is not None:
        lines += [replies.say(lang, "page.explain_decided", medication=name, rx_id=rx,
                              moment=replies.moment(decided.at, lang), verdict=verdict(decided, lang)), "",
                  *check_rows(decided.checks, lang)]
    else:
        lines.append(replies.say(lang, "page.explain_undecided", medication=name, rx_id=rx))
    if m is None:
        return "\n".join(lines)
    now = replies.moment(view.now, lang)
    if decided is None:
        return "\n".join([*lines, "", replies.say(lang, "page.explain_now", moment=now, verdict=verdict(m.refill, lang)),
                          "", *check_rows(m.refill.checks, lang)])
    # The rules whose outcome or data differ now; those not reached now (after a failing eligibility rule) are
    # left out, since the rule that failed says why.
    then = {c.rule: c for c in decided.checks}
    changed = [(i, c) for i, c in enumerate(m.refill.checks, 1) if c.outcome != "not_reached"
               and (c.rule not in then or (then[c.rule].outcome, then[c.rule].facts) != (c.outcome, c.facts))]
    same = verdict(m.refill, lang) == verdict(decided, lang) and not changed
    lines += ["", replies.say(lang, "page.explain_now_same" if same else "page.explain_now", moment=now,
                              verdict=verdict(m.refill, lang))]
    if changed:
        lines += ["", replies.say(lang, "page.explain_changed"), "",
                  *check_rows([c for _, c in changed], lang, [i for i, _ in changed])]
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
         "es": {"yes_dose": "sí", "no_dose": "no", "stop": "alto", **dict.fromkeys(_YES, "sí"),
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
    its one "checked" line (from the stored turn records, which keep each call's name, outcome and timing,
    and the alerts) and its reply. Bounded: the history keeps the last turns, each clipped.

    `turn`: the turn just taken, drawn in full (its tool results too). One the store could not keep (it was
    unavailable) is not in the history: it is added at the end, with the message `sent`."""
    chat = list(welcome)
    answered = records[-len(conv.history):] if conv.history else []
    offset = len(conv.history) - len(answered)  # history older than the turn records kept
    stored = turn is not None and bool(records) and _at(records[-1]) == turn.at
    for k, (user, reply) in enumerate(conv.history):
        if stored and k == len(conv.history) - 1:
            chat += chat_messages(user, turn, conv.lang)
            continue
        chat.append({"role": "user", "content": user})
        rec = answered[k - offset] if k >= offset else {}
        chat += checked(rec.get("tool_calls", []), [Alert.model_validate(a) for a in rec.get("alerts", [])], conv.lang)
        chat.append({"role": "assistant", "content": reply})
    if turn is not None and not stored:
        chat += chat_messages(sent, turn, conv.lang)
    return chat


def _at(record: dict[str, Any]):
    try:
        return dt.datetime.fromisoformat(record.get("at") or "")
    except (TypeError, ValueError):
        return None


# The requests table's columns (headers in the session's language: inspector_labels' "request_col.*").
REQUEST_COLUMNS = ["request", "kind", "status", "to", "why", "sent"]


def request_kind(r: RequestRow, lang: str) -> str:
    """'renewal request to your prescriber': what kind of request, in words."""
    key = f"page.request_kind.{r.kind}"
    return replies.say(lang, key) if key in replies.EN else r.kind.replace("_", " ")


def request_reason(reason: str, lang: str) -> str:
    """Why a request was sent (an alert's code, or the patient's own asking), in words."""
    for key in (f"page.code.{reason}", f"why.{reason}"):
        if key in replies.EN:
            return replies.say(lang, key)
    return reason.replace("_", " ")


def requests_table(view: SessionView) -> pd.DataFrame:
    """The patient's requests to a human this session can see (in demo mode: only its own), newest first, in
    the session's language, headers too: number and medication, what kind of request in words, its status,
    who it went to, why, and when it was sent on the world's clock. No idempotency key."""
    lang = view.conversation.lang
    head = inspector_labels(lang)
    status = lambda r: replies.say(lang, f"request_status.{r.status}", date=replies.day(r.updated_at, lang))  # noqa: E731
    return pd.DataFrame([[
        replies.say(lang, "page.request_cell", request_id=r.request_id, medication=f"{r.medication} {r.strength}"),
        request_kind(r, lang), status(r), r.prescriber, request_reason(r.reason, lang), replies.moment(r.created_at, lang)]
        for r in view.requests], columns=[head[f"request_col.{c}"] for c in REQUEST_COLUMNS])


def table_html(frame: pd.DataFrame, caption: str, empty: str, elem_class: str) -> str:
    """A table of words as plain HTML, captioned: the browser sizes its columns to their words (INSPECTOR_CSS),
    so a narrow inspector wraps cells between words, never inside one, and needs no sideways scroll."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    body = (f"<table class='rx-table {elem_class}'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>" if rows
            else f"<p class='rx-empty'>{html.escape(empty)}</p>")
    return f"<div class='rx-table-box'><p class='rx-caption'>{html.escape(caption)}</p>{body}</div>"


def orders_html(view: SessionView) -> str:
    """The Orders tab's orders (orders_table's words) as a table that fits the inspector's column."""
    lang = view.conversation.lang
    return table_html(orders_table(view), replies.say(lang, "page.orders"), replies.say(lang, "page.orders_none"),
                      "rx-orders")


def requests_html(view: SessionView) -> str:
    """The Orders tab's requests to a human (requests_table's words) as a table that fits the inspector's column."""
    lang = view.conversation.lang
    return table_html(requests_table(view), replies.say(lang, "page.requests"), replies.say(lang, "page.requests_none"),
                      "rx-requests")


# ----------------------------------------------------------------------------- the inspector's own labels
# Each label of the inspector's components (app.py sets them per session language): tab names, headings,
# buttons, the tables' column headers. The catalogue's page.* keys hold the words (tab_phone: page.phone_tab).
LABELS = ("tab_inspector", "tab_patient", "tab_phone", "tab_explain", "tab_orders", "tab_about", "card", "program_mode",
          "path", "machine", "machine_hint", "zoom_in", "zoom_out", "zoom_full", "slots", "tools", "tools_hint",
          "track", "cancel", "orders", "requests", *(f"order_col.{c}" for c in ORDER_COLUMNS),
          *(f"request_col.{c}" for c in REQUEST_COLUMNS))


def inspector_labels(lang: str) -> dict[str, str]:
    """The labels of the inspector's components in `lang` ('en' / 'es'), by key (see LABELS)."""
    return {k: replies.say(lang, "page.phone_tab" if k == "tab_phone" else f"page.{k}") for k in LABELS}


# The inspector's own styles (the page appends them to its CSS). Tables: words wrap whole (never mid-word) and
# fit the column, so status and price show without scrolling sideways; the whole machine is drawn at its own
# size in a box that scrolls both ways (zoom_js scales it), instead of shrunk to a thumbnail.
INSPECTOR_CSS = """
.rx-table-box { margin-bottom: 12px; }
.rx-caption { font-weight: 600; margin: 4px 0; }
.rx-empty { color: #6b7280; font-size: 0.9em; }
table.rx-table { width: 100%; border-collapse: collapse; table-layout: auto; font-size: 0.85em; }
table.rx-table th, table.rx-table td { text-align: left; vertical-align: top; padding: 4px 6px;
  border-bottom: 1px solid #e5e7eb; word-break: normal; overflow-wrap: normal; hyphens: none; white-space: normal; }
table.rx-table th { white-space: nowrap; }
#tools td { overflow-wrap: break-word !important; word-break: normal !important; }
#machine { max-height: 70vh; overflow: auto; resize: vertical; border: 1px solid #e5e7eb; border-radius: 6px; }
#machine svg { width: calc(100% * var(--rx-zoom, 1)) !important; min-width: calc(640px * var(--rx-zoom, 1));
  max-width: none !important; height: auto !important; }
#machine-zoom { gap: 4px; }
#machine-zoom button { flex: 0 0 auto !important; min-width: 3em !important; }
"""


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


def patient_strip(view: SessionView) -> str:
    """The patient in one line above the chat (the full card is the inspector's Patient tab): name, plan and
    allergies, in the page's language, from the patient's own record."""
    h, lang = view.history, view.conversation.lang
    if h is None:
        return replies.say(lang, "page.record_unavailable")
    allergies = ", ".join(h.allergies) or replies.say(lang, "page.no_allergies")
    return replies.say(lang, "page.strip", name=h.name, plan=h.plan or replies.say(lang, "page.no_plan"),
                       allergies=allergies)


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
