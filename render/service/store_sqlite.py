"""The embedded store: one SQLite file (WAL), shared by the API and the worker threads.

Writes are durable across a `kill -9` (WAL with synchronous=NORMAL survives a process
crash; only a power cut can lose the last commits). The WAL is folded back into the file
periodically (`checkpoint`) and at a clean stop (`close`), so `jobs.db` alone holds every
job and can be copied; `backup` copies it live with SQLite's online backup API. Opening
runs `PRAGMA quick_check`: a damaged file stops the start with one line saying what to do.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from core.errors import FaultError
from core.sqlite_check import quick_check
from render.service.errors import StorageFull, StoreDamaged, StoreError, StoreUnavailable
from render.service.jobs import ACTIVE_STATES, FINAL_STATES, Job
from render.service.store import Change, Refusal, Store, StoreWatch, guarded, new_tag, seal, unseal

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, finished_at REAL, data TEXT NOT NULL, user TEXT, seq INTEGER);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE TABLE IF NOT EXISTS blobs (
    job_id TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, kind));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS turns (user TEXT PRIMARY KEY, turn INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, info TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
""" + """
CREATE TABLE IF NOT EXISTS gallery_favourites (job_id TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS gallery_thumbnails (
    job_id TEXT PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL);
"""  # the gallery's own tables (render/service/gallery/)
# `user` and `seq` are copies of the record's own fields, for listing a user's jobs; a store
# made before they existed gets them (from each record) when it is opened.
LISTING = """
CREATE INDEX IF NOT EXISTS jobs_user_seq ON jobs (user, seq);
CREATE INDEX IF NOT EXISTS jobs_seq ON jobs (seq);
"""
BUSY_TIMEOUT_MS = 30_000
# The gallery's listing: one small JSON object per done job, newest first (Store.pictures).
PICTURES_SQL = """
SELECT json_object(
    'id', id, 'user', json_extract(data, '$.user'), 'created_at', json_extract(data, '$.created_at'),
    'finished_at', finished_at, 'image_version', json_extract(data, '$.image_version'),
    'parent', json_extract(data, '$.parent'), 'kind', json_extract(data, '$.kind'),
    'characters', json_extract(data, '$.result.plan.characters'),
    'plate', json_extract(data, '$.result.plan.plate'), 'slogan', json_extract(data, '$.result.plan.slogan'),
    'text', json_extract(data, '$.result.plan.text'), 'action', json_extract(data, '$.result.plan.action'),
    'method', json_extract(data, '$.result.compositor.method'))
FROM jobs WHERE state = 'done' ORDER BY finished_at DESC
"""


def translate(exc: Exception) -> StoreError | None:
    """sqlite3's errors as the store's kinds, in words for the API's clients."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        if "full" in text:
            return StorageFull("the render service's storage is full, so it cannot keep scenes; try again later")
        return StoreUnavailable(f"the job store is not answering ({text}); try again in a few seconds")
    if isinstance(exc, sqlite3.DatabaseError):
        return StoreDamaged(f"the job store is damaged ({text}); tell the admin, who can restore a backup")
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return StorageFull("the render service's storage is full, so it cannot keep scenes; try again later")
    return None


def check_file(path: Path) -> None:
    """`StoreDamaged` naming the file and what to do, when `quick_check` finds a fault."""
    problems = quick_check(path)
    if problems:
        more = f", and {len(problems) - 1} more" if len(problems) > 1 else ""
        raise StoreDamaged(
            f"{path} is damaged ({problems[0]}{more}); stop the service and restore a "
            "backup made with `cartoon backup`, or move the file away to start with an empty job store"
        )


def add_listing_columns(conn: sqlite3.Connection) -> None:
    """Give a store made before the listing its `user` and `seq` columns, filled from the records."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(jobs)")}
    if {"user", "seq"} <= columns:
        return
    conn.execute("BEGIN IMMEDIATE")
    for column, kind in (("user", "TEXT"), ("seq", "INTEGER")):
        if column not in columns:
            conn.execute(f"ALTER TABLE jobs ADD COLUMN {column} {kind}")
    conn.execute("UPDATE jobs SET user = json_extract(data, '$.user'), seq = json_extract(data, '$.seq')")
    conn.execute("COMMIT")


@guarded(translate, contexts=("dispatch_lock",))
class SqliteStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.watch = StoreWatch("the job store")
        self._local = threading.local()
        self._conns: list[sqlite3.Connection] = []
        self._conns_lock = threading.Lock()
        self._tag: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size:
                check_file(path)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
                add_listing_columns(conn)
                conn.executescript(LISTING)
        except StoreDamaged:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise FaultError(f"{path}: cannot open the job store ({exc}); check CARTOON_SERVICE_DIR") from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._local.depth = 0
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        conn = self.conn
        if self._local.depth:  # nested: already inside this thread's transaction
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE")
        self._local.depth = 1
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        finally:
            self._local.depth = 0

    def update(self, job_id: str, change: Change, blobs: dict[str, bytes] | None = None) -> Job | None:
        with self.transaction():  # BEGIN IMMEDIATE: no other writer until the commit
            job = self.get(job_id)
            if job is None or not change(job):
                return None
            for kind, data in (blobs or {}).items():
                self.put_blob(job_id, kind, data)
            self.put(job)
            return job

    def admit(
        self, job: Job, plan: bytes, max_per_user: int, max_waiting: int, blobs: dict[str, bytes] | None = None
    ) -> Refusal | None:
        with self.transaction():
            waiting = [j for j in self.active() if j.state in ("queued", "dispatched")]
            if sum(j.user == job.user for j in waiting) >= max_per_user:
                return "user"
            if len(waiting) >= max_waiting:
                return "all"
            for kind, data in {"plan": plan, **(blobs or {})}.items():
                self.put_blob(job.id, kind, data)
            self.put(job)
            return None

    def dispatch_lock(self) -> AbstractContextManager[None]:
        return self.transaction()

    def in_flight(self) -> int:
        row = self.conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('dispatched', 'running')").fetchone()
        return int(row[0])

    def get(self, job_id: str) -> Job | None:
        row = self.conn.execute("SELECT data FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.model_validate_json(row[0]) if row else None

    def put(self, job: Job) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO jobs (id, state, finished_at, data, user, seq) VALUES (?, ?, ?, ?, ?, ?)",
            (job.id, job.state, job.finished_at, job.model_dump_json(), job.user, job.seq),
        )

    def active(self) -> list[Job]:
        marks = ",".join("?" * len(ACTIVE_STATES))
        rows = self.conn.execute(f"SELECT data FROM jobs WHERE state IN ({marks})", ACTIVE_STATES)
        return [Job.model_validate_json(row[0]) for row in rows]

    def finished_before(self, timestamp: float) -> list[str]:
        marks = ",".join("?" * len(FINAL_STATES))
        rows = self.conn.execute(
            f"SELECT id FROM jobs WHERE state IN ({marks}) AND finished_at < ?", (*FINAL_STATES, timestamp)
        )
        return [str(row[0]) for row in rows]

    def delete(self, job_id: str) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
            self.conn.execute("DELETE FROM blobs WHERE job_id = ?", (job_id,))
            self.conn.execute("DELETE FROM gallery_favourites WHERE job_id = ?", (job_id,))
            self.conn.execute("DELETE FROM gallery_thumbnails WHERE job_id = ?", (job_id,))

    def put_blob(self, job_id: str, kind: str, data: bytes) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO blobs (job_id, kind, data) VALUES (?, ?, ?)", (job_id, kind, seal(data))
        )

    def get_blob(self, job_id: str, kind: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT data FROM blobs WHERE job_id = ? AND kind = ?", (job_id, kind)
        ).fetchone()
        return unseal(bytes(row[0]), job_id, kind) if row else None

    def next_counter(self, name: str) -> int:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1",
                (name,),
            )
            return int(self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    def value(self, name: str) -> int | None:
        row = self.conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
        return int(row[0]) if row else None

    def set_value(self, name: str, value: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", (name, value))

    def turns(self) -> dict[str, int]:
        return {user: int(turn) for user, turn in self.conn.execute("SELECT user, turn FROM turns")}

    def set_turn(self, user: str, turn: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO turns (user, turn) VALUES (?, ?)", (user, turn))

    def beat(self, worker: str, info: dict[str, Any]) -> None:
        self.conn.execute("INSERT OR REPLACE INTO workers (id, info) VALUES (?, ?)", (worker, json.dumps(info)))

    def workers(self) -> dict[str, dict[str, Any]]:
        return {wid: json.loads(info) for wid, info in self.conn.execute("SELECT id, info FROM workers")}

    def drop_worker(self, worker: str) -> None:
        self.conn.execute("DELETE FROM workers WHERE id = ?", (worker,))

    # --- listing ---------------------------------------------------------------------------
    def jobs_of(self, user: str | None, limit: int, before: int | None = None) -> list[Job]:
        where, args = [], []
        if user is not None:
            where.append("user = ?")
            args.append(user)
        if before is not None:
            where.append("seq < ?")
            args.append(before)
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        rows = self.conn.execute(f"SELECT data FROM jobs {clause}ORDER BY seq DESC LIMIT ?", (*args, limit))
        return [Job.model_validate_json(row[0]) for row in rows]

    # --- end of listing ----------------------------------------------------------------------
    def identity(self) -> str:
        if self._tag is None:
            with self.transaction():
                self.conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('tag', ?)", (new_tag(),))
                self._tag = str(self.conn.execute("SELECT value FROM meta WHERE name = 'tag'").fetchone()[0])
        return self._tag

    # --- the gallery's (render/service/gallery/) ---------------------------------------------
    def pictures(self) -> list[dict[str, Any]]:
        # json_extract in SQLite, so a listing never parses the plans' long prompts in Python.
        rows = self.conn.execute(PICTURES_SQL)
        return [json.loads(row[0]) for row in rows]

    def favourites(self) -> dict[str, float]:
        return {job_id: float(at) for job_id, at in self.conn.execute("SELECT job_id, at FROM gallery_favourites")}

    def set_favourite(self, job_id: str, on: bool) -> None:
        if on:
            self.conn.execute(
                "INSERT OR IGNORE INTO gallery_favourites (job_id, at) VALUES (?, ?)", (job_id, time.time())
            )
        else:
            self.conn.execute("DELETE FROM gallery_favourites WHERE job_id = ?", (job_id,))

    def get_thumbnail(self, job_id: str, version: int) -> bytes | None:
        row = self.conn.execute(
            "SELECT data FROM gallery_thumbnails WHERE job_id = ? AND version = ?", (job_id, version)
        ).fetchone()
        return unseal(bytes(row[0]), job_id, "thumbnail") if row else None

    def put_thumbnail(self, job_id: str, version: int, data: bytes) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO gallery_thumbnails (job_id, version, data) VALUES (?, ?, ?)",
            (job_id, version, seal(data)),
        )

    def checkpoint(self) -> None:
        """Fold the WAL into jobs.db without waiting for readers (they finish it later)."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def backup(self, target: Path) -> int:
        """Copy the store, consistent as of one moment, while it is in use; returns the
        number of jobs in the copy."""
        copy = sqlite3.connect(target)
        try:
            self.conn.backup(copy)
            return int(copy.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
        finally:
            copy.close()

    def close(self) -> None:
        """Fold the whole WAL into jobs.db and close every thread's connection."""
        with self._conns_lock:
            conns, self._conns = self._conns, []
        if conns:
            try:
                conns[0].execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                self.watch.saw(translate(exc) or StoreUnavailable(str(exc)))
        for conn in conns:
            conn.close()
        self._local = threading.local()
