"""Reply templates. Every fact in a reply (price, stock, date, order number) comes from a tool
result or a store row passed in; the templates only arrange words around them."""

from __future__ import annotations

from rxflow.domain import Alert, NextStep, Offer

HELP = ("I can refill your prescriptions, check prices, and track or cancel orders. "
        "Try: \"I need to refill my {example}\", \"what are my medications?\" or \"where is my order?\"")

PRICE_TYPE = {"copay": "your plan copay", "cash": "cash price", "discount_card": "with a discount card"}
NEXT_STEP_WORDS = {
    NextStep.RENEWAL_REQUEST: "Next step: a renewal request to your prescriber",
    NextStep.NEW_PRESCRIPTION: "Next step: your prescriber needs to write a new prescription",
    NextStep.PHARMACIST: "Next step: a pharmacist will review this with you and your prescriber",
    NextStep.PRIOR_AUTH: "Next step: a prior-authorization request from your prescriber to your plan",
    NextStep.WAIT: "Next step: you can refill it on the date above (for travel or a lost supply, ask a pharmacist about an override)",
    NextStep.PAY_CASH: "You can pay the cash or discount-card price",
}


def money(x: float) -> str:
    return f"${x:,.2f}"


def med_line(name: str, strength: str, form: str, sig: str) -> str:
    return f"{name} {strength} {form} — {sig.rstrip('.')}"


def offer_line(i: int, o: Offer) -> str:
    tag = f" ({', '.join(o.labels)})" if o.labels else ""
    brand = " · brand" if o.dispense_brand else ""
    return (f"{i}. {o.pharmacy_name}{tag}: {money(o.price)} {PRICE_TYPE[o.price_type]}{brand}, "
            f"{o.distance_km:.1f} km away, ready in about {o.wait_minutes} min")


def alert_line(a: Alert) -> str:
    icon = {"major": "⛔", "moderate": "⚠️", "minor": "ℹ️", "info": "ℹ️"}[a.severity]
    return f"{icon} {a.reason}"


def referral(medication: str | None, a: Alert, prescriber: str | None = None, phone: str | None = None) -> str:
    step = NEXT_STEP_WORDS.get(a.next_step, "")
    if prescriber and a.next_step in (NextStep.RENEWAL_REQUEST, NextStep.NEW_PRESCRIPTION, NextStep.PRIOR_AUTH):
        step += f" ({prescriber}, {phone})"
    what = f"your {medication}" if medication else "this prescription"
    return f"I can't refill {what} right now. {a.reason}\nThe rule: {a.rule}" + (f"\n{step}." if step else "")
