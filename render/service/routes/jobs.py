"""`/v1/jobs/{id}`: a job's state, its server-sent events, its PNGs, a new slogan on its kept
render, and cancelling it."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse

from agent.rules import rotation_slogan
from agent.state import ScenePlan, clean_text
from core.errors import InputError
from render.service.deps import DoneJobDep, JobDep, RuntimeDep
from render.service.errors import ApiError, StoreError, StoreUnavailable
from render.service.jobs import (
    FINAL_STATES,
    Cancelled,
    JobView,
    ShirtRequest,
    ShirtResult,
    public_state,
)
from render.service.queue import POSITIONS_TTL_S
from render.service.routes import PNG, documented
from render.service.runtime import Runtime
from render.service.wording import plain

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
REREAD_S = 5.0
KEEPALIVE_S = 15.0


@router.get("/{job_id}", response_model=JobView)
def status(job: JobDep, runtime: RuntimeDep) -> JobView:
    """State, queue position, progress, error and (once done) the RenderResult."""
    return runtime.queue.view(job)


@router.get("/{job_id}/events", response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
async def events(job: JobDep, runtime: RuntimeDep) -> StreamingResponse:
    """Server-sent events: `data:` is the job as GET /v1/jobs/{id} returns it, sent on
    every change (`event:` its state); the stream ends after a final state. If the job
    store stops answering, the stream ends with `event: error` and `data:`
    `{"error": "...", "retry_after_s": n}`: read the job again after n seconds."""
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(job_events(runtime, job.id), media_type="text/event-stream", headers=headers)


async def job_events(runtime: Runtime, job_id: str) -> AsyncIterator[str]:
    """Woken by the job's changes (and, while it waits, by the queue's), not by a timer;
    a slow timer re-reads in case a wake-up was missed, and keeps proxies from closing."""
    queue = runtime.queue
    last, sent_at, read_at = "", time.monotonic(), 0.0
    with runtime.notifier.subscribe(job_id) as waiter:
        while True:
            try:
                current = await run_in_threadpool(queue.get, job_id)
                view = await run_in_threadpool(queue.view, current) if current is not None else None
                read_at = time.monotonic()  # after the read: the positions it used are older
            except StoreError as exc:
                error = {"error": str(exc), "retry_after_s": exc.retry_after_s or StoreUnavailable.retry_after_s}
                yield f"event: error\ndata: {json.dumps(error)}\n\n"
                return
            if current is None or view is None:
                return
            seen = view.model_dump_json(exclude={"eta_s"})  # an estimate ticking down is no change
            if seen != last:
                yield f"event: {view.state}\ndata: {view.model_dump_json()}\n\n"
                last, sent_at = seen, time.monotonic()
            if current.state in FINAL_STATES:
                return
            runtime.notifier.follow_queue(waiter, view.position is not None)
            woken = await waiter.wait(REREAD_S)
            if not woken and time.monotonic() - sent_at >= KEEPALIVE_S:
                yield ": keep-alive\n\n"
                sent_at = time.monotonic()
            if woken and view.position is not None:  # queue moves come in bursts: read once per burst,
                # and only once the shared positions (kept POSITIONS_TTL_S) are fresh again
                await asyncio.sleep(max(0.0, POSITIONS_TTL_S + 0.01 - (time.monotonic() - read_at)))


@router.get("/{job_id}/image", response_class=Response, responses={**PNG, **documented(409)})
def image(job: DoneJobDep, runtime: RuntimeDep) -> Response:
    """The finished PNG, slogan written on Milo's chest."""
    return png(runtime, job.id, "image")


@router.get("/{job_id}/clean", response_class=Response, responses={**PNG, **documented(409)})
def clean(job: DoneJobDep, runtime: RuntimeDep) -> Response:
    """The render before the slogan (what re-slogans are written on)."""
    return png(runtime, job.id, "clean")


def png(runtime: Runtime, job_id: str, kind: str) -> Response:
    data = runtime.store.get_blob(job_id, kind)
    if data is None:
        raise ApiError(404, f"job {job_id} has no {kind} PNG any more; render the scene again", "id")
    return Response(data, media_type="image/png", headers={"Cache-Control": "no-cache"})


@router.post("/{job_id}/shirt", response_model=ShirtResult, responses=documented(409))
def shirt(job: DoneJobDep, body: ShirtRequest, runtime: RuntimeDep) -> ShirtResult:
    """A new slogan on the kept clean render: compositor only, no GPU, no queue.
    `{}` picks the next BOFH saying. With a `user` other than the job's, that user gets a copy
    with the new slogan (a new job, kind "reslogan", `parent` this one); this job is untouched."""
    assert job.result is not None
    planner = runtime.planner
    plan = ScenePlan.model_validate(job.result["plan"])
    if not any(c in planner.characters and planner.characters[c].wears_panel for c in plan.characters):
        raise ApiError(422, "nobody in this scene wears the chest panel, so there is no shirt to write on", "slogan")
    if body.slogan is None:
        slogan = rotation_slogan(plan.seed + job.image_version + 1, planner.sayings, avoid=plan.slogan) or "RTFM"
    else:
        slogan = clean_text(body.slogan)
    kept = runtime.store.get_blob(job.id, "clean")
    if kept is None:
        raise ApiError(404, f"job {job.id} has no clean PNG any more; render the scene again", "id")
    with tempfile.TemporaryDirectory(prefix="cartoon-shirt-") as tmp:
        clean_path, out_path = Path(tmp) / "clean.png", Path(tmp) / "image.png"
        clean_path.write_bytes(kept)
        try:
            compositor = runtime.reslogan_pipeline().reslogan(clean_path, plan, slogan, out_path)
        except InputError as exc:
            raise ApiError(422, plain(str(exc)), "slogan") from None
        data = out_path.read_bytes()
    comp = compositor.model_dump(mode="json") if compositor is not None else None
    if body.user is not None and body.user != job.user:
        runtime.refuse_when_full()
        copy = runtime.queue.keep_copy(job, body.user, {**plan.model_dump(mode="json"), "slogan": slogan}, data, kept, comp)
        return ShirtResult(id=copy.id, slogan=slogan, compositor=comp, image_url=f"/v1/jobs/{copy.id}/image",
                           parent=job.id)
    if not runtime.queue.replace_image(job.id, data, slogan, comp):
        raise ApiError(404, f"job {job.id} expired while its slogan was written", "id")
    return ShirtResult(id=job.id, slogan=slogan, compositor=comp, image_url=f"/v1/jobs/{job.id}/image")


@router.delete("/{job_id}", response_model=Cancelled)
def cancel(job: JobDep, runtime: RuntimeDep) -> Cancelled:
    """Cancel a queued or running job (a running one stops at its next step); a finished
    job is left as it is and its final state returned."""
    cancelled = runtime.queue.cancel(job.id)
    if cancelled is None:
        raise ApiError(404, f"no job '{job.id}'", "id")
    return Cancelled(id=cancelled.id, state=public_state(cancelled.state))
