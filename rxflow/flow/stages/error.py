"""ERROR: a turn failed (a bug, never the patient's fault). The next message starts afresh."""

from __future__ import annotations

from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class Error(IdleStage):
    state = State.ERROR
