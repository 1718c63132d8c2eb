"""Fixtures for the gallery's tests: a preview render service with a few finished pictures
on 127.0.0.1, once on the embedded SQLite store and once on a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gallery.helpers import SCENES, Gallery, start_gallery
from tests.service.helpers import RedisServer, client, submit, wait_state


@pytest.fixture(scope="module", params=["sqlite", "redis"])
def gallery(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gallery]:
    """The real API and gallery over the preview backend, with SCENES finished."""
    folder = tmp_path_factory.mktemp(f"gallery-{request.param}")
    redis = RedisServer(folder / "redis") if request.param == "redis" else None
    overrides = {"queue": "redis", "redis_url": redis.url} if redis else {}
    server, app = start_gallery(folder, **overrides)
    found = Gallery(server.url, app)
    with client(server.url) as http:
        for name, (text, slogan, user) in SCENES.items():
            extra = {"shirt": slogan} if slogan else {}
            found.jobs[name] = submit(http, text, user=user, seed=len(name), **extra)
        for job_id in found.jobs.values():
            assert wait_state(http, job_id, {"done", "failed"}, timeout=120)["state"] == "done"
    yield found
    server.stop()
    if redis is not None:
        redis.stop()
