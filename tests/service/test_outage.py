"""Redis, the store every box shares, killed with SIGKILL under load and started again:
nothing accepted is lost or left running. With persistence (compose's Redis keeps an AOF)
every job ends done; during the outage the API answers 503 with Retry-After, /healthz says
ok: false, and an event stream ends with `event: error` the bot can act on; each box logs
the outage once, not once per poll. Without persistence, old ids say the store was reset
and new work runs. Real redis-server and `cartoon serve` processes, loopback, bounded."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from render.service.store_redis import RedisStore
from tests.service.helpers import (
    SLOW,
    RedisServer,
    ServeProcess,
    Stream,
    client,
    service_env,
    submit,
    wait_for,
    wait_state,
)

OUTAGE_S = 3.0  # how long Redis stays down (not a measurement: the test waits it out)


def boxes_on(redis: RedisServer, tmp_path: Path, count: int) -> list[ServeProcess]:
    """`count` boxes on `redis`; slow renders hold after each step while tmp_path/gate exists."""
    common = {
        "CARTOON_QUEUE": "redis",
        "CARTOON_REDIS_URL": redis.url,
        "CARTOON_SERVICE_WORKER_TIMEOUT_S": "2",
        "CARTOON_TEST_STEP_S": "0.15",
        "CARTOON_TEST_STEPS": "4",
        "CARTOON_TEST_STEP_GATE": str(tmp_path / "gate"),
    }
    boxes = [ServeProcess(service_env(tmp_path / f"box{n}", **common), "--backend", SLOW, wait=False) for n in range(count)]
    for box in boxes:
        box.wait_ready()
    return boxes


def test_redis_killed_under_load_with_persistence(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis", persist=True)
    boxes = boxes_on(redis, tmp_path, 2)
    store = RedisStore(redis.url)
    gate = tmp_path / "gate"
    gate.touch()  # the renders hold after their first step: nothing finishes before the kill
    try:
        http = client(boxes[0].url)
        wait_for(lambda: http.get("/healthz").json()["workers"] == 2, 30, "both boxes' workers")
        jobs = [submit(http, f"Milo slow at the desk, take {n}", user=f"user{n % 3}") for n in range(9)]
        wait_for(lambda: sum(store.get(j).state == "running" for j in jobs) == 2, 30, "a job running on each box")
        waiting = next(j for j in jobs if store.get(j).state in ("queued", "dispatched"))
        stream = Stream(boxes[1].url, waiting)
        wait_for(lambda: stream.events, 10, "the stream's first event")

        redis.kill()
        refused = http.post("/v1/scenes", json={"text": "Milo at the rack", "user": "late"})
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) >= 1
        assert "job store" in refused.json()["error"]
        status = http.get(f"/v1/jobs/{jobs[0]}")
        assert status.status_code == 503
        assert "Retry-After" in status.headers
        health = http.get("/healthz")
        assert health.status_code == 200
        assert health.json()["ok"] is False
        assert "job store" in health.json()["error"]
        stream.thread.join(30)
        assert not stream.thread.is_alive()
        name, data = stream.events[-1]
        assert name == "error"
        assert data["retry_after_s"] >= 1
        assert "job store" in data["error"]
        gate.unlink()  # the two renders finish while Redis is away: their results wait in memory
        time.sleep(OUTAGE_S)

        redis.start()  # the AOF brings every record back
        back = time.monotonic()
        final = {j: wait_state(http, j, {"done", "failed", "cancelled"}, timeout=90) for j in jobs}
        assert [final[j]["state"] for j in jobs] == ["done"] * len(jobs), [final[j]["error"] for j in jobs]
        assert all(store.get(j).starts <= 2 for j in jobs)
        assert time.monotonic() - back < 90
        assert http.get("/healthz").json()["ok"] is True
    finally:
        gate.unlink(missing_ok=True)
        for box in boxes:
            box.stop()
        store.close()
        redis.stop()
    for box in boxes:
        log = box.log.read_text()
        assert "Traceback" not in log, log[-3000:]
        assert log.count("stopped answering") <= 2, log[-3000:]  # once per outage, not per poll
        assert len(log.splitlines()) < 40, log[-3000:]


def test_redis_restarted_empty_says_the_store_was_reset(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis", persist=False)
    (box,) = boxes_on(redis, tmp_path, 1)
    try:
        http = client(box.url)
        finished = submit(http, "Milo at the desk", user="a")
        assert wait_state(http, finished, {"done", "failed"})["state"] == "done"
        running = submit(http, "Milo slow at the rack", user="b")
        wait_for(lambda: http.get(f"/v1/jobs/{running}").json()["state"] == "running", 20, "a running job")

        redis.kill()
        redis.start()  # empty: its data was only in memory
        gone = wait_for(lambda: (r := http.get(f"/v1/jobs/{finished}")).status_code == 404 and r, 30, "a 404")
        assert "the job store was reset" in gone.json()["error"]
        assert "job store was reset" in http.get(f"/v1/jobs/{running}").json()["error"]
        fresh = wait_for(
            lambda: (r := http.post("/v1/scenes", json={"text": "James at the whiteboard", "user": "c"})).status_code == 202 and r,
            30,
            "submits to work again",
        )
        assert wait_state(http, fresh.json()["id"], {"done", "failed"}, timeout=60)["state"] == "done"
        assert httpx.get(f"{box.url}/healthz", timeout=10).json()["ok"] is True
    finally:
        box.stop()
        redis.stop()
    assert "Traceback" not in box.log.read_text()
