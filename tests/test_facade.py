"""The typed facade over the tools (generated from the registry), the reason every tool error carries,
and the ToolCall record of a call."""

from __future__ import annotations

import datetime as dt
import inspect
import typing

import pytest
from pydantic_core import PydanticUndefined

from rxflow.store import StoreError
from rxflow.tools import (
    ERROR_REASONS,
    REGISTRY,
    ToolCall,
    ToolError,
    ToolFailed,
    ToolResult,
    Tools,
    call_tool,
    facade,
    gen_facade,
)


def test_the_committed_facade_is_what_the_registry_gives():
    assert gen_facade.render() == gen_facade.TARGET.read_text(), "stale: run `python -m rxflow.tools.gen_facade`"
    assert gen_facade.main(["--check"]) == 0


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_one_typed_method_per_tool(name):
    spec, fn = REGISTRY[name], getattr(Tools, name)
    params = list(inspect.signature(fn).parameters.values())[1:]
    fields = spec.args_model.model_fields
    assert [p.name for p in params] == list(fields)
    hints = typing.get_type_hints(fn, vars(facade))
    for p in params:
        field = fields[p.name]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY
        assert hints[p.name] == field.annotation, p.name
        assert p.default == (inspect.Parameter.empty if field.default is PydanticUndefined else field.default)
    assert hints["return"] is spec.output_model
    assert " ".join(inspect.getdoc(fn).split()) == spec.summary


def test_a_call_returns_the_output_model_and_is_recorded(ctx_for):
    from conftest import TODAY

    ctx = ctx_for("P001")
    ctx.now = dt.datetime.combine(TODAY, dt.time(11))  # both calls at one world time (quotes say who is open)
    calls: list[ToolResult] = []
    tools = Tools(ctx, calls.append)
    quotes = tools.price_lookup(rx_id="RX1001", pay_cash=True)
    assert isinstance(quotes, REGISTRY["price_lookup"].output_model) and quotes.quotes
    assert [c.name for c in calls] == ["price_lookup"] and calls[0].ok and calls[0].output is quotes
    # Every argument is passed on, defaults included: the record shows the whole call.
    assert calls[0].args == {"rx_id": "RX1001", "pharmacy_id": None, "pay_cash": True}
    assert quotes == call_tool(ctx, "price_lookup", {"rx_id": "RX1001", "pay_cash": True}).output


def test_a_failure_raises_tool_failed_and_is_recorded(ctx_for):
    calls: list[ToolResult] = []
    tools = Tools(ctx_for("P007"), calls.append)
    with pytest.raises(ToolFailed) as info:
        tools.submit_order(rx_id="RX7003", pharmacy_id="PH006", confirmed=True, idempotency_key="k-oos-0001")
    e = info.value
    assert (e.code, e.reason, e.details) == ("refused", "out_of_stock", {"alerts": ["out_of_stock"]})
    assert "stock" in e.message and e.result is calls[0] and not e.result.ok
    assert "submit_order" in str(e) and "out_of_stock" in str(e)


def test_result_never_raises_and_records_the_same(ctx_for):
    calls: list[ToolResult] = []
    tools = Tools(ctx_for("P001"), calls.append)
    r = tools.result("track_order", order_id="ORD-424242")
    assert not r.ok and r.error["reason"] == "not_on_record"
    assert tools.result("patient_history").ok
    assert tools.result("rm_rf").error == {"code": "not_found", "reason": "unknown_tool", "message": "Unknown tool rm_rf"}
    assert calls == [r, *calls[1:]] and len(calls) == 3


def test_tool_call_record_is_the_dict_callers_read(ctx_for):
    r = call_tool(ctx_for("P001"), "submit_order", {"rx_id": "RX1001", "pharmacy_id": "PH004", "confirmed": False,
                                                    "idempotency_key": "secret-key-1"})
    rec = r.record()
    assert isinstance(rec, ToolCall) and rec.args["idempotency_key"] == "(hidden)" and rec.kind == "write"
    assert (rec.error.code, rec.error.reason) == ("refused", "not_confirmed")
    assert r.to_dict() == {"name": "submit_order", "kind": "write", "ok": False, "data": None, "ms": round(r.ms, 2),
                           "args": {"rx_id": "RX1001", "pharmacy_id": "PH004", "confirmed": False,
                                    "idempotency_key": "(hidden)"},
                           "error": {"code": "refused", "reason": "not_confirmed",
                                     "message": "An order is placed only after the patient's explicit yes."}}
    good = call_tool(ctx_for("P001"), "wait_time", {"pharmacy_id": "PH004"})
    assert good.to_dict()["data"] == good.data and good.record().error is None
    assert ToolCall.model_validate(good.to_dict()) == good.record()
    # details the tool adds stay in the error dict, beside code, reason and message
    refused = call_tool(ctx_for("P003"), "submit_order", {"rx_id": "RX3001", "pharmacy_id": "PH009", "confirmed": True,
                                                          "idempotency_key": "k-too-soon-1"})
    assert refused.record().error.model_extra == {"alerts": ["refill_too_soon"]}
    assert refused.to_dict()["error"]["alerts"] == ["refill_too_soon"]


def test_a_tool_error_needs_a_known_reason_and_keeps_its_keys():
    with pytest.raises(ValueError):
        ToolError("refused", "no", reason="because")
    with pytest.raises(ValueError):
        ToolError("refused", "no", {"reason": "x"}, reason="not_confirmed")
    with pytest.raises(TypeError):
        ToolError("refused", "no")  # type: ignore[call-arg]


# ----------------------------------------------------------------------------- every reason, from its tool
def _submit(rx, pharmacy="PH009", key="k-reason-0001", **kw):
    return "submit_order", {"rx_id": rx, "pharmacy_id": pharmacy, "confirmed": True, "idempotency_key": key, **kw}


def _request(rx="RX3003", kind="renewal", reason="expired", key="k-req-00001", confirmed=True):
    return "create_request", {"rx_id": rx, "kind": kind, "reason": reason, "confirmed": confirmed,
                              "idempotency_key": key}


def _enrol(key="k-auto-00001"):
    return "enrol_auto_refill", {"rx_id": "RX1003", "pharmacy_id": "PH004", "confirmed": True, "idempotency_key": key}


def _change(action, key):
    return "change_auto_refill", {"enrolment_id": "AR-40001", "action": action, "confirmed": True, "idempotency_key": key}


def _remind(key="k-remind-0001"):
    return "schedule_reminder", {"rx_id": "RX1001", "confirmed": True, "idempotency_key": key}


def _transfer(medication="atorvastatin", source="Rite Aid"):
    return "transfer_plan", {"medication": medication, "from_pharmacy": source}


def _boom(*_a, **_k):
    raise RuntimeError("a bug")


def _store_error(*_a, **_k):
    raise StoreError("changed meanwhile")


# reason: (code, patient, [calls made first], the failing call, {store attribute: replacement})
REASONS = {
    "unknown_tool": ("not_found", "P001", [], ("rm_rf", {}), {}),
    "invalid_args": ("bad_input", "P001", [], ("price_lookup", {"rx_id": None}), {}),
    "unexpected": ("internal", "P001", [], ("wait_time", {"pharmacy_id": "PH004"}), {"wait_minutes": _boom}),
    "unknown_patient": ("not_found", "P999", [], ("patient_history", {}), {}),
    "not_on_record": ("not_found", "P001", [], ("track_order", {"order_id": "ORD-424242"}), {}),
    "not_yours": ("forbidden", "P001", [], ("track_order", {"order_id": "ORD-20005"}), {}),
    "unknown_drug": ("not_found", "P001", [], ("formulary_check", {"drug": "zzqxw"}), {}),
    "unknown_pharmacy": ("not_found", "P001", [], ("wait_time", {"pharmacy_id": "PH999"}), {}),
    "missing_from_catalogue": ("internal", "P001", [], ("prior_auth_lookup", {"rx_id": "RX1001"}),
                               {"drug": lambda *_: None}),
    "no_price": ("not_found", "P001", [], ("price_lookup", {"rx_id": "RX1001"}), {"unit_prices": lambda *_: None}),
    "no_fills": ("not_found", "P001@2000-01-01", [], ("adherence_check", {"rx_id": "RX1001"}), {}),
    "not_confirmed": ("refused", "P001", [], _submit("RX1001", confirmed=False), {}),
    "key_reused": ("conflict", "P003", [("P001", _submit("RX1001", key="k-shared-01"))], _submit("RX3001", key="k-shared-01"),
                   {}),
    "blocked_by_policy": ("refused", "P003", [], _submit("RX3001"), {}),
    "out_of_stock": ("refused", "P007", [], _submit("RX7003", "PH006"), {}),
    "already_in_progress": ("conflict", "P001", [("P001", _submit("RX1001", key="k-first-001"))],
                            _submit("RX1001", key="k-second-01"), {"open_orders": lambda *_: []}),
    "already_cancelled": ("conflict", "P007", [], ("cancel_order", {"order_id": "ORD-20008"}), {}),
    "not_cancellable": ("conflict", "P001", [], ("cancel_order", {"order_id": "ORD-20001"}), {}),
    "status_changed": ("conflict", "P001", [("P001", _submit("RX1001", key="k-cancel-01"))],
                       ("cancel_order", {"order_id": "ORD-30001"}), {"set_order_status": _store_error}),
    "invalid_request_reason": ("bad_input", "P003", [], _request(reason="made_up"), {}),
    "not_warranted": ("refused", "P003", [], _request(kind="prior_auth"), {}),
    "request_exists": ("conflict", "P003", [("P003", _request(key="k-req-first"))], _request(key="k-req-again"), {}),
    "already_withdrawn": ("conflict", "P003", [("P003", _request()), ("P003", ("withdraw_request", {"request_id": "REQ-40001"}))],
                          ("withdraw_request", {"request_id": "REQ-40001"}), {}),
    "no_delivery": ("refused", "P001", [], ("delivery_quote", {"rx_id": "RX1001", "pharmacy_id": "PH007"}), {}),
    "auto_refill_refused": ("refused", "P004", [], ("auto_refill_plan", {"rx_id": "RX4001"}), {}),
    "already_enrolled": ("conflict", "P001", [("P001", _enrol())], _enrol("k-auto-00002"), {}),
    "enrolment_stopped": ("conflict", "P001", [("P001", _enrol()), ("P001", _change("stop", "k-stop-00001"))],
                          _change("resume", "k-resume-0001"), {}),
    "reminder_exists": ("conflict", "P001", [("P001", _remind())], _remind("k-remind-0002"), {}),
    "not_transferable": ("refused", "P001", [], _transfer("oxycodone"), {}),
    "from_our_pharmacy": ("bad_input", "P001", [], _transfer(source="Oak Hill Drug"), {}),
}
# Raised by ToolContext.acting, before any tool runs (tests/test_tools_services.py).
NOT_A_TOOLS_REASON = {"not_authorised"}


def test_every_reason_has_a_case():
    assert set(REASONS) | NOT_A_TOOLS_REASON == ERROR_REASONS


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_each_failure_carries_its_reason(store, ctx_for, monkeypatch, reason):
    code, who, before, (name, args), patches = REASONS[reason]

    def ctx(who):
        patient, _, day = who.partition("@")
        return ctx_for(patient, dt.date.fromisoformat(day)) if day else ctx_for(patient)

    for patient, (n, a) in before:
        assert call_tool(ctx(patient), n, a).ok
    for attr, replacement in patches.items():
        monkeypatch.setattr(store, attr, replacement)
    r = call_tool(ctx(who), name, args)
    assert not r.ok and (r.error["code"], r.error["reason"]) == (code, reason), r.error
    e = ToolFailed(r)
    assert (e.code, e.reason, e.message, e.result) == (code, reason, r.error["message"], r)
