"""DuckDB store: the mock world, seeded from datasets/mock, plus the run-time rows (orders, requests, texts,
standing settings) and sessions."""

from rxflow.store.db import (
    EnrolmentConflict,
    OrderConflict,
    ReminderConflict,
    RequestConflict,
    Store,
    StoreError,
    StoreUnavailable,
)

__all__ = ["EnrolmentConflict", "OrderConflict", "ReminderConflict", "RequestConflict", "Store", "StoreError",
           "StoreUnavailable"]
