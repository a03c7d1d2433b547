"""A fact sheet of the demo patients, from the tools: what a probe writer or an analyst needs to
label a conversation without reading the assistant's code.

    python scripts/world_sheet.py > docs/world_sheet.md

For each demo patient: allergies, plan, open orders, and for each prescription its strength,
directions, the refill rules' verdict (with the earliest date when too soon), the pharmacy of the
last fill, and the pharmacy offers the assistant shows (closest / lowest price / shortest wait).
"""

from __future__ import annotations

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


def main() -> None:
    s = get_settings()
    store = Store(":memory:", s.mock_dir)
    print(f"# Demo world fact sheet (today = {s.today})\n")
    print("Pharmacies: " + "; ".join(
        f"{p.pharmacy_id} {p.name} ({p.address}; {'24h' if p.is_24h else p.opens + '-' + p.closes}"
        f"{'; drive-thru' if p.drive_thru else ''})" for p in store.pharmacies()) + "\n")
    for pid in DEMO:
        ctx = ToolContext(store, pid, s.today)
        hist = call_tool(ctx, "patient_history", {"include_inactive": True}).data
        print(f"## {pid} {hist['name']} — plan {hist['plan']}; allergies: {', '.join(hist['allergies']) or 'none'}")
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
            if d.allowed or d.insurance_only:
                for cash in ((False, True) if d.insurance_only else (False,)):
                    r = call_tool(ctx, "price_lookup", {"rx_id": rx.rx_id, "pay_cash": cash}).data
                    offers, skipped = pick_offers([Offer(**q) for q in r["quotes"]])
                    print(f"- offers shown{' (paying cash)' if cash else ''}:")
                    for i, o in enumerate(offers, 1):
                        ph = store.pharmacy(o.pharmacy_id)
                        print(f"  {i}. {o.pharmacy_id} {o.pharmacy_name} ({', '.join(o.labels) or '-'}): "
                              f"${o.price:.2f} {o.price_type}, {o.distance_km:.1f} km, {o.wait_minutes} min, "
                              f"{'24h' if ph.is_24h else ph.opens + '-' + ph.closes}"
                              f"{', drive-thru' if ph.drive_thru else ''}")
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
