"""Every write goes one way (rxflow/flow/writes/): the summary shown, the gate's yes, a recheck, the
write tool, and a failure said by the tool's error code and reason, never by its message."""

from __future__ import annotations

import pytest

from rxflow.flow.context import Conversation
from rxflow.flow.pending import (
    PendingBasket,
    PendingCancel,
    PendingOrder,
    PendingRequest,
    PendingSetting,
    PendingTransfer,
    PendingWithdraw,
)
from rxflow.flow.states import State
from rxflow.flow.writes import WRITES
from rxflow.tools import REGISTRY, ToolError


def new_orders(store, patient="P001"):
    return [o for o in store.orders(patient) if not o.idempotency_key.startswith("seed-")]


def test_one_write_per_kind_and_pending_writes_round_trip_by_kind():
    assert set(WRITES) == {"order", "basket", "cancel", "request", "withdraw", "setting", "transfer"}
    shown = {"digest": "d", "summary": "s"}
    for p in (PendingOrder(rx_id="RX1", pharmacy_id="PH1", delivery=True, **shown), PendingCancel(order_id="ORD-1", **shown),
              PendingBasket(rx_ids=["RX1", "RX2"], pharmacies=["PH1", "PH4"], delivered_from=["PH1"], **shown),
              PendingRequest(rx_id="RX1", request_kind="renewal", reason="expired", **shown),
              PendingWithdraw(request_id="REQ-1", rx_id="RX1", request_kind="renewal", **shown),
              PendingSetting(setting="auto_refill_pause", rx_id="RX1", target_id="AR-40001", **shown),
              PendingTransfer(medication="atorvastatin", from_pharmacy="Rite Aid", pharmacy_id="PH1", **shown)):
        conv = Conversation(session_id="s", patient_id="P001", today="2026-11-24", pending=p)
        back = Conversation.model_validate_json(conv.model_dump_json()).pending
        assert type(back) is type(p) and back == p  # the stored session comes back as the same kind


@pytest.mark.parametrize(("code", "reason", "says"), [
    ("refused", "out_of_stock", "no longer has enough in stock"),
    ("refused", "blocked_by_policy", "the refill rules no longer allow it"),
    ("refused", "not_confirmed", "the refill rules no longer allow it"),
    ("conflict", "already_in_progress", "already in progress"),
    # The message text says "in progress" but the reason does not: the reply follows the reason.
    ("conflict", "key_reused", "the pharmacy system did not accept it"),
])
def test_an_order_the_tool_refuses_is_said_by_its_reason(talk, store, monkeypatch, code, reason, says):
    def refuse(ctx, args):
        raise ToolError(code, "an order for this is in progress (message text is never read)", reason=reason)

    monkeypatch.setattr(REGISTRY["submit_order"], "fn", refuse)
    turns = talk("P001", "refill my lisinopril", "yes", "the cheapest", "yes")
    assert turns[3].state == State.SELECT_PHARMACY and says in turns[3].reply
    assert "Costco" in turns[3].reply and not new_orders(store)  # the offers again; nothing written


def test_a_yes_after_the_price_changed_writes_nothing_and_shows_the_new_summary(assistant, talk, store, monkeypatch):
    turns = talk("P001", "refill my lisinopril", "yes", "the cheapest")
    assert turns[2].state == State.CONFIRM_ORDER and "$2.10" in turns[2].reply
    real = REGISTRY["price_lookup"].fn

    def dearer(ctx, args):
        out = real(ctx, args)
        for q in out.quotes:
            q.price = round(q.price + 1, 2)
        return out

    monkeypatch.setattr(REGISTRY["price_lookup"], "fn", dearer)
    t = assistant.handle(turns.sid, "yes")
    assert t.state == State.CONFIRM_ORDER and "$3.10" in t.reply and not new_orders(store)
    assert assistant.handle(turns.sid, "yes").state == State.COMPLETE  # a yes to the summary now shown
    assert len(new_orders(store)) == 1  # (the store's own price: only the quote was made dearer here)


def test_a_cancel_summary_goes_stale_when_the_order_moves_on(assistant, talk, store):
    turns = talk("P009", "cancel the singulair order")
    assert turns[0].state == State.CONFIRM_CANCEL
    store.set_order_status("ORD-20009", "picked_up", ("received", "in_progress", "ready"))
    t = assistant.handle(turns.sid, "yes cancel it")
    assert t.state == State.START and t.outcome is None and store.order("ORD-20009").status == "picked_up"
