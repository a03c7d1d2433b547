"""A fact sheet of the demo patients, from the tools: what a probe writer or an analyst needs to
label a conversation without reading the assistant's code.

    python scripts/world_sheet.py > docs/world_sheet.md

The world's clock and each pharmacy's hours and delivery service; for each demo patient (and, under
P002, his dependant P027): allergies, plan, texts on or off, open orders, and for each prescription its
strength, directions, the refill rules' verdict (with the earliest date when too soon), the pharmacy of
the last fill, what auto-refill and a refill reminder would be, and the pharmacy offers the assistant
shows (closest / lowest price / shortest wait) with their ready times at the sheet's clock.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rxflow import policy  # noqa: E402
from rxflow.config import get_settings  # noqa: E402
from rxflow.domain import Offer  # noqa: E402
from rxflow.offers import pick_offers  # noqa: E402
from rxflow.store import Store  # noqa: E402
from rxflow.tools import ToolContext, call_tool  # noqa: E402

DEMO = ("P001", "P002", "P003", "P004", "P005", "P006", "P007", "P008", "P009")
# The sheet's clock, unless RXFLOW_NOW pins another: the evals' (offers' ready times depend on it).
SHEET_TIME = dt.time(11, 0)


def delivery_of(p) -> str:
    if p.delivery == "courier":
        fee = f"${p.delivery_fee:.2f}" if p.delivery_fee else "free"
        return f"courier {fee}, same day if ready by {p.delivery_cutoff}, {p.delivery_window}"
    if p.delivery == "mail":
        return f"mail {'free' if not p.delivery_fee else f'${p.delivery_fee:.2f}'}, {p.delivery_window}"
    return "no delivery"


def main() -> None:
    s = get_settings()
    store = Store(":memory:", s.mock_dir)
    now = s.now or dt.datetime.combine(s.today, SHEET_TIME)
    print(f"# Demo world fact sheet (today = {s.today})\n")
    print(f"World time zone: {s.timezone}. The world's date is pinned ({s.today:%A %Y-%m-%d}); its time of day is "
          "the real one in that zone unless RXFLOW_NOW pins it (such as 2026-11-24T21:30). This sheet is at "
          f"{now:%H:%M}: ready times below are for orders placed then. An order is ready after the pharmacy's "
          "typical wait, counted from its next opening when it is closed.\n")
    print("Pharmacies: " + "; ".join(
        f"{p.pharmacy_id} {p.name} ({p.address}; {'24h' if p.is_24h else p.opens + '-' + p.closes}"
        f"{'; drive-thru' if p.drive_thru else ''}; delivery: {delivery_of(p)})" for p in store.pharmacies()) + "\n")
    for pid in DEMO:
        patient_section(store, ToolContext(store, pid, s.today, now=now))
        for c in store.dependants(pid):
            patient_section(store, ToolContext.acting(store, pid, c.patient_id, s.today, now=now),
                            f"- dependant of {pid} ({c.relationship}; authorised {c.authorised_on}): not a demo patient, "
                            f"reached only through {pid}, who acts for her; what he places is written on her record")


def ready(at: dt.datetime, today: dt.date) -> str:
    return f"{at:%H:%M}" if at.date() == today else f"{at:%b %-d %H:%M}"


def patient_section(store: Store, ctx: ToolContext, note: str = "") -> None:
    pid = ctx.patient_id
    p = ctx.patient
    hist = call_tool(ctx, "patient_history", {"include_inactive": True}).data
    texts = "on" if call_tool(ctx, "notification_settings", {}).data["sms_on"] else "off"
    print(f"## {pid} {hist['name']} — plan {hist['plan']}; allergies: {', '.join(hist['allergies']) or 'none'}")
    if note:
        print(note)
    print(f"- address on file: {p.address}; phone {p.phone}; texts {texts}")
    for o in hist["recent_orders"]:
        print(f"- order {o['order_id']}: {o['medication']} at {o['pharmacy_id']}, {o['status']}")
    for m in hist["medications"]:
        rx = store.prescription(m["rx_id"])
        d = policy.evaluate(ctx.refill_case(rx))
        fills = store.fills(rx.rx_id)
        last_ph = fills[-1]["pharmacy_id"] if fills else None
        verdict = "ALLOWED" if d.allowed else (
            "cash only (insurance blocks: " if d.insurance_only else "BLOCKED (") + ", ".join(
            f"{a.code}" for a in d.blocking) + ")" if not d.allowed else "ALLOWED"
        notes = "; ".join(f"{a.code}: {a.reason}" for a in d.alerts)
        print(f"\n### {m['rx_id']} {m['name']} {m['strength']} ({', '.join(m['brand_names']) or 'no brand'}) "
              f"[{m['status']}]")
        print(f"- directions: {m['sig']} (frequency: {m['frequency']}); qty {m['quantity']} / "
              f"{m['days_supply']} days; refills left {m['refills_remaining']}; last fill {m['last_fill_date']} "
              f"at {last_ph}; expires {m['expires_on']}")
        print(f"- verdict: {verdict}" + (f" — {notes}" if notes else ""))
        auto = call_tool(ctx, "auto_refill_plan", {"rx_id": rx.rx_id})
        print("- auto-refill: " + (f"next fill {auto.data['next_fill_date']} at {auto.data['pharmacy_id']}" if auto.ok
                                   else f"refused ({', '.join(auto.error['alerts'])})"))
        remind = call_tool(ctx, "reminder_plan", {"rx_id": rx.rx_id}).data
        print(f"- reminder: {remind['send_at'].replace('T', ' ')} ({remind['basis']})")
        if d.allowed or d.insurance_only:
            for cash in ((False, True) if d.insurance_only else (False,)):
                r = call_tool(ctx, "price_lookup", {"rx_id": rx.rx_id, "pay_cash": cash}).data
                offers, skipped = pick_offers([Offer(**q) for q in r["quotes"]])
                print(f"- offers shown{' (paying cash)' if cash else ''}:")
                for i, o in enumerate(offers, 1):
                    ph = store.pharmacy(o.pharmacy_id)
                    print(f"  {i}. {o.pharmacy_id} {o.pharmacy_name} ({', '.join(o.labels) or '-'}): "
                          f"${o.price:.2f} {o.price_type}, {o.distance_km:.1f} km, {o.wait_minutes} min "
                          f"(ready {ready(o.ready_at, ctx.today)}), "
                          f"{'24h' if ph.is_24h else ph.opens + '-' + ph.closes}"
                          f"{', drive-thru' if ph.drive_thru else ''}{', delivers' if ph.delivery else ''}")
                others = [q for q in r["quotes"] if q["in_stock"] and q["pharmacy_id"] not in
                          {o.pharmacy_id for o in offers}]
                if others:
                    print("  also in stock within 15 km: " + ", ".join(
                        f"{q['pharmacy_id']} ({q['distance_km']:.1f} km, ${q['price']:.2f})" for q in others))
                if skipped:
                    print("  not offered (out of stock): " + ", ".join(q.pharmacy_id for q in skipped))
    print()


if __name__ == "__main__":
    main()
