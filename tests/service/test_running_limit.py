"""What a user sees while CARTOON_SERVICE_MAX_RUNNING_PER_USER holds their later scenes,
over real HTTP: the job is accepted (202, never a 429), stays `queued` with a position,
and its `eta_s` counts the wait for the user's own earlier job, even while another slot
is idle; another user's scene takes that idle slot at once."""

from __future__ import annotations

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


def test_a_held_job_waits_queued_with_a_position_and_an_eta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = tmp_path / "gate"
    gate.touch()  # slow renders hold after each progress step until the test removes it
    monkeypatch.setenv("CARTOON_TEST_STEP_GATE", str(gate))
    monkeypatch.setenv("CARTOON_TEST_STEP_S", "0.01")
    settings = service_settings(tmp_path / "service", service_max_running_per_user=1, service_isolation="thread")
    server = ThreadServer(create_app(settings, backend=SLOW, workers=2))
    try:
        http = client(server.url)
        wait_for(lambda: http.get("/healthz").json()["workers"] == 2, 60, "two live slots")
        first = submit(http, "Milo slow at the desk", user="alice")
        wait_state(http, first, {"running"})
        accepted = http.post("/v1/scenes", json={"text": "Milo slow at the rack", "user": "alice"})
        assert accepted.status_code == 202, accepted.text
        second = accepted.json()["id"]
        assert accepted.json()["position"] == 0
        assert accepted.json()["eta_s"] is not None
        third = submit(http, "James slow at the rack", user="alice")

        views = {j: http.get(f"/v1/jobs/{j}").json() for j in (first, second, third)}
        assert [views[j]["state"] for j in (first, second, third)] == ["running", "queued", "queued"]
        assert [views[j]["position"] for j in (second, third)] == [0, 1]
        etas = [views[j]["eta_s"] for j in (first, second, third)]
        # each waits for the one before it: the idle second slot does not shorten alice's wait
        assert etas[0] < etas[1] < etas[2], etas
        assert http.get("/healthz").json()["slots"][1]["state"] in ("ready", "busy")

        other = submit(http, "James slow at the desk", user="bob")  # not held: takes the idle slot
        assert wait_state(http, other, {"running"})["position"] is None
        assert http.get(f"/v1/jobs/{second}").json()["state"] == "queued"

        gate.unlink()
        for job_id in (first, second, third, other):
            done = wait_state(http, job_id, {"done", "failed"}, timeout=60)
            assert done["state"] == "done"
            assert done["eta_s"] is None
    finally:
        gate.unlink(missing_ok=True)
        server.stop()
