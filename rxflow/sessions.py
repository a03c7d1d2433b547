"""Session ids, resume tokens and per-session locks.

A session id is a server-made secret (the API's bearer credential): it is checked by format
before any lookup, lock or log line, and only its short digest is ever shown (Turn.session_id,
logs). A browser tab never holds the session id: it holds a resume token the server gave it,
stored server-side only as a digest and replaced on every use.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits
_FORMAT = re.compile(r"[A-Za-z0-9_-]{32}")


def new_id() -> str:
    """A fresh session id or resume token (the same format)."""
    return secrets.token_urlsafe(_BYTES)


def well_formed(value: object) -> bool:
    """Could this be an id the server made? Checked before anything else looks at it."""
    return isinstance(value, str) and len(value) == 32 and _FORMAT.fullmatch(value) is not None


def digest(value: str, size: int = 12) -> str:
    """A short one-way digest: what logs and Turn.session_id show instead of the id itself."""
    return hashlib.sha256(value.encode()).hexdigest()[:size]


def token_digest(token: str) -> str:
    """How a resume token is stored: the full digest, so a copy of the database resumes nothing."""
    return digest(token, 64)


class SessionLocks:
    """One lock per session with a turn in flight. An entry lives only while someone holds or waits
    for it, so the table is bounded by the turns running at once, never by the ids ever seen."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: dict[str, list] = {}  # session id -> [lock, holders and waiters]

    @contextmanager
    def hold(self, session_id: str) -> Iterator[None]:
        with self._guard:
            entry = self._held.setdefault(session_id, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._held[session_id]

    @property
    def in_use(self) -> int:
        """Sessions with a turn running or waiting now."""
        return len(self._held)


class Owners:
    """Which client (an address, as the rate limit sees it) started each live session: what fair shares
    of the live sessions are counted by. In memory, and only for the sessions it is told are live
    (`keep`), so it never outgrows them; after a restart the older sessions have no owner and count
    as one holder."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._of: dict[str, str] = {}
        self._held: dict[str, set[str]] = {}  # client -> its sessions

    def add(self, session_id: str, client: str) -> None:
        with self._guard:
            self._of[session_id] = client
            self._held.setdefault(client, set()).add(session_id)

    def of(self, session_id: str) -> str:
        return self._of.get(session_id, "")

    def count(self, client: str) -> int:
        """Sessions `client` started that are not known to be gone (an over-count until the next `keep`)."""
        return len(self._held.get(client, ()))

    def drop(self, session_id: str) -> None:
        with self._guard:
            self._forget(session_id)

    def keep(self, live: set[str]) -> None:
        """Forget every session not in `live` (expired, swept, evicted)."""
        with self._guard:
            for sid in [s for s in self._of if s not in live]:
                self._forget(sid)

    def _forget(self, session_id: str) -> None:
        client = self._of.pop(session_id, None)
        if client is not None:
            held = self._held[client]
            held.discard(session_id)
            if not held:
                del self._held[client]

    def __len__(self) -> int:
        return len(self._of)


def idlest(sessions: list[dict]) -> dict:
    """The session to give up first: one that never took a turn (a page opened and left), else the one
    idle longest. Each is a row with `turn_count` and `updated_at`."""
    return min(sessions, key=lambda r: (r["turn_count"] > 0, r["updated_at"]))
