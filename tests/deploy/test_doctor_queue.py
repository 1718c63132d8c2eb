"""The queue check against a real redis-server (Debian's, on a free port, with a
password as compose.yaml starts it) and the embedded SQLite default."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.doctor.queue import check_queue
from core.settings import Settings
from tests.deploy.helpers import closed_port_url
from tests.service.helpers import free_port, wait_for

PASSWORD = "redis-test-password"


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server missing: scripts/test installs it (Debian package)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", PASSWORD,
         "--dir", str(tmp_path_factory.mktemp("redis")), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port, password=PASSWORD)
    wait_for(lambda: _pings(client), 10, "redis-server to start")
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def redis_settings(url: str) -> Settings:
    return Settings(_env_file=None, queue="redis", redis_url=url, doctor_timeout_s=2.0)


def test_redis_with_the_right_password(redis_port: int) -> None:
    result = check_queue(redis_settings(f"redis://:{PASSWORD}@127.0.0.1:{redis_port}/0"))
    assert result.status == "ok", result.message
    assert PASSWORD not in result.message


def test_redis_with_a_wrong_or_missing_password(redis_port: int) -> None:
    wrong = check_queue(redis_settings(f"redis://:nope@127.0.0.1:{redis_port}/0"))
    assert wrong.status == "fail"
    assert "refused the password" in wrong.message
    assert "nope" not in wrong.message
    missing = check_queue(redis_settings(f"redis://127.0.0.1:{redis_port}/0"))
    assert missing.status == "fail"
    assert "needs a password" in missing.message


def test_redis_down() -> None:
    url = closed_port_url().replace("http://", "redis://") + "/0"
    result = check_queue(redis_settings(url))
    assert result.status == "fail"
    assert "unreachable" in result.message
    assert "--profile scale" in result.message


def test_sqlite_folder(tmp_path: Path) -> None:
    result = check_queue(Settings(_env_file=None, service_dir=tmp_path / "service"))
    assert result.status == "ok"
    assert "SQLite" in result.message
