"""The conversation flow: states, the transition table, the context, the state handlers."""

from rxflow.flow.states import IDLE, State
from rxflow.flow.transitions import TRANSITIONS, fire, to_mermaid

__all__ = ["IDLE", "TRANSITIONS", "State", "fire", "to_mermaid"]
