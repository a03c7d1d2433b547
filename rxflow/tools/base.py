"""What every tool shares: the session-bound context, typed errors, the @tool registry.

A tool is a plain typed function `fn(ctx, args: InputModel) -> OutputModel` whose docstring
is its description for an LM. The patient comes from `ctx` (the session), never from the
arguments, so no argument a user controls can reach another patient's rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, ValidationError

from rxflow import policy
from rxflow.domain import OPEN_ORDER_STATUSES, Drug, Order, Patient, Prescription, Request
from rxflow.store import Store, StoreUnavailable

log = logging.getLogger("rxflow.tools")

ToolKind = Literal["read", "write"]
ErrorCode = Literal["bad_input", "not_found", "forbidden", "refused", "conflict", "internal"]


class ToolError(Exception):
    def __init__(self, code: ErrorCode, message: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or {}


class ToolArgs(BaseModel):
    """Base for tool inputs: unknown keys are an error, strings are stripped and bounded."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_max_length=200)


class ToolOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class ToolContext:
    """A session's view of the world: one patient, one 'today', one sandbox of orders and requests
    ('' is the shared world; in demo mode each session has its own, and sees only the rows in it)."""

    store: Store
    patient_id: str
    today: dt.date
    sandbox: str = ""

    @property
    def patient(self) -> Patient:
        p = self.store.patient(self.patient_id)
        if p is None:
            raise ToolError("not_found", f"Unknown patient {self.patient_id}")
        return p

    # Ownership checks live here, once, for every tool.
    def own_prescription(self, rx_id: str) -> Prescription:
        rx = self.store.prescription(rx_id.upper())
        if rx is None:
            raise ToolError("not_found", f"No prescription {rx_id} on record.")
        if rx.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Prescription {rx_id} is not on this patient's record.")
        return rx

    def own_order(self, order_id: str) -> Order:
        o = self.store.order(order_id.upper(), self.sandbox)
        if o is None:
            raise ToolError("not_found", f"No order {order_id} on record.")
        if o.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Order {order_id} is not on this patient's record.")
        return o

    def own_request(self, request_id: str) -> Request:
        r = self.store.request(request_id.upper(), self.sandbox)
        if r is None:
            raise ToolError("not_found", f"No request {request_id} on record.")
        if r.patient_id != self.patient_id:
            raise ToolError("forbidden", f"Request {request_id} is not on this patient's record.")
        return r

    def drug_of(self, rx: Prescription) -> Drug:
        d = self.store.drug(rx.drug_id)
        if d is None:  # the seed guarantees this; a broken seed is an internal error
            raise ToolError("internal", f"Drug {rx.drug_id} missing from the catalogue.")
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

    def to_dict(self) -> dict[str, Any]:
        args = {k: "(hidden)" if k in SECRET_ARGS else v for k, v in self.args.items()}
        return {"name": self.name, "kind": self.kind, "args": args, "ok": self.ok, "data": self.data,
                "error": self.error, "ms": round(self.ms, 2)}


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
        return ToolResult(name, args, False, error={"code": "not_found", "message": f"Unknown tool {name}"})
    try:
        parsed = spec.args_model.model_validate(args)
        result = ToolResult(name, args, True, output=spec.fn(ctx, parsed), kind=spec.kind)
    except ValidationError as e:
        msg = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'args'}: {err['msg']}" for err in e.errors()[:3])
        result = ToolResult(name, args, False, error={"code": "bad_input", "message": msg}, kind=spec.kind)
    except ToolError as e:
        result = ToolResult(name, args, False, error={"code": e.code, "message": e.message, **e.details},
                            kind=spec.kind)
    except StoreUnavailable:  # not a tool's failure: the turn ends with one clear message, nothing written
        raise
    except Exception:  # a bug must not end the session: log it, answer with a typed error (no internals)
        log.exception("tool %s failed", name)
        result = ToolResult(name, args, False, error={"code": "internal", "message": "Something went wrong on our "
                                                      "side; nothing was changed."}, kind=spec.kind)
    result.ms = (time.perf_counter() - start) * 1000
    return result
