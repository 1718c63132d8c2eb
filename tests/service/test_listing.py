"""`GET /v1/jobs?user=U&limit=N&before=CURSOR` and the job record's `parent` and `kind`, over
real HTTP on 127.0.0.1, on both stores (SQLite and a real Redis); a store made before the
listing existed lists its old jobs."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest

from render.service.app import create_app
from render.service.jobs import Job
from tests.service.helpers import ThreadServer, client, service_settings, submit

ADMIN = "test-admin-token-5678"


@pytest.fixture
def api_server(tmp_path: Path, queue_mode: dict[str, object]) -> ThreadServer:
    """An API without a worker (jobs stay queued), high limits, and an admin token."""
    settings = service_settings(
        tmp_path, service_max_queued_per_user=100, service_max_queued=1000, render_admin_token=ADMIN, **queue_mode
    )
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    yield server
    server.stop()


def test_a_users_jobs_newest_first_a_page_at_a_time(api_server: ThreadServer) -> None:
    http = client(api_server.url)
    ann, bob = f"ann-{uuid.uuid4().hex[:6]}", f"bob-{uuid.uuid4().hex[:6]}"
    anns = [submit(http, f"Milo at the desk, take {n}", user=ann) for n in range(5)]
    bobs = [submit(http, "James at the rack", user=bob) for _ in range(2)]

    first = http.get("/v1/jobs", params={"user": ann, "limit": 2})
    assert first.status_code == 200
    page = first.json()
    assert [j["id"] for j in page["jobs"]] == anns[::-1][:2]
    assert page["next"] is not None
    second = http.get("/v1/jobs", params={"user": ann, "limit": 2, "before": page["next"]}).json()
    assert [j["id"] for j in second["jobs"]] == anns[::-1][2:4]
    last = http.get("/v1/jobs", params={"user": ann, "limit": 2, "before": second["next"]}).json()
    assert [j["id"] for j in last["jobs"]] == anns[:1]
    assert last["next"] is None

    everything = http.get("/v1/jobs", params={"user": bob, "limit": 100}).json()
    assert [j["id"] for j in everything["jobs"]] == bobs[::-1]
    assert everything["next"] is None
    assert all(j["user"] == bob for j in everything["jobs"])
    assert http.get("/v1/jobs", params={"user": "nobody-" + uuid.uuid4().hex}).json() == {"jobs": [], "next": None}


def test_listed_jobs_look_as_get_shows_them_with_parent_and_kind(api_server: ThreadServer) -> None:
    http = client(api_server.url)
    user = f"cy-{uuid.uuid4().hex[:6]}"
    job_id = submit(http, "Milo at the whiteboard", user=user)
    shown = http.get(f"/v1/jobs/{job_id}").json()
    assert shown["parent"] is None
    assert shown["kind"] == "scene"
    listed = http.get("/v1/jobs", params={"user": user}).json()["jobs"][0]
    assert listed.keys() == shown.keys()
    assert listed["id"] == job_id
    assert listed["kind"] == "scene"


def test_everyones_jobs_need_the_admin_token(api_server: ThreadServer) -> None:
    job_id = submit(client(api_server.url), "Milo at the bike", user=f"dee-{uuid.uuid4().hex[:6]}")
    refused = client(api_server.url).get("/v1/jobs")
    assert refused.status_code == 403
    assert refused.json()["field"] == "user"
    admin = client(api_server.url, token=ADMIN)
    listed = admin.get("/v1/jobs", params={"limit": 100})
    assert listed.status_code == 200
    assert job_id in [j["id"] for j in listed.json()["jobs"]]
    assert admin.get(f"/v1/jobs/{job_id}").status_code == 200  # the admin token works everywhere
    assert client(api_server.url, token="wrong").get("/v1/jobs", params={"user": "x"}).status_code == 401


@pytest.mark.parametrize(
    "params, field",
    [  # query, the field the 422 names
        ({"user": "ann", "limit": 0}, "limit"),
        ({"user": "ann", "limit": 101}, "limit"),
        ({"user": "ann", "limit": "ten"}, "limit"),
        ({"user": "ann", "before": "abc"}, "before"),
        ({"user": "ann", "before": "-1"}, "before"),
        ({"user": ""}, "user"),
    ],
)
def test_bad_listing_queries_name_the_field(api_server: ThreadServer, params: dict, field: str) -> None:
    response = client(api_server.url).get("/v1/jobs", params=params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_a_store_from_before_the_listing_lists_its_old_jobs(tmp_path: Path) -> None:
    folder = tmp_path / "service"
    folder.mkdir()
    old = sqlite3.connect(folder / "jobs.db")
    old.executescript(
        "CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, finished_at REAL, data TEXT NOT NULL);"
        "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT INTO counters VALUES ('seq', 7);"
    )
    record = {k: v for k, v in Job(id="a" * 32, user="old-timer", seq=7, state="cancelled").model_dump(mode="json").items()
              if k not in ("parent", "kind")}  # as a record from before these fields
    old.execute("INSERT INTO jobs VALUES (?, ?, ?, ?)", ("a" * 32, "cancelled", 1.0, json.dumps(record)))
    old.commit()
    old.close()

    server = ThreadServer(create_app(service_settings(folder), backend="preview", workers=0))
    try:
        http = client(server.url)
        new = submit(http, "Milo at the desk", user="old-timer")
        listed = http.get("/v1/jobs", params={"user": "old-timer"}).json()["jobs"]
        assert [j["id"] for j in listed] == [new, "a" * 32]
        assert listed[1]["kind"] == "scene"
        assert listed[1]["parent"] is None
    finally:
        server.stop()
