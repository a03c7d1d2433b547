"""Every write the conversation can make: one module per kind, one shared path (base.py).

Importing this package registers the four kinds (order, cancel, request, withdraw).
"""

from rxflow.flow.writes import cancel, order, request, withdraw  # noqa: F401  (registers the kinds)
from rxflow.flow.writes.base import WRITES, carry_out, consented, show

__all__ = ["WRITES", "carry_out", "consented", "show"]
