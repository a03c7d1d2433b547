"""Drug tools: catalogue lookup (fuzzy), dose verification, interactions and duplicates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from rapidfuzz import fuzz, process, utils

from rxflow import alerts, policy
from rxflow.domain import Alert, AlertCode, Drug, Severity
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, placeholder_rx, tool

MIN_SCORE = 80  # below this a fuzzy match is a guess, not an answer


def fuzzy_drugs(ctx: ToolContext, query: str, limit: int = 5) -> list[tuple[Drug, float, str, str]]:
    """(drug, score, matched name, kind) best first; one row per drug."""
    cat = ctx.store.catalogue
    names, owners = ctx.store.name_index
    q = utils.default_process(query)
    if not q:
        return []
    # WRatio rewards partial matches of long strings; ratio is the honest score for short
    # queries like "HCTZ" where a partial match ("hctz" in "...") would mislead.
    hits = process.extract(q, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit * 4)
    best: dict[str, tuple[Drug, float, str, str]] = {}
    for name, score, idx in hits:
        if len(q) <= 5:
            score = fuzz.ratio(q, name)
        drug_id, kind = owners[idx]
        if drug_id not in best or score > best[drug_id][1]:
            best[drug_id] = (cat[drug_id], float(score), name, kind)
    return sorted(best.values(), key=lambda t: (-t[1], t[0].drug_id))[:limit]


def resolve_drug(ctx: ToolContext, name: str) -> Drug:
    """A drug by id, exact name or a confident fuzzy match; a typed error otherwise."""
    key = name.strip().lower()
    if key in ctx.store.catalogue:
        return ctx.store.catalogue[key]
    hits = fuzzy_drugs(ctx, name, limit=2)
    if not hits or hits[0][1] < MIN_SCORE:
        raise ToolError("not_found", f"No drug in the catalogue matches '{name[:60]}'.", reason="unknown_drug")
    return hits[0][0]


class DrugLookupArgs(ToolArgs):
    query: str = Field(min_length=1, description="A drug name, brand, abbreviation or misspelling, such as 'lisinipril'.")
    limit: int = Field(5, ge=1, le=20)


class DrugMatch(ToolOutput):
    drug_id: str
    generic_name: str
    brand_names: list[str]
    matched: str
    matched_on: Literal["generic", "brand", "abbreviation"]
    score: float
    drug_class: str
    dea_schedule: int
    strengths: list[str]
    generic_available: bool


class DrugLookup(ToolOutput):
    query: str
    matches: list[DrugMatch]
    confident: bool = Field(description="True when the best match scores at least 80 of 100.")


@tool("drugs")
def drug_lookup(ctx: ToolContext, args: DrugLookupArgs) -> DrugLookup:
    """Find drugs in the catalogue by generic name, brand, abbreviation or a misspelling.

    Approximate matching (like RxNav's approximateTerm, offline): 'lisinipril' finds
    lisinopril, 'Lipitor' atorvastatin, 'HCTZ' hydrochlorothiazide.

    Args:
        query: what the user typed, such as 'synthroid'.
        limit: how many matches to return, such as 5.

    Returns:
        Matches best first, each with its score (0-100), what it matched on, class, DEA
        schedule and strengths; `confident` when the best score is 80 or more.
    """
    hits = fuzzy_drugs(ctx, args.query, args.limit)
    matches = [DrugMatch(drug_id=d.drug_id, generic_name=d.generic_name, brand_names=d.brand_names, matched=name,
                         matched_on=kind, score=round(score, 1), drug_class=d.drug_class, dea_schedule=d.dea_schedule,
                         strengths=[p.strength_label for p in ctx.store.products(d.drug_id)],
                         generic_available=d.generic_available)
               for d, score, name, kind in hits]
    return DrugLookup(query=args.query, matches=matches, confident=bool(matches) and matches[0].score >= MIN_SCORE)


class DosageArgs(ToolArgs):
    rx_id: str = Field(description="The prescription, such as 'RX8001'.")
    stated_strength: str | None = Field(None, description="What the patient said, such as '100 mcg' or '0.1 mg'.")
    stated_frequency: str | None = Field(None, description="A canonical frequency, such as 'once daily'.")
    stated_count: float | None = Field(None, ge=0, le=100, description="Tablets (capsules, puffs) per dose, such as 1.")


class DosageReport(ToolOutput):
    rx_id: str
    prescribed_strength: str
    prescribed_frequency: str
    directions: str
    stated_strength: str | None
    stated_frequency: str | None
    stated_count: float | None
    verdict: Literal["consistent", "mismatch", "unclear"]
    reason: str
    alert: Alert | None


@tool("drugs")
def dosage_verification(ctx: ToolContext, args: DosageArgs) -> DosageReport:
    """Compare the dose the patient states with the prescription, with units normalised.

    0.5 mg equals 500 mcg; 'twice daily' equals 'every 12 hours'; "1 every morning" is one
    tablet per dose, compared with the label's directions. A different strength, frequency or
    count is a mismatch (alert dose_mismatch): never refill a dose other than the prescribed
    one; ask the patient again or route to the pharmacist.

    Args:
        rx_id: the prescription, such as 'RX8001'.
        stated_strength: what the patient said, such as '100 mcg'.
        stated_frequency: a canonical frequency, such as 'once daily'.
        stated_count: tablets per dose the patient said, such as 1.

    Returns:
        consistent / mismatch / unclear, the reason, and the dose_mismatch alert on a mismatch.
    """
    rx = ctx.own_prescription(args.rx_id)
    product = ctx.store.product(rx.product_id)
    verdict, reason, facts = policy.check_stated_dose(product, rx.frequency, args.stated_strength,
                                                      args.stated_frequency, args.stated_count, rx.sig)
    alert = None
    if verdict == "mismatch":
        alert = alerts.make(AlertCode.DOSE_MISMATCH, reason, rx_id=rx.rx_id, drug=ctx.drug_of(rx).generic_name,
                            stated_strength=args.stated_strength, stated_frequency=args.stated_frequency,
                            stated_count=args.stated_count, **facts)
    return DosageReport(rx_id=rx.rx_id, prescribed_strength=product.strength_label, prescribed_frequency=rx.frequency,
                        directions=rx.sig, stated_strength=args.stated_strength,
                        stated_frequency=args.stated_frequency, stated_count=args.stated_count, verdict=verdict,
                        reason=reason, alert=alert)


class InteractionArgs(ToolArgs):
    drug: str = Field(description="The drug to check, by name, brand or id, such as 'meloxicam' or 'Advil'.")


class InteractionReport(ToolOutput):
    drug_id: str
    drug: str
    checked_against: list[str]
    alerts: list[Alert]
    worst: Literal["major", "moderate", "minor", "none"]


@tool("drugs")
def interaction_check(ctx: ToolContext, args: InteractionArgs) -> InteractionReport:
    """Check a drug against all of the patient's active medications: interactions and duplicate therapy.

    Matches at ingredient and class level (ACE inhibitor + NSAID, warfarin + NSAID, SSRI +
    tramadol, simvastatin + clarithromycin, opioid + benzodiazepine) and flags two drugs of
    one job (omeprazole + pantoprazole; PPI + H2 blocker).

    Args:
        drug: the drug to check, such as 'ibuprofen'.

    Returns:
        The medications checked, the alerts with severity, effect and management, and the
        worst severity found.
    """
    drug = resolve_drug(ctx, args.drug)
    store = ctx.store
    active = [r for r in store.prescriptions(ctx.patient_id, active_only=True) if policy.is_current(r, ctx.today)]
    own = next((r for r in active if r.drug_id == drug.drug_id), None)
    others = [r for r in active if own is None or r.rx_id != own.rx_id]
    product = store.product(own.product_id) if own else store.products(drug.drug_id)[0]
    case = policy.RefillCase(
        prescription=own or placeholder_rx(ctx, drug.drug_id, product.product_id), drug=drug, product=product,
        today=ctx.today, other_active=[policy.ActiveMed(rx_id=r.rx_id, drug=ctx.drug_of(r)) for r in others],
        interactions=store.interactions(), duplicate_groups=store.duplicate_groups())
    alerts = policy.review_interactions(case) + policy.review_duplicates(case)
    order = (Severity.MAJOR, Severity.MODERATE, Severity.MINOR)
    worst = next((s.value for s in order if any(a.severity == s for a in alerts)), "none")
    return InteractionReport(drug_id=drug.drug_id, drug=drug.generic_name,
                             checked_against=[ctx.drug_of(r).generic_name for r in others], alerts=alerts, worst=worst)
