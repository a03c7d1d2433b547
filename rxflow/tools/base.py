"""What every tool shares: the session-bound context, typed errors, the @tool registry.

A tool is a plain typed function `fn(ctx, args: InputModel) -> OutputModel` whose docstring
is its description for an LM. The patient comes from `ctx` (the session), never from the
arguments, so no argument a user controls can reach another patient's rows.

A failure has a `code` (its broad category, ErrorCode) and a `reason` (exactly which failure,
ErrorReason), so a caller branches on data, never on the wording of the message.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_args, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

from rxflow import policy
from rxflow.clock import on_day
from rxflow.domain import (
    OPEN_ORDER_STATUSES,
    Drug,
    Enrolment,
    Order,
    Patient,
    Prescription,
    Reminder,
    Request,
)
from rxflow.store import Store, StoreUnavailable

log = logging.getLogger("rxflow.tools")

ToolKind = Literal["read", "write"]
ErrorCode = Literal["bad_input", "not_found", "forbidden", "refused", "conflict", "internal"]
# Exactly which failure: one name per distinct cause, with its code and the tools that raise it.
ErrorReason = Literal[
    # call_tool itself, for any name
    "unknown_tool",  # not_found: no tool by that name
    "invalid_args",  # bad_input: the arguments fail the tool's input model
    "unexpected",  # internal: a bug in a tool (logged; the message says nothing of it)
    # lookups, shared by many tools (ToolContext, resolve_drug, own_pharmacy, quote)
    "unknown_patient",  # not_found: the session's patient is not in the world (any tool)
    "not_on_record",  # not_found: no such prescription, order or request (any tool taking rx_id, order_id, request_id)
    "not_yours",  # forbidden: another patient's prescription, order or request (the same tools)
    "unknown_drug",  # not_found: no drug matches the name (formulary_check, covered_alternatives, interaction_check,
    #                  allergy_check)
    "unknown_pharmacy",  # not_found: (any tool taking pharmacy_id)
    "missing_from_catalogue",  # internal: a prescription's drug is not in the catalogue, a broken seed (any tool)
    "no_price",  # not_found: the pharmacy has no price for the product (price_lookup, submit_order)
    "no_fills",  # not_found: a prescription never filled (adherence_check)
    "not_authorised",  # forbidden: the person typing may not act for that patient (ToolContext.acting, before any
    #                    tool); the same words whether or not the patient exists
    # writes
    "not_confirmed",  # refused: without the patient's explicit yes (every write tool but cancel_order and
    #                   withdraw_request)
    "key_reused",  # conflict: the idempotency key was used for another row or patient (submit_order, create_request,
    #                request_transfer, set_notifications, enrol_auto_refill, change_auto_refill, schedule_reminder,
    #                cancel_reminder)
    "blocked_by_policy",  # refused: the refill rules block it, their codes in `alerts` (submit_order)
    "out_of_stock",  # refused: too little in stock, `alerts` == ["out_of_stock"] (submit_order)
    "already_in_progress",  # conflict: another order for the prescription is open (submit_order)
    "already_cancelled",  # conflict: (cancel_order, cancel_reminder)
    "not_cancellable",  # conflict: already picked up (cancel_order)
    "status_changed",  # conflict: changed under the call by a concurrent write (cancel_order, withdraw_request)
    "invalid_request_reason",  # bad_input: `reason` is no alert code nor 'patient_request' (create_request)
    "not_warranted",  # refused: the refill rules call for no such request, those they do in `allowed` (create_request)
    "request_exists",  # conflict: the same request is already sent, its id in `request_id` (create_request)
    "already_withdrawn",  # conflict: (withdraw_request)
    # delivery, texts, auto-refill, reminders, transfers (issue 19)
    "no_delivery",  # refused: the pharmacy does not deliver (delivery_quote, submit_order with delivery)
    "auto_refill_refused",  # refused: the rules would refuse every refill (controlled, no refills, expired,
    #                         discontinued), their codes in `alerts` (auto_refill_plan, enrol_auto_refill)
    "already_enrolled",  # conflict: the prescription is on auto-refill already (active or paused), its id in
    #                      `enrolment_id` (enrol_auto_refill)
    "enrolment_stopped",  # conflict: a stopped auto-refill cannot be paused or resumed (change_auto_refill)
    "reminder_exists",  # conflict: a reminder for the prescription is scheduled already, its id in `reminder_id`
    #                     (schedule_reminder)
    "not_transferable",  # refused: a Schedule II controlled substance cannot be transferred (transfer_plan,
    #                      request_transfer)
    "from_our_pharmacy",  # bad_input: the pharmacy to transfer from is one of ours (transfer_plan, request_transfer)
]
ERROR_REASONS: frozenset[str] = frozenset(get_args(ErrorReason))
# The keys every error dict carries; a ToolError's details add to them and never replace them.
ERROR_KEYS = ("code", "reason", "message")


class ToolError(Exception):
    """A tool's typed failure, raised inside a tool and turned into `ToolResult.error` by call_tool."""

    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None, *,
                 reason: ErrorReason):
        if reason not in ERROR_REASONS:
            raise ValueError(f"Unknown error reason {reason!r}")
        if details and set(details) & set(ERROR_KEYS):
            raise ValueError(f"details may not replace {ERROR_KEYS}")
        super().__init__(message)
        self.code, self.reason, self.message, self.details = code, reason, message, details or {}

    def as_error(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason, "message": self.message, **self.details}


class ToolArgs(BaseModel):
    """Base for tool inputs: unknown keys are an error, strings are stripped and bounded."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_max_length=200)


class NoArgs(ToolArgs):
    """The input of a tool that takes no arguments (the patient comes from the context, as always)."""


class ToolOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")


# The words of a refusal to act for someone: the same whether that person exists or not.
NOT_AUTHORISED = "I can only help with your own record, or one you are authorised to manage."


@dataclass
class ToolContext:
    """A session's view of the world: one patient's record, one 'today', one sandbox of orders and requests
    ('' is the shared world; in demo mode each session has its own, and sees only the rows in it).

    `now` pins the world's clock (None: `today` at the current time of day in the world's zone);
    `actor_id` is who is typing when it is not the patient (a caregiver: see `acting`)."""

    store: Store
    patient_id: str
    today: dt.date
    sandbox: str = ""
    now: dt.datetime | None = None
    actor_id: str | None = None

    @classmethod
    def acting(cls, store: Store, actor_id: str, patient_id: str, today: dt.date, sandbox: str = "",
               now: dt.datetime | None = None) -> ToolContext:
        """The context for `actor_id` working on `patient_id`'s record: their own, or one a caregivers row
        authorises them to manage. Who may act for whom is decided here, once, for every tool."""
        if patient_id != actor_id and store.caregiver(actor_id, patient_id) is None:
            raise ToolError("forbidden", NOT_AUTHORISED, reason="not_authorised")
        return cls(store, patient_id, today, sandbox, now=now, actor_id=actor_id)

    @cached_property
    def clock(self) -> dt.datetime:
        """The world's time for this context: `now`, or today at the current time in the world's zone.
        Read once per context, so that every answer of one turn tells the same time."""
        if self.now is not None:
            return self.now.replace(microsecond=0)
        from rxflow.config import get_settings

        return on_day(self.today, get_settings().timezone)

    @property
    def actor(self) -> str:
        """Who is typing: the caregiver acting for the patient, else the patient (every write's placed_by)."""
        return self.actor_id or self.patient_id

    @property
    def patient(self) -> Patient:
        p = self.store.patient(self.patient_id)
        if p is None:
            raise ToolError("not_found", f"Unknown patient {self.patient_id}", reason="unknown_patient")
        return p

    # Ownership checks live here, once, for every tool.
    def own_prescription(self, rx_id: str) -> Prescription:
        rx = self.store.prescription(rx_id.upper())
        if rx is None:
            raise ToolError("not_found", f"No prescription {rx_id} on record.", reason="not_on_record")
        if rx.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Prescription {rx_id} is not on this patient's record.", reason="not_yours")
        return rx

    def own_order(self, order_id: str) -> Order:
        o = self.store.order(order_id.upper(), self.sandbox)
        if o is None:
            raise ToolError("not_found", f"No order {order_id} on record.", reason="not_on_record")
        if o.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Order {order_id} is not on this patient's record.", reason="not_yours")
        return o

    def own_request(self, request_id: str) -> Request:
        r = self.store.request(request_id.upper(), self.sandbox)
        if r is None:
            raise ToolError("not_found", f"No request {request_id} on record.", reason="not_on_record")
        if r.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Request {request_id} is not on this patient's record.", reason="not_yours")
        return r

    def own_enrolment(self, enrolment_id: str) -> Enrolment:
        e = self.store.enrolment(enrolment_id.upper(), self.sandbox)
        if e is None:
            raise ToolError("not_found", f"No auto-refill {enrolment_id} on record.", reason="not_on_record")
        if e.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Auto-refill {enrolment_id} is not on this patient's record.",
                            reason="not_yours")
        return e

    def own_reminder(self, reminder_id: str) -> Reminder:
        r = self.store.reminder(reminder_id.upper(), self.sandbox)
        if r is None:
            raise ToolError("not_found", f"No reminder {reminder_id} on record.", reason="not_on_record")
        if r.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Reminder {reminder_id} is not on this patient's record.", reason="not_yours")
        return r

    def drug_of(self, rx: Prescription) -> Drug:
        d = self.store.drug(rx.drug_id)
        if d is None:  # the seed guarantees this; a broken seed is an internal error
            raise ToolError("internal", f"Drug {rx.drug_id} missing from the catalogue.", reason="missing_from_catalogue")
        return d

    def refill_case(self, rx: Prescription, orders: list[Order] | None = None) -> policy.RefillCase:
        """What the rules need to judge a refill of `rx`. `orders`: the patient's orders, when the
        caller already has them (one query for a whole medication list instead of one per line)."""
        store, patient = self.store, self.patient
        if orders is None:
            open_orders = store.open_orders(rx.rx_id, self.sandbox)
        else:
            open_orders = sorted((o for o in orders if o.rx_id == rx.rx_id and o.status in OPEN_ORDER_STATUSES),
                                 key=lambda o: o.created_at)
        others = [r for r in store.prescriptions(self.patient_id, active_only=True)
                  if r.rx_id != rx.rx_id and policy.is_current(r, self.today)]
        history = {r.drug_id for r in store.prescriptions(self.patient_id)}
        return policy.RefillCase(
            prescription=rx, drug=self.drug_of(rx), product=store.product(rx.product_id), today=self.today,
            allergies=store.allergies(self.patient_id),
            other_active=[policy.ActiveMed(rx_id=r.rx_id, drug=self.drug_of(r)) for r in others],
            open_orders=open_orders, plan=store.plan(patient.plan_id),
            formulary=store.formulary(patient.plan_id, rx.drug_id), step_drugs_taken=sorted(history),
            interactions=store.interactions(), duplicate_groups=store.duplicate_groups(),
            cross_sensitivity=store.cross_sensitivity(),
        )


def placeholder_rx(ctx: ToolContext, drug_id: str, product_id: str):
    """A stand-in prescription so review rules can run for a drug the patient does not take."""
    return Prescription(rx_id="(none)", patient_id=ctx.patient_id, drug_id=drug_id, product_id=product_id, sig="",
                        frequency="", doses_per_day=0, quantity=0, days_supply=0, refills_authorized=0,
                        refills_used=0, date_written=ctx.today, last_fill_date=None, prescriber_id="",
                        status="active", dispense_as_written=False)


@dataclass
class ToolSpec:
    name: str
    category: str
    kind: ToolKind
    fn: Callable[[ToolContext, Any], Any]
    args_model: type[ToolArgs]
    output_model: type[BaseModel]

    @property
    def description(self) -> str:
        return (self.fn.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.description.split("\n\n")[0].replace("\n", " ")

    def json_schema(self) -> dict[str, Any]:
        return self.args_model.model_json_schema()


# Arguments a turn, the inspector and the chat API never show: an idempotency key is its conversation's
# write token plus a digest, and whoever holds the token could replay that conversation's writes.
SECRET_ARGS = frozenset({"idempotency_key"})


class CallError(BaseModel):
    """A failed call's error: its category, its exact reason, a short message, and the tool's details
    (such as `alerts` for a refused order or `request_id` for a request already sent)."""

    model_config = ConfigDict(extra="allow")

    code: ErrorCode
    reason: ErrorReason
    message: str


class ToolCall(BaseModel):
    """One call as a turn records it and the inspector shows it: what was asked (secret arguments
    hidden), whether it worked, its result in JSON form or its error, and how long it took."""

    name: str
    kind: ToolKind
    args: dict[str, Any]
    ok: bool
    data: dict[str, Any] | None
    error: CallError | None
    ms: float


@dataclass
class ToolResult:
    """One call, as recorded on a turn and shown in the inspector. `output` is the tool's typed
    result (what the flow reads); `data` is its JSON form (what the turn record and the UI show)."""

    name: str
    args: dict[str, Any]
    ok: bool
    output: BaseModel | None = None
    error: dict[str, Any] | None = None
    ms: float = 0.0
    kind: ToolKind = "read"

    @cached_property
    def data(self) -> dict[str, Any] | None:
        return self.output.model_dump(mode="json") if self.output is not None else None

    def record(self) -> ToolCall:
        args = {k: "(hidden)" if k in SECRET_ARGS else v for k, v in self.args.items()}
        return ToolCall(name=self.name, kind=self.kind, args=args, ok=self.ok, data=self.data, error=self.error,
                        ms=round(self.ms, 2))

    def to_dict(self) -> dict[str, Any]:
        """The record as a plain dict (what a turn stores and the CLI prints)."""
        return self.record().model_dump()


class ToolFailed(Exception):
    """A call through the typed facade (rxflow.tools.facade.Tools) that failed: the error's `code`,
    `reason`, `message` and the tool's `details`, and the whole `result` (already recorded)."""

    def __init__(self, result: ToolResult):
        error = result.error or {}
        self.result = result
        self.code: ErrorCode = error.get("code", "internal")
        self.reason: ErrorReason = error.get("reason", "unexpected")
        self.message: str = error.get("message", "")
        self.details: dict[str, Any] = {k: v for k, v in error.items() if k not in ERROR_KEYS}
        super().__init__(f"{result.name} failed ({self.code}, {self.reason}): {self.message}")


REGISTRY: dict[str, ToolSpec] = {}


def tool(category: str, kind: ToolKind = "read"):
    """Register a tool. Input and output models are read from the type hints."""

    def register(fn):
        hints = get_type_hints(fn)
        spec = ToolSpec(fn.__name__, category, kind, fn, hints["args"], hints["return"])
        if spec.name in REGISTRY:
            raise ValueError(f"Duplicate tool {spec.name}")
        REGISTRY[spec.name] = spec
        return fn

    return register


def call_tool(ctx: ToolContext, name: str, args: dict[str, Any] | None = None) -> ToolResult:
    """Validate, run and time one tool call. Never raises: failures come back as typed errors."""
    start = time.perf_counter()
    spec = REGISTRY.get(name)
    args = dict(args or {})
    if spec is None:
        return ToolResult(name, args, False, error={"code": "not_found", "reason": "unknown_tool",
                                                    "message": f"Unknown tool {name}"})
    try:
        parsed = spec.args_model.model_validate(args)
        result = ToolResult(name, args, True, output=spec.fn(ctx, parsed), kind=spec.kind)
    except ValidationError as e:
        msg = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'args'}: {err['msg']}" for err in e.errors()[:3])
        result = ToolResult(name, args, False, error={"code": "bad_input", "reason": "invalid_args", "message": msg},
                            kind=spec.kind)
    except ToolError as e:
        result = ToolResult(name, args, False, error=e.as_error(), kind=spec.kind)
    except StoreUnavailable:  # not a tool's failure: the turn ends with one clear message, nothing written
        raise
    except Exception:  # a bug must not end the session: log it, answer with a typed error (no internals)
        log.exception("tool %s failed", name)
        result = ToolResult(name, args, False, error={"code": "internal", "reason": "unexpected", "message": "Something "
                                                      "went wrong on our side; nothing was changed."}, kind=spec.kind)
    result.ms = (time.perf_counter() - start) * 1000
    return result


class ToolCaller:
    """What the generated facade (rxflow.tools.facade.Tools) adds to call_tool: every call is handed to
    `record` (a turn's list of calls, the inspector's table) and a failure raises ToolFailed."""

    def __init__(self, ctx: ToolContext, record: Callable[[ToolResult], None]):
        self.ctx, self._record = ctx, record

    def result(self, name: str, **args: Any) -> ToolResult:
        """Call a tool by name and return its ToolResult, failed or not (never raises ToolFailed); recorded."""
        result = call_tool(self.ctx, name, args)
        self._record(result)
        return result

    def _run(self, name: str, **args: Any) -> Any:
        result = self.result(name, **args)
        if not result.ok:
            raise ToolFailed(result)
        return result.output
