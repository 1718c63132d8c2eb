"""The scale-out store: job records, PNGs and heartbeats in the Redis every box shares.

Keys (prefix `cartoon:`): `job:<id>` (JSON), `active` (set of ids), `finished` (sorted
set id → finished_at), `blob:<id>:<kind>`, `counter:<name>`, `turns` and `workers`
(hashes). `transaction()` is a redis-py `Lock` that expires on its own, so a worker
killed while holding it cannot stall the others.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import redis

from core.errors import FaultError
from render.service.jobs import Job
from render.service.store import Store

P = "cartoon:"
LOCK_TIMEOUT_S = 10.0
BLOB_KINDS = ("plan", "image", "clean")


class RedisStore(Store):
    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = redis.Redis.from_url(url, socket_timeout=30, health_check_interval=30)
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            raise FaultError(f"cannot reach Redis at {url} ({exc}); start it or fix CARTOON_REDIS_URL") from None
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if getattr(self._local, "depth", 0):
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        # redis-py retries a taken lock every `sleep` seconds (0.1 by default, which showed up
        # as 100 ms gaps between jobs under load); transactions here last a millisecond or two.
        lock = self.redis.lock(
            P + "lock", timeout=LOCK_TIMEOUT_S, sleep=0.002, blocking_timeout=60, thread_local=False
        )
        if not lock.acquire():
            raise FaultError("the job store's lock in Redis stayed taken for 60 s; check the workers")
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            # An expired lock may already be another process's: nothing of ours to release.
            with suppress(redis.exceptions.LockError):
                lock.release()

    def get(self, job_id: str) -> Job | None:
        raw = self.redis.get(P + "job:" + job_id)
        return Job.model_validate_json(raw) if raw else None

    def put(self, job: Job) -> None:
        pipe = self.redis.pipeline()
        pipe.set(P + "job:" + job.id, job.model_dump_json())
        if job.active:
            pipe.sadd(P + "active", job.id)
            pipe.zrem(P + "finished", job.id)
        else:
            pipe.srem(P + "active", job.id)
            pipe.zadd(P + "finished", {job.id: job.finished_at or 0.0})
        pipe.execute()

    def active(self) -> list[Job]:
        ids = sorted(i.decode() for i in self.redis.smembers(P + "active"))
        if not ids:
            return []
        raws = self.redis.mget([P + "job:" + i for i in ids])
        return [Job.model_validate_json(raw) for raw in raws if raw]

    def finished_before(self, timestamp: float) -> list[str]:
        return [i.decode() for i in self.redis.zrangebyscore(P + "finished", "-inf", f"({timestamp}")]

    def delete(self, job_id: str) -> None:
        pipe = self.redis.pipeline()
        pipe.delete(P + "job:" + job_id, *(f"{P}blob:{job_id}:{kind}" for kind in BLOB_KINDS))
        pipe.srem(P + "active", job_id)
        pipe.zrem(P + "finished", job_id)
        pipe.execute()

    def put_blob(self, job_id: str, kind: str, data: bytes) -> None:
        self.redis.set(f"{P}blob:{job_id}:{kind}", data)

    def get_blob(self, job_id: str, kind: str) -> bytes | None:
        return self.redis.get(f"{P}blob:{job_id}:{kind}")

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

    def close(self) -> None:
        self.redis.close()
