"""The service's folder on a small filesystem (a tmpfs; root only) filled up while a job
renders: submits answer 507 with one clear line, /healthz says storage is full, the job
that cannot keep its pictures fails with "storage full" and frees its user's slot, and once
space is freed the same user's next job runs, without a restart."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.helpers import (
    SLOW,
    ServeProcess,
    client,
    service_env,
    submit,
    wait_for,
    wait_state,
)

DISK_MB = 24


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A DISK_MB tmpfs, mounted for this test (skipped where mounting is not allowed)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; run as root to test a full disk")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); a container without CAP_SYS_ADMIN?")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """A file that takes every byte left on the filesystem (unbuffered writes, smaller and
    smaller, until none fits)."""
    filler = folder / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    os.write(handle, b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    finally:
        os.close(handle)
    return filler


def test_a_full_disk_is_refused_clearly_and_recovered_from(small_disk: Path) -> None:
    gate = small_disk.parent / "gate"  # slow renders hold after each step while it exists
    env = service_env(
        small_disk / "service",
        CARTOON_SERVICE_MIN_FREE_MB="1",
        CARTOON_TEST_STEP_S="0.1",
        CARTOON_TEST_STEPS="4",
        CARTOON_TEST_STEP_GATE=str(gate),
    )
    box = ServeProcess(env, "--backend", SLOW, log_dir=small_disk.parent)  # the log must not fill up too
    filler: Path | None = None
    try:
        http = client(box.url)
        warm = submit(http, "Milo at the desk", user="ann")
        assert wait_state(http, warm, {"done", "failed"})["state"] == "done"
        gate.touch()
        running = submit(http, "Milo slow at the rack", user="ann")
        wait_for(lambda: http.get(f"/v1/jobs/{running}").json()["progress"]["step"] >= 1, 30, "the job to run")

        filler = fill(small_disk)
        refused = http.post("/v1/scenes", json={"text": "James at the whiteboard", "user": "bob"})
        assert refused.status_code == 507
        assert "storage is full" in refused.json()["error"]
        assert str(small_disk) not in refused.json()["error"]
        assert int(refused.headers["Retry-After"]) >= 1
        health = http.get("/healthz").json()
        assert health["ok"] is False
        assert "storage is full" in health["error"]

        # The render finishes but its pictures do not fit; once it has tried, free the space.
        gate.unlink()
        wait_for(lambda: "No space left on device" in box.log.read_text(), 60, "the render to hit the full disk")
        filler.unlink()
        failed = wait_state(http, running, {"done", "failed"}, timeout=60)
        assert failed["state"] == "failed"
        assert "storage is full" in failed["error"]
        assert str(small_disk) not in failed["error"]

        after = submit(http, "Milo at the server rack", user="ann")  # her slot is free again
        assert wait_state(http, after, {"done", "failed"}, timeout=60)["state"] == "done"
        assert wait_for(lambda: http.get("/healthz").json()["ok"], 30, "health to recover")
    finally:
        gate.unlink(missing_ok=True)
        if filler is not None:
            filler.unlink(missing_ok=True)
        box.stop()
    assert "Traceback" not in box.log.read_text()


def test_redis_out_of_memory_is_storage_full(tmp_path: Path) -> None:
    """Redis past its maxmemory (no eviction) refuses writes: submits answer 507 in one
    line, /healthz says so, and once it has room again submits work, without a restart."""
    import redis as redis_py

    from render.service.app import create_app
    from tests.service.helpers import RedisServer, ThreadServer, service_settings

    server = RedisServer(tmp_path / "redis", maxmemory="0")
    settings = service_settings(tmp_path / "service", queue="redis", redis_url=server.url)
    api = ThreadServer(create_app(settings, backend="preview", workers=0))
    admin = redis_py.Redis.from_url(server.url)
    try:
        http = client(api.url)
        assert http.post("/v1/scenes", json={"text": "Milo at the desk", "user": "early"}).status_code == 202
        admin.config_set("maxmemory", "1")  # every write that needs memory is refused now
        refused = http.post("/v1/scenes", json={"text": "James at the whiteboard", "user": "late"})
        assert refused.status_code == 507
        assert "storage is full" in refused.json()["error"]
        assert int(refused.headers["Retry-After"]) >= 1
        health = http.get("/healthz").json()
        assert health["ok"] is False
        assert "storage is full" in health["error"]
        admin.config_set("maxmemory", "0")
        accepted = wait_for(
            lambda: (r := http.post("/v1/scenes", json={"text": "Milo again", "user": "late"})).status_code == 202 and r,
            30,
            "submits to work again",
        )
        assert accepted.json()["state"] == "queued"
    finally:
        admin.close()
        api.stop()
        server.stop()
