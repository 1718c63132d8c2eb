"""Where job records, kept PNGs and worker heartbeats live, visible to the API on any box.

Two stores with one interface: `SqliteStore` (a file under CARTOON_SERVICE_DIR, the
embedded default) and `RedisStore` (the Redis every box shares when CARTOON_QUEUE=redis).
They only keep data and offer a few atomic steps (`update`, `admit`, `dispatch_lock`);
the queue's rules (limits, fairness, recovery) live in `render.service.queue`, written once
over this interface.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Literal

from render.service.jobs import Job

Change = Callable[[Job], bool]
Refusal = Literal["user", "all"]


class Store(ABC):
    @abstractmethod
    def update(self, job_id: str, change: Change, blobs: dict[str, bytes] | None = None) -> Job | None:
        """Atomic read-modify-write of one job: `change` gets the stored record, edits it and
        returns whether to write it (with `blobs`, in the same step). If another process
        wrote the job meanwhile, `change` runs again on the newer record. Returns the job
        as written, or None when there is no such job or `change` declined."""

    @abstractmethod
    def admit(self, job: Job, plan: bytes, max_per_user: int, max_waiting: int) -> Refusal | None:
        """Store a new queued job and its plan, in one atomic step with the check of the
        waiting limits; returns which limit refused it ("user", "all") or None once stored."""

    @abstractmethod
    def dispatch_lock(self) -> AbstractContextManager[None]:
        """Exclusive across every process sharing the store, held only while handing out
        jobs (so two boxes never hand out the same free slot); nothing else waits on it."""

    def in_flight(self) -> int:
        """Jobs handed out or running (a cheap count: hand-outs check it before locking)."""
        return sum(j.state in ("dispatched", "running") for j in self.active())

    @abstractmethod
    def get(self, job_id: str) -> Job | None: ...

    @abstractmethod
    def put(self, job: Job) -> None:
        """Insert or replace; keeps the store's index of active jobs in step."""

    @abstractmethod
    def active(self) -> list[Job]:
        """Jobs queued, dispatched or running."""

    @abstractmethod
    def finished_before(self, timestamp: float) -> list[str]: ...

    @abstractmethod
    def delete(self, job_id: str) -> None:
        """The record and its PNGs."""

    @abstractmethod
    def put_blob(self, job_id: str, kind: str, data: bytes) -> None: ...

    @abstractmethod
    def get_blob(self, job_id: str, kind: str) -> bytes | None: ...

    @abstractmethod
    def next_counter(self, name: str) -> int:
        """A number that grows by one on each call, shared by every process."""

    @abstractmethod
    def value(self, name: str) -> int | None:
        """A shared integer set with `set_value` (None when never set)."""

    @abstractmethod
    def set_value(self, name: str, value: int) -> None: ...

    @abstractmethod
    def turns(self) -> dict[str, int]:
        """user → the dispatch counter when that user last had a job handed out."""

    @abstractmethod
    def set_turn(self, user: str, turn: int) -> None: ...

    @abstractmethod
    def beat(self, worker: str, info: dict[str, Any]) -> None:
        """Record that a worker process is alive (info holds `at`, `slots`, ...)."""

    @abstractmethod
    def workers(self) -> dict[str, dict[str, Any]]: ...

    @abstractmethod
    def drop_worker(self, worker: str) -> None: ...

    def close(self) -> None:
        return None

