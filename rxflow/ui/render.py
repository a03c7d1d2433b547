"""Pure functions from a Turn / Conversation to what each panel shows (tested without Gradio)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from rxflow.flow.context import Conversation
from rxflow.flow.transitions import to_mermaid
from rxflow.flow.turn import Turn

SEVERITY_ICON = {"major": "⛔", "moderate": "⚠️", "minor": "ℹ️", "info": "ℹ️"}


def chat_messages(user: str, turn: Turn) -> list[dict[str, Any]]:
    """The turn as chat messages: the user's, one collapsible bubble per tool call, alerts, the reply."""
    out: list[dict[str, Any]] = [{"role": "user", "content": user}]
    for c in turn.tool_calls:
        title = f"🔧 {c['name']}" + ("" if c["ok"] else f" — {c['error']['code']}")
        body = summarize_result(c)
        out.append({"role": "assistant", "content": body,
                    "metadata": {"title": title, "duration": round(c["ms"] / 1000, 3), "status": "done"}})
    for a in turn.alerts:
        out.append({"role": "assistant", "content": f"{SEVERITY_ICON[a.severity]} **{a.code}** ({a.severity}): "
                                                    f"{a.reason}",
                    "metadata": {"title": f"{SEVERITY_ICON[a.severity]} Safety alert: {a.code}", "status": "done"}})
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
    if not conv.alerts:
        return "**Safety alerts**\n\n_No safety alerts in this conversation._"
    lines = ["**Safety alerts**", ""]
    for a in conv.alerts[-8:]:
        step = f" → next: {a.next_step.replace('_', ' ')}" if a.next_step != "none" else ""
        block = "blocks the refill" if a.blocking else "shown, not blocking"
        lines.append(f"- {SEVERITY_ICON[a.severity]} **`{a.code}`** · {a.severity} · {block}{step}  \n"
                     f"  {a.reason}  \n  _Rule: {a.rule}_")
    return "\n".join(lines)


def order_md(store, conv: Conversation) -> tuple[str, str | None]:
    """The latest order this session placed: a receipt, and its id (for the track/cancel buttons)."""
    if not conv.orders:
        return "_No order placed in this session yet._", None
    o = store.order(conv.orders[-1], conv.sandbox)
    ph = store.pharmacy(o.pharmacy_id)
    product = store.product(o.product_id)
    ready = f"{o.ready_at:%H:%M}" if o.ready_at else "—"
    return (f"**{o.order_id}** — {product.strength_label} {product.drug_id.replace('-', ' ')} × {o.quantity} "
            f"({o.days_supply} days)\n\n{ph.name}\n\n**${o.price:.2f}** ({o.price_type.replace('_', ' ')}) · "
            f"status **{o.status.replace('_', ' ')}** · ready about {ready}"), o.order_id


def program_md(turn: Turn | None, conv: Conversation, label: str) -> str:
    this = f"{turn.lm_calls} LM calls, {turn.tokens} tokens this turn" if turn else "no turn yet"
    fb = f"; **fallbacks this turn:** {', '.join(f['step'] for f in turn.fallbacks)}" if turn and turn.fallbacks else ""
    sources = ", ".join(f"{s['step']}→{s['source']}" for s in turn.steps) if turn and turn.steps else "—"
    return (f"**Program:** `{label}`\n\n{this}{fb}\n\n**Steps:** {sources}\n\n"
            f"**Session total:** {conv.lm_calls} LM calls, {conv.tokens} tokens, {conv.fallbacks} fallbacks, "
            f"{conv.turns} turns")


def orders_table(store, conv: Conversation) -> pd.DataFrame:
    """The patient's orders this session can see (in demo mode: the seeded ones and its own)."""
    return store.orders_frame(conv.patient_id, conv.sandbox)


def requests_table(store, conv: Conversation) -> pd.DataFrame:
    """The patient's requests to a human this session can see (in demo mode: only its own), newest
    first: number, medication, kind, who it went to, why, status and dates. No idempotency key."""
    return store.requests_frame(conv.patient_id, conv.sandbox)
