"""Fixtures for the gallery's tests: a preview render service with a few finished pictures
on 127.0.0.1, once on the embedded SQLite store and once on a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.gallery.helpers import PASSWORD
from tests.service.helpers import (
    RedisServer,
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_state,
)

# name → (scene text, slogan, user); 384 px pictures, where a long slogan does not fit
SCENES = {
    "bike": ("Milo asleep on the exercise bike", "RTFM", "111111111111111111"),
    "desk": ("James typing at the desk", None, "222222222222222222"),
    "both": ("James and Milo arguing at the whiteboard", "Café ça va", "111111111111111111"),
    "rack": ("Milo cabling the server rack", "PEBKAC", "web-user"),
}


@dataclass
class Gallery:
    url: str
    app: Any
    jobs: dict[str, str] = field(default_factory=dict)


def start_gallery(folder: Any, **overrides: object) -> tuple[ThreadServer, Any]:
    from render.service.app import create_app

    values: dict[str, object] = {"service_width": 384, "service_height": 384, "gallery_password": PASSWORD}
    settings = service_settings(folder, **{**values, **overrides})
    app = create_app(settings, backend="preview", workers=1)
    return ThreadServer(app), app


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
