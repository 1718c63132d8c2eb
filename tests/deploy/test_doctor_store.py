"""`cartoon doctor` names a job-store outage as such, never as a backend that failed to
load: a real redis-server stopped under a running service (Redis mode), and a damaged copy
of a real `jobs.db` (embedded mode). Each message says what to do."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from core.doctor import run_doctor
from core.doctor.queue import check_queue
from core.settings import Settings
from render.service.app import create_app
from tests.service.helpers import (
    TOKEN,
    RedisServer,
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
    wait_state,
)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing: scripts/test installs it")


def doctor_settings(url: str, **values: object) -> Settings:
    return Settings(_env_file=None, render_url=url, render_token=TOKEN, doctor_timeout_s=5.0, **values)


def test_redis_stopped_under_the_service_is_named_as_the_job_store(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    mode = {"queue": "redis", "redis_url": redis.url}
    server = ThreadServer(create_app(service_settings(tmp_path / "service", **mode), backend="preview", workers=1))
    try:
        http = client(server.url)
        wait_for(lambda: (h := http.get("/healthz").json())["ok"] and h["loaded"], 60, "the backend to load")
        before = {c.name: c for c in run_doctor(doctor_settings(server.url, **mode), ["render", "backend", "queue"]).checks}
        assert [c.status for c in before.values()] == ["ok", "ok", "ok"], before

        redis.stop()
        health = wait_for(lambda: (h := http.get("/healthz").json())["ok"] is False and h, 30, "/healthz to notice")
        assert health["cause"] == "store_away"
        checks = {c.name: c for c in run_doctor(doctor_settings(server.url, **mode), ["render", "backend", "queue"]).checks}
        for name in ("render", "backend"):
            message = checks[name].message
            assert checks[name].status == "fail"
            assert "failed to load" not in message and "failed an authorised request" not in message, message
            assert "job store" in message and "Redis" in message, message
            assert "docker compose --profile scale up -d redis" in message, message
            assert len(message.splitlines()) == 1
        assert checks["queue"].status == "fail"
        assert "unreachable" in checks["queue"].message
    finally:
        server.stop()
        redis.stop()


@pytest.fixture(scope="module")
def real_jobs_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service folder left by a clean stop, with a few finished jobs in jobs.db."""
    folder = tmp_path_factory.mktemp("service")
    server = ThreadServer(create_app(service_settings(folder), backend="preview", workers=1))
    try:
        http = client(server.url)
        for n in range(3):
            wait_state(http, submit(http, f"Milo at the desk {n}", user=f"u{n}"), {"done"}, timeout=60)
    finally:
        server.stop()
    return folder / "jobs.db"


def copied(jobs_db: Path, into: Path) -> Path:
    into.mkdir()
    shutil.copy(jobs_db, into / "jobs.db")
    return into / "jobs.db"


def test_a_sound_jobs_db_passes(real_jobs_db: Path, tmp_path: Path) -> None:
    copy = copied(real_jobs_db, tmp_path / "sound")
    result = check_queue(Settings(_env_file=None, service_dir=copy.parent))
    assert result.status == "ok", result.message


@pytest.mark.parametrize("table", ["jobs", "jobs_state", "blobs"])
def test_a_damaged_jobs_db_is_named_with_what_to_do(real_jobs_db: Path, tmp_path: Path, table: str) -> None:
    copy = copied(real_jobs_db, tmp_path / "damaged")
    conn = sqlite3.connect(copy)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with copy.open("r+b") as stream:  # scribble over the table's root page, header kept
        stream.seek((page - 1) * page_size + 8)
        stream.write(bytes((n * 37 + 11) % 256 for n in range(page_size - 16)))
    result = check_queue(Settings(_env_file=None, service_dir=copy.parent))
    assert result.status == "fail", result.message
    assert str(copy) in result.message
    assert "damaged" in result.message
    assert "cartoon backup" in result.message
    assert "stop the service" in result.message
    assert len(result.message.splitlines()) == 1


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "service"
    folder.mkdir()
    (folder / "jobs.db").write_bytes(b"this is not an SQLite file at all\n" * 200)
    result = check_queue(Settings(_env_file=None, service_dir=folder))
    assert result.status == "fail"
    assert "jobs.db" in result.message
    assert "damaged" in result.message
