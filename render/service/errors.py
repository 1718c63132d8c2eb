"""The error the API answers with: `ApiError(status, message, field)` becomes the JSON body
`{"error": "one line that says what to do", "field": ...}` (render/service/http_errors.py).

Its own module, so the routes, the auth guard and the queue can raise it without importing
one another; named apart from the bot's `ServiceError` (bot/service_client.py), which is
the client's view of the same answers.
"""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP error with a one-line message, the field it is about and extra headers."""

    def __init__(self, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.field, self.headers = status, message, field, headers or {}
