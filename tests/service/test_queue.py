"""Fair order and limits, over real HTTP, with each store (SQLite and a real Redis): one
user's ten scenes do not block another's one, past a waiting limit the API answers 429 with
Retry-After, and a user never has more scenes rendering than the running limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from render.service.app import create_app
from render.service.runtime import Runtime
from tests.service.helpers import SLOW, ThreadServer, client, service_settings, submit, wait_for


def test_users_take_turns_and_limits_answer_429(tmp_path: Path, queue_mode: dict[str, object]) -> None:
    settings = service_settings(tmp_path, service_max_queued=12, **queue_mode)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))  # API only: jobs wait
    worker: Runtime | None = None
    try:
        http = client(server.url)
        alice = [submit(http, f"Milo at the desk, take {n}", user="alice") for n in range(10)]
        bob = submit(http, "James at the whiteboard", user="bob")
        carol = submit(http, "Milo on the exercise bike", user="carol")

        over_user = http.post("/v1/scenes", json={"text": "one more", "user": "alice"})
        assert over_user.status_code == 429
        body = over_user.json()
        assert body["field"] == "user"
        assert "alice" in body["error"]
        assert body["limit"] == "queued_per_user"
        assert body["waiting"] == 10
        assert body["retry_after_s"] >= 1
        assert over_user.headers["Retry-After"] == str(body["retry_after_s"])
        assert "CARTOON_" not in body["error"]
        over_all = http.post("/v1/scenes", json={"text": "Milo", "user": "dave"})
        assert over_all.status_code == 429
        body = over_all.json()
        assert "queue is full" in body["error"]
        assert body["limit"] == "queued_total"
        assert body["waiting"] == 0  # dave has nothing in the queue
        assert over_all.headers["Retry-After"] == str(body["retry_after_s"])

        positions = {j: http.get(f"/v1/jobs/{j}").json()["position"] for j in [*alice, bob, carol]}
        assert [positions[alice[0]], positions[bob], positions[carol], positions[alice[1]]] == [0, 1, 2, 3]
        assert http.get("/healthz").json()["queue_depth"] == 12

        # A render worker joins (its own runtime over the same store and engine).
        worker = Runtime(settings, backend="preview", workers=1)
        worker.start()
        store = worker.store
        wait_for(lambda: all(store.get(j).state == "done" for j in [*alice, bob, carol]), 60, "all jobs done")
        started = sorted([*alice, bob, carol], key=lambda j: store.get(j).started_at)
        assert started[:4] == [alice[0], bob, carol, alice[1]]
        assert started[4:] == alice[2:]
    finally:
        if worker is not None:
            worker.stop()
        server.stop()


def test_running_limit_per_user(tmp_path: Path, queue_mode: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two worker slots, three scenes from alice and one from bob: alice's run one at a
    time (CARTOON_SERVICE_MAX_RUNNING_PER_USER=1) while bob's takes the other slot."""
    gate = tmp_path / "gate"  # while it exists, renders hold after their first step
    monkeypatch.setenv("CARTOON_TEST_STEP_S", "0.15")
    monkeypatch.setenv("CARTOON_TEST_STEPS", "4")
    monkeypatch.setenv("CARTOON_TEST_STEP_GATE", str(gate))
    settings = service_settings(tmp_path, service_max_running_per_user=1, **queue_mode)
    server = ThreadServer(create_app(settings, backend=SLOW, workers=2))
    gate.touch()
    try:
        http = client(server.url)
        alice = [submit(http, f"Milo slow at the desk, take {n}", user="alice") for n in range(3)]
        bob = submit(http, "James slow at the whiteboard", user="bob")

        def held() -> dict[str, str] | None:
            states = {j: http.get(f"/v1/jobs/{j}").json()["state"] for j in [*alice, bob]}
            return states if sum(state == "running" for state in states.values()) == 2 else None

        states = wait_for(held, 40, "both slots busy")
        assert states[bob] == "running"  # a slot was free for bob ...
        assert sum(states[j] == "running" for j in alice) == 1  # ... and alice's others waited
        gate.unlink()
        wait_for(lambda: all(http.get(f"/v1/jobs/{j}").json()["state"] == "done" for j in [*alice, bob]), 60, "all done")
        store = server.server.config.app.state.runtime.store
        runs = sorted((store.get(j) for j in alice), key=lambda r: r.started_at)
        for before, after in zip(runs, runs[1:], strict=False):  # exact, from the records
            assert after.started_at >= before.finished_at
    finally:
        gate.unlink(missing_ok=True)
        server.stop()


def test_results_past_retention_are_deleted(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, service_retention_s=0.5, service_worker_timeout_s=0.4)
    server = ThreadServer(create_app(settings, backend="preview", workers=1))
    try:
        http = client(server.url)
        job_id = submit(http, "Milo at the desk")
        wait_for(lambda: http.get(f"/v1/jobs/{job_id}").json().get("state") == "done", 30, "done")
        gone = wait_for(lambda: (r := http.get(f"/v1/jobs/{job_id}")).status_code == 404 and r, 10, "purge")
        assert "expired" in gone.json()["error"]
        assert http.get(f"/v1/jobs/{job_id}/image").status_code == 404
    finally:
        server.stop()
