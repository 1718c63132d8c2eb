"""HTTP connections that cannot starve the service: uvicorn's h11 protocol with a deadline
for each request's headers and a cap on open connections.

uvicorn times out an idle keep-alive connection, but not a connection that never sends a
request (or sends half of one): a thousand of those used to exhaust the file limit and make
the service unreachable. Here every connection must send its request headers within
CARTOON_SERVICE_HEADER_TIMEOUT_S of connecting (or of its first byte after a keep-alive
pause), and at CARTOON_SERVICE_MAX_CONNECTIONS open connections a new one closes the oldest
idle one (no request in progress) to make room; only when every connection is busy does
the newcomer get a JSON 503 with `Retry-After`. /healthz therefore answers under a flood of
idle sockets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)
RESERVED_FDS = 128  # files the service needs besides connections: stores, logs, PNGs, pipes
RETRY_AFTER_S = 5
BUSY = json.dumps(
    {"error": "the render service has too many connections open; try again in a few seconds", "field": None}
).encode()


class ServiceConfig(uvicorn.Config):
    """uvicorn's Config plus the limits `GuardedH11Protocol` reads."""

    def __init__(self, app: Any, *, max_connections: int, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(app, http=GuardedH11Protocol, **kwargs)
        self.max_connections = max_connections
        self.header_timeout_s = header_timeout_s


async def refuse(scope: Any, receive: Any, send: Any) -> None:
    """The answer past the cap: 503, one JSON line, Retry-After, and the connection closed."""
    headers = [
        (b"content-type", b"application/json"),
        (b"retry-after", str(RETRY_AFTER_S).encode()),
        (b"connection", b"close"),
        (b"content-length", str(len(BUSY)).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": BUSY})


class GuardedH11Protocol(H11Protocol):
    config: ServiceConfig

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._opened = self.loop.time()
        self._header_timer: asyncio.TimerHandle | None = None
        crowded = len(self.connections) >= self.config.max_connections and self._open() >= self.config.max_connections
        super().connection_made(transport)
        if crowded and not self._make_room():
            self.app = refuse
        self._arm()

    def _open(self) -> int:
        """Connections not already being closed (they leave the set a moment later)."""
        return sum(1 for c in self.connections if c.transport is not None and not c.transport.is_closing())

    def _busy(self) -> bool:
        """A request is in progress (its response not yet complete)."""
        return self.cycle is not None and not self.cycle.response_complete

    def _make_room(self) -> bool:
        idle = [
            c
            for c in self.connections
            if c is not self and isinstance(c, GuardedH11Protocol) and not c._busy() and not c.transport.is_closing()
        ]
        if not idle:
            return False
        min(idle, key=lambda c: c._opened).transport.close()
        return True

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.config.header_timeout_s, self._headers_late)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self._busy() and not self.transport.is_closing():
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._busy():
            self._disarm()
        elif not self.transport.is_closing():
            self._arm()  # bytes of a request whose headers are not complete yet

    def on_response_complete(self) -> None:
        super().on_response_complete()  # uvicorn's keep-alive timer takes over

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def raise_file_limit() -> int:
    """Raise this process's open-file limit to its hard limit; returns the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
    if soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    return soft


def connection_cap(wanted: int, file_limit: int) -> int:
    """At most `wanted` connections, and few enough that the files never run out."""
    cap = max(1, min(wanted, file_limit - RESERVED_FDS))
    if cap < wanted:
        log.warning(
            "serving at most %d connections, not %d: the open-file limit is %d (raise nofile, e.g. in compose.yaml)",
            cap, wanted, file_limit,
        )
    return cap
