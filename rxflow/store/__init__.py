"""DuckDB store: the mock world, seeded from datasets/mock, plus orders, requests and sessions."""

from rxflow.store.db import OrderConflict, RequestConflict, Store, StoreError, StoreUnavailable

__all__ = ["OrderConflict", "RequestConflict", "Store", "StoreError", "StoreUnavailable"]
