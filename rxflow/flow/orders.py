"""Orders already placed: which one a message means, where it stands, and starting to cancel one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.domain import OPEN_ORDER_STATUSES
from rxflow.flow import replies
from rxflow.flow.errors import order_error
from rxflow.flow.pending import Focus
from rxflow.flow.transitions import Trigger as T
from rxflow.flow.writes.cancel import propose_cancel
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork


def open_orders(w: TurnWork):
    return [o for o in w.history().recent_orders if o.status in OPEN_ORDER_STATUSES]


def orders_named(w: TurnWork, ext, among):
    """The orders a message points at: by number, or by the medication named (resolved to its prescription).
    A number that is not among the patient's recent orders comes back as the string, for the tool to judge."""
    if ext.order_id:
        return [o for o in w.history().recent_orders if o.order_id == ext.order_id.upper()] or ext.order_id
    if ext.mentions:
        keys = set()
        for m in ext.mentions:
            keys |= set(w.programs.identify(mention=m.text, medications=w.med_options()).matches)
        return [o for o in among if o.rx_id in keys]
    return None


def in_focus(w: TurnWork, ext=None):
    """The open order the conversation just placed, or just showed when the message points back at it
    ("cancel that", "when will it be ready?"); "where's my order" after tracking one still means them all."""
    f = w.conv.focus
    refers = ext is not None and ext.refers
    if f is not None and f.kind == "refused" and refers:
        # "ok cancel that then" after "an order for it is already in progress": that order.
        return next((o for o in open_orders(w) if o.rx_id == f.rx_id), None)
    if f is None or f.kind not in ("ordered", "shown") or not f.order_id:
        return None
    if f.kind == "shown" and not refers:
        return None
    return next((o for o in open_orders(w) if o.order_id == f.order_id), None)


def track(w: TurnWork, ext) -> None:
    recent = w.history().recent_orders
    named = orders_named(w, ext, recent)
    if named is None and (focused := in_focus(w, ext)) is not None:
        return track_one(w, focused.order_id)
    if isinstance(named, str):  # a number that is not among the patient's recent orders: ask the tool
        return track_one(w, named)
    if named == [] and ext.mentions:
        w.say("no_order_for", medication=ext.mentions[0].text)
        return
    targets = named or open_orders(w) or recent[:1]
    if not targets:
        w.say("no_orders")
        return
    for o in targets[:3]:
        track_one(w, o.order_id)
    if len(targets) > 1:
        w.conv.focus = None  # several shown: "cancel it" must say which


def track_one(w: TurnWork, order_id: str) -> None:
    try:
        d = w.tools.track_order(order_id=order_id)
    except ToolFailed as e:
        return order_error(w, e, order_id)
    w.say("track_line", status=replies.order_status(d.order, w.lang, d.status_now), medication=d.medication,
          strength=d.strength,
          pharmacy=d.pharmacy_name, price=replies.money(d.order.price, w.lang))
    w.conv.focus = Focus(kind="shown", rx_id=d.order.rx_id, medication=d.medication, order_id=d.order.order_id)


def cancel_order(w: TurnWork, ext) -> None:
    """The patient asks to cancel an order (whatever was in flight has been set aside): ask about the one
    meant, or which one, or say there is none open."""
    conv = w.conv
    opened = open_orders(w)
    named = orders_named(w, ext, opened)
    if named is None and (focused := in_focus(w, ext)) is not None:
        return propose_cancel(w, focused.order_id)  # "cancel that", right after it was placed or shown
    if isinstance(named, str):
        return propose_cancel(w, named)
    if named == [] and ext.mentions:
        w.say("no_order_for", medication=ext.mentions[0].text)
        return w.go(T.INFO)
    targets = named or opened
    if len(targets) == 1:
        return propose_cancel(w, targets[0].order_id)
    if not targets:
        w.say("no_open_orders")
        return w.go(T.INFO)
    conv.order_choice = [o.order_id for o in targets]
    w.go(T.CANCEL_WHICH, orders=targets)


def choose_order_to_cancel(w: TurnWork, ext) -> bool:
    """After "which order would you like to cancel?": a number, a drug name or a position."""
    conv = w.conv
    choices, conv.order_choice = conv.order_choice, []
    if not choices:
        return False
    opened = [o for o in open_orders(w) if o.order_id in choices]
    named = orders_named(w, ext, opened)
    if isinstance(named, str) or (named and len(named) == 1):
        propose_cancel(w, named if isinstance(named, str) else named[0].order_id)
        return True
    res = w.programs.identify(mention=w.message, medications=w.med_options([o.rx_id for o in opened]))
    hit = [o for o in opened if o.rx_id in res.matches]
    if len(hit) == 1:
        propose_cancel(w, hit[0].order_id)
        return True
    return False
