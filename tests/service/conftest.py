"""Fixtures for the render service tests: settings in a temp folder and in-thread servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.helpers import RedisServer, ThreadServer, service_settings


@pytest.fixture(scope="module")
def preview_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    """The real preview backend behind the real API on 127.0.0.1, one worker thread."""
    from render.service.app import create_app

    settings = service_settings(tmp_path_factory.mktemp("service"))
    server = ThreadServer(create_app(settings, backend="preview", workers=1))
    yield server
    server.stop()


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Debian's redis-server on a free port, for one test."""
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def queue_mode(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, object]]:
    """Settings overrides for each store: embedded SQLite, and a real Redis (scale-out)."""
    if request.param == "sqlite":
        yield {}
        return
    server = RedisServer(tmp_path / "redis")
    yield {"queue": "redis", "redis_url": server.url}
    server.stop()
