"""The error the API answers with: `ApiError(status, message, field)` becomes the JSON body
`{"error": "one line that says what to do", "field": ...}` (render/service/http_errors.py).

Its own module, so the routes, the auth guard and the queue can raise it without importing
one another; named apart from the bot's `ServiceError` (bot/service_client.py), which is
the client's view of the same answers. `StoreError` and its kinds are the job store's
faults, which the API answers with 503 (and `Retry-After`), 507 or 500.
"""

from __future__ import annotations

from typing import Any

from core.errors import FaultError


class ApiError(Exception):
    """An HTTP error with a one-line message, the field it is about and extra headers."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.field, self.headers = status, message, field, headers or {}
        self.extra = extra or {}  # more keys of the JSON body (a 429's limit, waiting, retry_after_s)


class StoreError(FaultError):
    """The job store failed (not the request): the API answers 5xx with this one line."""

    status = 500
    retry_after_s: int | None = None


class StoreUnavailable(StoreError):
    """The store does not answer (Redis down or restarting, SQLite busy): try again soon."""

    status = 503
    retry_after_s = 5


class StorageFull(StoreError):
    """No room to keep jobs or pictures (disk full, Redis out of memory)."""

    status = 507
    retry_after_s = 60


class StoreDamaged(StoreError):
    """A record or a picture in the store is damaged: an admin must restore or clear it."""

    status = 500
