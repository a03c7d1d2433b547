"""Pharmacy tools: locator, inventory, wait time, details."""

from __future__ import annotations

from pydantic import Field

from rxflow.domain import DeliveryMethod
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, tool


def own_pharmacy(ctx: ToolContext, pharmacy_id: str):
    ph = ctx.store.pharmacy(pharmacy_id.upper())
    if ph is None:
        raise ToolError("not_found", f"No pharmacy {pharmacy_id[:40]}.", reason="unknown_pharmacy")
    return ph


def distance_row(ctx: ToolContext, pharmacy_id: str) -> dict:
    """One pharmacy's row with its distance from the signed-in patient."""
    p = ctx.patient
    return next(r for r in ctx.store.pharmacies_by_distance(p.lat, p.lon) if r["pharmacy_id"] == pharmacy_id)


class LocatorArgs(ToolArgs):
    limit: int = Field(5, ge=1, le=12, description="How many pharmacies, such as 5.")
    max_km: float | None = Field(None, gt=0, le=100, description="Only pharmacies within this distance, such as 5.")
    open_24h: bool = Field(False, description="Only 24-hour pharmacies.")
    drive_thru: bool = Field(False, description="Only pharmacies with a drive-thru.")


class NearbyPharmacy(ToolOutput):
    pharmacy_id: str
    name: str
    chain: str
    address: str
    distance_km: float
    hours: str
    drive_thru: bool


class Locator(ToolOutput):
    pharmacies: list[NearbyPharmacy]


def hours_of(row) -> str:
    return "open 24 hours" if row["is_24h"] else f"{row['opens']}-{row['closes']}"


@tool("pharmacy")
def pharmacy_locator(ctx: ToolContext, args: LocatorArgs) -> Locator:
    """Find pharmacies near the signed-in patient's address, nearest first.

    Args:
        limit: how many, such as 5.
        max_km: only within this many kilometres, such as 5.
        open_24h: only 24-hour pharmacies, such as true.
        drive_thru: only pharmacies with a drive-thru, such as true.

    Returns:
        Pharmacies with id (such as 'PH004'), name, address, distance in km and hours.
    """
    p = ctx.patient
    out = []
    for r in ctx.store.pharmacies_by_distance(p.lat, p.lon):
        if (args.max_km and r["distance_km"] > args.max_km) or (args.open_24h and not r["is_24h"]) \
                or (args.drive_thru and not r["drive_thru"]):
            continue
        out.append(NearbyPharmacy(pharmacy_id=r["pharmacy_id"], name=r["name"], chain=r["chain"], address=r["address"],
                                  distance_km=round(r["distance_km"], 2), hours=hours_of(r), drive_thru=r["drive_thru"]))
    return Locator(pharmacies=out[: args.limit])


class InventoryArgs(ToolArgs):
    pharmacy_id: str = Field(description="Pharmacy id, such as 'PH004'.")
    rx_id: str = Field(description="The prescription whose product and quantity to check, such as 'RX1001'.")


class Inventory(ToolOutput):
    pharmacy_id: str
    product_id: str
    strength: str
    on_hand: int
    needed: int
    in_stock: bool


@tool("pharmacy")
def inventory_check(ctx: ToolContext, args: InventoryArgs) -> Inventory:
    """Check whether a pharmacy has enough of a prescription's exact product in stock.

    Args:
        pharmacy_id: such as 'PH004'.
        rx_id: the prescription, such as 'RX1001'.

    Returns:
        Units on hand, units needed for the fill and whether it is in stock.
    """
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    on_hand = ctx.store.on_hand(ph.pharmacy_id, rx.product_id) or 0
    product = ctx.store.product(rx.product_id)
    return Inventory(pharmacy_id=ph.pharmacy_id, product_id=rx.product_id, strength=product.strength_label,
                     on_hand=on_hand, needed=rx.quantity, in_stock=on_hand >= rx.quantity)


class PharmacyArgs(ToolArgs):
    pharmacy_id: str = Field(description="Pharmacy id, such as 'PH004'.")


class WaitTime(ToolOutput):
    pharmacy_id: str
    weekday: str
    minutes: int


@tool("pharmacy")
def wait_time(ctx: ToolContext, args: PharmacyArgs) -> WaitTime:
    """Typical wait today, in minutes, from order to ready for pickup, at one pharmacy.

    Args:
        pharmacy_id: such as 'PH004'.

    Returns:
        The weekday and the typical wait in minutes.
    """
    ph = own_pharmacy(ctx, args.pharmacy_id)
    wd = ctx.today.weekday()
    return WaitTime(pharmacy_id=ph.pharmacy_id, weekday=ctx.today.strftime("%A"),
                    minutes=ctx.store.wait_minutes(ph.pharmacy_id, wd) or 0)


class PharmacyDetails(ToolOutput):
    pharmacy_id: str
    name: str
    chain: str
    address: str
    phone: str
    hours: str
    is_24h: bool
    drive_thru: bool
    distance_km: float
    delivery: DeliveryMethod = Field(description="courier, mail, or '' when it does not deliver")
    delivery_fee: float | None = Field(description="0 when free; None when it does not deliver")
    delivery_cutoff: str = Field(description="courier: ready by this time, delivered the same day, such as '14:00'")
    delivery_window: str = Field(description="courier: the hours it comes, such as '16:00-20:00'; mail: how long "
                                             "it takes, such as '3 days'")


@tool("pharmacy")
def pharmacy_details(ctx: ToolContext, args: PharmacyArgs) -> PharmacyDetails:
    """Address, phone, hours, 24-hour, drive-thru and delivery service of one pharmacy, with its distance.

    Args:
        pharmacy_id: such as 'PH004'.

    Returns:
        The pharmacy's details (delivery: courier or mail, fee, cut-off, window) and its distance in km.
    """
    ph = own_pharmacy(ctx, args.pharmacy_id)
    row = distance_row(ctx, ph.pharmacy_id)
    return PharmacyDetails(pharmacy_id=ph.pharmacy_id, name=ph.name, chain=ph.chain, address=ph.address,
                           phone=ph.phone, hours=hours_of(row), is_24h=ph.is_24h, drive_thru=ph.drive_thru,
                           distance_km=round(row["distance_km"], 2), delivery=ph.delivery,
                           delivery_fee=ph.delivery_fee, delivery_cutoff=ph.delivery_cutoff,
                           delivery_window=ph.delivery_window)
