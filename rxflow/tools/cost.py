"""Cost tools: prices (copay vs cash vs discount card), several prescriptions at one pharmacy, formulary, brand
vs generic, prior auth."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from rxflow import clock
from rxflow.domain import DeliveryMethod, Offer, Prescription, PriceType
from rxflow.offers import MAX_OFFER_KM
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, tool
from rxflow.tools.drugs import resolve_drug
from rxflow.tools.pharmacy import hours_of, own_pharmacy


def dispense_brand(ctx: ToolContext, rx: Prescription) -> bool:
    """Brand when the prescriber wrote 'dispense as written' or no generic exists."""
    return rx.dispense_as_written or not ctx.drug_of(rx).generic_available


def copay_for(ctx: ToolContext, rx: Prescription) -> float | None:
    """The plan's copay for this fill, or None when the plan will not pay as things stand."""
    f = ctx.store.formulary(ctx.patient.plan_id, rx.drug_id)
    if f is None or f.prior_auth:
        return None
    return f.copay_90 if rx.days_supply >= 84 else f.copay_30


def quote(ctx: ToolContext, rx: Prescription, row: dict, pay_cash: bool = False) -> Offer:
    """One pharmacy's grounded offer. The patient pays the lowest of copay, cash and card; an order placed now
    (the world's clock) is ready after the typical wait, counted from the next opening when it is closed."""
    brand = dispense_brand(ctx, rx)
    prices = ctx.store.unit_prices(row["pharmacy_id"], rx.product_id) or {}
    unit_cash = prices.get("brand_unit_cash" if brand else "generic_unit_cash")
    unit_card = prices.get("brand_unit_card" if brand else "generic_unit_card")
    if unit_cash is None:
        raise ToolError("not_found", f"No price for {rx.product_id} at {row['pharmacy_id']}.", reason="no_price")
    cash = round(unit_cash * rx.quantity, 2)
    card = round(unit_card * rx.quantity, 2) if unit_card is not None else None
    copay = None if pay_cash else copay_for(ctx, rx)
    options = [(p, t) for p, t in ((copay, "copay"), (cash, "cash"), (card, "discount_card")) if p is not None]
    price, ptype = min(options, key=lambda o: o[0])  # ties keep the copay: it counts toward the deductible
    on_hand = ctx.store.on_hand(row["pharmacy_id"], rx.product_id) or 0
    wait = ctx.store.wait_minutes(row["pharmacy_id"], ctx.today.weekday()) or 0
    ph = ctx.store.pharmacy(row["pharmacy_id"])
    return Offer(pharmacy_id=row["pharmacy_id"], pharmacy_name=row["name"], chain=row["chain"], address=row["address"],
                 distance_km=round(row["distance_km"], 2), in_stock=on_hand >= rx.quantity, on_hand=on_hand,
                 wait_minutes=wait, price=price, price_type=ptype, copay=copay, cash_price=cash, card_price=card,
                 dispense_brand=brand, hours=hours_of(row), closes="24:00" if row["is_24h"] else row["closes"],
                 is_24h=row["is_24h"], drive_thru=row["drive_thru"], delivery=ph.delivery, delivery_fee=ph.delivery_fee,
                 ready_at=clock.ready_at(ph, ctx.clock, wait))


class PriceArgs(ToolArgs):
    rx_id: str = Field(description="The prescription to price, such as 'RX1001'.")
    pharmacy_id: str | None = Field(None, description="One pharmacy, such as 'PH004'; omit for all nearby.")
    pay_cash: bool = Field(False, description="Price without insurance (cash or discount card), such as true.")


class PriceQuotes(ToolOutput):
    rx_id: str
    medication: str
    strength: str
    quantity: int
    days_supply: int
    quotes: list[Offer]


@tool("cost")
def price_lookup(ctx: ToolContext, args: PriceArgs) -> PriceQuotes:
    """Price a prescription at one pharmacy or at every pharmacy nearby (within 15 km).

    The patient's price is the lowest of the plan copay (if covered), the pharmacy's cash
    price and the discount-card price; each quote also carries stock, wait and distance.

    Args:
        rx_id: the prescription, such as 'RX1001'.
        pharmacy_id: one pharmacy, such as 'PH004'; omit it for all nearby.
        pay_cash: price without insurance, such as true.

    Returns:
        One quote per pharmacy, nearest first: price and what it is (copay / cash /
        discount_card), the copay, cash and card prices, stock on hand, wait minutes.
    """
    rx = ctx.own_prescription(args.rx_id)
    p = ctx.patient
    rows = ctx.store.pharmacies_by_distance(p.lat, p.lon)
    if args.pharmacy_id:
        ph = own_pharmacy(ctx, args.pharmacy_id)
        rows = [r for r in rows if r["pharmacy_id"] == ph.pharmacy_id]
    else:
        rows = [r for r in rows if r["distance_km"] <= MAX_OFFER_KM]
    product = ctx.store.product(rx.product_id)
    return PriceQuotes(rx_id=rx.rx_id, medication=ctx.drug_of(rx).generic_name, strength=product.strength_label,
                       quantity=rx.quantity, days_supply=rx.days_supply,
                       quotes=[quote(ctx, rx, r, args.pay_cash) for r in rows])


class FormularyArgs(ToolArgs):
    drug: str = Field(description="A drug name, brand or id, such as 'Eliquis'.")


class FormularyReport(ToolOutput):
    plan: str | None
    drug_id: str
    drug: str
    covered: bool
    tier: int | None
    copay_30: float | None
    copay_90: float | None
    prior_auth: bool
    step_therapy: str | None
    quantity_limit_30: int | None


@tool("cost")
def formulary_check(ctx: ToolContext, args: FormularyArgs) -> FormularyReport:
    """Whether the patient's plan covers a drug, at which tier and copay, and with which restrictions.

    Restrictions: prior authorization, step therapy (a first-line drug first) and quantity
    limits per 30 days. A patient without a plan pays cash or with a discount card.

    Args:
        drug: a drug name, brand or id, such as 'Ozempic'.

    Returns:
        Covered or not, tier, 30- and 90-day copays, prior auth, step therapy, quantity limit.
    """
    drug = resolve_drug(ctx, args.drug)
    plan = ctx.store.plan(ctx.patient.plan_id)
    f = ctx.store.formulary(plan.plan_id if plan else None, drug.drug_id)
    return FormularyReport(
        plan=plan.name if plan else None, drug_id=drug.drug_id, drug=drug.generic_name, covered=f is not None,
        tier=f.tier if f else None, copay_30=f.copay_30 if f else None, copay_90=f.copay_90 if f else None,
        prior_auth=bool(f and f.prior_auth), step_therapy=(f.step_therapy or None) if f else None,
        quantity_limit_30=f.quantity_limit_30 if f else None)


class BrandGenericArgs(ToolArgs):
    rx_id: str = Field(description="The prescription, such as 'RX2003'.")
    pharmacy_id: str = Field(description="The pharmacy whose prices to compare, such as 'PH003'.")


class BrandGeneric(ToolOutput):
    rx_id: str
    medication: str
    brand_names: list[str]
    generic_available: bool
    dispense_as_written: bool
    generic_cash: float | None
    brand_cash: float
    generic_card: float | None
    brand_card: float | None
    dispensed: Literal["brand", "generic"]
    note: str


@tool("cost")
def brand_generic_compare(ctx: ToolContext, args: BrandGenericArgs) -> BrandGeneric:
    """Compare brand and generic prices for a prescription at one pharmacy, and say which is dispensed.

    The generic is dispensed when one exists, unless the prescriber wrote "dispense as
    written" (then the brand, as prescribed).

    Args:
        rx_id: the prescription, such as 'RX2003'.
        pharmacy_id: such as 'PH003'.

    Returns:
        Cash and discount-card prices for both, and which one will be dispensed and why.
    """
    rx = ctx.own_prescription(args.rx_id)
    ph = own_pharmacy(ctx, args.pharmacy_id)
    d = ctx.drug_of(rx)
    pr = ctx.store.unit_prices(ph.pharmacy_id, rx.product_id) or {}

    def total(key):
        return round(pr[key] * rx.quantity, 2) if pr.get(key) is not None else None

    brand = dispense_brand(ctx, rx)
    if rx.dispense_as_written:
        note = "The prescriber wrote 'dispense as written': the brand is dispensed."
    elif not d.generic_available:
        note = "No generic is available: the brand is dispensed."
    else:
        note = "The generic is dispensed: same ingredient and strength, lower price."
    return BrandGeneric(rx_id=rx.rx_id, medication=d.generic_name, brand_names=d.brand_names,
                        generic_available=d.generic_available, dispense_as_written=rx.dispense_as_written,
                        generic_cash=total("generic_unit_cash"), brand_cash=total("brand_unit_cash"),
                        generic_card=total("generic_unit_card"), brand_card=total("brand_unit_card"),
                        dispensed="brand" if brand else "generic", note=note)


class PriorAuthArgs(ToolArgs):
    rx_id: str = Field(description="The prescription, such as 'RX6001'.")


class PriorAuth(ToolOutput):
    rx_id: str
    medication: str
    plan: str | None
    required: bool
    criteria: str | None
    turnaround_days: int | None
    prescriber: str
    prescriber_phone: str
    prescriber_fax: str


@tool("cost")
def prior_auth_lookup(ctx: ToolContext, args: PriorAuthArgs) -> PriorAuth:
    """Whether the plan needs prior authorization for a prescription, its criteria and turnaround.

    A prior-authorization request goes from the prescriber to the plan; the patient may pay
    cash meanwhile.

    Args:
        rx_id: the prescription, such as 'RX6001'.

    Returns:
        Required or not, the plan's criteria, typical turnaround in days, and the
        prescriber's contact for the request.
    """
    rx = ctx.own_prescription(args.rx_id)
    plan = ctx.store.plan(ctx.patient.plan_id)
    f = ctx.store.formulary(plan.plan_id if plan else None, rx.drug_id)
    pr = ctx.store.prescriber(rx.prescriber_id)
    return PriorAuth(rx_id=rx.rx_id, medication=ctx.drug_of(rx).generic_name, plan=plan.name if plan else None,
                     required=bool(f and f.prior_auth), criteria=f.pa_criteria if f else None,
                     turnaround_days=f.pa_turnaround_days if f else None, prescriber=pr.name if pr else "",
                     prescriber_phone=pr.phone if pr else "", prescriber_fax=pr.fax if pr else "")


class AlternativesArgs(ToolArgs):
    drug: str = Field(description="A drug name, brand or id, such as 'Ozempic'.")


class CoveredDrug(ToolOutput):
    drug_id: str
    drug: str
    brand_names: list[str]
    tier: int
    copay_30: float
    copay_90: float
    prior_auth: bool
    step_therapy: str | None
    lower_cost: bool = Field(description="True when the plan would pay for it at a lower cost to the patient than for "
                                         "the drug asked about (which is not covered, or needs prior authorization, "
                                         "or has a higher copay)")


class Alternatives(ToolOutput):
    plan: str | None
    drug_id: str
    drug: str
    drug_class: str
    current: CoveredDrug | None = Field(description="the drug asked about on the plan's formulary; None = not covered")
    alternatives: list[CoveredDrug] = Field(description="the other drugs of its class on the plan's formulary")


def _covered(d, f, lower_cost: bool = False) -> CoveredDrug:
    return CoveredDrug(drug_id=d.drug_id, drug=d.generic_name, brand_names=d.brand_names, tier=f.tier,
                       copay_30=f.copay_30, copay_90=f.copay_90, prior_auth=f.prior_auth,
                       step_therapy=f.step_therapy or None, lower_cost=lower_cost)


@tool("cost")
def covered_alternatives(ctx: ToolContext, args: AlternativesArgs) -> Alternatives:
    """The drugs of the same class as a drug that the patient's plan covers: formulary alternatives.

    For "is there a cheaper alternative my plan covers?". Each alternative carries its tier,
    copays, prior authorization and step therapy, and whether it would cost the patient less
    than the drug asked about. Switching drugs is the prescriber's decision: this only reads
    the formulary, it changes no prescription.

    Args:
        drug: a drug name, brand or id, such as 'Ozempic'.

    Returns:
        The plan, the drug's class and its own formulary entry (None when not covered), and the
        covered drugs of the same class, lowest cost first.
    """
    drug = resolve_drug(ctx, args.drug)
    plan = ctx.store.plan(ctx.patient.plan_id)
    plan_id = plan.plan_id if plan else None
    own = ctx.store.formulary(plan_id, drug.drug_id)
    out = []
    for other in ctx.store.catalogue.values():
        f = ctx.store.formulary(plan_id, other.drug_id)
        if other.drug_id == drug.drug_id or other.drug_class != drug.drug_class or f is None:
            continue
        if own is None:
            lower = True  # the plan pays nothing for the drug asked about
        elif own.prior_auth:
            lower = not f.prior_auth or f.copay_30 < own.copay_30
        else:
            lower = not f.prior_auth and f.copay_30 < own.copay_30
        out.append(_covered(other, f, lower))
    out.sort(key=lambda a: (not a.lower_cost, a.prior_auth, a.copay_30, a.drug))
    return Alternatives(plan=plan.name if plan else None, drug_id=drug.drug_id, drug=drug.generic_name,
                        drug_class=drug.drug_class, current=_covered(drug, own) if own else None, alternatives=out)


class BasketArgs(ToolArgs):
    rx_ids: list[str] = Field(min_length=1, max_length=10,
                              description="The prescriptions to fill together, such as ['RX1001', 'RX1002'].")
    delivery: bool = Field(False, description="Only pharmacies that deliver, with the delivery window, such as true.")


class BasketItem(ToolOutput):
    rx_id: str
    medication: str
    strength: str
    quantity: int
    price: float
    price_type: PriceType
    dispense_brand: bool


class BasketOffer(ToolOutput):
    pharmacy_id: str
    pharmacy_name: str
    chain: str
    address: str
    distance_km: float
    items: list[BasketItem] = Field(description="Every prescription asked for, each priced as price_lookup prices it.")
    total: float = Field(description="The items' prices added up (a delivery fee is apart).")
    wait_minutes: int
    ready_at: dt.datetime = Field(description="When orders placed now would be ready.")
    hours: str
    is_24h: bool
    drive_thru: bool
    delivery: DeliveryMethod
    delivery_fee: float | None
    arrives_from: dt.datetime | None = Field(description="A delivery's window (delivery asked for), else None.")
    arrives_until: dt.datetime | None


class NearMiss(ToolOutput):
    pharmacy_id: str
    pharmacy_name: str
    distance_km: float
    missing_rx_id: str = Field(description="The one prescription it lacks stock for.")
    missing_medication: str


class BasketOffers(ToolOutput):
    rx_ids: list[str]
    offers: list[BasketOffer] = Field(description="Pharmacies within 15 km with every item in stock, nearest first.")
    missing_one: list[NearMiss] = Field(description="Pharmacies within 15 km lacking exactly one item, nearest first.")


@tool("cost")
def basket_offers(ctx: ToolContext, args: BasketArgs) -> BasketOffers:
    """Pharmacies that can fill several prescriptions at once ("refill everything that's due"), with the total.

    Every pharmacy within 15 km with every item in stock, nearest first, each item priced as
    price_lookup prices it (the lowest of copay, cash and card), with the total, the ready time
    of orders placed now and the delivery service; and, apart, the pharmacies lacking only one
    item, with which. It does not judge whether each may be refilled: ask patient_history.

    Args:
        rx_ids: up to 10 prescriptions, such as ['RX1001', 'RX1002', 'RX1003'].
        delivery: only pharmacies that deliver, with the delivery window, such as true.

    Returns:
        The offers (items, total, distance, ready time, delivery fee and window) and the near
        misses (the one item each lacks).

    Raises:
        not_found / forbidden for an unknown prescription or another patient's.
    """
    rxs = list({rx.rx_id: rx for rx in (ctx.own_prescription(r) for r in args.rx_ids)}.values())
    names = {rx.rx_id: (ctx.drug_of(rx).generic_name, ctx.store.product(rx.product_id).strength_label) for rx in rxs}
    p = ctx.patient
    offers, near = [], []
    for row in ctx.store.pharmacies_by_distance(p.lat, p.lon):
        ph = ctx.store.pharmacy(row["pharmacy_id"])
        if row["distance_km"] > MAX_OFFER_KM or (args.delivery and not ph.delivery):
            continue
        quotes = {rx.rx_id: quote(ctx, rx, row) for rx in rxs}
        lacking = [rx_id for rx_id, q in quotes.items() if not q.in_stock]
        first = next(iter(quotes.values()))
        if len(lacking) == 1:
            near.append(NearMiss(pharmacy_id=ph.pharmacy_id, pharmacy_name=ph.name, distance_km=first.distance_km,
                                 missing_rx_id=lacking[0], missing_medication=names[lacking[0]][0]))
        if lacking:
            continue
        window = clock.delivery_window(ph, first.ready_at) if args.delivery else None
        items = [BasketItem(rx_id=rx.rx_id, medication=names[rx.rx_id][0], strength=names[rx.rx_id][1],
                            quantity=rx.quantity, price=q.price, price_type=q.price_type, dispense_brand=q.dispense_brand)
                 for rx, q in zip(rxs, quotes.values(), strict=True)]
        offers.append(BasketOffer(
            pharmacy_id=ph.pharmacy_id, pharmacy_name=ph.name, chain=ph.chain, address=ph.address,
            distance_km=first.distance_km, items=items, total=round(sum(i.price for i in items), 2),
            wait_minutes=first.wait_minutes, ready_at=first.ready_at, hours=first.hours, is_24h=ph.is_24h,
            drive_thru=ph.drive_thru, delivery=ph.delivery, delivery_fee=ph.delivery_fee,
            arrives_from=window[0] if window else None, arrives_until=window[1] if window else None))
    return BasketOffers(rx_ids=[rx.rx_id for rx in rxs], offers=offers, missing_one=near)
