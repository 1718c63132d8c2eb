"""The store's gallery block on SQLite and on a real Redis: the listing of done jobs, the
favourites, the thumbnail cache (checked like every kept picture), and that deleting a job
takes its favourite and thumbnail with it; a record without `parent`/`kind` lists None."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from render.service.errors import StoreDamaged
from render.service.jobs import Job
from render.service.store import Store
from tests.service.helpers import RedisServer


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        from render.service.store_sqlite import SqliteStore

        opened: Store = SqliteStore(tmp_path / "jobs.db")
        yield opened
        opened.close()
        return
    from render.service.store_redis import RedisStore

    server = RedisServer(tmp_path / "redis")
    opened = RedisStore(server.url)
    yield opened
    opened.close()
    server.stop()


def done_job(job_id: str, finished_at: float, **plan: object) -> Job:
    result = {"plan": {"characters": ["milo"], "plate": "east", "slogan": "RTFM", "text": "Milo at the desk",
                       "action": "Milo at the desk", "prompt": "p" * 2000, **plan},
              "compositor": {"method": "panel"}, "backend": "preview"}
    return Job(id=job_id, user="u1", state="done", result=result, created_at=finished_at - 1, finished_at=finished_at)


def test_pictures_lists_done_jobs_newest_first(store: Store) -> None:
    now = time.time()
    store.put(done_job("old", now - 100))
    store.put(done_job("new", now, slogan="Ça va \"oui\"", characters=[]))
    store.put(Job(id="waiting", user="u2"))
    store.put(Job(id="broken", user="u2", state="failed", finished_at=now + 5))
    pictures = store.pictures()
    assert [p["id"] for p in pictures] == ["new", "old"]
    newest = pictures[0]
    assert newest["slogan"] == 'Ça va "oui"'
    assert newest["characters"] == []
    assert (newest["plate"], newest["user"], newest["method"], newest["image_version"]) == ("east", "u1", "panel", 0)
    assert newest["parent"] is None  # a scene, not made from another picture
    assert newest["kind"] == "scene"
    assert "prompt" not in newest  # a listing never carries the long prompt


def test_favourites_are_kept_once_and_removed(store: Store) -> None:
    store.put(done_job("a", time.time()))
    store.set_favourite("a", True)
    first = store.favourites()["a"]
    store.set_favourite("a", True)  # again: kept once, with its first time
    assert store.favourites() == {"a": first}
    store.set_favourite("a", False)
    store.set_favourite("a", False)
    assert store.favourites() == {}


def test_a_thumbnail_is_kept_per_version(store: Store) -> None:
    store.put(done_job("a", time.time()))
    assert store.get_thumbnail("a", 0) is None
    store.put_thumbnail("a", 0, b"version zero")
    assert store.get_thumbnail("a", 0) == b"version zero"
    store.put_thumbnail("a", 1, b"version one")
    assert store.get_thumbnail("a", 0) is None  # replaced by the newer version
    assert store.get_thumbnail("a", 1) == b"version one"


def test_deleting_a_job_takes_its_favourite_and_thumbnail(store: Store) -> None:
    store.put(done_job("a", time.time()))
    store.put(done_job("b", time.time()))
    for job_id in ("a", "b"):
        store.set_favourite(job_id, True)
        store.put_thumbnail(job_id, 0, b"thumb")
    store.delete("a")
    assert set(store.favourites()) == {"b"}
    assert store.get_thumbnail("a", 0) is None
    assert store.get_thumbnail("b", 0) == b"thumb"
    assert [p["id"] for p in store.pictures()] == ["b"]


def test_a_damaged_thumbnail_is_reported_not_served(store: Store, tmp_path: Path) -> None:
    store.put(done_job("a", time.time()))
    store.put_thumbnail("a", 0, b"0123456789")
    if hasattr(store, "redis"):
        key = "cartoon:gallery:thumb:a"
        raw = bytearray(store.redis.get(key))
        raw[-1] ^= 0xFF
        store.redis.set(key, bytes(raw))
    else:
        with sqlite3.connect(tmp_path / "jobs.db") as conn:
            raw = bytearray(conn.execute("SELECT data FROM gallery_thumbnails").fetchone()[0])
            raw[-1] ^= 0xFF
            conn.execute("UPDATE gallery_thumbnails SET data = ?", (bytes(raw),))
    with pytest.raises(StoreDamaged):
        store.get_thumbnail("a", 0)
