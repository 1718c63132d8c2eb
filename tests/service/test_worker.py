"""A worker under trouble, over real HTTP: cancelling queued and running jobs, a render past
its time limit, a backend that hangs, one that runs out of memory; the worker goes on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

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


def serve_slow(folder: Path, gate: Path, **overrides: object) -> Iterator[ThreadServer]:
    saved = {k: os.environ.get(k) for k in ("CARTOON_TEST_STEP_S", "CARTOON_TEST_STEPS", "CARTOON_TEST_STEP_GATE")}
    os.environ.update({"CARTOON_TEST_STEP_S": "0.2", "CARTOON_TEST_STEPS": "4", "CARTOON_TEST_STEP_GATE": str(gate)})
    server = ThreadServer(create_app(service_settings(folder, **overrides), backend=SLOW, workers=1))
    yield server
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="module")
def gate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """While this file exists, slow renders wait after each step (see slow_backend)."""
    return tmp_path_factory.mktemp("gate") / "hold"


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory: pytest.TempPathFactory, gate: Path) -> Iterator[ThreadServer]:
    """The slow test backend with the default job timeout (nothing here times out)."""
    yield from serve_slow(tmp_path_factory.mktemp("slow"), gate)


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory, gate: Path) -> Iterator[ThreadServer]:
    """A 2 s job timeout: "long" (12 steps of 0.2 s) and "hang" (2.4 s without a word)
    always pass it, however busy the machine; a plain scene is far inside it."""
    yield from serve_slow(tmp_path_factory.mktemp("strict"), gate, service_job_timeout_s=2.0)


def test_cancel_queued_and_running(slow_server: ThreadServer, gate: Path) -> None:
    http = client(slow_server.url)
    store = slow_server.server.config.app.state.runtime.store
    gate.touch()  # the running job waits after its first step until the cancel is in
    try:
        running = submit(http, "Milo slow at the desk", user="a")
        queued = submit(http, "Milo slow at the rack", user="a")
        after = submit(http, "James at the whiteboard", user="b")

        assert http.delete(f"/v1/jobs/{queued}").json() == {"id": queued, "state": "cancelled"}
        wait_for(lambda: http.get(f"/v1/jobs/{running}").json()["progress"]["step"] >= 1, 30, "a step")
        assert http.delete(f"/v1/jobs/{running}").json()["state"] == "cancelled"
    finally:
        gate.unlink(missing_ok=True)

    assert wait_state(http, after, {"done"})["result"]["plan"]["characters"] == ["james"]
    stopped = http.get(f"/v1/jobs/{running}").json()
    assert stopped["state"] == "cancelled"
    assert stopped["progress"]["step"] < 4  # stopped mid-render
    assert store.get(queued).started_at is None  # never ran
    assert http.get(f"/v1/jobs/{running}/image").status_code == 409
    assert http.delete(f"/v1/jobs/{after}").json() == {"id": after, "state": "done"}  # finished: kept


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Milo long at the desk", "longer than 2 s"),  # stopped at a progress step
        ("Milo hang at the desk", "longer than 2 s"),  # never reports progress: its process is killed
        ("Milo explode at the desk", "ran out of memory"),
    ],
)
def test_a_failing_render_fails_that_job_only(strict_server: ThreadServer, text: str, error: str) -> None:
    http = client(strict_server.url)
    bad = submit(http, text, user="x")
    good = submit(http, "Milo by the rack", user="y")
    failed = wait_state(http, bad, {"done", "failed"})
    assert failed["state"] == "failed"
    assert error in failed["error"]
    assert "\n" not in failed["error"]
    assert wait_state(http, good, {"done", "failed"}, timeout=60)["state"] == "done"
