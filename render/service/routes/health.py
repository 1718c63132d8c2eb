"""`GET /healthz` (no auth): is this process able to render, how deep is the queue."""

from __future__ import annotations

from fastapi import APIRouter

from render.service.deps import RuntimeDep
from render.service.jobs import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(runtime: RuntimeDep) -> Health:
    """No auth: whether the backend is loaded, the queue depth, live worker slots."""
    error = runtime.worker.load_error if runtime.worker is not None else None
    return Health(
        ok=error is None,
        error=error,
        backend=runtime.backend_name,
        loaded=runtime.loaded,
        queue_depth=runtime.queue.depth(),
        workers=runtime.queue.slots(),
    )
