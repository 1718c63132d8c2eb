"""A render worker: loads the backend once, then runs the jobs huey hands it.

Each job: claim it (`JobQueue.start`), render through `ScenePipeline` with a progress
callback that records progress and stops the render when the job was cancelled or ran
past CARTOON_SERVICE_JOB_TIMEOUT_S, keep both PNGs in the store, then hand out the next
job. A backend error or an out-of-memory fails that job only; the worker goes on.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import CartoonError
from core.settings import Settings
from render.service.queue import JobQueue, timeout_message

if TYPE_CHECKING:
    from render.backends.base import Backend
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)


class JobStopped(Exception):
    """Raised from the progress callback to stop a render that is no longer wanted."""


class JobTimedOut(Exception):
    pass


def load_backend(name: str, settings: Settings) -> Backend:
    """A backend by registry name, or `package.module:Class` for one outside the registry."""
    from render.backends.base import BACKENDS, get_backend

    if ":" in name and name not in BACKENDS:
        BACKENDS[name] = name
    return get_backend(name, settings)


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
        self.slots = slots
        self.id = f"{socket.gethostname()}-{os.getpid()}"
        self.backend: Backend | None = None
        self.pipeline: ScenePipeline | None = None
        self.load_error: str | None = None
        self.busy = 0
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self.pipeline is not None and bool(self.backend and self.backend.loaded)

    def load(self) -> None:
        """Load the backend now (minutes for kontext on a cold GPU box) rather than in the
        first job; until it is ready the worker offers no slots, so no job is handed to it."""
        from render.pipeline import ScenePipeline

        try:
            backend = load_backend(self.backend_name, self.settings)
            warm = getattr(backend, "load", None)
            if callable(warm):
                warm()
            self.backend, self.pipeline = backend, ScenePipeline(self.settings, backend)
        except CartoonError as exc:
            self.load_error = str(exc)
            log.error("backend %s did not load: %s", self.backend_name, exc)

    def heartbeat(self) -> None:
        self.queue.store.beat(
            self.id,
            {
                "at": time.time(),
                "slots": self.slots if self.pipeline is not None else 0,
                "backend": self.backend_name,
                "loaded": self.loaded,
                "busy": self.busy,
                "host": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def leave(self) -> None:
        self.queue.store.drop_worker(self.id)

    # --- one job ---------------------------------------------------------------------------
    def run_job(self, job_id: str, attempt: int) -> None:
        job = self.queue.start(job_id, attempt, self.id)
        if job is None:  # cancelled meanwhile, or a stale message from an earlier attempt
            self.on_free()
            return
        with self._lock:
            self.busy += 1
        try:
            self._render(job_id, attempt, self.queue.plan_of(job_id), time.monotonic())
        finally:
            with self._lock:
                self.busy -= 1
            self.on_free()

    def _render(self, job_id: str, attempt: int, plan_json: dict, started: float) -> None:
        from agent.state import ScenePlan
        from render.backends.base import RenderOptions

        s = self.settings
        assert self.pipeline is not None
        limit = s.service_job_timeout_s

        def progress(step: int, total: int) -> None:
            if time.monotonic() - started > limit:
                raise JobTimedOut
            if not self.queue.report_progress(job_id, attempt, step, total):
                raise JobStopped

        work = s.service_dir / "work" / self.id / job_id
        try:
            plan = ScenePlan.model_validate(plan_json)
            options = RenderOptions(width=s.service_width, height=s.service_height, steps=s.service_steps)
            result = self.pipeline.render(plan, options=options, out_dir=work, progress=progress, stem=job_id)
            if time.monotonic() - started > limit:  # a backend that never reports progress
                raise JobTimedOut
            blobs = {"image": Path(result.image).read_bytes(), "clean": Path(result.clean_image).read_bytes()}
            shown = result.model_copy(
                update={"image": f"/v1/jobs/{job_id}/image", "clean_image": f"/v1/jobs/{job_id}/clean"}
            )
            self.queue.finish(job_id, attempt, shown.model_dump(mode="json"), blobs)
        except JobStopped:
            log.info("job %s stopped: cancelled or handed to another worker", job_id)
        except JobTimedOut:
            self.queue.fail(job_id, attempt, timeout_message(limit))
        except CartoonError as exc:
            self.queue.fail(job_id, attempt, str(exc))
        except (Exception, MemoryError) as exc:  # the backend's fault: fail this job, keep the worker
            log.exception("job %s failed", job_id)
            self.queue.fail(job_id, attempt, describe_failure(exc))
        finally:
            shutil.rmtree(work, ignore_errors=True)


def describe_failure(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
    if isinstance(exc, MemoryError) or "out of memory" in text.lower():
        if "torch" in sys.modules:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        return (
            f"the render ran out of memory ({text}); try a smaller size "
            "(CARTOON_SERVICE_WIDTH/HEIGHT) or fewer scenes at once"
        )
    return f"the render failed ({text}); try again, and tell the admin if it keeps failing"
