"""The embedded store: one SQLite file (WAL), shared by the API and the worker threads.

Writes are durable across a `kill -9` (WAL with synchronous=NORMAL survives a process
crash; only a power cut can lose the last commits).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from core.errors import FaultError
from render.service.jobs import ACTIVE_STATES, FINAL_STATES, Job
from render.service.store import Change, Refusal, Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, state TEXT NOT NULL, finished_at REAL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE TABLE IF NOT EXISTS blobs (
    job_id TEXT NOT NULL, kind TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (job_id, kind));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS turns (user TEXT PRIMARY KEY, turn INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS workers (id TEXT PRIMARY KEY, info TEXT NOT NULL);
"""


class SqliteStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise FaultError(f"{path}: cannot open the job store ({exc}); check CARTOON_SERVICE_DIR") from None
        self._local = threading.local()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._local.depth = 0
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

    def admit(self, job: Job, plan: bytes, max_per_user: int, max_waiting: int) -> Refusal | None:
        with self.transaction():
            waiting = [j for j in self.active() if j.state in ("queued", "dispatched")]
            if sum(j.user == job.user for j in waiting) >= max_per_user:
                return "user"
            if len(waiting) >= max_waiting:
                return "all"
            self.put_blob(job.id, "plan", plan)
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
            "INSERT OR REPLACE INTO jobs (id, state, finished_at, data) VALUES (?, ?, ?, ?)",
            (job.id, job.state, job.finished_at, job.model_dump_json()),
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

    def put_blob(self, job_id: str, kind: str, data: bytes) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO blobs (job_id, kind, data) VALUES (?, ?, ?)", (job_id, kind, data)
        )

    def get_blob(self, job_id: str, kind: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT data FROM blobs WHERE job_id = ? AND kind = ?", (job_id, kind)
        ).fetchone()
        return bytes(row[0]) if row else None

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

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
