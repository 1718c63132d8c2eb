"""The queue's rules, written once over any `Store`: limits, fair order, hand-out, recovery.

Jobs wait in the store, not in the engine: `dispatch()` hands a job to the queue engine
(huey, `render.service.engine`) only when a worker slot is free, choosing users in turn,
so one user's ten requests never sit in front of another user's one. Every state change
is an atomic read-modify-write of that one job (`Store.update`) that checks (`state`,
`attempt`) first, so a late message, a cancelled job or a worker given up for dead can never
overwrite a newer state; a new job is checked against the limits and stored in one atomic
step (`Store.admit`). Only the hand-out takes a store-wide lock, and only when a slot is free.
"""

from __future__ import annotations

import json
import math
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from core.settings import Settings
from render.service.errors import ApiError
from render.service.jobs import Job, JobView, Progress, public_state
from render.service.store import Store

Enqueue = Callable[[str, int], None]
DEFAULT_RUN_MS = 5000
POSITIONS_TTL_S = 0.25


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
        """Accept a planned job (or raise a 429 ApiError); returns it and its position."""
        s = self.settings
        job = Job(user=user, seq=self.store.next_counter("seq"))
        refused = self.store.admit(job, json.dumps(plan).encode(), s.service_max_queued_per_user, s.service_max_queued)
        if refused == "user":
            raise self._limit(
                f"user '{user}' already has {s.service_max_queued_per_user} scenes waiting "
                "(CARTOON_SERVICE_MAX_QUEUED_PER_USER); wait for one to finish",
                "user",
            )
        if refused == "all":
            raise self._limit(f"the queue is full ({s.service_max_queued} scenes waiting); try again later", None)
        self.dispatch()
        return job, self.position_of(job) or 0

    def _limit(self, message: str, field: str | None) -> ApiError:
        avg_ms = self.store.value("avg_run_ms") or DEFAULT_RUN_MS
        retry = min(3600, max(1, math.ceil(avg_ms / 1000)))
        return ApiError(429, f"{message} (retry in about {retry} s)", field, {"Retry-After": str(retry)})

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def positions(self, fresh: bool = False) -> dict[str, int]:
        """job id → how many jobs start before it, for every waiting job. An estimate, so
        status reads share one computation for POSITIONS_TTL_S instead of each reading
        every active record; `fresh` recomputes (a job newer than the shared one)."""
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

    def position_of(self, job: Job) -> int | None:
        """Jobs that start before this one; None once it started."""
        if job.state not in ("queued", "dispatched"):
            return None
        position = self.positions().get(job.id)
        return position if position is not None else self.positions(fresh=True).get(job.id, 0)

    def view(self, job: Job) -> JobView:
        position = self.position_of(job)
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

        def cancel(job: Job) -> bool:
            if not job.active:
                return False
            job.state, job.error, job.finished_at = "cancelled", "cancelled by request", time.time()
            return True

        job = self.store.update(job_id, cancel)
        if job is None:  # gone, or already final
            return self.store.get(job_id)
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
        if self.enqueue is None or self._free(self.live_workers(), self.store.in_flight()) <= 0:
            return []  # the common case under load, decided without the lock
        handed: list[tuple[str, int]] = []
        with self.store.dispatch_lock():
            active = self.store.active()
            in_flight = [j for j in active if j.state in ("dispatched", "running")]
            free = self._free(self.live_workers(), len(in_flight))
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

                def hand_out(job: Job, seen: int = job.attempt) -> bool:
                    if job.state != "queued" or job.attempt != seen:  # cancelled meanwhile
                        return False
                    job.state, job.dispatched_at, job.attempt = "dispatched", now, job.attempt + 1
                    return True

                if (given := self.store.update(job.id, hand_out)) is None:
                    continue
                per_user[job.user] += 1
                self.store.set_turn(job.user, self.store.next_counter("turn"))
                handed.append((given.id, given.attempt))
        for job_id, attempt in handed:  # after the commit, so a worker finds the job dispatched
            self.enqueue(job_id, attempt)
        return handed

    @staticmethod
    def _free(live: dict[str, dict[str, Any]], in_flight: int) -> int:
        slots = sum(int(info.get("slots", 0)) for info in live.values())
        return slots + sum(1 for info in live.values() if info.get("slots")) - in_flight

    # --- the worker's side ---------------------------------------------------------------
    def _change(
        self,
        job_id: str,
        attempt: int,
        state: str,
        edit: Callable[[Job], None],
        blobs: dict[str, bytes] | None = None,
    ) -> Job | None:
        """Apply `edit` only while the job is still in `state` at `attempt`."""

        def change(job: Job) -> bool:
            if job.state != state or job.attempt != attempt:
                return False
            edit(job)
            return True

        return self.store.update(job_id, change, blobs)

    def plan_of(self, job_id: str) -> dict[str, Any]:
        data = self.store.get_blob(job_id, "plan")
        return json.loads(data) if data else {}

    def start(self, job_id: str, attempt: int, worker: str) -> Job | None:
        """Mark a dispatched job running on `worker`; None when it is no longer ours to run."""

        def run(job: Job) -> None:
            job.state, job.worker, job.started_at = "running", worker, time.time()
            job.starts += 1
            job.progress = Progress()

        return self._change(job_id, attempt, "dispatched", run)

    def report_progress(self, job_id: str, attempt: int, step: int, total: int) -> bool:
        """Record progress; False when the job was cancelled or taken from this worker."""

        def advance(job: Job) -> None:
            job.progress = Progress(step=step, total=total)

        return self._change(job_id, attempt, "running", advance) is not None

    def finish(self, job_id: str, attempt: int, result: dict[str, Any], blobs: dict[str, bytes]) -> bool:

        def done(job: Job) -> None:
            job.state, job.result, job.finished_at = "done", result, time.time()
            job.progress = Progress(step=max(job.progress.total, 1), total=max(job.progress.total, 1))

        job = self._change(job_id, attempt, "running", done, blobs)  # PNGs in the same step
        if job is None:
            return False
        # An estimate for Retry-After: a lost update between two boxes does not matter.
        run_ms = ((job.finished_at or 0.0) - (job.started_at or job.finished_at or 0.0)) * 1000
        avg = self.store.value("avg_run_ms")
        self.store.set_value("avg_run_ms", int(run_ms if avg is None else 0.8 * avg + 0.2 * run_ms))
        return True

    def fail(self, job_id: str, attempt: int, error: str) -> bool:

        def failed(job: Job) -> None:
            job.state, job.error, job.finished_at = "failed", error, time.time()

        return self._change(job_id, attempt, "running", failed) is not None

    def replace_image(self, job_id: str, data: bytes, slogan: str, compositor: dict[str, Any] | None) -> bool:
        """Keep a re-slogan's PNG as the job's image (the clean render stays as it was)."""

        def reslogan(job: Job) -> bool:
            if job.state != "done" or job.result is None:
                return False
            job.result = {
                **job.result,
                "plan": {**job.result["plan"], "slogan": slogan},
                "compositor": compositor,
            }
            job.image_version += 1
            return True

        return self.store.update(job_id, reslogan, {"image": data}) is not None

    # --- housekeeping --------------------------------------------------------------------
    def recover(self, *, startup: bool = False) -> list[str]:
        """Put back the jobs of dead workers and stale hand-outs; fail hung and crash-looping
        jobs. `startup` (embedded mode only): every hand-out is stale, the engine was flushed."""
        s = self.settings
        changed: list[str] = []
        now = time.time()
        live = self.live_workers(now)
        # A hand-out waits in the engine while every worker is busy (one job ahead);
        # if it is still there after a heartbeat period with a worker idle, its message
        # was lost (a worker died between taking and starting it): hand it out again.
        idle = sum(max(0, int(i.get("slots", 0)) - int(i.get("busy", 0))) for i in live.values())

        def put_back(job: Job) -> bool:  # decided again on the newest record if it changed
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
                return False
            return True

        for job in self.store.active():
            if put_back(job.model_copy(deep=True)) and self.store.update(job.id, put_back) is not None:
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
