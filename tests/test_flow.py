"""The state machine: the table is complete, consistent with the handlers, and drawn from itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rxflow.flow.handlers import HANDLERS
from rxflow.flow.states import State
from rxflow.flow.transitions import GUARDS, TRANSITIONS, InvalidTransition, fire, to_mermaid, triggers_from

HANDLER_SOURCE = Path(__file__).resolve().parent.parent / "rxflow" / "flow" / "handlers.py"


def fired_triggers() -> set[str]:
    """Every trigger name written in the handlers' source (w.go("..."), begin(..., "...")...)."""
    names = {t.trigger for t in TRANSITIONS}
    tree = ast.parse(HANDLER_SOURCE.read_text())
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in names}


def test_every_state_is_reachable_and_handled():
    reachable = {State.START} | {t.dst for t in TRANSITIONS}
    assert reachable == set(State)
    assert set(HANDLERS) == set(State) - {State.CHECK_AUTHORIZATION}  # transient: never rested in


def test_every_trigger_in_the_table_is_fired_by_a_handler():
    assert {t.trigger for t in TRANSITIONS} - {"error"} <= fired_triggers()


def test_guards_are_named_and_defined():
    assert {t.guard for t in TRANSITIONS if t.guard} <= set(GUARDS)


def test_fire_follows_the_table_and_guards():
    class Conv:
        queue = [["RX1"]]
        dose_attempts = 1

    assert fire(State.START, "refill_resolved") == State.CONFIRM_DOSAGE
    assert fire(State.CONFIRM_DOSAGE, "dose_mismatch", Conv) == State.CONFIRM_DOSAGE
    Conv.dose_attempts = 2
    assert fire(State.CONFIRM_DOSAGE, "dose_mismatch", Conv) == State.REFER_PHARMACIST
    assert fire(State.COMPLETE, "next_medication", Conv) == State.CONFIRM_DOSAGE
    Conv.queue = []
    with pytest.raises(InvalidTransition):
        fire(State.COMPLETE, "next_medication", Conv)
    with pytest.raises(InvalidTransition):
        fire(State.START, "confirmed")  # no order without passing CONFIRM_ORDER


def test_only_confirm_order_reaches_complete():
    assert {t.src for t in TRANSITIONS if t.dst == State.COMPLETE} == {State.CONFIRM_ORDER}
    assert {t.trigger for t in TRANSITIONS if t.dst == State.COMPLETE} == {"confirmed"}


def test_mermaid_is_drawn_from_the_table():
    text = to_mermaid(State.SELECT_PHARMACY, [State.START, State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION])
    assert text.startswith("stateDiagram-v2")
    for s in State:
        assert s.value in text
    assert "class SELECT_PHARMACY current" in text and "class CONFIRM_DOSAGE visited" in text
    assert "CONFIRM_ORDER --> COMPLETE: confirmed" in text
    assert triggers_from(State.CONFIRM_ORDER) == sorted(
        {"confirmed", "declined", "change_pharmacy", "change_dose", "change_medication", "confirm_unclear",
         "order_refused", "stop", "error"})


def test_turn_path_records_the_pass_through_check(talk):
    turns = talk("P001", "refill lisinopril", "yes")
    assert turns[1].path == [State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION, State.SELECT_PHARMACY]
    assert [c["name"] for c in turns[1].tool_calls][-2:] == ["refill_policy", "price_lookup"]
