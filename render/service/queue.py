"""The queue's rules, written once over any `Store`: limits, fair order, hand-out, recovery.

Jobs wait in the store, not in the engine: `dispatch()` hands a job to the queue engine
(huey, `render.service.engine`) only when a worker slot is free, choosing users in turn,
so one user's ten requests never sit in front of another user's one. Every state change
is an atomic read-modify-write of that one job (`Store.update`) that checks (`state`,
`attempt`) first, so a late message, a cancelled job or a worker given up for dead can never
overwrite a newer state; a new job is checked against the limits and stored in one atomic
step (`Store.admit`). Only the hand-out takes a store-wide lock, and only when a slot is free.

A running job holds a lease that its worker renews (`renew`, and each progress step); a job
whose lease lapsed is put back by whichever box's housekeeping sees it first (`recover`), so
a job is never left `running` by a worker that lost it, whatever the cause. Each change is
announced (`Store.announce`) for the event streams.
"""

from __future__ import annotations

import contextlib
import heapq
import json
import math
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any

from core.settings import Settings
from render.service.errors import ApiError, StoreError
from render.service.jobs import Job, JobKind, JobView, Progress, public_state, shown
from render.service.rendering import timeout_message
from render.service.store import Store

Enqueue = Callable[[str, int], None]
DEFAULT_RUN_MS = 5000
POSITIONS_TTL_S = 0.25
MAX_RETRY_AFTER_S = 3600


def forecast(
    running: list[Job], dispatched: list[Job], queued: list[Job], *, slots: int, per_user: int, run_s: float, now: float
) -> tuple[list[Job], dict[str, float]]:
    """When each waiting job will start, by playing the hand-out forward: `slots` render
    slots free up as running jobs end (each job taking `run_s`); the dispatched jobs start
    first, then the queued ones in `queued`'s (fair) order, except that a user who already has
    `per_user` jobs in flight waits for one of them to end (CARTOON_SERVICE_MAX_RUNNING_PER_USER)
    while other users' jobs go ahead. Returns the waiting jobs in their expected starting
    order, and job id -> seconds from `now` until it starts."""
    ends = sorted(max(0.0, (j.started_at or now) + run_s - now) for j in running)
    free = [0.0] * max(0, slots - len(ends)) + ends[: max(slots, 1)]
    free = free[: max(slots, 1)] or [0.0]
    heapq.heapify(free)
    in_flight: dict[str, list[float]] = defaultdict(list)  # user -> heap of when their jobs end
    for job in running:
        heapq.heappush(in_flight[job.user], max(0.0, (job.started_at or now) + run_s - now))

    def busy(user: str, at: float) -> int:  # `at` never goes back, so ended jobs can be dropped
        ends = in_flight[user]
        while ends and ends[0] <= at:
            heapq.heappop(ends)
        return len(ends)

    order: list[Job] = []
    starts: dict[str, float] = {}

    def begin(job: Job, at: float) -> None:
        starts[job.id] = at
        heapq.heappush(in_flight[job.user], at + run_s)
        heapq.heappush(free, at + run_s)
        order.append(job)

    for job in sorted(dispatched, key=lambda j: j.dispatched_at or 0.0):  # limit applied at hand-out
        begin(job, heapq.heappop(free))
    mine: dict[str, deque[tuple[int, Job]]] = defaultdict(deque)  # user -> their waiting jobs, ranked
    for rank, job in enumerate(queued):
        mine[job.user].append((rank, job))
    heads = [(jobs[0][0], user) for user, jobs in mine.items()]  # each user's next job, by rank
    heapq.heapify(heads)
    while heads:
        at = heapq.heappop(free)
        held: list[tuple[int, str]] = []  # users at their limit now: only those in flight, so few
        while heads and busy(heads[0][1], at) >= per_user:
            held.append(heapq.heappop(heads))
        chosen = heapq.heappop(heads)[1] if heads else None
        for head in held:
            heapq.heappush(heads, head)
        if chosen is None:  # every waiting user is at their limit: the slot idles until one job ends
            heapq.heappush(free, min(in_flight[user][0] for _, user in held))
            continue
        user = chosen
        begin(mine[user].popleft()[1], at)
        if mine[user]:
            heapq.heappush(heads, (mine[user][0][0], user))
    return order, starts


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
        self._starts: dict[str, float] = {}  # job id -> expected start (epoch s), None-free
        self._run_s = DEFAULT_RUN_MS / 1000
        self._slots = 0
        self._positions_at = float("-inf")

    # --- the API's side ------------------------------------------------------------------
    def submit(
        self,
        plan: dict[str, Any],
        user: str,
        *,
        parent: str | None = None,
        kind: JobKind = "scene",
        blobs: dict[str, bytes] | None = None,
    ) -> tuple[Job, int]:
        """Accept a planned job (or raise a 429 ApiError); returns it and its position. A job
        made from a finished one names it (`parent`, `kind`); `blobs` are kept with the plan
        (an edit's input picture and instruction)."""
        s = self.settings
        job = Job(
            id=self.store.identity() + uuid.uuid4().hex[8:],
            user=user,
            seq=self.store.next_counter("seq"),
            parent=parent,
            kind=kind,
        )
        refused = self.store.admit(
            job, json.dumps(plan).encode(), s.service_max_queued_per_user, s.service_max_queued, blobs
        )
        if refused is not None:
            raise self._refusal(refused, user)
        self._announce(job.id, positions=True)
        with contextlib.suppress(StoreError):  # accepted all the same: handed out later
            self.dispatch()
        return job, self.position_of(job) or 0

    def _announce(self, job_id: str, positions: bool) -> None:
        """Best effort: a stream that misses it re-reads on its own timer."""
        with contextlib.suppress(StoreError):
            self.store.announce(job_id, positions)

    def _refusal(self, refused: str, user: str) -> ApiError:
        """A 429 saying which limit, how many of this user's scenes wait or run, and when
        to try again: when one job is likely to have finished (the user's own first one,
        for the per-user limit)."""
        avg_s = (self.store.value("avg_run_ms") or DEFAULT_RUN_MS) / 1000
        slots = max(1, self.slots())
        mine = [j for j in self.store.active() if j.user == user]
        if refused == "user":
            ahead = min((self.position_of(j) or 0 for j in mine), default=0)
            retry = math.ceil(avg_s * (1 + ahead / slots))
            limit = "queued_per_user"
            waiting = sum(j.state != "running" for j in mine)
            message = f"user '{user}' already has {waiting} scenes waiting, the most one person may; wait for one to finish"
        else:
            retry = math.ceil(avg_s / slots)
            limit = "queued_total"
            message = f"the queue is full ({self.settings.service_max_queued} scenes waiting); try again later"
        retry = min(MAX_RETRY_AFTER_S, max(1, retry))
        return ApiError(
            429,
            f"{message} (in about {retry} s)",
            "user" if refused == "user" else None,
            {"Retry-After": str(retry)},
            {"limit": limit, "waiting": len(mine), "retry_after_s": retry},
        )

    def missing(self, job_id: str) -> str:
        """Why there is no job `job_id`: the store was reset since it was made (its tag is
        not this store's), or it never existed or expired."""
        tag = self.store.identity()
        if len(job_id) == 32 and job_id[:8] != tag and all(c in "0123456789abcdef" for c in job_id):
            return (
                f"no job '{job_id}': the job store was reset since it was made, and its record is lost; "
                "send the request again"
            )
        days = self.settings.service_retention_s / 86400
        kept = f"{days:g} days" if days >= 1 else f"{self.settings.service_retention_s:g} s"
        return f"no job '{job_id[:64]}'; it never existed or its results expired (finished jobs are kept {kept})"

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def positions(self, fresh: bool = False) -> dict[str, int]:
        """job id → how many jobs start before it, for every waiting job. An estimate, so
        status reads share one computation for POSITIONS_TTL_S instead of each reading
        every active record; `fresh` recomputes (a job newer than the shared one). The
        forecast's start times, which `eta_of` reads, are computed with them."""
        now = time.monotonic()
        if not fresh and now - self._positions_at < POSITIONS_TTL_S:
            return self._positions
        self._positions, self._positions_at = self._compute_positions(), now
        return self._positions

    def _compute_positions(self) -> dict[str, int]:
        """Positions by the forecast (which respects the per-user running limit); its
        expected start times and the average render time are kept for `eta_s`."""
        active = self.store.active()
        dispatched = [j for j in active if j.state == "dispatched"]
        queued = [j for j in active if j.state == "queued"]
        running = [j for j in active if j.state == "running"]
        self._run_s = (self.store.value("avg_run_ms") or DEFAULT_RUN_MS) / 1000
        self._slots = self.slots()
        now = time.time()
        order, starts = forecast(
            running,
            dispatched,
            fair_order(queued, self.store.turns()),
            slots=self._slots,
            per_user=self.settings.service_max_running_per_user,
            run_s=self._run_s,
            now=now,
        )
        self._starts = {job_id: now + start for job_id, start in starts.items()}
        positions = {j.id: 0 for j in dispatched}  # each is next on its box
        for index, job in enumerate(j for j in order if j.state == "queued"):
            positions[job.id] = len(dispatched) + index
        return positions

    def eta_of(self, job: Job) -> int | None:
        """Seconds until the job is likely done (the average render time after its expected
        start); None once final, or while no render slot is up to forecast with."""
        if not job.active:
            return None
        if job.state == "running":  # what its progress says is left, else the mean less the time spent
            if job.progress.total:
                return max(1, math.ceil(self._run_s * (1.0 - job.progress.step / job.progress.total)))
            started = job.started_at or time.time()
            return max(1, math.ceil(started + self._run_s - time.time()))
        if self.position_of(job) is None or not self._slots or job.id not in self._starts:
            return None
        return max(1, math.ceil(self._starts[job.id] + self._run_s - time.time()))

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
            eta_s=self.eta_of(job),
            progress=job.progress,
            error=job.error,
            result=job.result,
            user=job.user,
            created_at=job.created_at,
            parent=job.parent,
            kind=job.kind,
        )

    def listing(self, user: str | None, limit: int, before: int | None = None) -> tuple[list[JobView], str | None]:
        """A page of `user`'s jobs (None: everyone's), newest first, and the cursor of the
        next page (None at the end)."""
        jobs = self.store.jobs_of(user, limit + 1, before)
        more = len(jobs) > limit
        jobs = jobs[:limit]
        return [self.view(job) for job in jobs], str(jobs[-1].seq) if more else None

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
        self._announce(job_id, positions=True)
        with contextlib.suppress(StoreError):
            self.dispatch()
        return job

    def depth(self) -> int:
        return sum(j.state in ("queued", "dispatched") for j in self.store.active())

    # --- handing jobs to the engine ------------------------------------------------------
    def live_workers(self, now: float | None = None, since: float = 0.0) -> dict[str, dict[str, Any]]:
        """Workers with a heartbeat in the last CARTOON_SERVICE_WORKER_TIMEOUT_S, counting no
        earlier than `since` (a worker cannot beat while the store is away)."""
        now = time.time() if now is None else now
        limit = self.settings.service_worker_timeout_s
        return {w: info for w, info in self.store.workers().items() if now - max(info.get("at", 0), since) <= limit}

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
            self._announce(job_id, positions=True)
            try:
                self.enqueue(job_id, attempt)
            except StoreError:  # the message was not sent: the job waits again
                self._change(job_id, attempt, "dispatched", _put_back)
                raise
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

        job = self.store.update(job_id, change, blobs)
        if job is not None:
            self._announce(job_id, positions=state != "running" or not job.active)
        return job

    def plan_of(self, job_id: str) -> dict[str, Any]:
        data = self.store.get_blob(job_id, "plan")
        return json.loads(data) if data else {}

    def start(self, job_id: str, attempt: int, worker: str) -> Job | None:
        """Mark a dispatched job running on `worker`; None when it is no longer ours to run."""

        def run(job: Job) -> None:
            job.state, job.worker, job.started_at = "running", worker, time.time()
            job.lease_at = job.started_at
            job.starts += 1
            job.progress = Progress()

        return self._change(job_id, attempt, "dispatched", run)

    def report_progress(self, job_id: str, attempt: int, step: int, total: int) -> bool:
        """Record progress; False when the job was cancelled or taken from this worker."""

        def advance(job: Job) -> None:
            job.progress = Progress(step=step, total=total)
            job.lease_at = time.time()

        return self._change(job_id, attempt, "running", advance) is not None

    def renew(self, job_id: str, attempt: int) -> bool:
        """Renew a running job's lease; False when it is no longer this worker's."""

        def renew(job: Job) -> bool:
            if job.state != "running" or job.attempt != attempt:
                return False
            job.lease_at = time.time()
            return True

        return self.store.update(job_id, renew) is not None

    def finish(self, job_id: str, attempt: int, result: dict[str, Any], blobs: dict[str, bytes]) -> bool:
        """Keep a result. Also taken when the job was put back (its lease lapsed while the
        store was away) but not handed out again: the result is of the newest attempt."""

        def done(job: Job) -> bool:
            if job.attempt != attempt or job.state not in ("running", "queued"):
                return False
            job.state, job.result, job.finished_at = "done", result, time.time()
            job.started_at = job.started_at or job.finished_at
            job.progress = Progress(step=max(job.progress.total, 1), total=max(job.progress.total, 1))
            return True

        job = self.store.update(job_id, done, blobs)  # PNGs in the same step
        if job is None:
            return False
        self._announce(job_id, positions=True)
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

        if self.store.update(job_id, reslogan, {"image": data}) is None:
            return False
        self._announce(job_id, positions=False)
        return True

    def keep_copy(self, parent: Job, user: str, plan: dict[str, Any], image: bytes, clean: bytes,
                  compositor: dict[str, Any] | None) -> Job:
        """A finished copy of `parent` for `user` with another slogan (kind "reslogan"): no
        render and no queue, done at once. Its pictures and plan are kept before its record,
        so nobody reads a record without them."""
        assert parent.result is not None
        now = time.time()
        job = Job(id=self.store.identity() + uuid.uuid4().hex[8:], user=user, seq=self.store.next_counter("seq"),
                  state="done", kind="reslogan", parent=parent.id, created_at=now, started_at=now, finished_at=now,
                  progress=Progress(step=1, total=1))
        job.result = shown(job.id, {**parent.result, "plan": plan, "compositor": compositor})
        for kind, data in (("plan", json.dumps(plan).encode()), ("clean", clean), ("image", image)):
            self.store.put_blob(job.id, kind, data)
        self.store.put(job)
        self._announce(job.id, positions=False)
        return job

    # --- housekeeping --------------------------------------------------------------------
    def recover(self, *, startup: bool = False, store_ok_since: float = 0.0) -> list[str]:
        """Put back the jobs whose worker is gone or whose lease lapsed, and stale hand-outs;
        fail hung and crash-looping jobs. `startup` (embedded mode only): every hand-out is
        stale, the engine was flushed. `store_ok_since`: since when this process has seen
        the store answer; a lease counts as lapsed only if it lapsed after that, so after
        an outage the workers get one period to renew before their jobs are taken."""
        s = self.settings
        changed: list[str] = []
        now = time.time()
        live = self.live_workers(now, since=store_ok_since)
        # A hand-out waits in the engine while every worker is busy (one job ahead);
        # if it is still there after a heartbeat period with a worker idle, its message
        # was lost (a worker died between taking and starting it): hand it out again.
        idle = sum(max(0, int(i.get("slots", 0)) - int(i.get("busy", 0))) for i in live.values())
        lease_s = s.service_worker_timeout_s

        def put_back(job: Job) -> bool:  # decided again on the newest record if it changed
            renewed = max(job.lease_at or job.started_at or now, store_ok_since)
            if job.state == "running" and (job.worker not in live or now - renewed > lease_s):
                if job.starts >= s.service_max_attempts:
                    job.state, job.finished_at = "failed", now
                    job.error = (
                        f"the worker stopped {job.starts} times while rendering this scene "
                        "(out of memory?); try a smaller scene, or ask the admin to check the GPU box"
                    )
                else:
                    _put_back(job)
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
                self._announce(job.id, positions=True)
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


def _put_back(job: Job) -> bool:
    """Back to waiting (its user's running slot is free again); the attempt stays, so a
    result of this attempt that arrives before the next hand-out is still taken."""
    job.state, job.worker, job.progress, job.lease_at = "queued", None, Progress(), None
    return True
