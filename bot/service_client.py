"""HTTP client for the render service (`cartoon serve`), as docs/CONTRACTS.md describes it.

One `httpx.AsyncClient` per bot process. Every failure becomes one of three errors the
cogs turn into a human message: `RateLimited` (429, with when to retry), `ServiceDown`
(connection refused, timeout, 5xx) and `RequestRejected` (4xx: the service says why).
Progress comes from the job's server-sent events; when that stream breaks, the client
falls back to polling `GET /v1/jobs/{id}` so a hiccup never loses a job.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)

FINAL_STATES = frozenset({"done", "failed", "cancelled"})


class ServiceError(Exception):
    """Base class; `str(error)` is a line fit to show a Discord user."""


class ServiceDown(ServiceError):
    """The service could not be reached or answered 5xx."""


class RequestRejected(ServiceError):
    """The service refused the request (4xx); the message is the service's own line."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class RateLimited(ServiceError):
    """429: `retry_after` seconds until the user may ask again."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class JobFailed(ServiceError):
    """The job ended `failed` or `cancelled`."""

    def __init__(self, job: Job) -> None:
        super().__init__(job.error or f"the render was {job.state}")
        self.job = job


@dataclass
class Job:
    """A job as `GET /v1/jobs/{id}` reports it (unknown keys kept in `raw`)."""

    id: str
    state: str
    position: int | None = None
    step: int = 0
    total: int = 0
    error: str | None = None
    result: dict[str, Any] | None = None
    user: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Job:
        progress = data.get("progress") or {}
        return cls(
            id=str(data["id"]),
            state=str(data.get("state", "queued")),
            position=data.get("position"),
            step=int(progress.get("step") or 0),
            total=int(progress.get("total") or 0),
            error=data.get("error"),
            result=data.get("result"),
            user=data.get("user"),
            raw=data,
        )

    @property
    def final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def plan(self) -> dict[str, Any] | None:
        return (self.result or {}).get("plan")


class RenderClient:
    """Async client for one render service. Use as `async with RenderClient(url, token)`."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout_s: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=5.0),
            transport=transport,
        )

    async def __aenter__(self) -> RenderClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- requests -----------------------------------------------------------------------
    async def submit(self, body: dict[str, Any]) -> Job:
        """POST /v1/scenes with `{"text", "as", "shirt", "seed", "user"}` or `{"plan", "user"}`."""
        data = await self._json("POST", "/v1/scenes", json={k: v for k, v in body.items() if v is not None})
        data.setdefault("state", "queued")
        return Job.from_json(data)

    async def job(self, job_id: str) -> Job:
        return Job.from_json(await self._json("GET", f"/v1/jobs/{job_id}"))

    async def image(self, job_id: str, *, clean: bool = False) -> bytes:
        response = await self._send("GET", f"/v1/jobs/{job_id}/{'clean' if clean else 'image'}")
        return response.content

    async def reslogan(self, job_id: str, slogan: str | None = None) -> dict[str, Any]:
        """A new saying on the kept clean render (`None`: the service picks the next one)."""
        return await self._json("POST", f"/v1/jobs/{job_id}/shirt", json={"slogan": slogan} if slogan else {})

    async def fetch_url(self, url: str) -> bytes:
        """GET a path or URL the service handed out (e.g. `image_url`)."""
        if url.startswith(self.base_url):
            url = url[len(self.base_url):]
        return (await self._send("GET", url)).content

    async def cancel(self, job_id: str) -> Job:
        return Job.from_json(await self._json("DELETE", f"/v1/jobs/{job_id}"))

    async def health(self) -> dict[str, Any]:
        return await self._json("GET", "/healthz")

    async def follow(self, job_id: str, *, poll_s: float = 1.0) -> AsyncIterator[Job]:
        """Yield the job each time it changes, ending with its final state.

        Reads `GET /v1/jobs/{id}/events`; if the stream drops before a final state, it polls
        instead (a restarting service or a proxy that buffers SSE must not lose the job).
        """
        last: Job | None = None
        try:
            async for job in self._events(job_id):
                last = job
                yield job
                if job.final:
                    return
        except (httpx.HTTPError, ServiceError, ValueError) as exc:
            log.warning("event stream for job %s broke (%s); polling instead", job_id, exc)
        while last is None or not last.final:
            job = await self.job(job_id)
            if last is None or job.raw != last.raw:
                yield job
            last = job
            if not job.final:
                await asyncio.sleep(poll_s)

    async def _events(self, job_id: str) -> AsyncIterator[Job]:
        timeout = httpx.Timeout(None, connect=5.0)
        async with self._http.stream("GET", f"/v1/jobs/{job_id}/events", timeout=timeout) as response:
            if response.status_code >= 400:
                await response.aread()
                self._raise_for(response)
            data_lines: list[str] = []
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    data_lines.append(line[5:].removeprefix(" "))
                elif not line and data_lines:
                    yield Job.from_json(json.loads("\n".join(data_lines)))
                    data_lines = []
            if data_lines:
                yield Job.from_json(json.loads("\n".join(data_lines)))

    # --- plumbing -----------------------------------------------------------------------
    async def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._send(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise ServiceDown(f"the render service sent something that is not JSON for {path}") from None

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ServiceDown(f"the render service at {self.base_url} did not answer in time") from None
        except httpx.HTTPError as exc:
            raise ServiceDown(f"cannot reach the render service at {self.base_url} ({type(exc).__name__})") from None
        self._raise_for(response)
        return response

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = {}
        message = body.get("error") if isinstance(body, dict) else None
        if response.status_code == 429:
            raise RateLimited(message or "too many requests", _retry_after(response))
        if response.status_code >= 500 or response.status_code in (401, 403):
            # 401/403 is the bot's configuration (CARTOON_RENDER_TOKEN), not the user's fault.
            raise ServiceDown(message or f"the render service answered {response.status_code}")
        raise RequestRejected(message or f"the render service answered {response.status_code}",
                              body.get("field") if isinstance(body, dict) else None, response.status_code)


def _retry_after(response: httpx.Response) -> float:
    """Seconds from a `Retry-After` header (seconds or an HTTP date); 30 s if absent."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 30.0


def retry_phrase(seconds: float) -> str:
    """'in 40 seconds' / 'in 3 minutes' for a rate-limit message."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"in {seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"in {minutes} minutes"
