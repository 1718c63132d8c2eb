"""The queue's rules, written once over any `Store`: limits, fair order, hand-out, recovery.

Jobs wait in the store, not in the engine: `dispatch()` hands a job to the queue engine
(huey, `render.service.engine`) only when a worker slot is free, choosing users in turn,
so one user's ten requests never sit in front of another user's one. Every state change
is a compare-and-set on (`state`, `attempt`) inside a store transaction, so a late
message, a cancelled job or a worker given up for dead can never overwrite a newer state.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from core.settings import Settings
from render.service.jobs import Job, JobView, Progress, public_state
from render.service.store import Store

Enqueue = Callable[[str, int], None]
DEFAULT_RUN_MS = 5000
POSITIONS_TTL_S = 0.25


class ServiceError(Exception):
    """An HTTP error with a one-line message and the field it is about."""

    def __init__(self, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.field, self.headers = status, message, field, headers or {}


def fair_order(queued: list[Job], turns: dict[str, int]) -> list[Job]:
    """Waiting jobs in the order they will start: users take turns (whoever was served
    longest ago goes first), each user's own jobs in submission order."""
    by_user: dict[str, list[Job]] = defaultdict(list)
    for job in sorted(queued, key=lambda j: j.seq):
        by_user[job.user].append(job)
    users = sorted(by_user, key=lambda u: (turns.get(u, 0), by_user[u][0].seq))
    order: list[Job] = []
    for depth in range(max((len(v) for v in by_user.values()), default=0)):
        order.extend(by_user[u][depth] for u in users if depth < len(by_user[u]))
    return order


class JobQueue:
    def __init__(self, store: Store, settings: Settings, enqueue: Enqueue | None = None) -> None:
        self.store = store
        self.settings = settings
        self.enqueue = enqueue
        self._positions: dict[str, int] = {}
        self._positions_at = float("-inf")

    # --- the API's side ------------------------------------------------------------------
    def submit(self, plan: dict[str, Any], user: str) -> tuple[Job, int]:
        """Accept a planned job (or raise a 429 ServiceError); returns it and its position."""
        s = self.settings
        with self.store.transaction():
            active = self.store.active()
            waiting = [j for j in active if j.state in ("queued", "dispatched")]
            if sum(j.user == user for j in waiting) >= s.service_max_queued_per_user:
                raise self._limit(
                    f"user '{user}' already has {s.service_max_queued_per_user} scenes waiting "
                    "(CARTOON_SERVICE_MAX_QUEUED_PER_USER); wait for one to finish",
                    "user",
                )
            if len(waiting) >= s.service_max_queued:
                raise self._limit(
                    f"the queue is full ({s.service_max_queued} scenes waiting); try again later", None
                )
            job = Job(user=user, seq=self.store.next_counter("seq"))
            self.store.put_blob(job.id, "plan", json.dumps(plan).encode())
            self.store.put(job)
        self.dispatch()
        return job, self.positions(fresh=True).get(job.id, 0)

    def _limit(self, message: str, field: str | None) -> ServiceError:
        avg_ms = self.store.value("avg_run_ms") or DEFAULT_RUN_MS
        retry = min(3600, max(1, math.ceil(avg_ms / 1000)))
        return ServiceError(429, f"{message} (retry in about {retry} s)", field, {"Retry-After": str(retry)})

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def positions(self, fresh: bool = False) -> dict[str, int]:
        """job id → how many jobs start before it, for every waiting job. An estimate, so
        status reads share one computation for POSITIONS_TTL_S instead of each reading
        every active record; `fresh` recomputes (after a submit)."""
        now = time.monotonic()
        if not fresh and now - self._positions_at < POSITIONS_TTL_S:
            return self._positions
        self._positions, self._positions_at = self._compute_positions(), now
        return self._positions

    def _compute_positions(self) -> dict[str, int]:
        active = self.store.active()
        dispatched = [j for j in active if j.state == "dispatched"]
        queued = [j for j in active if j.state == "queued"]
        positions = {j.id: 0 for j in dispatched}
        for index, job in enumerate(fair_order(queued, self.store.turns())):
            positions[job.id] = len(dispatched) + index
        return positions

    def view(self, job: Job) -> JobView:
        position = self.positions().get(job.id) if job.state in ("queued", "dispatched") else None
        return JobView(
            id=job.id,
            state=public_state(job.state),
            position=position,
            progress=job.progress,
            error=job.error,
            result=job.result,
            user=job.user,
            created_at=job.created_at,
        )

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a waiting or running job (a running one stops at its next progress step)."""
        with self.store.transaction():
            job = self.store.get(job_id)
            if job is None or not job.active:
                return job
            job.state, job.error, job.finished_at = "cancelled", "cancelled by request", time.time()
            self.store.put(job)
        self.dispatch()
        return job

    def depth(self) -> int:
        return sum(j.state in ("queued", "dispatched") for j in self.store.active())

    # --- handing jobs to the engine ------------------------------------------------------
    def live_workers(self, now: float | None = None) -> dict[str, dict[str, Any]]:
        now = time.time() if now is None else now
        limit = self.settings.service_worker_timeout_s
        return {w: info for w, info in self.store.workers().items() if now - info.get("at", 0) <= limit}

    def slots(self) -> int:
        return sum(int(info.get("slots", 0)) for info in self.live_workers().values())

    def dispatch(self) -> list[tuple[str, int]]:
        """Hand waiting jobs to the engine while worker slots are free, users in turn.

        Each worker process gets one job more than its slots: it waits in the engine, so
        a worker that finishes starts the next job at once instead of waiting for this
        hand-out (fairness is decided one job earlier, which costs a newcomer at most one)."""
        if self.enqueue is None:
            return []
        handed: list[tuple[str, int]] = []
        with self.store.transaction():
            active = self.store.active()
            in_flight = [j for j in active if j.state in ("dispatched", "running")]
            live = self.live_workers()
            slots = sum(int(info.get("slots", 0)) for info in live.values())
            free = slots + sum(1 for info in live.values() if info.get("slots")) - len(in_flight)
            if free <= 0:
                return []
            per_user: dict[str, int] = defaultdict(int)
            for job in in_flight:
                per_user[job.user] += 1
            now = time.time()
            queued = [j for j in active if j.state == "queued"]
            for job in fair_order(queued, self.store.turns()):
                if len(handed) >= free:
                    break
                if per_user[job.user] >= self.settings.service_max_running_per_user:
                    continue
                per_user[job.user] += 1
                job.state, job.dispatched_at, job.attempt = "dispatched", now, job.attempt + 1
                self.store.put(job)
                self.store.set_turn(job.user, self.store.next_counter("turn"))
                handed.append((job.id, job.attempt))
        for job_id, attempt in handed:  # after the commit, so a worker finds the job dispatched
            self.enqueue(job_id, attempt)
        return handed

    # --- the worker's side ---------------------------------------------------------------
    def _current(self, job_id: str, attempt: int, state: str) -> Job | None:
        job = self.store.get(job_id)
        return job if job is not None and job.state == state and job.attempt == attempt else None

    def plan_of(self, job_id: str) -> dict[str, Any]:
        data = self.store.get_blob(job_id, "plan")
        return json.loads(data) if data else {}

    def start(self, job_id: str, attempt: int, worker: str) -> Job | None:
        """Mark a dispatched job running on `worker`; None when it is no longer ours to run."""
        with self.store.transaction():
            job = self._current(job_id, attempt, "dispatched")
            if job is None:
                return None
            job.state, job.worker, job.started_at = "running", worker, time.time()
            job.starts += 1
            job.progress = Progress()
            self.store.put(job)
            return job

    def report_progress(self, job_id: str, attempt: int, step: int, total: int) -> bool:
        """Record progress; False when the job was cancelled or taken from this worker."""
        with self.store.transaction():
            job = self._current(job_id, attempt, "running")
            if job is None:
                return False
            job.progress = Progress(step=step, total=total)
            self.store.put(job)
            return True

    def finish(self, job_id: str, attempt: int, result: dict[str, Any], blobs: dict[str, bytes]) -> bool:
        with self.store.transaction():
            job = self._current(job_id, attempt, "running")
            if job is None:
                return False
            for kind, data in blobs.items():
                self.store.put_blob(job_id, kind, data)
            job.state, job.result, job.finished_at = "done", result, time.time()
            job.progress = Progress(step=max(job.progress.total, 1), total=max(job.progress.total, 1))
            self.store.put(job)
            run_ms = (job.finished_at - (job.started_at or job.finished_at)) * 1000
            avg = self.store.value("avg_run_ms")
            self.store.set_value("avg_run_ms", int(run_ms if avg is None else 0.8 * avg + 0.2 * run_ms))
            return True

    def fail(self, job_id: str, attempt: int, error: str) -> bool:
        with self.store.transaction():
            job = self._current(job_id, attempt, "running")
            if job is None:
                return False
            job.state, job.error, job.finished_at = "failed", error, time.time()
            self.store.put(job)
            return True

    def replace_image(self, job_id: str, data: bytes, slogan: str, compositor: dict[str, Any] | None) -> bool:
        """Keep a re-slogan's PNG as the job's image (the clean render stays as it was)."""
        with self.store.transaction():
            job = self.store.get(job_id)
            if job is None or job.state != "done" or job.result is None:
                return False
            self.store.put_blob(job_id, "image", data)
            job.result = {**job.result, "plan": {**job.result["plan"], "slogan": slogan}, "compositor": compositor}
            job.image_version += 1
            self.store.put(job)
            return True

    # --- housekeeping --------------------------------------------------------------------
    def recover(self, *, startup: bool = False) -> list[str]:
        """Put back the jobs of dead workers and stale hand-outs; fail hung and crash-looping
        jobs. `startup` (embedded mode only): every hand-out is stale, the engine was flushed."""
        s = self.settings
        changed: list[str] = []
        with self.store.transaction():
            now = time.time()
            live = self.live_workers(now)
            # A hand-out waits in the engine while every worker is busy (one job ahead);
            # if it is still there after a heartbeat period with a worker idle, its message
            # was lost (a worker died between taking and starting it): hand it out again.
            idle = sum(max(0, int(i.get("slots", 0)) - int(i.get("busy", 0))) for i in live.values())
            for job in self.store.active():
                if job.state == "running" and job.worker not in live:
                    if job.starts >= s.service_max_attempts:
                        job.state, job.finished_at = "failed", now
                        job.error = (
                            f"the worker stopped {job.starts} times while rendering this scene "
                            "(out of memory?); try a smaller scene or ask the admin to check the GPU box"
                        )
                    else:
                        job.state, job.worker, job.progress = "queued", None, Progress()
                elif job.state == "running" and now - (job.started_at or now) > (
                    s.service_job_timeout_s + s.service_worker_timeout_s
                ):
                    job.state, job.finished_at = "failed", now
                    job.error = timeout_message(s.service_job_timeout_s)
                elif job.state == "dispatched" and (
                    startup or (idle and now - (job.dispatched_at or now) > s.service_worker_timeout_s)
                ):
                    job.state = "queued"
                else:
                    continue
                self.store.put(job)
                changed.append(job.id)
            for worker, info in self.store.workers().items():
                if now - info.get("at", 0) > 20 * s.service_worker_timeout_s:
                    self.store.drop_worker(worker)
        return changed

    def purge(self) -> int:
        """Delete finished jobs (and their PNGs) older than the retention period."""
        old = self.store.finished_before(time.time() - self.settings.service_retention_s)
        for job_id in old:
            self.store.delete(job_id)
        return len(old)


def timeout_message(limit_s: float) -> str:
    return (
        f"the render took longer than {limit_s:g} s (CARTOON_SERVICE_JOB_TIMEOUT_S) and was stopped; "
        "try again, or ask for a smaller size or fewer steps"
    )
