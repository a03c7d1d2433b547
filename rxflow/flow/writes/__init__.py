"""Every write the conversation can make: one module per kind, one shared path (base.py).

Importing this package registers the kinds (order, basket, cancel, request, withdraw, setting, transfer).
"""

from rxflow.flow.writes import (  # noqa: F401  (registers the kinds)
    basket,
    cancel,
    order,
    request,
    setting,
    transfer,
    withdraw,
)
from rxflow.flow.writes.base import WRITES, carry_out, consented, show

__all__ = ["WRITES", "carry_out", "consented", "show"]
