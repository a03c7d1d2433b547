"""The transition table: the only source of the flow and of the diagram.

Each row is (from, trigger, to, guard). The assistant computes a trigger from what the
programs understood and the tools returned, then `fire()` looks the row up; a trigger with
no row is a bug and lands in ERROR. Guards are named predicates over the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rxflow.flow.states import IDLE, State

S = State


@dataclass(frozen=True)
class Transition:
    src: State
    trigger: str
    dst: State
    guard: str | None = None


_MID_FLOW = (S.IDENTIFY_MEDICATION, S.CLARIFY_MEDICATION, S.CONFIRM_DOSAGE, S.SELECT_PHARMACY, S.CONFIRM_ORDER,
             S.CONFIRM_CANCEL)

TRANSITIONS: list[Transition] = [
    # A new request, from any idle state.
    *[Transition(s, "refill_resolved", S.CONFIRM_DOSAGE) for s in IDLE],
    *[Transition(s, "refill_ambiguous", S.CLARIFY_MEDICATION) for s in IDLE],
    *[Transition(s, "refill_unresolved", S.IDENTIFY_MEDICATION) for s in IDLE],
    *[Transition(s, "info", S.START) for s in IDLE],
    *[Transition(s, "cancel_requested", S.CONFIRM_CANCEL) for s in IDLE],
    # Which medication?
    Transition(S.IDENTIFY_MEDICATION, "refill_resolved", S.CONFIRM_DOSAGE),
    Transition(S.IDENTIFY_MEDICATION, "refill_ambiguous", S.CLARIFY_MEDICATION),
    Transition(S.IDENTIFY_MEDICATION, "refill_unresolved", S.IDENTIFY_MEDICATION),
    Transition(S.IDENTIFY_MEDICATION, "info", S.START),
    Transition(S.CLARIFY_MEDICATION, "refill_resolved", S.CONFIRM_DOSAGE),
    Transition(S.CLARIFY_MEDICATION, "refill_unresolved", S.CLARIFY_MEDICATION),
    Transition(S.CLARIFY_MEDICATION, "info", S.START),
    # The dose, read back and confirmed.
    Transition(S.CONFIRM_DOSAGE, "dose_confirmed", S.CHECK_AUTHORIZATION),
    Transition(S.CONFIRM_DOSAGE, "dose_mismatch", S.CONFIRM_DOSAGE, "first_mismatch"),
    Transition(S.CONFIRM_DOSAGE, "dose_mismatch", S.REFER_PHARMACIST, "repeated_mismatch"),
    Transition(S.CONFIRM_DOSAGE, "dose_unclear", S.CONFIRM_DOSAGE),
    Transition(S.CONFIRM_DOSAGE, "switch_medication", S.CONFIRM_DOSAGE),
    # Eligibility, drug-use review and insurance (runs within the same turn).
    Transition(S.CHECK_AUTHORIZATION, "eligible", S.SELECT_PHARMACY),
    Transition(S.CHECK_AUTHORIZATION, "needs_prior_auth", S.ESCALATE_PA),
    Transition(S.CHECK_AUTHORIZATION, "refer_prescriber", S.REFER_PRESCRIBER),
    Transition(S.CHECK_AUTHORIZATION, "refer_pharmacist", S.REFER_PHARMACIST),
    Transition(S.CHECK_AUTHORIZATION, "not_eligible", S.NOT_ELIGIBLE),
    Transition(S.CHECK_AUTHORIZATION, "no_offers", S.REFER_PHARMACIST),
    Transition(S.ESCALATE_PA, "pay_cash", S.SELECT_PHARMACY),
    # Pharmacy and the explicit yes.
    Transition(S.SELECT_PHARMACY, "pharmacy_chosen", S.CONFIRM_ORDER),
    Transition(S.SELECT_PHARMACY, "pharmacy_unclear", S.SELECT_PHARMACY),
    Transition(S.CONFIRM_ORDER, "confirmed", S.COMPLETE),
    Transition(S.CONFIRM_ORDER, "declined", S.SELECT_PHARMACY),
    Transition(S.CONFIRM_ORDER, "change_pharmacy", S.SELECT_PHARMACY),
    Transition(S.CONFIRM_ORDER, "change_dose", S.CONFIRM_DOSAGE),
    Transition(S.CONFIRM_ORDER, "change_medication", S.IDENTIFY_MEDICATION),
    Transition(S.CONFIRM_ORDER, "confirm_unclear", S.CONFIRM_ORDER),
    Transition(S.CONFIRM_ORDER, "order_refused", S.SELECT_PHARMACY),
    # Cancelling an order (a write: it needs its own yes).
    Transition(S.CONFIRM_CANCEL, "cancel_confirmed", S.START),
    Transition(S.CONFIRM_CANCEL, "cancel_declined", S.START),
    Transition(S.CONFIRM_CANCEL, "cancel_unclear", S.CONFIRM_CANCEL),
    # Several medications in one request: the next one starts when one ends.
    *[Transition(s, "next_medication", S.CONFIRM_DOSAGE, "has_queue") for s in
      (S.COMPLETE, S.REFER_PRESCRIBER, S.REFER_PHARMACIST, S.NOT_ELIGIBLE, S.ESCALATE_PA)],
    *[Transition(s, "next_ambiguous", S.CLARIFY_MEDICATION, "has_queue") for s in
      (S.COMPLETE, S.REFER_PRESCRIBER, S.REFER_PHARMACIST, S.NOT_ELIGIBLE, S.ESCALATE_PA)],
    # Leaving a refill half-way ("never mind"), and the safety net.
    *[Transition(s, "stop", S.START) for s in _MID_FLOW],
    *[Transition(s, "error", S.ERROR) for s in State],
]

GUARDS: dict[str, Callable[[Any], bool]] = {
    "has_queue": lambda conv: bool(conv.queue),
    "first_mismatch": lambda conv: conv.dose_attempts < 2,
    "repeated_mismatch": lambda conv: conv.dose_attempts >= 2,
}


class InvalidTransition(RuntimeError):
    pass


def fire(state: State, trigger: str, conv: Any = None) -> State:
    """The state after `trigger` in `state`: the first row whose guard holds."""
    for t in TRANSITIONS:
        if t.src == state and t.trigger == trigger and (t.guard is None or GUARDS[t.guard](conv)):
            return t.dst
    raise InvalidTransition(f"No transition from {state} on {trigger}")


def triggers_from(state: State) -> list[str]:
    return sorted({t.trigger for t in TRANSITIONS if t.src == state})


def to_mermaid(current: State | None = None, visited: list[State] | None = None, compact: bool = False) -> str:
    """A mermaid state diagram of the table, the current state highlighted, the visited path marked.

    The many rows that only restate "any idle state can start a new request" or "any state
    can fail into ERROR" are drawn once, from START, to keep the picture readable. `compact`
    (for the inspector panel) draws one unlabelled arrow per pair of states and leaves out the
    ways back to START, which every state has.
    """
    lines = ["stateDiagram-v2", "    direction TB" if compact else "    direction LR", "    [*] --> START"]
    seen: set[tuple[str, ...]] = set()
    for t in TRANSITIONS:
        if t.trigger == "error" and t.src != State.START:
            continue
        if t.src in IDLE and t.src != State.START and t.trigger in (
                "refill_resolved", "refill_ambiguous", "refill_unresolved", "cancel_requested"):
            continue
        if compact and (t.dst == State.START or t.trigger == "error" or t.src == t.dst):
            continue
        key = (t.src.value, t.dst.value) if compact else (t.src.value, t.dst.value, t.trigger)
        if key in seen:
            continue
        seen.add(key)
        if compact:
            lines.append(f"    {t.src.value} --> {t.dst.value}")
            continue
        label = t.trigger + (f" [{t.guard}]" if t.guard else "")
        lines.append(f"    {t.src.value} --> {t.dst.value}: {label}")
    lines.append("    classDef current fill:#2563eb,color:#fff,stroke:#1e3a8a,stroke-width:3px")
    lines.append("    classDef visited fill:#dbeafe,stroke:#2563eb")
    for s in dict.fromkeys(visited or []):
        if s != current:
            lines.append(f"    class {State(s).value} visited")
    if current is not None:
        lines.append(f"    class {State(current).value} current")
    return "\n".join(lines)
