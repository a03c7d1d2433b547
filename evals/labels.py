"""What each step should have answered, from a turn's labels only (never from a program's reading).

Used twice: to build compile examples (evals/examples.py) and to score each step's answers in an
eval run (`step_accuracy` per signature). A label that does not say what a step should answer
gives no gold for it: the step is neither taught nor scored on that turn.
"""

from __future__ import annotations

from typing import Any

import rxflow.flow.stages  # noqa: F401  (registers each state's stage: its asks)
from evals.dataset import Expect
from programs.types import Asks, OfferOption
from rxflow.flow.registry import stage_of
from rxflow.flow.states import State
from rxflow.offers import ORDERINGS

# The class field of each step: what "balanced per class" and per-class reports group by.
CLASS_FIELD = {"extract": "intent", "resolve": None, "dosage": "verdict", "pharmacy": "criterion", "confirm": "answer"}

def asks_of(state: str) -> Asks:
    """What was just asked in a recorded state (a State or its name): its stage's `asks`."""
    return stage_of(State(state)).asks


def gold(step: str, inputs: dict[str, Any], e: Expect | None, state_before: str, state_after: str | None,
         calls_of_step: int = 1) -> dict[str, Any] | None:
    """The labelled outputs of `step` for this turn (only the fields the labels fix), or None.
    `state_before`/`state_after`: the recorded states; the reader was told only what the first asked."""
    if e is None:
        return None
    asked = asks_of(state_before)
    if step == "extract" and e.intent:
        out: dict[str, Any] = {"intent": e.intent}
        if e.topic:
            out["topic"] = e.topic
        elif e.intent not in ("question", "ask_price"):
            out["topic"] = "none"
        if e.intent == "refill" and e.slots and e.slots.medication and asked == "nothing":
            out["mentions"] = [{"text": e.slots.medication, "strength": None, "frequency": None}]
        if e.language:
            out["reply_language"] = e.language
        return out
    if step == "resolve" and calls_of_step == 1 and e.slots and e.slots.medication and e.state == "CONFIRM_DOSAGE":
        keys = [m.key for m in inputs["medications"] if m.name == e.slots.medication]
        return {"matches": keys} if keys else None
    if step == "dosage" and e.dosage:
        return {"verdict": e.dosage}
    if step == "pharmacy" and e.slots and e.slots.pharmacy_id and asked == "pharmacy":
        return {"pharmacy_id": None if e.criterion else e.slots.pharmacy_id, "criterion": e.criterion or "none",
                "chosen": e.slots.pharmacy_id}
    if step == "confirm" and asked == "order_yes" and (state_after or e.state):
        after = e.state or state_after
        # Staying at the summary: a pharmacy picked there ("actually the closest one") is a change
        # (the summary is shown again for it); anything else there is not an answer yet.
        picked = e.intent in ("change", "choose_pharmacy") or bool(e.slots and e.slots.pharmacy_id)
        answer = {"COMPLETE": "yes", "CONFIRM_DOSAGE": "yes", "CONFIRM_ORDER": "change" if picked else "unclear",
                  "SELECT_PHARMACY": "change" if e.intent == "change" else "no"}.get(after)
        return {"answer": answer} if answer else None
    return None


def _offer_for(offers, criterion: str) -> str | None:
    key = ORDERINGS.get(criterion)
    offers = [OfferOption.model_validate(o) if isinstance(o, dict) else o for o in offers]
    return min(offers, key=key).key if key and offers else None


def correct(step: str, want: dict[str, Any], got: dict[str, Any], inputs: dict[str, Any]) -> bool:
    """Whether a step's answer meets its gold: on the labelled fields, judged by what they decide."""
    if step == "extract":
        ok = got.get("intent") == want["intent"]
        if "topic" in want:
            ok = ok and got.get("topic", "none") == want["topic"]
        if want.get("mentions"):
            ok = ok and bool(got.get("mentions"))
        if "reply_language" in want:
            ok = ok and got.get("reply_language", "en") == want["reply_language"]
        return ok
    if step == "resolve":
        return sorted(got.get("matches") or []) == sorted(want["matches"])
    if step == "dosage":
        return got.get("verdict") == want["verdict"]
    if step == "pharmacy":
        chosen = got.get("pharmacy_id") or _offer_for(inputs.get("offers") or [], got.get("criterion", "none"))
        return chosen == want["chosen"] or (want["criterion"] != "none" and got.get("criterion") == want["criterion"])
    if step == "confirm":
        # A "no" and a "change" lead to the same place (the offers again); everything else must match.
        return got.get("answer") == want["answer"] or {got.get("answer"), want["answer"]} <= {"no", "change"}
    raise ValueError(step)
