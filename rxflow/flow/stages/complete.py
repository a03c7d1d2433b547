"""COMPLETE: an order was just placed. Anything new may begin."""

from __future__ import annotations

from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class Complete(IdleStage):
    state = State.COMPLETE
