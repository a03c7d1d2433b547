"""Order tools. submit_order and cancel_order write: the flow calls them only after an explicit yes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from rxflow import policy
from rxflow.domain import OPEN_ORDER_STATUSES, PREPARING_ORDER_STATUSES, Alert, AlertCode, Order
from rxflow.store import OrderConflict, StoreError
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, tool
from rxflow.tools.cost import quote
from rxflow.tools.pharmacy import distance_row, own_pharmacy


class SubmitArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to refill, such as 'RX1001'.")
    pharmacy_id: str = Field(description="Where to fill it, such as 'PH004'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:RX1001:PH004'.")
    pay_cash: bool = Field(False, description="Pay cash or by discount card instead of insurance, such as true.")


class OrderReceipt(ToolOutput):
    order: Order
    created: bool = Field(description="False when this key had already placed the order (a repeated yes).")
    medication: str
    strength: str
    pharmacy_name: str
    alerts: list[Alert]


@tool("orders", kind="write")
def submit_order(ctx: ToolContext, args: SubmitArgs) -> OrderReceipt:
    """Place a refill order at a pharmacy, after the patient explicitly confirmed the summary.

    Runs the refill policy again and refuses what it refuses (no refills, too soon, expired,
    controlled, major allergy or interaction, prior authorization unless paying cash). Writes
    one order in one transaction; the same idempotency key never writes a second order.

    Args:
        rx_id: such as 'RX1001'.
        pharmacy_id: such as 'PH004'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:RX1001:PH004'.
        pay_cash: pay without insurance, such as true.

    Returns:
        The order (id such as 'ORD-30001', price, ready time) and whether it was newly created.

    Raises:
        refused when not confirmed, blocked by the policy, or out of stock.
    """
    if not args.confirmed:
        raise ToolError("refused", "An order is placed only after the patient's explicit yes.", reason="not_confirmed")
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    # A repeated yes returns the order the first one placed, even though the policy would
    # now say "order in progress" for it.
    prior = ctx.store.order_by_key(args.idempotency_key, ctx.sandbox)
    decision = policy.evaluate(ctx.refill_case(rx))
    if not prior and decision.blocking and not (decision.insurance_only and args.pay_cash):
        codes = ", ".join(a.code for a in decision.blocking)
        raise ToolError("refused", f"The refill policy does not allow this order ({codes}).",
                        {"alerts": [a.code.value for a in decision.blocking]}, reason="blocked_by_policy")
    offer = quote(ctx, rx, distance_row(ctx, ph.pharmacy_id), pay_cash=args.pay_cash)
    if not prior and not offer.in_stock:
        raise ToolError("refused", f"{ph.name} does not have enough in stock.", {"alerts": [AlertCode.OUT_OF_STOCK.value]},
                        reason="out_of_stock")
    created_at = dt.datetime.combine(ctx.today, dt.datetime.now().time().replace(microsecond=0))
    try:
        order, created = ctx.store.insert_order({
            "patient_id": ctx.patient_id, "rx_id": rx.rx_id, "product_id": rx.product_id,
            "pharmacy_id": ph.pharmacy_id, "quantity": rx.quantity, "days_supply": rx.days_supply,
            "dispense_brand": offer.dispense_brand, "price": offer.price, "price_type": offer.price_type,
            "status": "received", "created_at": created_at,
            "ready_at": created_at + dt.timedelta(minutes=offer.wait_minutes), "idempotency_key": args.idempotency_key,
        }, ctx.sandbox)
    except OrderConflict as e:
        raise ToolError("conflict", f"Order {e.order_id} for this prescription is already in progress.",
                        reason="already_in_progress") from e
    if order.patient_id != ctx.patient_id:  # a key reused across patients must not leak the other's order
        raise ToolError("conflict", "That confirmation key was already used.", reason="key_reused")
    return OrderReceipt(order=order, created=created, medication=ctx.drug_of(rx).generic_name,
                        strength=ctx.store.product(rx.product_id).strength_label, pharmacy_name=ph.name,
                        alerts=[a for a in decision.alerts if not a.blocking])


class OrderArgs(ToolArgs):
    order_id: str = Field(pattern=r"^(?i:ORD-\d{1,9})$", description="The order number, such as 'ORD-30001'.")


class OrderStatus(ToolOutput):
    order: Order
    medication: str
    strength: str
    pharmacy_name: str
    message: str


STATUS_WORDS = {
    "received": "received; the pharmacy will start filling it shortly",
    "in_progress": "being filled",
    "ready": "ready for pickup",
    "picked_up": "picked up",
    "cancelled": "cancelled",
}


def _status(ctx: ToolContext, o: Order) -> OrderStatus:
    rx = ctx.own_prescription(o.rx_id)
    ph = ctx.store.pharmacy(o.pharmacy_id)
    msg = f"Order {o.order_id} is {STATUS_WORDS[o.status]}"
    if o.status in PREPARING_ORDER_STATUSES and o.ready_at:
        msg += f"; expected ready at {o.ready_at:%H:%M} on {o.ready_at:%B %-d}"
    return OrderStatus(order=o, medication=ctx.drug_of(rx).generic_name,
                       strength=ctx.store.product(o.product_id).strength_label, pharmacy_name=ph.name,
                       message=msg + ".")


@tool("orders")
def track_order(ctx: ToolContext, args: OrderArgs) -> OrderStatus:
    """Status of one of the patient's orders: received, being filled, ready, picked up or cancelled.

    Args:
        order_id: such as 'ORD-20001'.

    Returns:
        The order, its medication and pharmacy, and its status in words with the ready time.

    Raises:
        not_found for an unknown number; forbidden for another patient's order.
    """
    return _status(ctx, ctx.own_order(args.order_id))


@tool("orders", kind="write")
def cancel_order(ctx: ToolContext, args: OrderArgs) -> OrderStatus:
    """Cancel one of the patient's orders before it is picked up.

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
                                       sandbox=ctx.sandbox)
    except StoreError as e:  # lost a race with another cancel
        raise ToolError("conflict", str(e), reason="status_changed") from e
    return _status(ctx, o)
