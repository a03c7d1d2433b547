"""TurnWork: what one turn accumulates (tool calls, steps, alerts, replies, the state path),
and the Turn it becomes: the object the UI, the CLI and the evals all read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from programs.modules import StepTrace
from rxflow.domain import Alert
from rxflow.flow.context import Conversation
from rxflow.flow.states import State
from rxflow.flow.transitions import fire
from rxflow.tools import ToolContext, ToolResult, call_tool


class Turn(BaseModel):
    session_id: str
    turn_no: int
    state_before: State
    state: State
    path: list[State]
    reply: str
    intent: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    dosage: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    alerts: list[Alert] = Field(default_factory=list)
    order: dict[str, Any] | None = None
    outcome: str | None = None
    program: str = "offline"
    lm_calls: int = 0
    tokens: int = 0
    fallbacks: list[dict[str, Any]] = Field(default_factory=list)
    steps: list[dict[str, Any]] = Field(default_factory=list)
    guarded: bool = Field(False, description="True when the input guard answered and nothing else ran.")
    ms: float = 0.0
    at: dt.datetime = Field(default_factory=dt.datetime.now)


class TurnWork:
    def __init__(self, conv: Conversation, message: str, ctx: ToolContext, programs):
        self.conv, self.message, self.ctx, self.programs = conv, message, ctx, programs
        self.state_before = conv.state
        self.path: list[State] = [conv.state]
        self.replies: list[str] = []
        self.tool_calls: list[ToolResult] = []
        self.traces: list[StepTrace] = []
        self.alerts: list[Alert] = []
        self.order: dict[str, Any] | None = None
        self.intent: str | None = None
        self.dosage: str | None = None  # this turn's dose verdict (the conversation's is reset on refusal)
        self.outcome: str | None = None
        # patient_history, read at most once a turn (see handlers.meds)
        self.history: dict[str, Any] | None = None
        self.med_options: list | None = None

    # -- what handlers use
    def call(self, name: str, **args) -> ToolResult:
        result = call_tool(self.ctx, name, args)
        self.tool_calls.append(result)
        return result

    def record(self, result: ToolResult) -> None:
        """Record a call made outside the registry (the policy engine), for the inspector."""
        self.tool_calls.append(result)

    def step(self, name: str, **inputs):
        answer, trace = self.programs.step(name, **inputs)
        self.traces.append(trace)
        return answer

    def say(self, text: str) -> None:
        self.replies.append(text)

    def alert(self, a: Alert) -> None:
        self.alerts.append(a)
        self.conv.alerts.append(a)

    def go(self, trigger: str) -> State:
        self.conv.state = fire(self.conv.state, trigger, self.conv)
        self.path.append(self.conv.state)
        self.conv.visited.append(self.conv.state)
        return self.conv.state

    def end_refill(self, status: str) -> None:
        """Record how the medication in flight ended (the evals judge these)."""
        self.outcome = status
        self.conv.outcomes.append({"status": status, "rx_id": self.conv.slots.rx_id,
                                   "medication": self.conv.slots.medication})

    @property
    def reply(self) -> str:
        return "\n\n".join(self.replies)
