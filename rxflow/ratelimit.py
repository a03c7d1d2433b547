"""A per-client rate limit: a token bucket per client, in memory, for the UI's events and the API.

The number of clients remembered is bounded (the least recently seen is forgotten first), so a
flood of addresses costs a fixed amount of memory; a forgotten client simply starts with a full
bucket again.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000):
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._guard = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def allow(self, client: str, now: float | None = None) -> bool:
        """Take one token from `client`'s bucket; False when it is empty."""
        if not self.enabled:
            return True
        now = time.monotonic() if now is None else now
        with self._guard:
            tokens, at = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return allowed

    @property
    def clients(self) -> int:
        """How many clients are remembered now."""
        return len(self._buckets)
