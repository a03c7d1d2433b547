"""A tool's refusal about an order or a request, said to the patient by its error code (never its text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxflow.guard import safe_echo
from rxflow.tools import ToolFailed

if TYPE_CHECKING:
    from rxflow.flow.turn import TurnWork

_ORDER = {"forbidden": "order_not_yours", "not_found": "order_not_found", "bad_input": "order_not_found"}
_REQUEST = {"forbidden": "request_not_yours", "not_found": "request_not_found", "bad_input": "request_not_found"}


def order_error(w: TurnWork, e: ToolFailed, order_id: str) -> None:
    w.say(_ORDER.get(e.code, "order_other_error"), order_id=safe_echo(order_id, 20))


def request_error(w: TurnWork, e: ToolFailed, request_id: str) -> None:
    w.say(_REQUEST.get(e.code, "request_other_error"), request_id=safe_echo(request_id, 20))
