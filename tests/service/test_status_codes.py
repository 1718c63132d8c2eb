"""Every status code docs/CONTRACTS.md and docs/service.md promise, as a table over real HTTP
on 127.0.0.1: each row a request, the code it must get, the `field` and the headers the
contract names. Faults that need more than a request have their own files and are listed
here so the table stays the index: 500 for a damaged picture (test_durable.py), 503 past the
connection cap (test_connections.py), 507 from a full disk (test_disk_full.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

import httpx
import pytest

from render.service.app import create_app
from tests.service.helpers import (
    TOKEN,
    RedisServer,
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
)

PICKY = "tests.service.slow_backend:PickyBackend"
PLAN = {"characters": ["milo", "james"], "plate": "east", "prompt": "Milo and James at the desk", "source": "rules"}


@dataclass
class Row:
    name: str
    method: str
    path: str
    status: int
    body: Any = None
    raw: str | None = None
    token: bool = True
    field: str | None = None
    says: str = ""
    headers: dict[str, str] = default(default_factory=dict)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A service with no render worker (jobs wait), and two waiting jobs (one to cancel)."""
    settings = service_settings(tmp_path_factory.mktemp("codes"))
    server = ThreadServer(create_app(settings, backend=PICKY, workers=0))
    http = client(server.url)
    waiting = submit(http, "Milo at the desk", user="table")
    yield server.url, waiting, submit(http, "Milo at the rack", user="table")
    server.stop()


def rows(waiting: str, cancel: str) -> list[Row]:
    other_store = "0badc0de" + "0" * 24
    return [
        Row("submit", "POST", "/v1/scenes", 202, {"text": "Milo at the desk", "user": "a"}),
        Row("health without a token", "GET", "/healthz", 200, token=False),
        Row("a job", "GET", f"/v1/jobs/{waiting}", 200),
        Row("malformed JSON", "POST", "/v1/scenes", 400, raw='{"text": "Mi', says="not valid JSON"),
        Row("no token", "POST", "/v1/scenes", 401, {"text": "Milo"}, token=False, field="Authorization",
            headers={"WWW-Authenticate": "Bearer"}),
        Row("unknown path", "GET", "/v2/nothing", 404, says="no such path"),
        Row("unknown job", "GET", "/v1/jobs/no-such-job-42", 404, field="id", says="never existed"),
        Row("job from a lost store", "GET", f"/v1/jobs/{other_store}", 404, field="id", says="was reset"),
        Row("wrong method", "PUT", "/v1/scenes", 405, {"text": "Milo"}, says="method not allowed"),
        Row("picture of a waiting job", "GET", f"/v1/jobs/{waiting}/image", 409, field="id"),
        Row("shirt of a waiting job", "POST", f"/v1/jobs/{waiting}/shirt", 409, {}, field="id"),
        Row("unknown field", "POST", "/v1/scenes", 422, {"text": "Milo", "colour": "red"}, field="colour"),
        Row("text too long", "POST", "/v1/scenes", 422, {"text": "x" * 1001}, field="text"),
        Row("invisible text", "POST", "/v1/scenes", 422, {"text": "\u202e\u200b "}, field="text"),
        Row("undrawable slogan", "POST", "/v1/scenes", 422, {"text": "Milo", "shirt": "ok 🙂"}, field="shirt",
            says="cannot draw"),
        Row("plan the backend refuses", "POST", "/v1/scenes", 422, {"plan": PLAN}, field="plan", says="Milo only"),
        Row("cancel", "DELETE", f"/v1/jobs/{cancel}", 200),
        Row("cancel an unknown job", "DELETE", "/v1/jobs/no-such-job-42", 404, field="id"),
    ]


def send(url: str, row: Row) -> httpx.Response:
    http = client(url, token=TOKEN if row.token else None)
    if row.raw is not None:
        return http.request(row.method, row.path, content=row.raw, headers={"Content-Type": "application/json"})
    return http.request(row.method, row.path, json=row.body)


def check(response: httpx.Response, row: Row) -> None:
    assert response.status_code == row.status, f"{row.name}: {response.status_code} {response.text}"
    for name, value in row.headers.items():
        assert response.headers.get(name) == value, f"{row.name}: header {name}"
    if row.status >= 400:
        body = response.json()
        assert body["field"] == row.field, f"{row.name}: {body}"
        assert row.says in body["error"] and "\n" not in body["error"], f"{row.name}: {body}"


@pytest.mark.parametrize("index", range(len(rows("x", "y"))), ids=[r.name for r in rows("x", "y")])
def test_promised_codes(api: tuple[str, str, str], index: int) -> None:
    url, waiting, cancel = api
    row = rows(waiting, cancel)[index]
    check(send(url, row), row)


def test_429_for_each_waiting_limit(tmp_path: Path) -> None:
    settings = service_settings(tmp_path / "service", service_max_queued_per_user=2, service_max_queued=3)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    try:
        http = client(server.url)
        for user in ("ann", "ann", "bob"):
            submit(http, "Milo at the desk", user=user)
        for user, limit, field_name in (("ann", "queued_per_user", "user"), ("cat", "queued_total", None)):
            refused = http.post("/v1/scenes", json={"text": "Milo at the desk", "user": user})
            assert refused.status_code == 429, refused.text
            body = refused.json()
            assert body["limit"] == limit
            assert body["field"] == field_name
            assert int(refused.headers["Retry-After"]) == body["retry_after_s"] >= 1
            assert isinstance(body["waiting"], int)
    finally:
        server.stop()


def test_507_when_storage_is_low(tmp_path: Path) -> None:
    settings = service_settings(tmp_path / "service", service_min_free_mb=10**9)  # more than any disk has
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    try:
        http = client(server.url)
        refused = http.post("/v1/scenes", json={"text": "Milo at the desk"})
        assert refused.status_code == 507 and refused.headers["Retry-After"] == "60", refused.text
        assert "storage is full" in refused.json()["error"]
        health = http.get("/healthz")
        assert health.status_code == 200
        assert health.json()["ok"] is False
        assert health.json()["cause"] == "storage_full"
    finally:
        server.stop()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server missing: scripts/test installs it")
def test_503_while_the_store_is_away(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis")
    settings = service_settings(tmp_path / "service", queue="redis", redis_url=redis.url)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    try:
        http = client(server.url)
        job = submit(http, "Milo at the desk")
        redis.stop()
        away = wait_for(lambda: (r := http.get(f"/v1/jobs/{job}")).status_code == 503 and r, 30, "a 503")
        assert away.headers["Retry-After"] == "5"
        assert "not answering" in away.json()["error"]
        assert http.post("/v1/scenes", json={"text": "Milo"}).status_code == 503
        health = http.get("/healthz")
        assert health.status_code == 200
        assert health.json()["ok"] is False
        assert health.json()["cause"] == "store_away"
    finally:
        server.stop()
        redis.stop()
