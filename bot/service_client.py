"""HTTP client for the render service (`cartoon serve`), as docs/CONTRACTS.md describes it.

One `httpx.AsyncClient` per render service. Every failure becomes one of a few typed
errors that `bot.wording` turns into a sentence for people: `RateLimited` (429, with the
limit, how many pictures the user has waiting and when to retry), `ServiceDown`
(connection refused, timeout, 5xx; a 503's Retry-After, or the `event: error` a job's
event stream ends with while the service's store is down, says when to look again),
`JobUnknown` (404 for a job: it never existed or expired) and `RequestRejected` (any
other 4xx). Progress comes from the job's server-sent events; when that stream breaks,
the client polls `GET /v1/jobs/{id}` instead.
"""

from __future__ import annotations

import asyncio
import json
import logging
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
    """The service could not be reached or answered 5xx; `retry_after` is the service's own
    estimate of when it answers again (None when it gave none)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RequestRejected(ServiceError):
    """The service refused the request (4xx); the message is the service's own line."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.field = field
        self.status = status


class JobUnknown(RequestRejected):
    """404 for a job: the service never had it, or its results expired."""


class RateLimited(ServiceError):
    """429: `retry_after` seconds until the user may ask again; `limit` is which limit
    refused ("queued_per_user", "running_per_user", "queued_total"; None from a service that
    does not say) and `waiting` how many of this user's jobs wait or run (None: not said)."""

    def __init__(self, message: str, retry_after: float, *, limit: str | None = None,
                 waiting: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit
        self.waiting = waiting


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

    @property
    def eta_s(self) -> float | None:
        """The service's estimate of seconds until the picture is done (None: none given)."""
        value = self.raw.get("eta_s")
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    @property
    def created_at(self) -> float | None:
        value = self.raw.get("created_at")
        return float(value) if isinstance(value, int | float) else None

    @property
    def compositor(self) -> dict[str, Any]:
        """How the slogan went on (`method`, and `reason`/`confidence` where the service says);
        {} when the picture has no slogan."""
        return (self.result or {}).get("compositor") or {}


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

    async def derive(self, action: str, parent: str, body: dict[str, Any]) -> Job:
        """POST /v1/jobs/{parent}/{edit|vary|reroll}: a new job made from a finished one."""
        data = await self._json("POST", f"/v1/jobs/{parent}/{action}", json={k: v for k, v in body.items() if v is not None})
        data.setdefault("state", "queued")
        return Job.from_json(data)

    async def jobs(self, user: str, *, limit: int = 20) -> list[Job]:
        """The newest jobs of `user` (GET /v1/jobs), newest first."""
        data = await self._json("GET", "/v1/jobs", params={"user": user, "limit": limit})
        return [Job.from_json(j) for j in data.get("jobs", [])]

    async def job(self, job_id: str) -> Job:
        return Job.from_json(await self._json("GET", f"/v1/jobs/{job_id}"))

    async def image(self, job_id: str, *, clean: bool = False) -> bytes:
        response = await self._send("GET", f"/v1/jobs/{job_id}/{'clean' if clean else 'image'}")
        return response.content

    async def reslogan(self, job_id: str, slogan: str | None = None, *, user: str | None = None) -> dict[str, Any]:
        """A new saying on the kept clean render (`None`: the service picks the next one). With
        a `user` other than the picture's, the service makes that user a copy: the answer's
        `id` is the copy's job."""
        body = {k: v for k, v in (("slogan", slogan), ("user", user)) if v}
        return await self._json("POST", f"/v1/jobs/{job_id}/shirt", json=body)

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
            event, data_lines = "", []
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data_lines.append(line[5:].removeprefix(" "))
                elif not line and data_lines:
                    yield _event_job(event, "\n".join(data_lines))
                    event, data_lines = "", []
            if data_lines:
                yield _event_job(event, "\n".join(data_lines))

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
        if not isinstance(body, dict):
            body = {}
        status = response.status_code
        message = body.get("error") or f"the render service answered {status}"
        if status == 429:
            waiting = body.get("waiting")
            # A service without the `limit` field says "user" (its per-user limit) or nothing.
            limit = body.get("limit") or ("queued_per_user" if body.get("field") == "user" else "queued_total")
            raise RateLimited(message, _retry_after(response) or 30.0, limit=limit,
                              waiting=waiting if isinstance(waiting, int) else None)
        if status >= 500 or status in (401, 403):
            # 401/403 is the bot's configuration (CARTOON_RENDER_TOKEN), not the user's fault.
            raise ServiceDown(message, _retry_after(response))
        if status == 404 and body.get("field") == "id":
            raise JobUnknown(message, "id", status)
        raise RequestRejected(message, body.get("field"), status)


def _event_job(event: str, data: str) -> Job:
    """One server-sent event as a Job; `event: error` (the service's store is down) raises
    ServiceDown with the service's estimate of when to look again."""
    payload = json.loads(data)
    if event == "error":
        retry = payload.get("retry_after_s")
        raise ServiceDown(str(payload.get("error") or "the render service is unavailable"),
                          float(retry) if isinstance(retry, int | float) else None)
    return Job.from_json(payload)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds from a `Retry-After` header (seconds or an HTTP date); None if absent."""
    value = response.headers.get("Retry-After", "")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
