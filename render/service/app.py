"""The render service's HTTP API (FastAPI, OpenAPI docs at /docs); shapes in docs/CONTRACTS.md.

`create_app(settings, backend=..., workers=...)` builds the app and its `Runtime`; the
runtime (queue, engine, worker threads, housekeeping) starts and stops with the app.
Text requests are planned here (agent.graph.Planner), so a bad request is refused at
once with a 4xx, and the GPU boxes never need the LLM.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import ValidationError

from agent.graph import Planner
from agent.rules import rotation_slogan
from agent.state import ScenePlan, SceneRequest, clean_text
from core.errors import InputError
from core.settings import Settings
from render.service.auth import token_guard
from render.service.errors import ApiError
from render.service.http_errors import install
from render.service.jobs import (
    ANONYMOUS,
    FINAL_STATES,
    Accepted,
    Cancelled,
    ErrorBody,
    Health,
    Job,
    JobView,
    SceneSubmission,
    ShirtRequest,
    ShirtResult,
    public_state,
)
from render.service.runtime import Runtime

EVENT_POLL_S = 0.1
KEEPALIVE_S = 15.0
PNG = {200: {"content": {"image/png": {}}, "description": "The PNG"}}


def _errors(*codes: int) -> dict[int | str, dict]:
    return {code: {"model": ErrorBody} for code in codes}


def create_app(
    settings: Settings, *, backend: str | None = None, workers: int | None = None
) -> FastAPI:
    runtime = Runtime(
        settings,
        backend=backend or settings.service_backend or settings.default_backend,
        workers=settings.service_workers if workers is None else workers,
    )
    planner = Planner(settings)
    queue, store = runtime.queue, runtime.store

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(runtime.start)
        yield
        await run_in_threadpool(runtime.stop)

    app = FastAPI(
        title="milo-cartoons render service",
        version="1",
        description="Queue scenes for the GPU box, follow their progress, fetch the PNGs.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    install(app)
    v1 = APIRouter(
        prefix="/v1",
        dependencies=[Depends(token_guard(settings.render_token))],
        responses=_errors(400, 401, 404, 422),
    )

    def find(job_id: str) -> Job:
        job = queue.get(job_id)
        if job is None:
            raise ApiError(
                404,
                f"no job '{job_id[:64]}'; it never existed or its results expired "
                "(CARTOON_SERVICE_RETENTION_S)",
                "id",
            )
        return job

    def finished(job_id: str) -> Job:
        job = find(job_id)
        if job.state != "done":
            state = public_state(job.state)
            raise ApiError(409, f"job {job_id} is {state}; its pictures exist once it is done", "id")
        return job

    def plan_for(body: SceneSubmission, user: str) -> ScenePlan:
        if body.plan is not None:
            if body.text is not None or body.as_ is not None or body.shirt is not None or body.seed is not None:
                raise ApiError(422, "give either a plan or text (with as, shirt, seed), not both", "plan")
            return checked_plan(body.plan)
        if body.text is None:
            raise ApiError(422, 'text is missing; send {"text": "Milo at the desk"} or {"plan": {...}}', "text")
        try:
            request = SceneRequest.model_validate(
                {"text": body.text, "as": body.as_, "shirt": body.shirt, "seed": body.seed, "user": user}
            )
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or None
            raise ApiError(422, f"{field}: {err['msg'].removeprefix('Value error, ')}", field) from None
        try:
            return planner.plan(request)
        except InputError as exc:
            raise ApiError(422, str(exc), "as") from None

    def checked_plan(plan: ScenePlan) -> ScenePlan:
        known = planner.characters
        names = ", ".join(known)
        for name in plan.characters:
            if name not in known:
                raise ApiError(422, f"unknown character '{name}' in plan.characters; use: {names}", "plan.characters")
        for name in plan.outfits:
            if name not in known:
                raise ApiError(422, f"unknown character '{name}' in plan.outfits; use: {names}", "plan.outfits")
        if plan.speaker is not None and plan.speaker not in known:
            raise ApiError(422, f"unknown speaker '{plan.speaker}' in plan.speaker; use: {names}", "plan.speaker")
        return plan

    @v1.post("/scenes", status_code=202, response_model=Accepted, responses=_errors(429))
    def submit(body: SceneSubmission) -> Accepted:
        """Queue a scene: text to plan (`text`, `as`, `shirt`, `seed`) or a ready `plan`."""
        user = body.user or ANONYMOUS
        plan = plan_for(body, user)
        job, position = queue.submit(plan.model_dump(mode="json"), user)
        return Accepted(id=job.id, state="queued", position=position)

    @v1.get("/jobs/{job_id}", response_model=JobView)
    def status(job_id: str) -> JobView:
        """State, queue position, progress, error and (once done) the RenderResult."""
        return queue.view(find(job_id))

    @v1.get("/jobs/{job_id}/events", response_class=StreamingResponse, responses={200: {"content": {"text/event-stream": {}}}})
    async def events(job_id: str, request: Request) -> StreamingResponse:
        """Server-sent events: `data:` is the job as GET /v1/jobs/{id} returns it, sent on
        every change; the stream ends after a final state."""
        await run_in_threadpool(find, job_id)

        async def stream() -> AsyncIterator[str]:
            last, quiet = "", 0.0
            while True:
                job = await run_in_threadpool(queue.get, job_id)
                if job is None:
                    return
                data = (await run_in_threadpool(queue.view, job)).model_dump_json()
                if data != last:
                    yield f"event: {public_state(job.state)}\ndata: {data}\n\n"
                    last, quiet = data, 0.0
                elif quiet >= KEEPALIVE_S:
                    yield ": keep-alive\n\n"
                    quiet = 0.0
                if job.state in FINAL_STATES or await request.is_disconnected():
                    return
                await asyncio.sleep(EVENT_POLL_S)
                quiet += EVENT_POLL_S

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(stream(), media_type="text/event-stream", headers=headers)

    @v1.get("/jobs/{job_id}/image", response_class=Response, responses={**PNG, **_errors(409)})
    def image(job_id: str) -> Response:
        """The finished PNG, slogan written on Milo's chest."""
        return png(finished(job_id).id, "image")

    @v1.get("/jobs/{job_id}/clean", response_class=Response, responses={**PNG, **_errors(409)})
    def clean(job_id: str) -> Response:
        """The render before the slogan (what re-slogans are written on)."""
        return png(finished(job_id).id, "clean")

    def png(job_id: str, kind: str) -> Response:
        data = store.get_blob(job_id, kind)
        if data is None:
            raise ApiError(404, f"job {job_id} has no {kind} PNG any more; render the scene again", "id")
        return Response(data, media_type="image/png", headers={"Cache-Control": "no-cache"})

    @v1.post("/jobs/{job_id}/shirt", response_model=ShirtResult, responses=_errors(409))
    def shirt(job_id: str, body: ShirtRequest) -> ShirtResult:
        """A new slogan on the kept clean render: compositor only, no GPU, no queue.
        `{}` picks the next BOFH saying."""
        job = finished(job_id)
        assert job.result is not None
        plan = ScenePlan.model_validate(job.result["plan"])
        if not any(c in planner.characters and planner.characters[c].wears_panel for c in plan.characters):
            raise ApiError(422, "nobody in this scene wears the chest panel, so there is no shirt to write on", "slogan")
        if body.slogan is None:
            slogan = rotation_slogan(plan.seed + job.image_version + 1, planner.sayings, avoid=plan.slogan) or "RTFM"
        else:
            slogan = clean_text(body.slogan)
        kept = store.get_blob(job.id, "clean")
        if kept is None:
            raise ApiError(404, f"job {job.id} has no clean PNG any more; render the scene again", "id")
        with tempfile.TemporaryDirectory(prefix="cartoon-shirt-") as tmp:
            clean_path, out_path = Path(tmp) / "clean.png", Path(tmp) / "image.png"
            clean_path.write_bytes(kept)
            try:
                compositor = reslogan_pipeline().reslogan(clean_path, plan, slogan, out_path)
            except InputError as exc:
                raise ApiError(422, str(exc), "slogan") from None
            data = out_path.read_bytes()
        comp = compositor.model_dump(mode="json") if compositor is not None else None
        if not queue.replace_image(job.id, data, slogan, comp):
            raise ApiError(404, f"job {job.id} expired while its slogan was written", "id")
        return ShirtResult(id=job.id, slogan=slogan, compositor=comp, image_url=f"/v1/jobs/{job.id}/image")

    _pipelines: list = []

    def reslogan_pipeline():
        """The worker's pipeline when this process has one; else one over the preview
        backend, which `reslogan` never calls (it only needs the compositor)."""
        from render.backends.base import get_backend
        from render.pipeline import ScenePipeline

        if runtime.worker is not None and runtime.worker.pipeline is not None:
            return runtime.worker.pipeline
        if not _pipelines:
            _pipelines.append(ScenePipeline(settings, get_backend("preview", settings)))
        return _pipelines[0]

    @v1.delete("/jobs/{job_id}", response_model=Cancelled)
    def cancel(job_id: str) -> Cancelled:
        """Cancel a queued or running job (a running one stops at its next step); a finished
        job is left as it is and its final state returned."""
        find(job_id)
        job = queue.cancel(job_id)
        if job is None:
            raise ApiError(404, f"no job '{job_id}'", "id")
        return Cancelled(id=job.id, state=public_state(job.state))

    @app.get("/healthz", response_model=Health)
    def healthz() -> Health:
        """No auth: whether the backend is loaded, the queue depth, live worker slots."""
        error = runtime.worker.load_error if runtime.worker is not None else None
        return Health(
            ok=error is None,
            error=error,
            backend=runtime.backend_name,
            loaded=runtime.loaded,
            queue_depth=queue.depth(),
            workers=queue.slots(),
        )

    app.include_router(v1)
    build_openapi = app.openapi

    def openapi() -> dict:
        """The generated spec, with the character ids this service knows as enums, so the
        docs (and a fuzzer) know which names a plan may use."""
        if app.openapi_schema is None:
            name_the_cast(build_openapi(), sorted(planner.characters))
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def name_the_cast(schema: dict, cast: list[str]) -> None:
    def restrict(prop: dict) -> None:
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string":
                branch["enum"] = cast

    components = schema["components"]["schemas"]
    restrict(components["SceneSubmission"]["properties"]["as"])
    plan = components["ScenePlan"]["properties"]
    restrict(plan["characters"]["items"])
    restrict(plan["speaker"])
    plan["outfits"]["propertyNames"] = {"enum": cast}
