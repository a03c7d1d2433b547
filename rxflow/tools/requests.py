"""Request tools: what reaches a human when a refill cannot be done here.

A renewal goes to the prescriber, a prior authorization to the plan through the prescriber, a
pharmacist's call back to the pharmacy team, and a transfer in to a pharmacist of ours, who calls the
pharmacy the prescription is at now. create_request, request_transfer and withdraw_request write: the
flow calls them only after the patient's explicit yes to a summary of exactly what is sent.
"""

from __future__ import annotations

import re

from pydantic import Field

from rxflow import policy
from rxflow.domain import (
    OPEN_REQUEST_STATUSES,
    Alert,
    AlertCode,
    Drug,
    NextStep,
    ReferralKind,
    Request,
)
from rxflow.store import RequestConflict, StoreError
from rxflow.tools.base import ToolArgs, ToolContext, ToolError, ToolOutput, tool
from rxflow.tools.drugs import resolve_drug
from rxflow.tools.pharmacy import own_pharmacy

# The reason of a pharmacist's call back that no alert led to: the patient asked for one.
PATIENT_REQUEST = "patient_request"
REASONS = frozenset({*(c.value for c in AlertCode), PATIENT_REQUEST})

# Which request each next step of the rules (rxflow/alerts.py) calls for. A new prescription is
# asked of the prescriber like a renewal; "wait" may still be overridden, by a pharmacist.
_KIND_OF_STEP: dict[NextStep, ReferralKind] = {
    NextStep.RENEWAL_REQUEST: "renewal", NextStep.NEW_PRESCRIPTION: "renewal", NextStep.PRIOR_AUTH: "prior_auth",
    NextStep.PHARMACIST: "pharmacist_callback", NextStep.WAIT: "pharmacist_callback",
}


def warranted(alerts: list[Alert]) -> dict[str, list[str]]:
    """The requests the rules' alerts call for, each with the alert codes that lead to it (blocking
    alerts first, in the rules' order). Only a blocking alert calls for a request, except "renewal
    needed" (the last refill is being used), which may go to the prescriber ahead of time. A
    pharmacist's call back is always possible: a patient may ask for one with no alert at all."""
    out: dict[str, list[str]] = {}
    for a in sorted(alerts, key=lambda a: not a.blocking):
        kind = _KIND_OF_STEP.get(a.next_step)
        if kind and (a.blocking or kind == "renewal") and a.code.value not in out.get(kind, []):
            out.setdefault(kind, []).append(a.code.value)
    out.setdefault("pharmacist_callback", []).append(PATIENT_REQUEST)
    return out


class RequestLine(ToolOutput):
    request: Request
    medication: str
    strength: str = Field(description="'' for a transfer of a drug not on the patient's record here.")
    prescriber: str = Field(description="The prescriber it goes to (or, for a call back or a transfer, the one on the "
                                        "prescription; '' when it is not on the record).")
    practice: str
    prescriber_phone: str
    plan: str | None = Field(description="The plan a prior authorization goes to; None for other kinds.")
    callback_phone: str | None = Field(description="The patient's phone on file, for a pharmacist's call back.")
    from_pharmacy: str | None = Field(None, description="A transfer: the pharmacy it comes from, as the patient named it.")
    to_pharmacy: str | None = Field(None, description="A transfer: the name of our pharmacy it comes to.")


def _line(ctx: ToolContext, r: Request) -> dict:
    store = ctx.store
    rx = store.prescription(r.rx_id) if r.rx_id else None
    drug = store.drug(r.drug_id) if r.drug_id else ctx.drug_of(rx)
    doc = store.prescriber(r.prescriber_id) if r.prescriber_id else None
    plan = store.plan(ctx.patient.plan_id) if r.kind == "prior_auth" else None
    to = store.pharmacy(r.pharmacy_id) if r.pharmacy_id else None
    return {"request": r, "medication": drug.generic_name,
            "strength": store.product(rx.product_id).strength_label if rx else "", "prescriber": doc.name if doc else "",
            "practice": doc.practice if doc else "", "prescriber_phone": doc.phone if doc else "",
            "plan": plan.name if plan else None,
            "callback_phone": ctx.patient.phone if r.kind == "pharmacist_callback" else None,
            "from_pharmacy": r.from_pharmacy, "to_pharmacy": to.name if to else None}


class CreateRequestArgs(ToolArgs):
    rx_id: str = Field(description="The prescription it is about, such as 'RX3003'.")
    kind: ReferralKind = Field(description="renewal (to the prescriber), prior_auth (to the plan, through the "
                                          "prescriber) or pharmacist_callback, such as 'renewal'.")
    reason: str = Field(pattern=r"^[a-z0-9_]{2,40}$",
                        description="The alert code that led to it, such as 'expired', or 'patient_request'.")
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:RX3003:renewal'.")


class RequestReceipt(RequestLine):
    created: bool = Field(description="False when this key had already sent the request (a repeated yes).")


def _check_warranted(ctx: ToolContext, rx, kind: str, reason: str) -> None:
    if reason not in REASONS:
        raise ToolError("bad_input", f"Unknown reason {reason!r}.", reason="invalid_request_reason")
    if kind == "pharmacist_callback":
        return  # a patient may always ask a pharmacist to call; the reason says what about
    allowed = warranted(policy.evaluate(ctx.refill_case(rx)).alerts).get(kind, [])
    if reason not in allowed:
        what = "renewal" if kind == "renewal" else "prior-authorization"
        raise ToolError("refused", f"The refill rules call for no {what} request for {rx.rx_id} "
                                   f"({', '.join(allowed) or 'none'}).", {"allowed": allowed}, reason="not_warranted")


@tool("requests", kind="write")
def create_request(ctx: ToolContext, args: CreateRequestArgs) -> RequestReceipt:
    """Send a request to a human, after the patient explicitly confirmed its summary.

    A renewal asks the prescriber to renew (or rewrite) the prescription; a prior authorization
    asks the plan to approve it, sent by the prescriber; a pharmacist's call back asks a
    pharmacist to phone the patient. Renewals and prior authorizations are sent only when the
    refill rules call for them (expired, no refills left, controlled, prior authorization or step
    therapy...). Writes one request in one transaction; the same idempotency key never writes a
    second one, and a request of the same kind for the same prescription already sent is not
    sent twice.

    Args:
        rx_id: such as 'RX3003'.
        kind: 'renewal', 'prior_auth' or 'pharmacist_callback'.
        reason: the alert code that led to it, such as 'expired', or 'patient_request'.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:RX3003:renewal'.

    Returns:
        The request (id such as 'REQ-40001', status 'sent'), who it goes to, and whether it was
        newly created.

    Raises:
        refused when not confirmed or not called for by the rules; conflict when the same request
        is already sent (its id in request_id); not_found / forbidden for another's prescription.
    """
    if not args.confirmed:
        raise ToolError("refused", "A request is sent only after the patient's explicit yes.", reason="not_confirmed")
    rx = ctx.own_prescription(args.rx_id)
    prior = ctx.store.request_by_key(args.idempotency_key, ctx.sandbox)
    if prior is not None and (prior.patient_id, prior.rx_id, prior.kind) != (ctx.patient_id, rx.rx_id, args.kind):
        raise ToolError("conflict", "That confirmation key was already used.", reason="key_reused")
    if prior is None:  # a repeated yes returns the request the first one sent
        _check_warranted(ctx, rx, args.kind, args.reason)
    now = ctx.clock
    try:
        request, created = ctx.store.insert_request({
            "patient_id": ctx.patient_id, "rx_id": rx.rx_id, "kind": args.kind, "reason": args.reason,
            "prescriber_id": rx.prescriber_id, "status": "sent", "created_at": now, "updated_at": now,
            "idempotency_key": args.idempotency_key, "drug_id": rx.drug_id, "placed_by": ctx.actor,
        }, ctx.sandbox)
    except RequestConflict as e:
        raise ToolError("conflict", str(e), {"request_id": e.request_id}, reason="request_exists") from e
    return RequestReceipt(**_line(ctx, request), created=created)


class RequestIdArgs(ToolArgs):
    request_id: str = Field(pattern=r"^(?i:REQ-\d{1,9})$", description="The request number, such as 'REQ-40001'.")


@tool("requests", kind="write")
def withdraw_request(ctx: ToolContext, args: RequestIdArgs) -> RequestLine:
    """Withdraw one of the patient's requests that was sent (a renewal, prior authorization, call back or transfer).

    Args:
        request_id: such as 'REQ-40001'.

    Returns:
        The request, now withdrawn, and who it had gone to.

    Raises:
        conflict when it is already withdrawn; not_found for an unknown number; forbidden for
        another patient's request.
    """
    r = ctx.own_request(args.request_id)
    if r.status == "withdrawn":
        raise ToolError("conflict", f"Request {r.request_id} is already withdrawn.", reason="already_withdrawn")
    try:
        r = ctx.store.set_request_status(r.request_id, "withdrawn", allowed_from=OPEN_REQUEST_STATUSES, at=ctx.clock,
                                         sandbox=ctx.sandbox)
    except StoreError as e:  # lost a race with another withdrawal
        raise ToolError("conflict", str(e), reason="status_changed") from e
    return RequestLine(**_line(ctx, r))


class ListRequestsArgs(ToolArgs):
    request_id: str | None = Field(None, pattern=r"^(?i:REQ-\d{1,9})$",
                                   description="One request's number, such as 'REQ-40001'; all when left out.")
    rx_id: str | None = Field(None, description="Only the requests about this prescription, such as 'RX3003'.")


class RequestList(ToolOutput):
    requests: list[RequestLine]


@tool("requests")
def list_requests(ctx: ToolContext, args: ListRequestsArgs) -> RequestList:
    """The patient's requests to a human (renewals, prior authorizations, call backs, transfers in), newest first.

    Use it when the patient asks about a request they sent ("what's the status of my request?",
    "where is REQ-40001?"), and before offering one, to avoid sending the same request twice.

    Args:
        request_id: one request, such as 'REQ-40001'.
        rx_id: only those about one prescription, such as 'RX3003'.

    Returns:
        Each request: its number, kind, reason, status (sent / withdrawn) and dates, the
        medication, and who it went to (a transfer: from which pharmacy, to which of ours).

    Raises:
        not_found for an unknown number; forbidden for another patient's request or prescription.
    """
    if args.request_id:
        return RequestList(requests=[RequestLine(**_line(ctx, ctx.own_request(args.request_id)))])
    rows = ctx.store.requests(ctx.patient_id, ctx.sandbox)
    if args.rx_id:
        rx = ctx.own_prescription(args.rx_id)
        rows = [r for r in rows if r.rx_id == rx.rx_id]
    return RequestList(requests=[RequestLine(**_line(ctx, r)) for r in rows])


# ----------------------------------------------------------------------------- transfers in
TURNAROUND = "one business day"


def _plain(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class TransferArgs(ToolArgs):
    medication: str = Field(min_length=1, max_length=80,
                            description="The medication to transfer, by name or brand, such as 'atorvastatin'.")
    from_pharmacy: str = Field(min_length=2, max_length=80,
                               description="The pharmacy it is at now, as the patient names it, such as "
                                           "'Rite Aid on Main St'.")
    pharmacy_id: str | None = Field(None, description="Which of ours it comes to, such as 'PH004'; left out: where "
                                                      "the patient last filled anything, else the closest.")


class TransferPlan(ToolOutput):
    drug_id: str
    medication: str
    rx_id: str = Field(description="The prescription on the patient's record here, or '' when it is not on it.")
    strength: str = Field(description="Its strength when on the record here, else ''.")
    from_pharmacy: str
    pharmacy_id: str
    pharmacy_name: str
    pharmacy_address: str
    turnaround: str = Field(description="How soon a pharmacist of ours calls the other pharmacy, such as "
                                        "'one business day'.")


def _transfer(ctx: ToolContext, args: TransferArgs) -> tuple[Drug, TransferPlan]:
    drug = resolve_drug(ctx, args.medication)
    if drug.dea_schedule == 2:
        raise ToolError("refused", f"{drug.generic_name} is a Schedule II controlled substance; it cannot be "
                                   "transferred (a new prescription is needed).", reason="not_transferable")
    source = _plain(args.from_pharmacy)
    if any(source in (_plain(ph.pharmacy_id), _plain(ph.name)) for ph in ctx.store.pharmacies()):
        raise ToolError("bad_input", f"{args.from_pharmacy} is one of our pharmacies: nothing to transfer.",
                        reason="from_our_pharmacy")
    pharmacy_id = args.pharmacy_id or last_filled_anywhere(ctx)
    if pharmacy_id is None:
        p = ctx.patient
        pharmacy_id = ctx.store.pharmacies_by_distance(p.lat, p.lon)[0]["pharmacy_id"]
    ph = own_pharmacy(ctx, pharmacy_id)
    mine = sorted((rx for rx in ctx.store.prescriptions(ctx.patient_id) if rx.drug_id == drug.drug_id),
                  key=lambda rx: (rx.status != "active", rx.rx_id))
    rx = mine[0] if mine else None
    return drug, TransferPlan(drug_id=drug.drug_id, medication=drug.generic_name, rx_id=rx.rx_id if rx else "",
                              strength=ctx.store.product(rx.product_id).strength_label if rx else "",
                              from_pharmacy=args.from_pharmacy, pharmacy_id=ph.pharmacy_id, pharmacy_name=ph.name,
                              pharmacy_address=ph.address, turnaround=TURNAROUND)


def last_filled_anywhere(ctx: ToolContext) -> str | None:
    """The pharmacy of the patient's latest fill of anything, or None when nothing was ever filled."""
    fills = [f for rx in ctx.store.prescriptions(ctx.patient_id) for f in ctx.store.fills(rx.rx_id)]
    return max(fills, key=lambda f: (f["fill_date"], f["rx_id"]))["pharmacy_id"] if fills else None


@tool("requests")
def transfer_plan(ctx: ToolContext, args: TransferArgs) -> TransferPlan:
    """What a transfer in of a prescription from another pharmacy would send: which drug, from where, to which of ours.

    Any medication may be transferred, on the patient's record here or not, except a Schedule
    II controlled substance. It comes to the pharmacy named, else where the patient last filled
    anything, else the closest; a pharmacist of ours calls the other pharmacy, usually within
    one business day. Nothing is written.

    Args:
        medication: by name or brand, such as 'atorvastatin'.
        from_pharmacy: the pharmacy it is at now, such as 'Rite Aid on Main St'.
        pharmacy_id: which of ours, such as 'PH004'; left out, the default above.

    Returns:
        The drug, the prescription here if there is one, the pharmacy it comes from and the one
        it comes to, and the turnaround.

    Raises:
        refused for a Schedule II drug (not_transferable); bad_input when the pharmacy named is
        one of ours (from_our_pharmacy); not_found for an unknown drug or pharmacy.
    """
    return _transfer(ctx, args)[1]


class RequestTransferArgs(TransferArgs):
    confirmed: bool = Field(description="True only after the patient said an explicit yes to the summary.")
    idempotency_key: str = Field(min_length=8, max_length=120,
                                 description="Unique per confirmation, such as 'sess-42:transfer:atorvastatin'.")


@tool("requests", kind="write")
def request_transfer(ctx: ToolContext, args: RequestTransferArgs) -> RequestReceipt:
    """Send a transfer-in request to a pharmacist of ours, after the patient explicitly confirmed its summary.

    Checks again what transfer_plan checks. Writes one request (kind 'transfer') in one
    transaction; the same idempotency key never writes a second one, and a transfer of the same
    drug already sent is not sent twice. Trackable with list_requests, withdrawable with
    withdraw_request.

    Args:
        medication: such as 'atorvastatin'.
        from_pharmacy: such as 'Rite Aid on Main St'.
        pharmacy_id: which of ours, such as 'PH004'; left out, as transfer_plan says.
        confirmed: true only after an explicit yes.
        idempotency_key: unique per confirmation, such as 'sess-42:transfer:atorvastatin'.

    Returns:
        The request (id such as 'REQ-40001', kind 'transfer', status 'sent'), from and to, and
        whether it was newly created.

    Raises:
        refused when not confirmed or not transferable; conflict when the same transfer is already
        sent (its id in request_id); bad_input / not_found as transfer_plan.
    """
    if not args.confirmed:
        raise ToolError("refused", "A request is sent only after the patient's explicit yes.", reason="not_confirmed")
    drug, plan = _transfer(ctx, args)
    prior = ctx.store.request_by_key(args.idempotency_key, ctx.sandbox)
    if prior is not None and (prior.patient_id, prior.kind, prior.drug_id) != (ctx.patient_id, "transfer", drug.drug_id):
        raise ToolError("conflict", "That confirmation key was already used.", reason="key_reused")
    rx = ctx.store.prescription(plan.rx_id) if plan.rx_id else None
    try:
        request, created = ctx.store.insert_request({
            "patient_id": ctx.patient_id, "rx_id": plan.rx_id, "kind": "transfer", "reason": PATIENT_REQUEST,
            "prescriber_id": rx.prescriber_id if rx else "", "status": "sent", "created_at": ctx.clock,
            "updated_at": ctx.clock, "idempotency_key": args.idempotency_key, "drug_id": drug.drug_id,
            "from_pharmacy": args.from_pharmacy, "pharmacy_id": plan.pharmacy_id, "placed_by": ctx.actor,
        }, ctx.sandbox)
    except RequestConflict as e:
        raise ToolError("conflict", f"A transfer of {drug.generic_name} is already sent ({e.request_id}).",
                        {"request_id": e.request_id}, reason="request_exists") from e
    return RequestReceipt(**_line(ctx, request), created=created)
