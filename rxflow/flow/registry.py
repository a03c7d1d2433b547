"""Where each state's stage is found: the one link from the turn and the dialogue acts to a stage.

Stages register themselves here when `rxflow.flow.stages` is imported; nothing else knows a stage
by its class. Kept apart from `stage.py` so that the turn (which calls a stage's `enter` when the
table moves it) never imports the stages it calls.
"""

from __future__ import annotations

from typing import Any

from rxflow.flow.states import State

STAGES: dict[State, Any] = {}  # State -> Stage (rxflow/flow/stage.py)


def stage_of(state: State):
    """The stage that rests in `state` (every state has one: a missing one is a bug)."""
    return STAGES[state]
