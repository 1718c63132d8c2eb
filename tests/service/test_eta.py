"""`eta_s` on a job: the measured mean render time, the jobs ahead of it on the live render
slots, and its own progress; null once final. Over real HTTP, on an API without a worker,
with the figures it reads (the mean, a worker's heartbeat) set in its store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from render.service.app import create_app
from render.service.jobs import Progress
from tests.service.helpers import ThreadServer, client, service_settings, submit


@pytest.fixture
def api(tmp_path: Path) -> Iterator[ThreadServer]:
    # a long heartbeat period: the made-up worker below stays live however slow the machine is
    settings = service_settings(tmp_path, service_worker_timeout_s=600.0, service_max_queued_per_user=50)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    yield server
    server.stop()


def test_eta_counts_the_jobs_ahead_in_rounds_of_the_live_slots(api: ThreadServer) -> None:
    store = api.server.config.app.state.runtime.store
    store.set_value("avg_run_ms", 4000)  # a 4 s mean render
    store.beat("gpu-box-1", {"at": time.time(), "slots": 2})  # two slots render at once
    http = client(api.url)
    accepted = [http.post("/v1/scenes", json={"text": "Milo at the desk", "user": f"u{n}"}).json() for n in range(5)]
    # The first three are handed to the worker at once (its two slots, and one waiting in the
    # engine): each is next (position 0), but the third starts only when a slot frees. The
    # rest wait their turn, two at a time.
    assert [a["position"] for a in accepted] == [0, 0, 0, 3, 4]
    assert [a["eta_s"] for a in accepted] == [4, 4, 8, 8, 12]
    shown = [http.get(f"/v1/jobs/{a['id']}").json() for a in accepted]
    assert [j["eta_s"] for j in shown] == [4, 4, 8, 8, 12]


def test_a_running_job_counts_its_own_progress_and_a_final_one_has_none(api: ThreadServer) -> None:
    runtime = api.server.config.app.state.runtime
    runtime.store.set_value("avg_run_ms", 10_000)
    http = client(api.url)
    job_id = submit(http, "Milo at the rack", user="r")

    def running(job) -> bool:
        job.state, job.started_at, job.progress = "running", time.time(), Progress(step=3, total=4)
        return True

    runtime.store.update(job_id, running)
    assert http.get(f"/v1/jobs/{job_id}").json()["eta_s"] == 3  # a quarter of 10 s left
    http.delete(f"/v1/jobs/{job_id}")
    assert http.get(f"/v1/jobs/{job_id}").json()["eta_s"] is None


def test_without_a_measured_render_the_eta_is_a_default_guess(api: ThreadServer) -> None:
    store = api.server.config.app.state.runtime.store
    store.beat("gpu-box-1", {"at": time.time(), "slots": 1})
    http = client(api.url)
    accepted = http.post("/v1/scenes", json={"text": "Milo at the desk", "user": "g"}).json()
    assert accepted["eta_s"] == 5  # nothing measured yet: 5 s, one slot


def test_without_a_live_render_slot_there_is_no_eta(api: ThreadServer) -> None:
    http = client(api.url)
    accepted = http.post("/v1/scenes", json={"text": "Milo at the desk", "user": "g"}).json()
    assert accepted["eta_s"] is None  # no box renders: any time would be made up
