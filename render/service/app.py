"""The render service's HTTP API (FastAPI, OpenAPI docs at /docs); shapes in docs/CONTRACTS.md.

`create_app(settings, backend=..., workers=...)` builds the app and its `Runtime` (kept on
`app.state.runtime`, where the routes' `RuntimeDep` finds it); the runtime (queue, engine,
worker threads, housekeeping) starts and stops with the app. The routes live in
`render.service.routes`, one module per resource.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool

from core.settings import Settings
from render.service import gallery
from render.service.deps import require_token
from render.service.http_errors import install
from render.service.routes import documented, edits, health, jobs, listing, scenes
from render.service.runtime import Runtime


def create_app(
    settings: Settings, *, backend: str | None = None, workers: int | None = None
) -> FastAPI:
    runtime = Runtime(
        settings,
        backend=backend or settings.service_backend or settings.default_backend,
        workers=settings.service_workers if workers is None else workers,
    )
    runtime.planner  # noqa: B018 -- build it now, not in the first request

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
    guarded = {"dependencies": [Depends(require_token)], "responses": documented(400, 401, 404, 422)}
    app.include_router(scenes.router, **guarded)
    app.include_router(listing.router, **guarded)
    app.include_router(jobs.router, **guarded)
    app.include_router(edits.router, **guarded)
    app.include_router(health.router)
    gallery.mount(app)  # /gallery: pages for people, behind a login of their own
    build_openapi = app.openapi

    def openapi() -> dict:
        """The generated spec, with the character ids this service knows as enums, so the
        docs (and a fuzzer) know which names a plan may use."""
        if app.openapi_schema is None:
            characters = runtime.planner.characters
            name_the_cast(build_openapi(), {cid: list(c.outfits) for cid, c in characters.items()})
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def name_the_cast(schema: dict, outfits: dict[str, list[str]]) -> None:
    """Name in the spec the character ids (and each one's outfits) this service knows."""
    cast = sorted(outfits)

    def restrict(prop: dict) -> None:
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string":
                branch["enum"] = cast

    components = schema["components"]["schemas"]
    restrict(components["SceneSubmission"]["properties"]["as"])
    plan = components["PlanBody"]["properties"]
    restrict(plan["characters"]["items"])
    restrict(plan["speaker"])
    plan["outfits"]["propertyNames"] = {"enum": cast}
    plan["outfits"]["properties"] = {name: {"type": "string", "enum": names} for name, names in outfits.items()}
    plan["outfits"]["additionalProperties"] = False
