"""A worker under trouble, over real HTTP: cancelling queued and running jobs, a render past
its time limit, a backend that hangs, one that runs out of memory; the worker goes on."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from render.service.app import create_app
from tests.service.helpers import (
    SLOW,
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
    wait_state,
)


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    saved = {k: os.environ.get(k) for k in ("CARTOON_TEST_STEP_S", "CARTOON_TEST_STEPS")}
    os.environ.update({"CARTOON_TEST_STEP_S": "0.2", "CARTOON_TEST_STEPS": "4"})
    settings = service_settings(tmp_path_factory.mktemp("slow"), service_job_timeout_s=1.2)
    server = ThreadServer(create_app(settings, backend=SLOW, workers=1))
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_cancel_queued_and_running(slow_server: ThreadServer) -> None:
    http = client(slow_server.url)
    store = slow_server.server.config.app.state.runtime.store
    running = submit(http, "Milo slow at the desk", user="a")
    queued = submit(http, "Milo slow at the rack", user="a")
    after = submit(http, "James at the whiteboard", user="b")

    assert http.delete(f"/v1/jobs/{queued}").json() == {"id": queued, "state": "cancelled"}
    wait_for(lambda: http.get(f"/v1/jobs/{running}").json()["progress"]["step"] >= 1, 10, "a step")
    assert http.delete(f"/v1/jobs/{running}").json()["state"] == "cancelled"

    assert wait_state(http, after, {"done"})["result"]["plan"]["characters"] == ["james"]
    stopped = http.get(f"/v1/jobs/{running}").json()
    assert stopped["state"] == "cancelled" and stopped["progress"]["step"] < 4  # stopped mid-render
    assert store.get(queued).started_at is None  # never ran
    assert http.get(f"/v1/jobs/{running}/image").status_code == 409
    assert http.delete(f"/v1/jobs/{after}").json() == {"id": after, "state": "done"}  # finished: kept


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Milo long at the desk", "longer than 1.2 s"),  # stopped at a progress step
        ("Milo hang at the desk", "longer than 1.2 s"),  # never reports progress
        ("Milo explode at the desk", "ran out of memory"),
    ],
)
def test_a_failing_render_fails_that_job_only(slow_server: ThreadServer, text: str, error: str) -> None:
    http = client(slow_server.url)
    bad = submit(http, text, user="x")
    good = submit(http, "Milo slow by the rack", user="y")
    failed = wait_state(http, bad, {"done", "failed"})
    assert failed["state"] == "failed" and error in failed["error"] and "\n" not in failed["error"]
    assert wait_state(http, good, {"done", "failed"})["state"] == "done"
