"""Everything one service process runs besides HTTP: store, queue, engine, worker, the
notifier of event streams, and the housekeeping thread (heartbeat and job leases, recovery
of lost jobs, retention, WAL checkpoints, hand-out)."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from functools import cached_property
from typing import TYPE_CHECKING

from core.errors import CartoonError
from core.settings import Settings
from render.backends.base import get_backend
from render.service.engine import Engine
from render.service.errors import StorageFull, StoreDamaged, StoreError
from render.service.jobs import Health, HealthCause
from render.service.notify import Notifier
from render.service.queue import JobQueue
from render.service.store import Store
from render.service.worker import Worker

if TYPE_CHECKING:
    from agent.graph import Planner
    from agent.state import ScenePlan
    from render.backends.base import Backend
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)
PURGE_EVERY_S = 60.0
FULL_FOR_S = 10.0  # a "storage full" answer from Redis counts this long (submits, /healthz)
MB = 1024 * 1024


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
        self.notifier = Notifier()
        self.store.on_change = self.notifier.publish
        self.engine = Engine(settings, self.store.watch)
        self.queue = JobQueue(self.store, settings, self.engine.enqueue)
        self._stop = threading.Event()
        self._kick = threading.Event()
        self.worker = Worker(settings, self.queue, backend, workers, on_free=self._kick.set) if workers > 0 else None
        self._threads: list[threading.Thread] = []
        self._reslogan: ScenePipeline | None = None
        self._checker: Backend | None = None
        self._checker_error: str | None = None
        self._lock = threading.Lock()

    @cached_property
    def planner(self) -> Planner:
        """Plans text requests and knows the characters and sayings (built on first use)."""
        from agent.graph import Planner

        return Planner(self.settings)

    def reslogan_pipeline(self) -> ScenePipeline:
        """The worker's pipeline when its slots are threads; else one over the preview
        backend, which `reslogan` never calls (it only needs the compositor)."""
        if self.worker is not None and self.worker.pipeline is not None:
            return self.worker.pipeline
        with self._lock:
            if self._reslogan is None:
                from render.backends.base import get_backend
                from render.pipeline import ScenePipeline

                self._reslogan = ScenePipeline(self.settings, get_backend("preview", self.settings))
            return self._reslogan

    def check_inputs(self, plan: ScenePlan) -> None:
        """The backend's own check of a request (`Backend.check_inputs`), before it is queued:
        InputError when the backend cannot draw it. Skipped (once logged) when the backend
        cannot even be built here, where its load error shows on /healthz anyway."""
        from render.backends.base import RenderOptions

        checker = self._backend_for_checks()
        if checker is not None:
            s = self.settings
            checker.check_inputs(plan, RenderOptions(width=s.service_width, height=s.service_height, steps=s.service_steps))

    def _backend_for_checks(self) -> Backend | None:
        with self._lock:
            if self._checker is None and self._checker_error is None:
                pipeline = self.worker.pipeline if self.worker is not None else None
                try:
                    self._checker = pipeline.backend if pipeline is not None else get_backend(self.backend_name, self.settings)
                except CartoonError as exc:
                    self._checker_error = str(exc)
                    log.warning("requests are not checked against backend %s before queueing: %s", self.backend_name, exc)
            return self._checker

    def storage_problem(self) -> str | None:
        """Why new scenes cannot be kept now (the disk under CARTOON_SERVICE_DIR below
        CARTOON_SERVICE_MIN_FREE_MB, or the store answered "full" a moment ago), or None."""
        try:
            free = shutil.disk_usage(self.settings.service_dir).free
        except OSError:
            free = None
        if free is not None and free < self.settings.service_min_free_mb * MB:
            return f"the render service's storage is full ({free / MB:.0f} MB free), so it cannot take new scenes; try again later"
        # SQLite's "full" is this disk's, measured above; Redis's (out of memory, or its own
        # disk) shows only in its answers: count one for a few seconds.
        full_at = self.store.watch.full_at
        if self.settings.queue == "redis" and full_at is not None and time.time() - full_at < FULL_FOR_S:
            return "the render service's storage is full, so it cannot take new scenes; try again later"
        return None

    def refuse_when_full(self) -> None:
        problem = self.storage_problem()
        if problem is not None:
            raise StorageFull(problem)

    def health(self) -> Health:
        """What /healthz says: ok unless the store is away, storage is full or the backend
        failed to load; each worker slot's state (a restarting one shows here)."""
        error = self.worker.load_error if self.worker is not None else None
        cause: HealthCause | None = "backend" if error else None
        depth = workers = None
        try:
            depth, workers = self.queue.depth(), self.queue.slots()
        except StoreError as exc:
            error, cause = str(exc), store_cause(exc)
        if error is None and (error := self.storage_problem()) is not None:
            cause = "storage_full"
        return Health(
            ok=error is None,
            error=error,
            cause=cause,
            backend=self.backend_name,
            loaded=self.loaded,
            queue_depth=depth,
            workers=workers,
            slots=[slot.info() for slot in self.worker.slots] if self.worker is not None else [],
        )

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
        else:
            self._spawn(self._backend_for_checks, "cartoon-checker")
        self._spawn(self._housekeeping, "cartoon-housekeeping")
        listen = getattr(self.store, "listen", None)
        if callable(listen):
            self._spawn(lambda: listen(self._announced, self._stop), "cartoon-changes")

    def _announced(self, job_id: str, positions: bool) -> None:
        self.notifier.publish(job_id, positions)

    def _spawn(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _run_worker(self) -> None:
        assert self.worker is not None
        self._quietly(self.worker.heartbeat)
        self.worker.load()
        self._backend_for_checks()
        if not self.worker.ready or self._stop.is_set():
            return
        self._quietly(self.worker.heartbeat)
        self.engine.start_workers(self.worker.ready, self.worker.run_job)
        self._quietly(self.queue.dispatch)

    def _quietly(self, step) -> None:
        """Run a housekeeping step; a store fault is logged once by the store's watch."""
        try:
            step()
        except StoreError:
            pass
        except Exception:
            log.exception("housekeeping step %s failed; retrying", getattr(step, "__name__", step))

    def _housekeeping(self) -> None:
        """Every `interval`: heartbeat and leases, recovery, retention, checkpoint, hand-out.
        Woken early by a worker whose slot freed up, it only hands out the next job."""
        since_purge = PURGE_EVERY_S
        last_tick = time.monotonic()
        while not self._stop.is_set():
            kicked = self._kick.wait(max(0.0, self.interval - (time.monotonic() - last_tick)))
            self._kick.clear()
            if self._stop.is_set():
                return
            if kicked and time.monotonic() - last_tick < self.interval:
                self._quietly(self.queue.dispatch)
                continue
            last_tick = time.monotonic()
            if self.worker is not None:
                self._quietly(self.worker.heartbeat)
                self._quietly(self.worker.renew_leases)
            self._quietly(self._recover)
            since_purge += self.interval
            if since_purge >= PURGE_EVERY_S or self.settings.service_retention_s < PURGE_EVERY_S:
                self._quietly(self.queue.purge)
                self._quietly(self.store.checkpoint)
                since_purge = 0.0
            self._quietly(self.queue.dispatch)

    def _recover(self) -> None:
        self.queue.recover(store_ok_since=self.store.watch.ok_since)

    @property
    def loaded(self) -> bool:
        if self.worker is not None:
            return self.worker.loaded
        try:
            return any(info.get("loaded") for info in self.queue.live_workers().values())
        except StoreError:
            return False

    def stop(self) -> None:
        """Stop taking jobs, end the renders (a running job runs again at the next start or
        on another box), fold the WAL into the store's file and close it."""
        self._stop.set()
        self._kick.set()
        self.engine.stop()
        if self.worker is not None:
            self.worker.stop()
        self.engine.stop(wait_s=10.0)
        if self.worker is not None:
            self._quietly(self.worker.leave)  # its running job, if any, is recovered at once elsewhere
        for thread in self._threads:
            thread.join(5.0)
        self.store.close()


def store_cause(exc: StoreError) -> HealthCause:
    """What /healthz's `cause` says for a store fault (`cartoon doctor` words its advice by it)."""
    if isinstance(exc, StorageFull):
        return "storage_full"
    return "store_damaged" if isinstance(exc, StoreDamaged) else "store_away"
