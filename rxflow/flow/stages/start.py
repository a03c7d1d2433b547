"""START: nothing in flight. A new request may begin."""

from __future__ import annotations

from rxflow.flow.stage import IdleStage, stage
from rxflow.flow.states import State


@stage
class Start(IdleStage):
    state = State.START

    def settle(self, w) -> None:
        """Already at rest."""
