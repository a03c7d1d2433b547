"""Order tools. submit_order and cancel_order write: the flow calls them only after an explicit yes.

An order is picked up at the pharmacy or, where the pharmacy delivers, delivered to the patient's address
on file. When the patient's texts are on, the order's text ("ready for pickup", or "on its way") is queued
with it, at its ready time. What an order is *now* (ready, on its way, delivered) is read from the world's
clock when asked, never written: the stored status is what the pharmacy last recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from rxflow import clock, policy
from rxflow.domain import OPEN_ORDER_STATUSES, PREPARING_ORDER_STATUSES, Alert, AlertCode, Order, Pharmacy
from rxflow.store import OrderConflict, StoreError
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, tool
from rxflow.tools.cost import quote
from rxflow.tools.pharmacy import distance_row, own_pharmacy


def when(start: dt.datetime, end: dt.datetime) -> str:
    """'between 16:00 and 20:00 on November 24'."""
    return f"between {start:%H:%M} and {end:%H:%M} on {start:%B %-d}"


def delivering(ph: Pharmacy, ready: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The delivery window of an order at `ph` ready at `ready`; refused when the pharmacy does not deliver."""
    window = clock.delivery_window(ph, ready)
    if window is None:
        raise ToolError("refused", f"{ph.name} does not deliver.", reason="no_delivery")
    return window


def order_text(o: dict[str, Any], ph: Pharmacy, medication: str, strength: str) -> dict[str, Any]:
    """The text an order (its fields, as written) sends at its ready time: 'ready for pickup', or 'on its way'
    for a delivery."""
    facts = {"medication": medication, "strength": strength, "pharmacy_id": ph.pharmacy_id, "pharmacy_name": ph.name,
             "fulfilment": o["fulfilment"], "ready_at": o["ready_at"]}
    if o["fulfilment"] == "delivery":
        facts |= {k: o[k] for k in ("delivery_address", "arrives_from", "arrives_until")}
        kind, body = "on_its_way", (f"RxFlow: your {medication} {strength} (order {{ref_id}}) is on its way to "
                                    f"{o['delivery_address']}; it should arrive "
                                    f"{when(o['arrives_from'], o['arrives_until'])}.")
    else:
        facts |= {"address": ph.address}
        kind, body = "ready", (f"RxFlow: your {medication} {strength} (order {{ref_id}}) is ready for pickup at "
                               f"{ph.name}, {ph.address}.")
    return {"patient_id": o["patient_id"], "kind": kind, "facts": facts, "body": body, "send_at": o["ready_at"],
            "created_at": o["created_at"]}


class SubmitArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to refill, such as 'RX1001'.")
    pharmacy_id: str = Field(description="Where to fill it, such as 'PH004'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:RX1001:PH004'.")
    pay_cash: bool = Field(False, description="Pay cash or by discount card instead of insurance, such as true.")
    delivery: bool = Field(False, description="Deliver it to the patient's address on file instead of pickup, "
                                              "such as true (only where the pharmacy delivers).")


class OrderReceipt(ToolOutput):
    order: Order
    created: bool = Field(description="False when this key had already placed the order (a repeated yes).")
    medication: str
    strength: str
    pharmacy_name: str
    alerts: list[Alert]
    texted: bool = Field(False, description="A text (ready for pickup / on its way) goes to the phone on file at "
                                            "the ready time: the patient's texts are on.")


@tool("orders", kind="write")
def submit_order(ctx: ToolContext, args: SubmitArgs) -> OrderReceipt:
    """Place a refill order at a pharmacy, after the patient explicitly confirmed the summary.

    Runs the refill policy again and refuses what it refuses (no refills, too soon, expired,
    controlled, major allergy or interaction, prior authorization unless paying cash). The order
    is ready after the pharmacy's typical wait, counted from its next opening when it is closed
    now; a delivery comes to the patient's address on file in the pharmacy's window. Writes one
    order in one transaction, with its text (ready for pickup / on its way, at the ready time)
    when the patient's texts are on; the same idempotency key never writes a second order.

    Args:
        rx_id: such as 'RX1001'.
        pharmacy_id: such as 'PH004'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:RX1001:PH004'.
        pay_cash: pay without insurance, such as true.
        delivery: deliver it instead of pickup, such as true.

    Returns:
        The order (id such as 'ORD-30001', price, ready time, delivery window and fee) and whether
        it was newly created.

    Raises:
        refused when not confirmed, blocked by the policy, out of stock, or a delivery from a
        pharmacy that does not deliver.
    """
    if not args.confirmed:
        raise ToolError("refused", "An order is placed only after the patient's explicit yes.", reason="not_confirmed")
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    # A repeated yes returns the order the first one placed, even though the policy would
    # now say "order in progress" for it.
    prior = ctx.store.order_by_key(args.idempotency_key, ctx.sandbox)
    decision = policy.evaluate(ctx.refill_case(rx))
    offer = quote(ctx, rx, distance_row(ctx, ph.pharmacy_id), pay_cash=args.pay_cash)
    blocked = decision.blocking and not (decision.insurance_only and args.pay_cash)
    if not prior and (blocked or not offer.in_stock):
        # Look again before refusing: the same confirmation sent twice at once can commit in between the
        # first look and the policy's read, which then sees that very order "in progress" (a CI run did).
        prior = ctx.store.order_by_key(args.idempotency_key, ctx.sandbox)
    if not prior and blocked:
        codes = ", ".join(a.code for a in decision.blocking)
        raise ToolError("refused", f"The refill policy does not allow this order ({codes}).",
                        {"alerts": [a.code.value for a in decision.blocking]}, reason="blocked_by_policy")
    if not prior and not offer.in_stock:
        raise ToolError("refused", f"{ph.name} does not have enough in stock.", {"alerts": [AlertCode.OUT_OF_STOCK.value]},
                        reason="out_of_stock")
    created_at, ready = ctx.clock, offer.ready_at  # the offer's ready time is an order's placed now
    fields = {
        "patient_id": ctx.patient_id, "rx_id": rx.rx_id, "product_id": rx.product_id,
        "pharmacy_id": ph.pharmacy_id, "quantity": rx.quantity, "days_supply": rx.days_supply,
        "dispense_brand": offer.dispense_brand, "price": offer.price, "price_type": offer.price_type,
        "status": "received", "created_at": created_at, "ready_at": ready, "idempotency_key": args.idempotency_key,
        "fulfilment": "pickup", "placed_by": ctx.actor,
    }
    if args.delivery and not prior:
        arrives_from, arrives_until = delivering(ph, ready)
        fields |= {"fulfilment": "delivery", "delivery_fee": ph.delivery_fee, "delivery_address": ctx.patient.address,
                   "arrives_from": arrives_from, "arrives_until": arrives_until}
    medication, strength = ctx.drug_of(rx).generic_name, ctx.store.product(rx.product_id).strength_label
    texts_on = ctx.store.sms_opt_in(ctx.patient_id, ctx.sandbox)
    text = order_text(fields, ph, medication, strength) if texts_on else None
    try:
        order, created = ctx.store.insert_order(fields, ctx.sandbox, text=text)
    except OrderConflict as e:
        raise ToolError("conflict", f"Order {e.order_id} for this prescription is already in progress.",
                        reason="already_in_progress") from e
    if order.patient_id != ctx.patient_id:  # a key reused across patients must not leak the other's order
        raise ToolError("conflict", "That confirmation key was already used.", reason="key_reused")
    texted = any(m.ref_id == order.order_id and not m.cancelled
                 for m in ctx.store.messages(ctx.patient_id, ctx.sandbox))
    return OrderReceipt(order=order, created=created, medication=medication, strength=strength, pharmacy_name=ph.name,
                        alerts=[a for a in decision.alerts if not a.blocking], texted=texted)


class OrderArgs(ToolArgs):
    order_id: str = Field(pattern=r"^(?i:ORD-\d{1,9})$", description="The order number, such as 'ORD-30001'.")


StatusNow = Literal["received", "in_progress", "ready", "on_its_way", "delivered", "picked_up", "cancelled"]


class OrderStatus(ToolOutput):
    order: Order
    medication: str
    strength: str
    pharmacy_name: str
    status_now: StatusNow = Field(description="The order as it is at the world's time: a preparing order past its "
                                              "ready time is ready, a delivery is then on its way until the end of "
                                              "its window, then delivered.")
    message: str


STATUS_WORDS = {
    "received": "received; the pharmacy will start filling it shortly",
    "in_progress": "being filled",
    "ready": "ready for pickup",
    "on_its_way": "on its way",
    "delivered": "delivered",
    "picked_up": "picked up",
    "cancelled": "cancelled",
}


def status_now(o: Order, at: dt.datetime) -> StatusNow:
    """What an order is at `at`, read from its stored status and times (nothing is written)."""
    status = o.status
    if status in PREPARING_ORDER_STATUSES and o.ready_at is not None and o.ready_at <= at:
        status = "ready"
    if status == "ready" and o.fulfilment == "delivery":
        return "delivered" if o.arrives_until is not None and at >= o.arrives_until else "on_its_way"
    return status


def _status(ctx: ToolContext, o: Order) -> OrderStatus:
    rx = ctx.own_prescription(o.rx_id)
    ph = ctx.store.pharmacy(o.pharmacy_id)
    now = status_now(o, ctx.clock)
    msg = f"Order {o.order_id} is {STATUS_WORDS[now]}"
    if now in PREPARING_ORDER_STATUSES and o.ready_at:
        msg += f"; expected ready at {o.ready_at:%H:%M} on {o.ready_at:%B %-d}"
    if o.fulfilment == "delivery" and now in (*PREPARING_ORDER_STATUSES, "on_its_way") and o.arrives_from:
        msg += f"; it is to be delivered to {o.delivery_address} {when(o.arrives_from, o.arrives_until)}"
    return OrderStatus(order=o, medication=ctx.drug_of(rx).generic_name,
                       strength=ctx.store.product(o.product_id).strength_label, pharmacy_name=ph.name,
                       status_now=now, message=msg + ".")


@tool("orders")
def track_order(ctx: ToolContext, args: OrderArgs) -> OrderStatus:
    """Status of one of the patient's orders as it is now: being filled, ready, on its way, delivered, cancelled...

    The status now is read from the world's clock: an order past its ready time is ready; a
    delivery is on its way until the end of its delivery window, then delivered.

    Args:
        order_id: such as 'ORD-20001'.

    Returns:
        The order, its medication and pharmacy, its status now, and its status in words with the
        ready time (and, for a delivery, the address and window).

    Raises:
        not_found for an unknown number; forbidden for another patient's order.
    """
    return _status(ctx, ctx.own_order(args.order_id))


@tool("orders", kind="write")
def cancel_order(ctx: ToolContext, args: OrderArgs) -> OrderStatus:
    """Cancel one of the patient's orders before it is picked up.

    Its text (ready for pickup / on its way), if not sent yet, is cancelled with it.

    Args:
        order_id: such as 'ORD-30001'.

    Returns:
        The cancelled order.

    Raises:
        conflict when it was already picked up or cancelled; not_found / forbidden as for tracking.
    """
    o = ctx.own_order(args.order_id)
    if o.status == "cancelled":
        raise ToolError("conflict", f"Order {o.order_id} is already cancelled.", reason="already_cancelled")
    if o.status == "picked_up":
        raise ToolError("conflict", f"Order {o.order_id} was already picked up and cannot be cancelled.",
                        reason="not_cancellable")
    try:
        o = ctx.store.set_order_status(o.order_id, "cancelled", allowed_from=OPEN_ORDER_STATUSES,
                                       sandbox=ctx.sandbox, at=ctx.clock)
    except StoreError as e:  # lost a race with another cancel
        raise ToolError("conflict", str(e), reason="status_changed") from e
    return _status(ctx, o)


class DeliveryArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to deliver, such as 'RX1001'.")
    pharmacy_id: str = Field(description="The pharmacy that would fill and deliver it, such as 'PH001'.")


class DeliveryQuote(ToolOutput):
    pharmacy_id: str
    pharmacy_name: str
    method: Literal["courier", "mail"]
    fee: float = Field(description="The delivery fee, 0 when free (the medication's price is apart).")
    address: str = Field(description="The patient's address on file, where it is delivered.")
    ready_at: dt.datetime = Field(description="When an order placed now would be ready at the pharmacy.")
    arrives_from: dt.datetime
    arrives_until: dt.datetime


@tool("orders")
def delivery_quote(ctx: ToolContext, args: DeliveryArgs) -> DeliveryQuote:
    """Whether and when a pharmacy would deliver a refill ordered now, how, for what fee and to which address.

    A courier delivers the same day in the pharmacy's window when the order is ready by its
    same-day cut-off, else the next day; mail takes a few days (free). The address is always the
    patient's address on file. Use it before a summary with delivery; nothing is written.

    Args:
        rx_id: the prescription, such as 'RX1001'.
        pharmacy_id: such as 'PH001'.

    Returns:
        The method (courier / mail), the fee, the address, when an order placed now would be
        ready, and the window it arrives in.

    Raises:
        refused (no_delivery) when the pharmacy does not deliver; not_found / forbidden for an
        unknown pharmacy or another patient's prescription.
    """
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    ready = quote(ctx, rx, distance_row(ctx, ph.pharmacy_id)).ready_at
    arrives_from, arrives_until = delivering(ph, ready)
    return DeliveryQuote(pharmacy_id=ph.pharmacy_id, pharmacy_name=ph.name, method=ph.delivery, fee=ph.delivery_fee or 0,
                         address=ctx.patient.address, ready_at=ready, arrives_from=arrives_from,
                         arrives_until=arrives_until)
