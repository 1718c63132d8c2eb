"""Nothing accepted is lost: a real `cartoon serve` killed with SIGKILL mid-render and
started again runs the queued jobs, runs the interrupted one again, and still serves the
finished ones."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from render.service.store_sqlite import SqliteStore
from tests.service.helpers import (
    ROOT,
    SLOW,
    ServeProcess,
    alive,
    client,
    free_port,
    service_env,
    submit,
    wait_for,
    wait_state,
)


def test_kill_9_mid_render_then_restart(tmp_path: Path) -> None:
    gate = tmp_path / "gate"  # while it exists, slow renders hold after each step
    env = service_env(tmp_path, CARTOON_TEST_STEP_S="0.3", CARTOON_TEST_STEPS="4", CARTOON_TEST_STEP_GATE=str(gate))
    first = ServeProcess(env, "--backend", SLOW)
    try:
        http = client(first.url)
        finished = submit(http, "Milo at the desk", user="a")
        wait_state(http, finished, {"done"})
        image = http.get(f"/v1/jobs/{finished}/image").content

        # A second process on the same folder would take the live one's jobs: refused.
        twin = subprocess.run(
            [sys.executable, "cartoon.py", "serve", "--port", str(free_port())], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert twin.returncode == 1
        assert "already uses" in twin.stderr

        gate.touch()  # so the interrupted job is surely mid-render at the kill
        interrupted = submit(http, "Milo long at the rack", user="a")  # 12 steps
        waiting = [submit(http, "James slow at the whiteboard", user=u) for u in ("b", "c")]
        wait_for(lambda: http.get(f"/v1/jobs/{interrupted}").json()["progress"]["step"] >= 1, 20, "a step")
        render_pid = http.get("/healthz").json()["slots"][0]["pid"]
    finally:
        first.kill()
        gate.unlink(missing_ok=True)
    # its render process, mid-job, does not outlive it
    assert wait_for(lambda: not alive(render_pid), 30, "the render process to end with the service")

    store = SqliteStore(tmp_path / "jobs.db")
    assert store.get(interrupted).state == "running"  # as the killed process left it

    second = ServeProcess(env, "--backend", SLOW)
    try:
        http = client(second.url)
        assert http.get(f"/v1/jobs/{finished}/image").content == image
        for job_id in [interrupted, *waiting]:
            assert wait_state(http, job_id, {"done", "failed"}, timeout=30)["state"] == "done"
        assert store.get(interrupted).starts == 2  # ran again from the start
        assert all(store.get(j).starts == 1 for j in waiting)
    finally:
        second.stop()
    # uvicorn shuts down cleanly on SIGTERM, then re-raises the signal it caught.
    assert second.proc.returncode in (0, -signal.SIGTERM)
    assert "Traceback" not in second.log.read_text()
