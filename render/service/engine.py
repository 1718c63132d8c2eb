"""The queue engine: huey carries "render job X, attempt N" to whichever worker is free.

`SqliteHuey` (a file under CARTOON_SERVICE_DIR) for the embedded one-process default;
`RedisHuey` (CARTOON_QUEUE=redis) when workers on several boxes share one queue. The
message is only a pointer: the job itself, its state and its result live in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from core.settings import Settings

log = logging.getLogger(__name__)
Handler = Callable[[str, int], None]
TASK_NAME = "cartoon.render_job"


class Engine:
    def __init__(self, settings: Settings) -> None:
        if settings.queue == "redis":
            self.huey = RedisHuey("cartoon", url=settings.redis_url, results=False, blocking=True, read_timeout=1)
        else:
            settings.service_dir.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey("cartoon", filename=str(settings.service_dir / "huey.db"), results=False)
        self.handler: Handler | None = None
        self.consumer: Consumer | None = None

        def render_job(job_id: str, attempt: int) -> None:
            if self.handler is None:  # an API-only process never consumes, so never gets here
                log.error("job %s reached a process with no worker; it will be handed out again", job_id)
                return
            self.handler(job_id, attempt)

        self.task = self.huey.task(name=TASK_NAME)(render_job)

    def enqueue(self, job_id: str, attempt: int) -> None:
        self.task(job_id, attempt)

    def pending(self) -> int:
        return self.huey.pending_count()

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

    def stop(self) -> None:
        if self.consumer is not None:
            self.consumer.stop_flag.set()
