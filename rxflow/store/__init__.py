"""DuckDB store: the mock world, seeded from datasets/mock, plus orders and sessions."""

from rxflow.store.db import OrderConflict, Store, StoreError, StoreUnavailable

__all__ = ["OrderConflict", "Store", "StoreError", "StoreUnavailable"]
