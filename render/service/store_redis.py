"""The scale-out store: job records, PNGs and heartbeats in the Redis every box shares.

Keys (prefix `cartoon:`): `job:<id>` (JSON), `blob:<id>:<kind>`, `counter:<name>`, `turns`
and `workers` (hashes), and indexes kept in step with every record write (one MULTI/EXEC):
`active` (queued, dispatched or running), `waiting` and `waiting:<user>` (queued or
dispatched), `inflight` (dispatched or running), `finished` (sorted set id → finished_at),
`jobs` and `jobs:<user>` (sorted sets id → seq, for listing a user's jobs newest first). The
gallery's own keys: `gallery:favourites` (sorted set id → when picked), `gallery:thumb:<id>`.

There is no store-wide lock. A job changes by optimistic compare-and-set (WATCH on its key,
MULTI/EXEC, again on a conflict); a new job is admitted by a Lua script that checks the
waiting limits and stores it in one atomic step; only the hand-out of jobs to free worker
slots takes a lock (a redis-py `Lock` that expires on its own, so a box killed while
holding it cannot stall the others), and submits and workers never wait on it.

Changes are announced on the channel `cartoon:changes` ("<job id> <0|1>"); each process's
`listen` thread hands them to its event streams. While Redis is away every call fails at
once (one quick reconnect, no long retry loop) as `StoreUnavailable`; the callers decide
whether to wait (a worker keeping a result) or to answer 503 (the API).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from core.errors import FaultError
from render.service.errors import StorageFull, StoreError, StoreUnavailable
from render.service.jobs import Job
from render.service.store import (
    Change,
    Refusal,
    Store,
    StoreWatch,
    guarded,
    new_tag,
    picture_summary,
    seal,
    unseal,
)

log = logging.getLogger(__name__)
P = "cartoon:"
CHANGES = P + "changes"
LOCK_TIMEOUT_S = 10.0
BLOB_KINDS = ("plan", "image", "clean", "input", "instruction")
WAITING = ("queued", "dispatched")
IN_FLIGHT = ("dispatched", "running")

# KEYS: waiting:<user>, waiting, job, plan blob, active, inflight, jobs, jobs:<user>, then the
# keys of more blobs; ARGV: max per user, max waiting, job JSON, plan, job id, seq, then the
# more blobs' bytes (in the order of their keys)
ADMIT = """
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 'user' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 'all' end
for i = 9, #KEYS do redis.call('SET', KEYS[i], ARGV[i - 2]) end
redis.call('SET', KEYS[4], ARGV[4])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[5], ARGV[5])
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[7], ARGV[6], ARGV[5])
redis.call('ZADD', KEYS[8], ARGV[6], ARGV[5])
return false
"""


def translate(exc: Exception) -> StoreError | None:
    """redis-py's errors as the store's kinds, in words for the API's clients."""
    text = str(exc)
    if isinstance(exc, (redis.ConnectionError, redis.TimeoutError)):  # LOADING is a ConnectionError
        return StoreUnavailable("the job store (Redis) is not answering; try again in a few seconds")
    if isinstance(exc, redis.ResponseError):
        # redis-py drops the "OOM" prefix (OutOfMemoryError) and "READONLY" (ReadOnlyError).
        if isinstance(exc, redis.exceptions.OutOfMemoryError) or text.startswith(("OOM", "MISCONF")):
            return StorageFull("the render service's storage is full, so it cannot keep scenes; try again later")
        if isinstance(exc, redis.exceptions.ReadOnlyError) or text.startswith(("READONLY", "MASTERDOWN", "TRYAGAIN")):
            return StoreUnavailable("the job store (Redis) is not taking writes; try again in a few seconds")
    return None


def _job_key(job_id: str) -> str:
    return P + "job:" + job_id


def _waiting_key(user: str) -> str:
    return P + "waiting:" + user


GALLERY_FAVOURITES = P + "gallery:favourites"
PICTURES_BATCH = 500  # job records per MGET while listing the gallery


def _thumbnail_key(job_id: str) -> str:
    return P + "gallery:thumb:" + job_id


def _listing_key(user: str | None) -> str:
    return P + "jobs" if user is None else P + "jobs:" + user


@guarded(translate, contexts=("dispatch_lock",))
class RedisStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self.watch = StoreWatch("the job store (Redis)")
        # One quick reconnect (a pooled socket left from before a Redis restart), not
        # redis-py's default ten with backoff: an outage must answer in milliseconds.
        self.redis = redis.Redis.from_url(
            url,
            socket_timeout=30,
            socket_connect_timeout=5,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        )
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise FaultError(f"cannot reach Redis at {url} ({exc}); start it or fix CARTOON_REDIS_URL") from None
        self._admit = self.redis.register_script(ADMIT)

    def _write(self, pipe: Any, job: Job) -> None:
        """Queue the record and its index updates on a MULTI pipeline."""
        pipe.set(_job_key(job.id), job.model_dump_json())
        for key, member in (
            (P + "active", job.active),
            (P + "waiting", job.state in WAITING),
            (_waiting_key(job.user), job.state in WAITING),
            (P + "inflight", job.state in IN_FLIGHT),
        ):
            (pipe.sadd if member else pipe.srem)(key, job.id)
        if job.active:
            pipe.zrem(P + "finished", job.id)
        else:
            pipe.zadd(P + "finished", {job.id: job.finished_at or 0.0})
        pipe.zadd(_listing_key(None), {job.id: job.seq})
        pipe.zadd(_listing_key(job.user), {job.id: job.seq})

    def get(self, job_id: str) -> Job | None:
        raw = self.redis.get(_job_key(job_id))
        return Job.model_validate_json(raw) if raw else None

    def put(self, job: Job) -> None:
        pipe = self.redis.pipeline()
        self._write(pipe, job)
        pipe.execute()

    def update(self, job_id: str, change: Change, blobs: dict[str, bytes] | None = None) -> Job | None:
        key = _job_key(job_id)
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if not raw:
                        return None
                    job = Job.model_validate_json(raw)
                    if not change(job):
                        return None
                    pipe.multi()
                    for kind, data in (blobs or {}).items():
                        pipe.set(f"{P}blob:{job_id}:{kind}", seal(data))
                    self._write(pipe, job)
                    pipe.execute()
                    return job
                except redis.WatchError:  # written by another process meanwhile: decide again
                    continue

    def admit(
        self, job: Job, plan: bytes, max_per_user: int, max_waiting: int, blobs: dict[str, bytes] | None = None
    ) -> Refusal | None:
        more = list((blobs or {}).items())
        keys = [
            _waiting_key(job.user),
            P + "waiting",
            _job_key(job.id),
            f"{P}blob:{job.id}:plan",
            P + "active",
            P + "inflight",
            _listing_key(None),
            _listing_key(job.user),
            *(f"{P}blob:{job.id}:{kind}" for kind, _ in more),
        ]
        args = [max_per_user, max_waiting, job.model_dump_json(), seal(plan), job.id, job.seq]
        refused = self._admit(keys=keys, args=[*args, *(seal(data) for _, data in more)])
        return refused.decode() if refused else None  # type: ignore[return-value]

    @contextmanager
    def dispatch_lock(self) -> Iterator[None]:
        # redis-py retries a taken lock every `sleep` seconds (0.1 by default, which showed up
        # as 100 ms gaps between jobs under load); a hand-out lasts a few milliseconds.
        lock = self.redis.lock(
            P + "lock:dispatch",
            timeout=LOCK_TIMEOUT_S,
            sleep=0.002,
            blocking_timeout=60,
            thread_local=False,
        )
        if not lock.acquire():
            raise FaultError("the hand-out lock in Redis stayed taken for 60 s; check the workers")
        try:
            yield
        finally:
            # An expired lock may already be another process's: nothing of ours to release.
            with suppress(redis.exceptions.LockError):
                lock.release()

    def in_flight(self) -> int:
        return int(self.redis.scard(P + "inflight"))

    def active(self) -> list[Job]:
        ids = sorted(i.decode() for i in self.redis.smembers(P + "active"))
        if not ids:
            return []
        raws = self.redis.mget([_job_key(i) for i in ids])
        return [Job.model_validate_json(raw) for raw in raws if raw]

    def finished_before(self, timestamp: float) -> list[str]:
        return [i.decode() for i in self.redis.zrangebyscore(P + "finished", "-inf", f"({timestamp}")]

    def delete(self, job_id: str) -> None:
        job = self.get(job_id)
        pipe = self.redis.pipeline()
        pipe.delete(_job_key(job_id), *(f"{P}blob:{job_id}:{kind}" for kind in BLOB_KINDS))
        for key in ("active", "waiting", "inflight"):
            pipe.srem(P + key, job_id)
        if job is not None:
            pipe.srem(_waiting_key(job.user), job_id)
            pipe.zrem(_listing_key(job.user), job_id)
        pipe.zrem(P + "finished", job_id)
        pipe.zrem(GALLERY_FAVOURITES, job_id)
        pipe.delete(_thumbnail_key(job_id))
        pipe.zrem(_listing_key(None), job_id)
        pipe.execute()

    def put_blob(self, job_id: str, kind: str, data: bytes) -> None:
        self.redis.set(f"{P}blob:{job_id}:{kind}", seal(data))

    def get_blob(self, job_id: str, kind: str) -> bytes | None:
        raw = self.redis.get(f"{P}blob:{job_id}:{kind}")
        return unseal(raw, job_id, kind) if raw is not None else None

    def next_counter(self, name: str) -> int:
        return int(self.redis.incr(P + "counter:" + name))

    def value(self, name: str) -> int | None:
        raw = self.redis.get(P + "counter:" + name)
        return int(raw) if raw is not None else None

    def set_value(self, name: str, value: int) -> None:
        self.redis.set(P + "counter:" + name, value)

    def turns(self) -> dict[str, int]:
        return {k.decode(): int(v) for k, v in self.redis.hgetall(P + "turns").items()}

    def set_turn(self, user: str, turn: int) -> None:
        self.redis.hset(P + "turns", user, turn)

    def beat(self, worker: str, info: dict[str, Any]) -> None:
        self.redis.hset(P + "workers", worker, json.dumps(info))

    def workers(self) -> dict[str, dict[str, Any]]:
        return {k.decode(): json.loads(v) for k, v in self.redis.hgetall(P + "workers").items()}

    def drop_worker(self, worker: str) -> None:
        self.redis.hdel(P + "workers", worker)

    # --- listing ---------------------------------------------------------------------------
    def jobs_of(self, user: str | None, limit: int, before: int | None = None) -> list[Job]:
        top = f"({before}" if before is not None else "+inf"
        ids = self.redis.zrevrangebyscore(_listing_key(user), top, "-inf", start=0, num=limit)
        if not ids:
            return []
        raws = self.redis.mget([_job_key(i.decode()) for i in ids])
        return [Job.model_validate_json(raw) for raw in raws if raw]  # one deleted meanwhile is left out

    # --- end of listing ----------------------------------------------------------------------
    def identity(self) -> str:
        self.redis.set(P + "tag", new_tag(), nx=True)
        return self.redis.get(P + "tag").decode()

    # --- the gallery's (render/service/gallery/) ---------------------------------------------
    def pictures(self) -> list[dict[str, Any]]:
        ids = [i.decode() for i in self.redis.zrevrange(P + "finished", 0, -1)]
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), PICTURES_BATCH):
            for raw in self.redis.mget([_job_key(i) for i in ids[start : start + PICTURES_BATCH]]):
                if raw:
                    record = json.loads(raw)
                    if record.get("state") == "done":
                        found.append(picture_summary(record))
        return found

    def favourites(self) -> dict[str, float]:
        return {k.decode(): float(at) for k, at in self.redis.zrange(GALLERY_FAVOURITES, 0, -1, withscores=True)}

    def set_favourite(self, job_id: str, on: bool) -> None:
        if on:
            self.redis.zadd(GALLERY_FAVOURITES, {job_id: time.time()}, nx=True)
        else:
            self.redis.zrem(GALLERY_FAVOURITES, job_id)

    def get_thumbnail(self, job_id: str, version: int) -> bytes | None:
        raw = self.redis.get(_thumbnail_key(job_id))
        kept, _, data = (raw or b"").partition(b"\n")
        return unseal(data, job_id, "thumbnail") if raw and kept == str(version).encode() else None

    def put_thumbnail(self, job_id: str, version: int, data: bytes) -> None:
        self.redis.set(_thumbnail_key(job_id), str(version).encode() + b"\n" + seal(data))

    def announce(self, job_id: str, positions: bool) -> None:
        self.redis.publish(CHANGES, f"{job_id} {int(positions)}")

    def close(self) -> None:
        self.redis.close()

    def listen(self, on_change: Callable[[str, bool], None], stop: threading.Event) -> None:
        """Hand every announced change to `on_change` until `stop` is set (a thread's loop).
        While Redis is away it tries again each second; streams re-read on their own timer
        meanwhile, so a change missed in the gap is not lost."""
        while not stop.is_set():
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANGES)
                self.watch.answered()
                while not stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message["type"] == "message":
                        job_id, _, positions = message["data"].decode().partition(" ")
                        on_change(job_id, positions == "1")
            except redis.RedisError as exc:
                self.watch.saw(translate(exc) or StoreUnavailable(str(exc)))
                stop.wait(1.0)
            finally:
                with suppress(redis.RedisError):
                    pubsub.close()
