"""The state machine: the table is complete, consistent with the handlers, and drawn from itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rxflow.flow.registry import STAGES
from rxflow.flow.stage import Stage
from rxflow.flow.states import State
from rxflow.flow.transitions import (
    GUARDS,
    TRANSITIONS,
    InvalidTransition,
    Trigger,
    fire,
    to_mermaid,
    triggers_from,
)

FLOW = Path(__file__).resolve().parent.parent / "rxflow" / "flow"


def fired_triggers() -> set[Trigger]:
    """Every trigger the flow's code names (T.SOMETHING / Trigger.SOMETHING), outside the table itself."""
    found = set()
    for path in FLOW.rglob("*.py"):
        if path.name == "transitions.py":
            continue
        for n in ast.walk(ast.parse(path.read_text())):
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in ("T", "Trigger") \
                    and n.attr in Trigger.__members__:
                found.add(Trigger[n.attr])
    return found


def test_every_state_is_reachable_and_handled():
    reachable = {State.START} | {t.dst for t in TRANSITIONS}
    assert reachable == set(State)
    import rxflow.flow.stages  # noqa: F401  (registers the stages)

    assert set(STAGES) == set(State)
    handled = {s for s, st in STAGES.items() if type(st).handle is not Stage.handle}
    assert handled == set(State) - {State.CHECK_AUTHORIZATION}  # transient: never rested in


def test_every_trigger_in_the_table_is_fired_by_a_handler():
    assert {t.trigger for t in TRANSITIONS} - {Trigger.ERROR} <= fired_triggers()
    assert set(Trigger) == {t.trigger for t in TRANSITIONS}  # no trigger without a row


def test_guards_are_named_and_defined():
    assert {t.guard for t in TRANSITIONS if t.guard} <= set(GUARDS)


def test_fire_follows_the_table_and_guards():
    class Conv:
        queue = [["RX1"]]

    assert fire(State.START, Trigger.REFILL_RESOLVED) == State.CONFIRM_DOSAGE
    assert fire(State.CONFIRM_DOSAGE, Trigger.DOSE_MISMATCH, Conv) == State.CONFIRM_DOSAGE
    assert fire(State.CONFIRM_DOSAGE, Trigger.DOSE_REFER, Conv) == State.REFER_PHARMACIST
    assert fire(State.COMPLETE, Trigger.NEXT_MEDICATION, Conv) == State.CONFIRM_DOSAGE
    Conv.queue = []
    with pytest.raises(InvalidTransition):
        fire(State.COMPLETE, Trigger.NEXT_MEDICATION, Conv)
    with pytest.raises(InvalidTransition):
        fire(State.START, Trigger.CONFIRMED)  # no order without passing CONFIRM_ORDER


def test_only_confirm_order_reaches_complete():
    assert {t.src for t in TRANSITIONS if t.dst == State.COMPLETE} == {State.CONFIRM_ORDER}
    assert {t.trigger for t in TRANSITIONS if t.dst == State.COMPLETE} == {Trigger.CONFIRMED}


def test_mermaid_is_drawn_from_the_table():
    text = to_mermaid(State.SELECT_PHARMACY, [State.START, State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION])
    assert text.startswith("stateDiagram-v2")
    for s in State:
        assert s.value in text
    assert "class SELECT_PHARMACY current" in text and "class CONFIRM_DOSAGE visited" in text
    assert "CONFIRM_ORDER --> COMPLETE: confirmed" in text
    assert triggers_from(State.CONFIRM_ORDER) == sorted(
        {"confirmed", "declined", "change_dose", "change_medication", "confirm_unclear",
         "order_refused", "summary_changed", "switch_medication", "refill_blocked", "stop", "error"})


def test_turn_path_records_the_pass_through_check(talk):
    turns = talk("P001", "refill lisinopril", "yes")
    assert turns[1].path == [State.CONFIRM_DOSAGE, State.CHECK_AUTHORIZATION, State.SELECT_PHARMACY]
    # The rules' verdict comes with the patient's history (patient_history); then the prices.
    assert [c["name"] for c in turns[1].tool_calls][-1] == "price_lookup"
    assert {c["name"] for c in turns[1].tool_calls} <= {"patient_history", "dosage_verification", "price_lookup"}
