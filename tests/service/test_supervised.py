"""A backend that never returns, in a supervised worker process: past the job timeout the
service kills that process, the job fails with the real reason, /healthz shows the slot
restarting, and the next job runs on the fresh process. Real processes, bounded waits."""

from __future__ import annotations

from pathlib import Path

import pytest

from render.service.app import create_app
from tests.service.helpers import (
    SLOW,
    ThreadServer,
    alive,
    client,
    service_settings,
    submit,
    wait_for,
    wait_state,
)


def test_a_frozen_backend_is_killed_and_its_slot_restarted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = tmp_path / "load-gate"
    monkeypatch.setenv("CARTOON_TEST_LOAD_GATE", str(gate))
    monkeypatch.setenv("CARTOON_TEST_STEP_S", "0.05")
    settings = service_settings(tmp_path / "service", service_job_timeout_s=3.0)
    server = ThreadServer(create_app(settings, backend=SLOW, workers=1))
    try:
        http = client(server.url)
        health = wait_for(lambda: (h := http.get("/healthz").json())["loaded"] and h, 60, "the backend to load")
        first = health["slots"][0]
        assert first["state"] == "ready"
        assert first["restarts"] == 0

        gate.touch()  # the fresh process will wait in its loading state until the test says so
        frozen = submit(http, "Milo freeze at the desk", user="x")
        after = submit(http, "James at the rack", user="y")  # no sleeps: far inside the limit
        failed = wait_state(http, frozen, {"failed", "done"}, timeout=60)
        assert failed["state"] == "failed"
        assert "took longer than 3 s" in failed["error"]

        restarting = wait_for(lambda: (h := http.get("/healthz").json())["slots"][0]["state"] == "restarting" and h, 30, "a restarting slot")
        assert restarting["slots"][0]["restarts"] == 1
        assert restarting["ok"] is True  # the service is up; one slot is coming back
        assert wait_for(lambda: not alive(first["pid"]), 30, "the frozen process to be gone")
        assert http.get(f"/v1/jobs/{after}").json()["state"] in ("queued", "running")

        gate.unlink()
        assert wait_state(http, after, {"done", "failed"}, timeout=60)["state"] == "done"
        slot = http.get("/healthz").json()["slots"][0]
        assert slot["state"] == "ready"
        assert slot["pid"] != first["pid"]
    finally:
        gate.unlink(missing_ok=True)
        server.stop()
