"""Event streams wake on changes instead of polling the store: a quiet stream reads its job
about once, a waiting job's stream follows its position as jobs ahead leave the queue, and
in Redis mode a stream on one box follows a job another box renders (pub/sub)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from render.service.app import create_app
from render.service.routes import jobs as jobs_routes
from render.service.runtime import Runtime
from tests.service.helpers import (
    RedisServer,
    Stream,
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
)


@pytest.fixture
def waiting_server(tmp_path: Path) -> Iterator[ThreadServer]:
    """API only: jobs wait in the queue for as long as the test likes."""
    server = ThreadServer(create_app(service_settings(tmp_path), backend="preview", workers=0))
    yield server
    server.stop()


def test_a_quiet_stream_does_not_poll_the_store(waiting_server: ThreadServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs_routes, "REREAD_S", 120.0)  # the cancel must arrive by notification
    http = client(waiting_server.url)
    job_id = submit(http, "Milo at the desk", user="quiet")
    queue = waiting_server.server.config.app.state.runtime.queue
    reads: list[str] = []
    real_get = queue.get
    queue.get = lambda j: (reads.append(j), real_get(j))[1]  # type: ignore[method-assign]
    try:
        stream = Stream(waiting_server.url, job_id)
        wait_for(lambda: stream.events, 10, "the first event")
        time.sleep(1.5)  # long enough for 15 polls at the old 100 ms
        assert reads.count(job_id) <= 2
        assert http.delete(f"/v1/jobs/{job_id}").json()["state"] == "cancelled"
        stream.thread.join(10)
        assert not stream.thread.is_alive()
        assert [name for name, _ in stream.events] == ["queued", "cancelled"]
    finally:
        queue.get = real_get  # type: ignore[method-assign]


def test_a_waiting_stream_follows_its_position(waiting_server: ThreadServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs_routes, "REREAD_S", 120.0)
    http = client(waiting_server.url)
    ahead = [submit(http, f"Milo at the desk {n}", user=f"ahead{n}") for n in range(2)]
    mine = submit(http, "James at the whiteboard", user="me")
    stream = Stream(waiting_server.url, mine)
    wait_for(lambda: stream.events, 10, "the first event")
    assert stream.positions() == [2]
    for n, job_id in enumerate(ahead):
        http.delete(f"/v1/jobs/{job_id}")
        wait_for(lambda n=n: stream.positions()[-1] == 1 - n, 10, f"position {1 - n}")
    assert stream.positions() == [2, 1, 0]
    http.delete(f"/v1/jobs/{mine}")
    stream.thread.join(10)
    assert stream.events[-1][0] == "cancelled"


def test_a_stream_on_one_box_follows_a_job_another_box_renders(
    tmp_path: Path, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs_routes, "REREAD_S", 120.0)  # only a notification can wake the stream in time
    settings = service_settings(tmp_path, queue="redis", redis_url=redis_server.url)
    api = ThreadServer(create_app(settings, backend="preview", workers=0))
    worker: Runtime | None = None
    try:
        http = client(api.url)
        job_id = submit(http, "Milo at the server rack", user="far")
        stream = Stream(api.url, job_id)
        wait_for(lambda: stream.events, 10, "the first event")
        worker = Runtime(settings, backend="preview", workers=1)
        worker.start()
        stream.thread.join(30)
        assert not stream.thread.is_alive()
        names = [name for name, _ in stream.events]
        assert names[0] == "queued"
        assert names[-1] == "done"
        assert "running" in names or len(names) == 2
        assert httpx.get(f"{api.url}{stream.events[-1][1]['result']['image']}", headers=http.headers).status_code == 200
    finally:
        if worker is not None:
            worker.stop()
        api.stop()
