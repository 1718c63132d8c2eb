"""The queue engine: huey carries "render job X, attempt N" to whichever worker is free.

`SqliteHuey` (a file under CARTOON_SERVICE_DIR) for the embedded one-process default;
`RedisHuey` (CARTOON_QUEUE=redis) when workers on several boxes share one queue. The
message is only a pointer: the job itself, its state and its result live in the store.
So a damaged `huey.db` is simply made again at start-up (embedded mode hands every waiting
job out again anyway), and while the store is away the workers wait quietly, with backoff,
instead of logging a traceback per poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from core.settings import Settings
from render.service.errors import StoreError
from render.service.store import StoreWatch

log = logging.getLogger(__name__)
Handler = Callable[[str, int], None]
TASK_NAME = "cartoon.render_job"
QUIET_FIRST_S = 0.05
QUIET_MAX_S = 1.0


class Engine:
    def __init__(self, settings: Settings, watch: StoreWatch | None = None) -> None:
        self.watch = watch or StoreWatch("the queue engine")
        if settings.queue == "redis":
            from render.service.store_redis import translate

            pool = redis.ConnectionPool.from_url(
                settings.redis_url,
                socket_timeout=10,  # above the blocking read's 1 s
                socket_connect_timeout=5,
                retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
            )
            self.huey = RedisHuey("cartoon", results=False, blocking=True, read_timeout=1, connection_pool=pool)
        else:
            from render.service.store_sqlite import translate

            settings.service_dir.mkdir(parents=True, exist_ok=True)
            path = settings.service_dir / "huey.db"
            remake_if_damaged(path)
            self.huey = SqliteHuey("cartoon", filename=str(path), results=False)
        self.translate: Callable[[Exception], StoreError | None] = translate
        self.handler: Handler | None = None
        self.consumer: Consumer | None = None
        self._quiet = QUIET_FIRST_S

        def render_job(job_id: str, attempt: int) -> None:
            if self.handler is None:  # an API-only process never consumes, so never gets here
                log.error("job %s reached a process with no worker; it will be handed out again", job_id)
                return
            self.handler(job_id, attempt)

        self.task = self.huey.task(name=TASK_NAME)(render_job)
        self._dequeue = self.huey.dequeue
        self.huey.dequeue = self._quiet_dequeue  # type: ignore[method-assign]

    def _quiet_dequeue(self) -> Any:
        """huey's dequeue, which during an outage waits with backoff (up to a second) and
        reports to the watch, rather than raising into huey's loop every 50 ms."""
        try:
            task = self._dequeue()
        except Exception as exc:
            self._store_error(exc)
            if self.consumer is not None:
                self.consumer.stop_flag.wait(self._quiet)
            self._quiet = min(QUIET_MAX_S, self._quiet * 2)
            return None
        self._quiet = QUIET_FIRST_S
        self.watch.answered()
        return task

    def enqueue(self, job_id: str, attempt: int) -> None:
        try:
            self.task(job_id, attempt)
        except Exception as exc:
            raise self._store_error(exc) from exc

    def _store_error(self, exc: Exception) -> StoreError:
        """`exc` as the store's kind, reported to the watch; re-raises anything else."""
        error = self.translate(exc)
        if error is None:
            raise exc
        error.__cause__ = exc
        self.watch.saw(error)
        return error

    def flush(self) -> None:
        """Drop every message (embedded mode, at start-up: the store re-hands the jobs)."""
        self.huey.flush()

    def start_workers(self, count: int, handler: Handler) -> None:
        """Run `count` huey worker threads in this process. Only the workers: the consumer's
        own main loop and signal handlers would fight uvicorn's, which owns the main thread."""
        self.handler = handler
        self.consumer = Consumer(
            self.huey,
            workers=count,
            periodic=False,
            initial_delay=0.005,
            backoff=1.5,
            max_delay=0.05,
            check_worker_health=False,
        )
        for _, thread in self.consumer.worker_threads:
            thread.start()

    def stop(self, wait_s: float = 0.0) -> None:
        """Ask the worker threads to stop after their current job; wait up to `wait_s`."""
        if self.consumer is None:
            return
        self.consumer.stop_flag.set()
        for _, thread in self.consumer.worker_threads:
            thread.join(wait_s)


def remake_if_damaged(path: Path) -> None:
    """huey.db holds only pointers to jobs: if `PRAGMA quick_check` fails, start it afresh."""
    from core.sqlite_check import quick_check

    problems = quick_check(path) if path.exists() else []
    if problems:
        log.warning("%s is damaged (%s); making it again (it holds only pointers to jobs)", path, problems[0])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
