"""Scale-out for real: Debian's redis-server, two `cartoon serve` processes (two "GPU
boxes", one worker each) sharing its queue; jobs split between them; one is killed with
SIGKILL mid-render and the other finishes its job."""

from __future__ import annotations

from pathlib import Path

from render.service.store_redis import RedisStore
from tests.service.helpers import (
    SLOW,
    RedisServer,
    ServeProcess,
    client,
    service_env,
    submit,
    wait_for,
    wait_state,
)


def test_two_workers_share_one_queue_and_survive_a_kill(tmp_path: Path, redis_server: RedisServer) -> None:
    common = {
        "CARTOON_QUEUE": "redis",
        "CARTOON_REDIS_URL": redis_server.url,
        "CARTOON_SERVICE_WORKER_TIMEOUT_S": "1.5",
        "CARTOON_TEST_STEP_S": "0.25",
        "CARTOON_TEST_STEPS": "4",
        "CARTOON_TEST_STEP_GATE": str(tmp_path / "gate"),  # renders hold after a step while it exists
    }
    gate = tmp_path / "gate"
    gate.touch()  # so the victim's job is still mid-render when its box is killed
    boxes = [ServeProcess(service_env(tmp_path / f"box{n}", **common), "--backend", SLOW, wait=False) for n in (1, 2)]
    for box in boxes:
        box.wait_ready()
    store = RedisStore(redis_server.url)
    try:
        one, two = (client(box.url) for box in boxes)
        wait_for(lambda: one.get("/healthz").json()["workers"] == 2, 20, "both workers to register")
        jobs = [submit(one, f"Milo slow at the desk, take {n}", user=f"user{n}") for n in range(4)]

        def running_on_both() -> dict[str, str] | None:
            running = {store.get(j).worker: j for j in jobs if store.get(j).state == "running"}
            return running if len(running) == 2 else None

        running = wait_for(running_on_both, 20, "a job running on each box")
        victim_worker = next(w for w in running if w.endswith(f"-{boxes[1].info['pid']}"))
        victim_job = running[victim_worker]
        assert two.get(f"/v1/jobs/{victim_job}").json()["state"] == "running"  # any box sees any job

        boxes[1].kill()
        gate.unlink()
        for job_id in jobs:
            assert wait_state(one, job_id, {"done", "failed"}, timeout=40)["state"] == "done"
        rescued = store.get(victim_job)
        assert rescued.starts == 2
        assert rescued.worker.endswith(f"-{boxes[0].info['pid']}")
        assert one.get("/healthz").json()["workers"] == 1  # the dead box's slot is gone
    finally:
        gate.unlink(missing_ok=True)
        for box in boxes:
            box.stop()
        store.close()
