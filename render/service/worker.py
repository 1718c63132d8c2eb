"""A render worker: its slots (one per GPU: a supervised process, or a thread for the CPU
preview), and the jobs huey hands it.

Each job: claim it (`JobQueue.start`), render it in a free slot with a progress callback
that records progress (renewing the job's lease) and stops the render when the job was
cancelled or taken from this worker, then keep the result (`_settle`). A backend error, an
out-of-memory or a hung backend fails that job only; the worker goes on.

While the store is away the worker keeps the finished job's outcome in memory (one per
slot, so bounded) and retries with backoff until the store answers; if the result cannot
be kept because storage is full, the job fails with "storage full" instead, which frees its
user's slot. Meanwhile the housekeeping renews the leases of the jobs this worker runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue as queue_module
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.settings import Settings
from render.service.errors import StorageFull, StoreError, StoreUnavailable
from render.service.jobs import Job, shown
from render.service.queue import JobQueue
from render.service.rendering import STORAGE_FULL, Outcome, RenderRequest, Verdict
from render.service.slots import Slot, ThreadSlot, make_slots

if TYPE_CHECKING:
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)
SETTLE_FIRST_DELAY_S = 0.05
EDITS = ("edit", "vary")  # jobs whose input is a finished picture
LOST_INPUT = "the picture to change could not be read on the render box; try the edit again"
SETTLE_MAX_DELAY_S = 2.0


class Worker:
    def __init__(
        self, settings: Settings, queue: JobQueue, backend_name: str, slots: int, on_free: Callable[[], None] | None = None
    ) -> None:
        self.settings = settings
        # Called when a slot frees up, to hand out the next job; the runtime does that on
        # its own thread, so this worker goes straight back to the engine for the job
        # already waiting there.
        self.on_free = on_free or queue.dispatch
        self.queue = queue
        self.backend_name = backend_name
        self.id = f"{socket.gethostname()}-{os.getpid()}"
        self.slots: list[Slot] = make_slots(settings, backend_name, slots)
        self._free: queue_module.Queue[Slot] = queue_module.Queue()
        self.running: dict[str, int] = {}  # job id → attempt, for lease renewals
        self.busy = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._loaded_once = False

    @property
    def size(self) -> int:
        return len(self.slots)

    @property
    def ready(self) -> int:
        """Slots that can render (or will, once their process has restarted)."""
        return sum(slot.state != "failed" for slot in self.slots)

    @property
    def pipeline(self) -> ScenePipeline | None:
        """The in-process pipeline of thread slots (None with process slots)."""
        first = self.slots[0] if self.slots else None
        return first.pipeline if isinstance(first, ThreadSlot) else None

    @property
    def load_error(self) -> str | None:
        if self.ready:
            return None
        return next((slot.error for slot in self.slots if slot.error), None)

    @property
    def loaded(self) -> bool:
        return any(slot.state in ("ready", "busy") for slot in self.slots)

    def load(self) -> None:
        """Load the backend in every slot now (minutes for kontext on a cold GPU box) rather
        than in the first job; until then the worker offers no slots, so no job comes."""
        for slot in self.slots:
            slot.start()
        for slot in self.slots:
            if slot.wait_ready():  # a slot whose backend failed to load takes no jobs
                self._free.put(slot)
        self._loaded_once = True

    def heartbeat(self) -> None:
        self.queue.store.beat(
            self.id,
            {
                "at": time.time(),
                "slots": self.ready if self._loaded_once else 0,
                "backend": self.backend_name,
                "loaded": self.loaded,
                "busy": self.busy,
                "host": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def renew_leases(self) -> None:
        """Renew the lease of every job this worker is rendering."""
        for job_id, attempt in list(self.running.items()):
            self.queue.renew(job_id, attempt)

    def leave(self) -> None:
        self.queue.store.drop_worker(self.id)

    def stop(self) -> None:
        self._stopping.set()
        for slot in self.slots:
            slot.stop()

    # --- one job ---------------------------------------------------------------------------
    def run_job(self, job_id: str, attempt: int) -> None:
        """huey's task: never raises (huey would log a traceback per message). The job is
        claimed only once a slot is ready (a restarting one may take minutes to load)."""
        slot = self._free.get()
        work = self.settings.service_dir / "work" / self.id / job_id
        claimed = False
        try:
            slot.wait_ready()
            try:
                job = self.queue.start(job_id, attempt, self.id)
            except StoreError:  # logged once by the store's watch; the hand-out is recovered later
                job = None
            if job is None:  # cancelled meanwhile, a stale message, or the store is away
                return
            with self._lock:
                self.busy += 1
                self.running[job_id] = attempt
            claimed = True
            inputs = self._edit_inputs(job, work)
            if inputs is None:
                self._settle(job_id, attempt, Outcome("failed", error=LOST_INPUT))
                return
            request = RenderRequest(
                job_id=job_id,
                plan=self.queue.plan_of(job_id),
                width=self.settings.service_width,
                height=self.settings.service_height,
                steps=self.settings.service_steps,
                work_dir=str(work),
                limit_s=self.settings.service_job_timeout_s,
                **inputs,
            )
            outcome = slot.run(request, lambda step, total: self._progress(job_id, attempt, step, total))
            self._settle(job_id, attempt, outcome)
        except StoreError:  # the plan could not be read: the lease lapses and the job runs again
            log.warning("job %s could not start: the store did not answer", job_id)
        except Exception:
            log.exception("job %s: the worker failed", job_id)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if claimed:
                with self._lock:
                    self.busy -= 1
                    self.running.pop(job_id, None)
            self._free.put(slot)
            self._call_on_free()

    def _edit_inputs(self, job: Job, work: Path) -> dict[str, str] | None:
        """An edit's or a variation's finished picture (written into the job's work folder, where
        its render process reads it) and instruction; {} for a job drawn from its plan alone,
        None when they are missing from the store."""
        if job.kind not in EDITS:
            return {}
        picture, instruction = self.queue.store.get_blob(job.id, "input"), self.queue.store.get_blob(job.id, "instruction")
        if picture is None or instruction is None:
            log.error("job %s: its input picture or instruction is missing from the store", job.id)
            return None
        try:
            work.mkdir(parents=True, exist_ok=True)
            (work / "input.png").write_bytes(picture)
        except OSError as exc:
            log.error("job %s: cannot write its input picture into %s (%s)", job.id, work, exc)
            return None
        return {"input_image": str(work / "input.png"), "instruction": instruction.decode()}

    def _call_on_free(self) -> None:
        with contextlib.suppress(StoreError):
            self.on_free()

    def _progress(self, job_id: str, attempt: int, step: int, total: int) -> Verdict:
        try:
            return "go" if self.queue.report_progress(job_id, attempt, step, total) else "stop"
        except StoreError:  # keep rendering: the result is kept until the store is back
            return "go"

    def _settle(self, job_id: str, attempt: int, outcome: Outcome) -> None:
        """Keep the outcome in the store, waiting with backoff while it is away."""
        if outcome.kind == "stopped":
            log.info("job %s stopped: cancelled or handed to another worker", job_id)
            return
        blobs: dict[str, bytes] = {}
        if outcome.kind == "done":
            assert outcome.result is not None
            try:
                blobs = {
                    "image": Path(outcome.result["image"]).read_bytes(),
                    "clean": Path(outcome.result["clean_image"]).read_bytes(),
                }
            except OSError as exc:
                log.error("job %s: cannot read its pictures (%s)", job_id, exc)
                outcome = Outcome("failed", error="the render's pictures were lost on the render box; try again")
        delay = SETTLE_FIRST_DELAY_S
        while True:
            try:
                if outcome.kind == "done":
                    self.queue.finish(job_id, attempt, shown(job_id, outcome.result or {}), blobs)
                else:
                    self.queue.fail(job_id, attempt, outcome.error or "the render failed; try again")
                return
            except StorageFull:
                if outcome.kind == "done":  # the pictures do not fit: fail the job, a small write
                    outcome, blobs = Outcome("failed", error=STORAGE_FULL, storage_full=True), {}
                    continue
            except StoreUnavailable:
                pass
            except StoreError as exc:  # damaged: nothing to wait for
                log.error("job %s: its outcome cannot be kept (%s)", job_id, exc)
                return
            if self._stopping.wait(delay):
                log.warning("job %s: stopping before the store took its outcome; it will run again", job_id)
                return
            delay = min(SETTLE_MAX_DELAY_S, delay * 2)

