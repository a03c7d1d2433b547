"""Which pharmacy offers to show, and which offer a criterion names: the one place this arithmetic lives.

Programs may say *how* the patient chose ("the cheapest", "the one with the drive-thru", "same as
last time"); which offer that is, is computed here from the offers' grounded fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rxflow.domain import Offer

MAX_OFFER_KM = 15.0

# The three orderings a patient can ask for, each with a tie-break on distance.
ORDERINGS: dict[str, Callable[[Offer], tuple]] = {
    "cheapest": lambda o: (o.price, o.distance_km),
    "closest": lambda o: (o.distance_km,),
    "fastest": lambda o: (o.wait_minutes, o.distance_km),
}
LABELS = {"closest": "closest", "cheapest": "lowest price", "fastest": "shortest wait"}
# Services a pharmacy has or not.
FEATURES: dict[str, Callable[[Offer], bool]] = {
    "drive_thru": lambda o: o.drive_thru,
    "open_24h": lambda o: o.is_24h,
}


def pick_offers(quotes: list[Offer], limit: int = 3) -> tuple[list[Offer], list[Offer]]:
    """Up to `limit` offers: the closest, the cheapest and the fastest in stock, then the next closest.

    Returns (offers, skipped): skipped are pharmacies nearer than the closest offer that are
    out of stock, so the reply can say why the nearest one is not listed.
    """
    stocked = in_reach(quotes)
    if not stocked:
        return [], [q for q in quotes if not q.in_stock][:3]
    picks: dict[str, Offer] = {}
    for name, key in ORDERINGS.items():
        best = min(stocked, key=key)
        picks.setdefault(best.pharmacy_id, best.model_copy(update={"labels": []})).labels.append(LABELS[name])
    for q in sorted(stocked, key=lambda q: q.distance_km):
        if len(picks) >= limit:
            break
        picks.setdefault(q.pharmacy_id, q.model_copy(update={"labels": []}))
    offers = sorted(picks.values(), key=lambda o: o.distance_km)[:limit]
    nearest = min(o.distance_km for o in offers)
    skipped = [q for q in quotes if not q.in_stock and q.distance_km < nearest]
    return offers, skipped


def in_reach(quotes: list[Offer]) -> list[Offer]:
    """Quotes a patient may be offered: in stock, within reach."""
    return [q for q in quotes if q.in_stock and q.distance_km <= MAX_OFFER_KM]


def _closes_at(o: Offer) -> str:
    return "24:00" if o.is_24h else o.closes


@dataclass
class Choice:
    """The offer a criterion names, or the offers it leaves a tie between (ask which), or nothing."""

    offer: Offer | None = None
    ties: list[Offer] = field(default_factory=list)
    added: bool = False  # the offer was not among those shown (a feature only another pharmacy has)


def choose(criterion: str, offers: list[Offer], others: list[Offer] = (), last_pharmacy: str | None = None,
           earlier_pharmacy: str | None = None) -> Choice:
    """The offer meeting `criterion` among the offers shown; for a service or a reference that
    none of them meets, the nearest of `others` (in stock, in reach) that does."""
    if not offers:
        return Choice()
    if criterion in ORDERINGS:
        return Choice(min(offers, key=ORDERINGS[criterion]))
    if criterion in FEATURES or criterion == "open_late":
        if criterion == "open_late":
            latest = max(_closes_at(o) for o in offers)
            hits = [o for o in offers if _closes_at(o) == latest]
        else:
            hits = [o for o in offers if FEATURES[criterion](o)]
        if len(hits) == 1:
            return Choice(hits[0])
        if hits:
            return Choice(ties=hits)
        extra = sorted((o for o in others if FEATURES[criterion](o)), key=ORDERINGS["closest"])
        return Choice(extra[0], added=True) if extra else Choice()
    wanted = {"last_time": last_pharmacy, "same_as_before": earlier_pharmacy}.get(criterion)
    if wanted:
        for pool, added in ((offers, False), (others, True)):
            hit = next((o for o in pool if o.pharmacy_id == wanted), None)
            if hit:
                return Choice(hit, added=added)
    return Choice()
