"""The render-service client against a real `cartoon serve`: following a job, typed errors.

Two answers the service is getting in parallel work (its 429 body with `limit`, `waiting`
and `retry_after_s`; 503 + Retry-After and an SSE `event: error` while its store is down)
are replayed byte for byte by a small HTTP server here until the service sends them
itself; the lead re-runs these tests against the service once both land.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp import web

from bot.service_client import JobFailed, JobUnknown, RateLimited, RenderClient, ServiceDown
from tests.bot.helpers import RENDER_TOKEN

pytestmark = pytest.mark.asyncio


async def test_follow_streams_until_a_final_state(api_only_service) -> None:
    async with RenderClient(api_only_service.url, RENDER_TOKEN) as client:
        job = await client.submit({"text": "Milo at the rack", "user": uuid.uuid4().hex})
        seen: list[str] = []
        queued = asyncio.Event()

        async def watch() -> None:
            async for update in client.follow(job.id):
                seen.append(update.state)
                queued.set()

        watcher = asyncio.create_task(watch())
        await asyncio.wait_for(queued.wait(), 60)  # the job waits: this service has no worker
        await client.cancel(job.id)
        await asyncio.wait_for(watcher, 60)
        assert seen[0] == "queued"
        assert seen[-1] == "cancelled"
        with pytest.raises(JobUnknown):
            await client.job("no-such-job-0000")


async def test_limits_and_faults_become_typed_errors(api_only_service) -> None:
    user = uuid.uuid4().hex
    async with RenderClient(api_only_service.url, RENDER_TOKEN) as client:
        await client.submit({"text": "Milo at the rack", "user": user})
        with pytest.raises(RateLimited) as limited:
            await client.submit({"text": "Milo at the desk", "user": user})
        assert limited.value.retry_after > 0
        assert limited.value.limit in ("queued_per_user", "running_per_user")
    async with RenderClient(api_only_service.url, "wrong-token") as client:
        with pytest.raises(ServiceDown):  # 401 is the bot's configuration, not the user's input
            await client.job("x")
    async with RenderClient("http://127.0.0.1:9") as client:
        with pytest.raises(ServiceDown, match="cannot reach the render service"):
            await client.health()


# --- the contracts not in `cartoon serve` yet ---------------------------------------------------
STORE_DOWN = {"error": "the job store is unavailable; try again shortly", "retry_after_s": 7}


@pytest_asyncio.fixture
async def contract_service() -> AsyncIterator[str]:
    """Answers as the service will: 429 with the limit's details, 503 while the store is down,
    and a job whose event stream ends with `event: error`."""

    async def scenes(request: web.Request) -> web.Response:
        body = {"error": "user 'x' already has 2 scenes waiting", "field": "user", "limit": "queued_per_user",
                "waiting": 2, "retry_after_s": 95}
        return web.json_response(body, status=429, headers={"Retry-After": "95"})

    async def job(request: web.Request) -> web.Response:
        return web.json_response(STORE_DOWN, status=503, headers={"Retry-After": "7"})

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        running = {"id": "j1", "state": "running", "progress": {"step": 1, "total": 4}}
        await response.write(f"event: running\ndata: {json.dumps(running)}\n\n".encode())
        await response.write(f"event: error\ndata: {json.dumps(STORE_DOWN)}\n\n".encode())
        return response

    app = web.Application()
    app.router.add_post("/v1/scenes", scenes)
    app.router.add_get("/v1/jobs/j1", job)
    app.router.add_get("/v1/jobs/j1/events", events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_a_429_carries_the_limit_how_many_wait_and_when(contract_service: str) -> None:
    async with RenderClient(contract_service) as client:
        with pytest.raises(RateLimited) as limited:
            await client.submit({"text": "Milo", "user": "1"})
    assert limited.value.limit == "queued_per_user"
    assert limited.value.waiting == 2
    assert limited.value.retry_after == 95


async def test_a_store_outage_is_the_service_being_down_with_when_to_look_again(contract_service: str) -> None:
    async with RenderClient(contract_service) as client:
        with pytest.raises(ServiceDown) as down:
            await client.job("j1")
        assert down.value.retry_after == 7
        seen = []
        with pytest.raises(ServiceDown) as ended:
            async for job in client.follow("j1"):
                seen.append(job.state)
        assert seen == ["running"]  # the event before the error still came through
        assert ended.value.retry_after == 7
    assert not isinstance(ended.value, JobFailed)  # not a failed picture
