"""`GET /healthz` (no auth): is this process able to render, how deep is the queue."""

from __future__ import annotations

from fastapi import APIRouter

from render.service.deps import RuntimeDep
from render.service.jobs import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(runtime: RuntimeDep) -> Health:
    """No auth, always 200: `ok` false with the reason in `error` while the job store is
    away, storage is full, or the backend failed to load; the queue depth, live worker
    slots on every box, and this process's slots (one restarting after a hung render)."""
    return runtime.health()
