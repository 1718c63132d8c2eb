"""One job's render, the same in a worker thread and in a supervised worker process: the
pipeline (backend → compositor → PNG files in the job's work folder; for an edit or a
variation, the backend's `edit_scene` of the finished picture) with a progress callback that
can stop it, and every way it can end as an `Outcome`.

A render ends `done` (the RenderResult, its PNGs in the work folder), `failed` (one line
for the person who asked: storage full, timed out, out of memory, the backend's error in
plain words) or `stopped` (cancelled, or the job was taken from this worker).
"""

from __future__ import annotations

import errno
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from core.errors import CartoonError, first_line
from render.service.wording import plain

if TYPE_CHECKING:
    from core.settings import Settings
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)
Verdict = Literal["go", "stop", "timeout"]
STORAGE_FULL = "the render service's storage is full, so this scene could not be kept; try again later"


class JobStopped(Exception):
    """Raised from the progress callback to stop a render that is no longer wanted."""


class JobTimedOut(Exception):
    pass


@dataclass(frozen=True)
class RenderRequest:
    """What a slot renders (plain data: it crosses to a worker process)."""

    job_id: str
    plan: dict[str, Any]
    width: int
    height: int
    steps: int | None
    work_dir: str
    limit_s: float
    input_image: str | None = None  # an edit's or a variation's: the finished picture (a file in work_dir)
    instruction: str | None = None  # ... and what the backend reads to change it


@dataclass(frozen=True)
class Outcome:
    kind: Literal["done", "failed", "stopped"]
    result: dict[str, Any] | None = None  # RenderResult JSON; image paths in the work folder
    error: str | None = None
    storage_full: bool = False


def timeout_message(limit_s: float) -> str:
    return f"the render took longer than {limit_s:g} s and was stopped; try again, or ask for a simpler scene"


def load_pipeline(name: str, settings: Settings) -> ScenePipeline:
    """The backend, warmed (minutes for kontext on a cold GPU box), in a pipeline."""
    from render.backends.base import get_backend
    from render.pipeline import ScenePipeline

    backend = get_backend(name, settings)
    warm = getattr(backend, "load", None)
    if callable(warm):
        warm()
    return ScenePipeline(settings, backend)


def render_once(
    pipeline: ScenePipeline,
    request: RenderRequest,
    on_progress: Callable[[int, int], Verdict],
    deadline: float | None = None,
) -> Outcome:
    """Render one job. `on_progress` says whether to go on; `deadline` (monotonic) stops a
    render cooperatively, at a progress step or when the backend returns."""
    from agent.state import ScenePlan
    from render.backends.base import RenderOptions

    def progress(step: int, total: int) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise JobTimedOut
        verdict = on_progress(step, total)
        if verdict == "timeout":
            raise JobTimedOut
        if verdict == "stop":
            raise JobStopped

    try:
        plan = ScenePlan.model_validate(request.plan)
        options = RenderOptions(width=request.width, height=request.height, steps=request.steps)
        out_dir = Path(request.work_dir)
        if request.input_image is not None:
            from render.inputs import open_image

            picture = open_image(Path(request.input_image), "picture to edit")
            result = pipeline.edit(picture, plan, request.instruction or "", options=options, out_dir=out_dir,
                                   progress=progress, stem=request.job_id)
        else:
            result = pipeline.render(plan, options=options, out_dir=out_dir, progress=progress, stem=request.job_id)
        if deadline is not None and time.monotonic() > deadline:  # a backend that never reports progress
            raise JobTimedOut
        return Outcome("done", result=result.model_dump(mode="json"))
    except JobStopped:
        return Outcome("stopped")
    except JobTimedOut:
        return Outcome("failed", error=timeout_message(request.limit_s))
    except (Exception, MemoryError) as exc:  # the backend's fault: fail this job, keep the worker
        if not isinstance(exc, CartoonError):
            log.exception("job %s failed", request.job_id)
        else:
            log.warning("job %s failed: %s", request.job_id, exc)
        return Outcome("failed", error=describe_failure(exc), storage_full=storage_full(exc))


def storage_full(exc: BaseException) -> bool:
    """Whether `exc`, or an error it was raised from or while handling, is 'no space'."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def describe_failure(exc: BaseException) -> str:
    """One line for the person who asked (the log has the whole error)."""
    if storage_full(exc):
        return STORAGE_FULL
    text = first_line(f"{type(exc).__name__}: {exc}")
    if isinstance(exc, MemoryError) or "out of memory" in text.lower():
        if "torch" in sys.modules:
            import torch

            if torch.cuda.is_available():
                torch.cuda.empty_cache()
        return f"the render ran out of memory ({plain(text)}); try a simpler scene, or fewer scenes at once"
    if isinstance(exc, CartoonError):
        return plain(str(exc))
    return f"the render failed ({plain(text)}); try again, and tell the admin if it keeps failing"
