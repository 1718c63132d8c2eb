"""One HTTP GET for the doctor's checks, with every transport error turned into words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Answer:
    """An HTTP answer, or `error` (one line) when there was none."""

    status: int | None = None
    body: Any = None
    headers: httpx.Headers | None = None
    error: str | None = None

    @property
    def json_ok(self) -> bool:
        return self.status == 200 and isinstance(self.body, (dict, list))


def get(url: str, *, timeout_s: float, headers: dict[str, str] | None = None) -> Answer:
    try:
        response = httpx.get(url, headers=headers, timeout=timeout_s, follow_redirects=False)
    except httpx.ConnectError as exc:
        return Answer(error=f"cannot connect ({_reason(exc)})")
    except httpx.TimeoutException:
        return Answer(error=f"no answer within {timeout_s:g} s")
    except httpx.InvalidURL as exc:
        return Answer(error=f"not a valid URL ({exc})")
    except httpx.UnsupportedProtocol:
        return Answer(error="not an http:// or https:// URL")
    except httpx.HTTPError as exc:
        return Answer(error=f"{type(exc).__name__}: {_reason(exc)}")
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:200]
    return Answer(status=response.status_code, body=body, headers=response.headers)


def error_text(answer: Answer) -> str:
    """The server's own one-line error, when it sent one in our JSON error shape."""
    body = answer.body
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            if isinstance(body.get(key), str):
                return body[key]
    return f"HTTP {answer.status}"


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    # "[Errno 111] Connection refused" reads better without the errno.
    return text.split("] ", 1)[-1].splitlines()[0]
