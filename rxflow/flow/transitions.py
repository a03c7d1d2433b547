"""The transition table: the only source of the flow and of the diagram.

Each row is (from, trigger, to, guard). A handler computes a trigger from what the programs
understood and the tools returned, then `fire()` looks the row up; a trigger with no row is a
bug and lands in ERROR. Guards are named predicates over the conversation.

A question answered mid-flow ("is the walgreens open late?", "how much is it?") fires nothing:
the conversation keeps its place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rxflow.flow.states import ENDS_A_REFILL, IDLE, MID_FLOW, State

S = State


class Trigger(StrEnum):
    REFILL_RESOLVED = "refill_resolved"
    REFILL_AMBIGUOUS = "refill_ambiguous"
    REFILL_UNRESOLVED = "refill_unresolved"
    REFILL_BLOCKED = "refill_blocked"
    INFO = "info"
    CANCEL_REQUESTED = "cancel_requested"
    CANCEL_WHICH = "cancel_which"
    SWITCH_MEDICATION = "switch_medication"
    DOSE_CONFIRMED = "dose_confirmed"
    DOSE_MISMATCH = "dose_mismatch"
    DOSE_REFER = "dose_refer"
    DOSE_UNCLEAR = "dose_unclear"
    ELIGIBLE = "eligible"
    NEEDS_PRIOR_AUTH = "needs_prior_auth"
    REFER_PRESCRIBER = "refer_prescriber"
    REFER_PHARMACIST = "refer_pharmacist"
    NOT_ELIGIBLE = "not_eligible"
    NO_OFFERS = "no_offers"
    PAY_CASH = "pay_cash"
    PHARMACY_CHOSEN = "pharmacy_chosen"
    PHARMACY_UNCLEAR = "pharmacy_unclear"
    SUMMARY_CHANGED = "summary_changed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CHANGE_DOSE = "change_dose"
    CHANGE_MEDICATION = "change_medication"
    CONFIRM_UNCLEAR = "confirm_unclear"
    ORDER_REFUSED = "order_refused"
    CANCEL_CONFIRMED = "cancel_confirmed"
    CANCEL_DECLINED = "cancel_declined"
    CANCEL_UNCLEAR = "cancel_unclear"
    REQUEST_ASKED = "request_asked"
    WITHDRAW_ASKED = "withdraw_asked"
    REQUEST_DONE = "request_done"
    REQUEST_DECLINED = "request_declined"
    REQUEST_UNCLEAR = "request_unclear"
    SETTING_ASKED = "setting_asked"
    SETTING_DONE = "setting_done"
    SETTING_DECLINED = "setting_declined"
    SETTING_UNCLEAR = "setting_unclear"
    TRANSFER_MISSING = "transfer_missing"
    BASKET = "basket"
    NEXT_MEDICATION = "next_medication"
    NEXT_AMBIGUOUS = "next_ambiguous"
    STOP = "stop"
    ERROR = "error"


T = Trigger


@dataclass(frozen=True)
class Transition:
    src: State
    trigger: Trigger
    dst: State
    guard: str | None = None


TRANSITIONS: list[Transition] = [
    # A new request, from any idle state.
    *[Transition(s, T.REFILL_RESOLVED, S.CONFIRM_DOSAGE) for s in IDLE],
    *[Transition(s, T.REFILL_AMBIGUOUS, S.CLARIFY_MEDICATION) for s in IDLE],
    *[Transition(s, T.REFILL_UNRESOLVED, S.IDENTIFY_MEDICATION) for s in IDLE],
    *[Transition(s, T.INFO, S.START) for s in IDLE],
    *[Transition(s, T.CANCEL_REQUESTED, S.CONFIRM_CANCEL) for s in IDLE],
    # Which medication?
    Transition(S.IDENTIFY_MEDICATION, T.REFILL_RESOLVED, S.CONFIRM_DOSAGE),
    Transition(S.IDENTIFY_MEDICATION, T.REFILL_AMBIGUOUS, S.CLARIFY_MEDICATION),
    Transition(S.IDENTIFY_MEDICATION, T.REFILL_UNRESOLVED, S.IDENTIFY_MEDICATION),
    Transition(S.IDENTIFY_MEDICATION, T.INFO, S.START),
    Transition(S.CLARIFY_MEDICATION, T.REFILL_RESOLVED, S.CONFIRM_DOSAGE),
    Transition(S.CLARIFY_MEDICATION, T.REFILL_UNRESOLVED, S.CLARIFY_MEDICATION),
    # Naming another of the patient's medications mid-flow starts over with that one.
    *[Transition(s, T.SWITCH_MEDICATION, S.CONFIRM_DOSAGE) for s in
      (S.CLARIFY_MEDICATION, S.CONFIRM_DOSAGE, S.SELECT_PHARMACY, S.CONFIRM_ORDER)],
    # A refill the rules block whatever the dose is refused at once: no dose question first.
    *[Transition(s, T.REFILL_BLOCKED, S.CHECK_AUTHORIZATION) for s in
      (*IDLE, S.IDENTIFY_MEDICATION, S.CLARIFY_MEDICATION, S.CONFIRM_DOSAGE, S.SELECT_PHARMACY, S.CONFIRM_ORDER)],
    # The dose, read back and confirmed.
    Transition(S.CONFIRM_DOSAGE, T.DOSE_CONFIRMED, S.CHECK_AUTHORIZATION),
    Transition(S.CONFIRM_DOSAGE, T.DOSE_MISMATCH, S.CONFIRM_DOSAGE),
    Transition(S.CONFIRM_DOSAGE, T.DOSE_REFER, S.REFER_PHARMACIST),
    Transition(S.CONFIRM_DOSAGE, T.DOSE_UNCLEAR, S.CONFIRM_DOSAGE),
    # Eligibility, drug-use review and insurance (runs within the same turn).
    Transition(S.CHECK_AUTHORIZATION, T.ELIGIBLE, S.SELECT_PHARMACY),
    Transition(S.CHECK_AUTHORIZATION, T.NEEDS_PRIOR_AUTH, S.ESCALATE_PA),
    Transition(S.CHECK_AUTHORIZATION, T.REFER_PRESCRIBER, S.REFER_PRESCRIBER),
    Transition(S.CHECK_AUTHORIZATION, T.REFER_PHARMACIST, S.REFER_PHARMACIST),
    Transition(S.CHECK_AUTHORIZATION, T.NOT_ELIGIBLE, S.NOT_ELIGIBLE),
    Transition(S.CHECK_AUTHORIZATION, T.NO_OFFERS, S.REFER_PHARMACIST),
    # Insurance said no; the patient may pay cash (from wherever the conversation rests).
    *[Transition(s, T.PAY_CASH, S.SELECT_PHARMACY) for s in IDLE],
    # Everything due at once: one pharmacy for all (with exceptions), one summary, one yes.
    *[Transition(s, T.BASKET, S.SELECT_PHARMACY) for s in IDLE],
    # Pharmacy and the explicit yes.
    Transition(S.SELECT_PHARMACY, T.PHARMACY_CHOSEN, S.CONFIRM_ORDER),
    Transition(S.SELECT_PHARMACY, T.PHARMACY_UNCLEAR, S.SELECT_PHARMACY),
    Transition(S.CONFIRM_ORDER, T.CONFIRMED, S.COMPLETE),
    Transition(S.CONFIRM_ORDER, T.SUMMARY_CHANGED, S.CONFIRM_ORDER),
    Transition(S.CONFIRM_ORDER, T.DECLINED, S.SELECT_PHARMACY),
    Transition(S.CONFIRM_ORDER, T.CHANGE_DOSE, S.CONFIRM_DOSAGE),
    Transition(S.CONFIRM_ORDER, T.CHANGE_MEDICATION, S.IDENTIFY_MEDICATION),
    Transition(S.CONFIRM_ORDER, T.CONFIRM_UNCLEAR, S.CONFIRM_ORDER),
    Transition(S.CONFIRM_ORDER, T.ORDER_REFUSED, S.SELECT_PHARMACY),
    # Cancelling an order (a write: it needs its own yes); with several open, which one first.
    *[Transition(s, T.CANCEL_WHICH, S.CHOOSE_ORDER) for s in IDLE],
    Transition(S.CHOOSE_ORDER, T.CANCEL_REQUESTED, S.CONFIRM_CANCEL),
    Transition(S.CHOOSE_ORDER, T.INFO, S.START),
    Transition(S.CONFIRM_CANCEL, T.CANCEL_CONFIRMED, S.START),
    Transition(S.CONFIRM_CANCEL, T.CANCEL_DECLINED, S.START),
    Transition(S.CONFIRM_CANCEL, T.CANCEL_UNCLEAR, S.CONFIRM_CANCEL),
    # A request to a human (renewal, prior authorization, pharmacist call back), or withdrawing one: a
    # summary of exactly what is sent, and its own yes. Another request instead shows a new summary.
    *[Transition(s, T.REQUEST_ASKED, S.CONFIRM_REQUEST) for s in (*IDLE, S.CONFIRM_REQUEST)],
    *[Transition(s, T.WITHDRAW_ASKED, S.CONFIRM_REQUEST) for s in (*IDLE, S.CONFIRM_REQUEST)],
    Transition(S.CONFIRM_REQUEST, T.REQUEST_DONE, S.START),
    Transition(S.CONFIRM_REQUEST, T.REQUEST_DECLINED, S.START),
    Transition(S.CONFIRM_REQUEST, T.REQUEST_UNCLEAR, S.CONFIRM_REQUEST),
    # A standing setting (auto-refill, a reminder, texts): a summary of exactly what changes, and its own yes.
    *[Transition(s, T.SETTING_ASKED, S.CONFIRM_SETTING) for s in (*IDLE, S.CONFIRM_SETTING)],
    Transition(S.CONFIRM_SETTING, T.SETTING_DONE, S.START),
    Transition(S.CONFIRM_SETTING, T.SETTING_DECLINED, S.START),
    Transition(S.CONFIRM_SETTING, T.SETTING_UNCLEAR, S.CONFIRM_SETTING),
    # A transfer from another pharmacy: what is missing is asked (the medication, the other pharmacy), then the
    # request's summary (a request to a human, with its own yes).
    *[Transition(s, T.TRANSFER_MISSING, S.COLLECT_TRANSFER) for s in (*IDLE, S.COLLECT_TRANSFER)],
    *[Transition(s, T.REQUEST_ASKED, S.CONFIRM_REQUEST) for s in (S.COLLECT_TRANSFER,)],
    Transition(S.COLLECT_TRANSFER, T.INFO, S.START),
    # Several medications in one request: the next one starts when one ends (or is skipped).
    *[Transition(s, T.NEXT_MEDICATION, S.CONFIRM_DOSAGE, "has_queue") for s in (*ENDS_A_REFILL, S.START)],
    *[Transition(s, T.NEXT_AMBIGUOUS, S.CLARIFY_MEDICATION, "has_queue") for s in (*ENDS_A_REFILL, S.START)],
    # Leaving a refill half-way ("never mind", "start over"), and the safety net.
    *[Transition(s, T.STOP, S.START) for s in MID_FLOW],
    *[Transition(s, T.ERROR, S.ERROR) for s in State],
]

GUARDS: dict[str, Callable[[Any], bool]] = {
    "has_queue": lambda conv: bool(conv.queue),
}


class InvalidTransition(RuntimeError):
    pass


def fire(state: State, trigger: Trigger, conv: Any = None) -> State:
    """The state after `trigger` in `state`: the first row whose guard holds."""
    for t in TRANSITIONS:
        if t.src == state and t.trigger == trigger and (t.guard is None or GUARDS[t.guard](conv)):
            return t.dst
    raise InvalidTransition(f"No transition from {state} on {trigger}")


def triggers_from(state: State) -> list[str]:
    return sorted({t.trigger.value for t in TRANSITIONS if t.src == state})


def arrows(compact: bool = False, only: list[State] | None = None) -> list[Transition]:
    """The transitions a drawing of the table shows, each once. The many rows that only restate "any idle
    state can start a new request" or "any state can fail into ERROR" are drawn once, from START. `compact`:
    one arrow per pair of states, leaving out the ways back to START, which every state has. `only`: just the
    arrows between the given states."""
    seen: set[tuple[str, ...]] = set()
    keep = set(only) if only else None
    out: list[Transition] = []
    for t in TRANSITIONS:
        if keep is not None and (t.src not in keep or t.dst not in keep):
            continue
        if t.trigger == T.ERROR and t.src != State.START:
            continue
        if t.src in IDLE and t.src != State.START and t.trigger in (
                T.REFILL_RESOLVED, T.REFILL_AMBIGUOUS, T.REFILL_UNRESOLVED, T.REFILL_BLOCKED, T.CANCEL_REQUESTED, T.CANCEL_WHICH, T.PAY_CASH,
                T.REQUEST_ASKED, T.WITHDRAW_ASKED, T.SETTING_ASKED, T.TRANSFER_MISSING):
            continue
        if compact and (t.dst == State.START or t.trigger == T.ERROR or t.src == t.dst):
            continue
        key = (t.src.value, t.dst.value) if compact else (t.src.value, t.dst.value, t.trigger.value)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out


def to_mermaid(current: State | None = None, visited: list[State] | None = None, compact: bool = False,
               only: list[State] | None = None) -> str:
    """A mermaid state diagram of the table (its states and triggers by their code names, for developers),
    the current state highlighted, the visited path marked; `arrows` says which transitions it draws. The
    inspector draws the machine in words instead (rxflow/ui/render.py: machine_diagram)."""
    lines = ["stateDiagram-v2", "    direction TB" if compact else "    direction LR", "    [*] --> START"]
    for t in arrows(compact, only):
        if compact:
            lines.append(f"    {t.src.value} --> {t.dst.value}")
            continue
        label = t.trigger.value + (f" [{t.guard}]" if t.guard else "")
        lines.append(f"    {t.src.value} --> {t.dst.value}: {label}")
    keep = set(only) if only else None
    lines.append("    classDef current fill:#2563eb,color:#fff,stroke:#1e3a8a,stroke-width:3px")
    lines.append("    classDef visited fill:#dbeafe,stroke:#2563eb")
    for s in dict.fromkeys(visited or []):
        if s != current and (keep is None or s in keep):
            lines.append(f"    class {State(s).value} visited")
    if current is not None:
        lines.append(f"    class {State(current).value} current")
    return "\n".join(lines)
