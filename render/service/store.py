"""Where job records, kept PNGs and worker heartbeats live, visible to the API on any box.

Two stores with one interface: `SqliteStore` (a file under CARTOON_SERVICE_DIR, the
embedded default) and `RedisStore` (the Redis every box shares when CARTOON_QUEUE=redis).
They only keep data and offer a few atomic steps (`update`, `admit`, `dispatch_lock`);
the queue's rules (limits, fairness, recovery) live in `render.service.queue`, written once
over this interface.

Every public method of a store raises only `StoreError` kinds for the store's own faults
(`guarded`): `StoreUnavailable` when it does not answer, `StorageFull`, `StoreDamaged`; and
its `watch` says whether the store answered last, logging once per outage rather than once
per call. Pictures are kept with a checksum (`seal`) and checked when read (`unseal`).
"""

from __future__ import annotations

import functools
import logging
import struct
import threading
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Literal, TypeVar

from render.service.errors import StorageFull, StoreDamaged, StoreError, StoreUnavailable
from render.service.jobs import Job

log = logging.getLogger(__name__)
Change = Callable[[Job], bool]
Refusal = Literal["user", "all"]


Translate = Callable[[Exception], StoreError | None]
StoreT = TypeVar("StoreT", bound="type[Store]")
SEAL = b"CK1"  # kept pictures: SEAL + CRC-32 (4 bytes, big-endian) + the bytes
FULL_LOG_EVERY_S = 60.0


class StoreWatch:
    """Whether the store answered this process's last call. Logs once when it stops
    answering and once when it is back (with how long it was away), not once per call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.down_since: float | None = None  # wall-clock time of the first failed call
        self.reason: str | None = None
        self.ok_since = time.time()  # since when it has answered without a break
        self.full_at: float | None = None  # last "storage full" answer
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def saw(self, exc: StoreError) -> None:
        if isinstance(exc, StorageFull):
            with self._lock:
                quiet = self.full_at is not None and time.time() - self.full_at < FULL_LOG_EVERY_S
                self.full_at = time.time()
            if not quiet:
                log.error("%s: storage full: %s", self.name, exc.__cause__ or exc)
            return
        if not isinstance(exc, StoreUnavailable):
            log.error("%s: %s", self.name, exc)
            return
        with self._lock:
            if self.down_since is not None:
                return
            self.down_since, self.reason = time.time(), str(exc)
        log.warning("%s stopped answering (%s); retrying until it is back", self.name, exc.__cause__ or exc)

    def answered(self) -> None:
        if self.down_since is None:  # the common case, without the lock
            return
        with self._lock:
            if self.down_since is None:
                return
            away, self.down_since, self.reason = time.time() - self.down_since, None, None
            self.ok_since = time.time()
        log.warning("%s answers again, after %.1f s away", self.name, away)


class _GuardedContext(AbstractContextManager):
    """A store's context manager (`dispatch_lock`) whose enter and exit are guarded too."""

    def __init__(self, store: Store, inner: AbstractContextManager, translate: Translate) -> None:
        self.store, self.inner, self.translate = store, inner, translate

    def __enter__(self) -> Any:
        return _call(self.store, self.translate, self.inner.__enter__)

    def __exit__(self, *exc_info: Any) -> Any:
        return _call(self.store, self.translate, self.inner.__exit__, *exc_info)


def _call(store: Store, translate: Translate, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        result = fn(*args, **kwargs)
    except StoreError as exc:
        store.watch.saw(exc)
        raise
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        error.__cause__ = exc  # for the log line: the library's own words
        store.watch.saw(error)
        raise error from exc
    store.watch.answered()
    return result


def guarded(translate: Translate, contexts: tuple[str, ...] = ()) -> Callable[[StoreT], StoreT]:
    """Class decorator: each public method of the store raises its library's errors as the
    `StoreError` kinds `translate` maps them to, and reports to `store.watch`. Methods
    named in `contexts` return context managers, whose enter and exit are guarded too."""

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def method(self: Store, *args: Any, **kwargs: Any) -> Any:
            if name in contexts:
                return _GuardedContext(self, _call(self, translate, fn, self, *args, **kwargs), translate)
            return _call(self, translate, fn, self, *args, **kwargs)

        return method

    def decorate(cls: StoreT) -> StoreT:
        for name, fn in list(vars(cls).items()):
            if not name.startswith("_") and callable(fn):
                setattr(cls, name, wrap(name, fn))
        return cls

    return decorate


def seal(data: bytes) -> bytes:
    """A picture as kept: with its checksum in front."""
    return SEAL + struct.pack(">I", zlib.crc32(data)) + data


def unseal(raw: bytes, job_id: str, kind: str) -> bytes:
    """The kept bytes, checked; `StoreDamaged` when they changed since they were kept.
    Bytes kept before checksums existed come back unchecked."""
    if not raw.startswith(SEAL):
        return raw
    (expected,), data = struct.unpack(">I", raw[3:7]), raw[7:]
    if zlib.crc32(data) != expected:
        raise StoreDamaged(
            f"the kept {kind} of job {job_id} is damaged (its checksum does not match); "
            "render the scene again, and tell the admin"
        )
    return data


def picture_summary(record: dict[str, Any]) -> dict[str, Any]:
    """A done job's record as `Store.pictures` lists it."""
    result = record.get("result") or {}
    plan = result.get("plan") or {}
    return {
        **{key: record.get(key) for key in ("id", "user", "created_at", "finished_at", "image_version", "parent", "kind")},
        **{key: plan.get(key) for key in ("characters", "plate", "slogan", "text", "action")},
        "method": (result.get("compositor") or {}).get("method"),
    }


def new_tag() -> str:
    """A store's identity: 8 hex digits, the first part of every job id it gives out."""
    import uuid

    return uuid.uuid4().hex[:8]


class Store(ABC):
    watch: StoreWatch

    @abstractmethod
    def update(self, job_id: str, change: Change, blobs: dict[str, bytes] | None = None) -> Job | None:
        """Atomic read-modify-write of one job: `change` gets the stored record, edits it and
        returns whether to write it (with `blobs`, in the same step). If another process
        wrote the job meanwhile, `change` runs again on the newer record. Returns the job
        as written, or None when there is no such job or `change` declined."""

    @abstractmethod
    def admit(
        self, job: Job, plan: bytes, max_per_user: int, max_waiting: int, blobs: dict[str, bytes] | None = None
    ) -> Refusal | None:
        """Store a new queued job, its plan and `blobs` (an edit's input picture), in one atomic
        step with the check of the waiting limits; returns which limit refused it ("user",
        "all") or None once stored."""

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

    @abstractmethod
    def identity(self) -> str:
        """This store's tag (8 hex digits), made when the store was first used. A store that
        lost its data (Redis restarted without persistence, a deleted file) has a new one,
        so a job id from before says the store was reset rather than that it expired."""

    # --- listing: a user's jobs, newest first (history, edits of one's last picture) -------
    @abstractmethod
    def jobs_of(self, user: str | None, limit: int, before: int | None = None) -> list[Job]:
        """Up to `limit` jobs of `user` (None: every user's), newest first by `seq`, only
        those with `seq < before` when given (the next page after a job of seq `before`)."""

    # --- end of listing --------------------------------------------------------------------
    def announce(self, job_id: str, positions: bool) -> None:
        """Tell every process that a job changed (`positions`: and maybe the order of the
        waiting jobs), for the event streams; `on_change` receives it in each process."""
        if self.on_change is not None:
            self.on_change(job_id, positions)

    on_change: Callable[[str, bool], None] | None = None

    def checkpoint(self) -> None:
        """Make what is written durable in the store's main file (SQLite's WAL)."""
        return None

    def close(self) -> None:
        return None

    # --- the gallery's (render/service/gallery/): its own tables or keys, apart from the queue's
    # Favourites and thumbnails live in the gallery's own tables (SQLite) or keys (Redis); it
    # reads jobs only through `pictures`, and `delete` drops a job's favourite and thumbnail.

    @abstractmethod
    def pictures(self) -> list[dict[str, Any]]:
        """Every done job, newest first, as a light summary for listing: `id`, `user`,
        `created_at`, `finished_at`, `image_version`, `parent` and `kind` (None when the record
        has none), the plan's `characters`, `plate`, `slogan`, `text`, `action`, and the
        compositor's `method` (None without a slogan)."""

    @abstractmethod
    def favourites(self) -> dict[str, float]:
        """Job id → when it was marked a favourite."""

    @abstractmethod
    def set_favourite(self, job_id: str, on: bool) -> None: ...

    @abstractmethod
    def get_thumbnail(self, job_id: str, version: int) -> bytes | None:
        """The kept thumbnail of a job's picture at `image_version` `version` (checked like
        every kept picture), or None."""

    @abstractmethod
    def put_thumbnail(self, job_id: str, version: int, data: bytes) -> None:
        """Keep a thumbnail, replacing the job's thumbnail of any earlier version."""
