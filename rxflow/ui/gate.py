"""The gate in front of Gradio (ASGI middleware): what a request may cost before any event function runs.

Gradio parses a request, validates it, copies its inputs into the tab's server-side state and prints
any error (inputs included) before one of the page's functions could refuse it. So here, first:
- **who asks**: the client's address, as the rate limit sees it (`client_address`: the TCP peer, or
  behind trusted proxies the address the outermost saw; an IPv6 client by its /64, what one host holds);
- **a rate per client** over every request to the app's routes, static files aside (page events, API
  calls, the event streams): a flood is refused with 429 before Gradio reads it;
- **bodies bounded in bytes** (413 over `max_body`), read here in full before Gradio sees them;
- **no uploads** (the page has no file input; Gradio's upload route would keep anything it is sent
  and serve it back) and **no monitoring page** (its summary is public);
- **an event stream belongs to the client that opened it first**: a tab's Gradio session hash (carried
  in URLs) read elsewhere opens nothing.
The page's own events still pass the per-client rate limit of rxflow/ratelimit.py, which counts what a
person does (a turn, a page load); this one counts requests (a turn makes four).
"""

from __future__ import annotations

import ipaddress
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import parse_qs

from rxflow.ratelimit import RateLimiter

# Static files a page load fetches (about ninety): not counted.
STATIC = ("/assets/", "/static/", "/svelte/", "/favicon.ico", "/theme.css", "/manifest.json", "/pwa_icon",
          "/robots.txt")
STREAM = "/gradio_api/queue/data"
HEARTBEAT = "/gradio_api/heartbeat/"


def client_address(peer: str | None, forwarded: Iterable[str] = (), proxy_hops: int = 0) -> str:
    """Who is asking: the TCP peer, or behind `proxy_hops` trusted proxies the address the outermost of
    them saw. X-Forwarded-For is read across all its header lines (a proxy may add a line rather than
    extend the first) and counted from the right: the left is the client's own say and can be anything.
    An IPv6 address stands for its /64 (one host commonly holds the whole /64)."""
    host = peer or "unknown"
    if proxy_hops:
        seen = [h.strip() for line in forwarded for h in line.split(",") if h.strip()]
        if len(seen) >= proxy_hops:
            host = seen[-proxy_hops]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class StreamOwners:
    """Which client opened each Gradio session's event stream first (bounded: least recent forgotten)."""

    def __init__(self, capacity: int = 20_000):
        self.capacity = capacity
        self._owner: OrderedDict[str, str] = OrderedDict()
        self._guard = threading.Lock()

    def claim(self, session_hash: str, client: str) -> bool:
        """True when `client` may use this session's stream: it opened it first, or nobody did."""
        with self._guard:
            owner = self._owner.pop(session_hash, client)
            self._owner[session_hash] = owner
            while len(self._owner) > self.capacity:
                self._owner.popitem(last=False)
        return owner == client


class Gate:
    def __init__(self, app, *, limiter: RateLimiter, proxy_hops: int = 0, max_body: int = 64_000):
        self.app, self.limiter, self.proxy_hops, self.max_body = app, limiter, proxy_hops, max_body
        self.streams = StreamOwners()
        self.refused = {"rate": 0, "size": 0, "upload": 0, "monitoring": 0, "stream": 0}  # counts, for the soak

    def client(self, scope) -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-forwarded-for"]
        return client_address(peer, forwarded, self.proxy_hops)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path, method = scope.get("path", ""), scope.get("method", "GET")
        if method == "POST" and path.rstrip("/").endswith("/upload"):
            return await self.refuse(send, 403, "upload", "Uploads are not accepted here.")
        if path.startswith("/monitoring") or path.startswith("/gradio_api/monitoring"):
            return await self.refuse(send, 404, "monitoring", "Not found.")
        if path.startswith(STATIC) or (method == "GET" and path.startswith("/gradio_api/file=")):
            return await self.app(scope, receive, send)
        client = self.client(scope)
        if not self.limiter.allow(client):
            return await self.refuse(send, 429, "rate", "Too many requests; please wait a few seconds and try again.")
        if path.startswith(HEARTBEAT) or path == STREAM:
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            session = path[len(HEARTBEAT):].strip("/") if path.startswith(HEARTBEAT) else \
                (query.get("session_hash") or [""])[0]
            if session and not self.streams.claim(session[:64], client):
                return await self.refuse(send, 403, "stream", "This page session belongs to another client.")
        if method in ("POST", "PUT", "PATCH"):
            body = await self.read_body(scope, receive)
            if body is None:
                return await self.refuse(send, 413, "size", f"Requests are limited to {self.max_body:,} bytes.")
            if path.endswith("/queue/join") and not self.joins_own_stream(body, client):
                return await self.refuse(send, 403, "stream", "This page session belongs to another client.")
            receive = replay(body, receive)
        return await self.app(scope, receive, send)

    def joins_own_stream(self, body: bytes, client: str) -> bool:
        """An event sent for a page session whose stream another client opened is refused."""
        try:
            session = json.loads(body).get("session_hash")
        except (ValueError, AttributeError):
            return True  # malformed: Gradio refuses it (its error line is bounded by rxflow/logs.py)
        return not isinstance(session, str) or not session or self.streams.claim(session[:64], client)

    async def read_body(self, scope, receive) -> bytes | None:
        """The whole body, or None once it passes max_body (a declared length is refused unread)."""
        declared = next((v for k, v in scope.get("headers", []) if k == b"content-length"), None)
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return None
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def refuse(self, send, status: int, what: str, message: str) -> None:
        self.refused[what] += 1
        body = json.dumps({"error": message}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def replay(body: bytes, receive):
    """A receive() that gives the body already read, then waits on the connection as the original would."""
    sent = False

    async def again():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
