"""Everything one service process runs besides HTTP: store, queue, engine, worker, and the
housekeeping thread (heartbeat, recovery of dead workers' jobs, retention, hand-out)."""

from __future__ import annotations

import logging
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from core.settings import Settings
from render.service.engine import Engine
from render.service.queue import JobQueue
from render.service.store import Store
from render.service.worker import Worker

if TYPE_CHECKING:
    from agent.graph import Planner
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)
PURGE_EVERY_S = 60.0


def open_store(settings: Settings) -> Store:
    """The store the settings choose (CARTOON_QUEUE). Here, its only caller, rather than in
    store.py: both stores import the `Store` interface from there."""
    if settings.queue == "redis":
        from render.service.store_redis import RedisStore

        return RedisStore(settings.redis_url)
    from render.service.store_sqlite import SqliteStore

    return SqliteStore(settings.service_dir / "jobs.db")


class Runtime:
    def __init__(self, settings: Settings, *, backend: str, workers: int) -> None:
        self.settings = settings
        self.backend_name = backend
        self.store = open_store(settings)
        self.engine = Engine(settings)
        self.queue = JobQueue(self.store, settings, self.engine.enqueue)
        self._stop = threading.Event()
        self._kick = threading.Event()
        self.worker = Worker(settings, self.queue, backend, workers, on_free=self._kick.set) if workers > 0 else None
        self._threads: list[threading.Thread] = []
        self._reslogan: ScenePipeline | None = None
        self._reslogan_lock = threading.Lock()

    @cached_property
    def planner(self) -> Planner:
        """Plans text requests and knows the characters and sayings (built on first use)."""
        from agent.graph import Planner

        return Planner(self.settings)

    def reslogan_pipeline(self) -> ScenePipeline:
        """The worker's pipeline when this process has one; else one over the preview
        backend, which `reslogan` never calls (it only needs the compositor)."""
        if self.worker is not None and self.worker.pipeline is not None:
            return self.worker.pipeline
        with self._reslogan_lock:
            if self._reslogan is None:
                from render.backends.base import get_backend
                from render.pipeline import ScenePipeline

                self._reslogan = ScenePipeline(self.settings, get_backend("preview", self.settings))
            return self._reslogan

    @property
    def interval(self) -> float:
        return max(0.05, min(2.0, self.settings.service_worker_timeout_s / 4))

    def start(self) -> None:
        if self.settings.queue == "sqlite":
            # Embedded: this process is the only one using the folder, so every worker on
            # record is a previous run of it (killed, perhaps mid-render): put its jobs back.
            for worker in self.store.workers():
                self.store.drop_worker(worker)
            self.engine.flush()
            requeued = self.queue.recover(startup=True)
            if requeued:
                log.warning("put back %d jobs from the previous run", len(requeued))
        if self.worker is not None:
            self._spawn(self._run_worker, "cartoon-worker")
        self._spawn(self._housekeeping, "cartoon-housekeeping")

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run_worker(self) -> None:
        assert self.worker is not None
        self.worker.heartbeat()
        self.worker.load()
        if self.worker.pipeline is None:
            return
        self.worker.heartbeat()
        self.engine.start_workers(self.worker.slots, self.worker.run_job)
        self.queue.dispatch()

    def _housekeeping(self) -> None:
        """Every `interval`: heartbeat, recovery, retention, hand-out. Woken early by a
        worker whose slot freed up, it only hands out the next job."""
        since_purge = PURGE_EVERY_S
        last_tick = time.monotonic()
        while not self._stop.is_set():
            kicked = self._kick.wait(max(0.0, self.interval - (time.monotonic() - last_tick)))
            self._kick.clear()
            if self._stop.is_set():
                return
            if kicked and time.monotonic() - last_tick < self.interval:
                try:
                    self.queue.dispatch()
                except Exception:
                    log.exception("hand-out failed; retrying")
                continue
            last_tick = time.monotonic()
            try:
                if self.worker is not None:
                    self.worker.heartbeat()
                self.queue.recover()
                since_purge += self.interval
                if since_purge >= PURGE_EVERY_S or self.settings.service_retention_s < PURGE_EVERY_S:
                    self.queue.purge()
                    since_purge = 0.0
                self.queue.dispatch()
            except Exception:  # keep the loop alive through a Redis blip; it retries next tick
                log.exception("housekeeping failed; retrying")

    @property
    def loaded(self) -> bool:
        if self.worker is not None:
            return self.worker.loaded
        return any(info.get("loaded") for info in self.queue.live_workers().values())

    def stop(self) -> None:
        self._stop.set()
        self._kick.set()
        self.engine.stop()
        if self.worker is not None:
            try:
                self.worker.leave()  # its running job, if any, is recovered at once elsewhere
            except Exception:
                log.exception("could not remove this worker from the store")
