"""The routes' dependencies, as `Annotated` aliases over `app.state.runtime`.

`RuntimeDep` is this process's `Runtime` (queue, store, planner, workers); `JobDep` and
`DoneJobDep` are the job a path's `{job_id}` names (404 when there is none; 409 when its
pictures do not exist yet). Tests swap any of them with `app.dependency_overrides`.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from render.service.errors import ApiError
from render.service.jobs import Job, public_state
from render.service.runtime import Runtime

bearer = HTTPBearer(auto_error=False, description="CARTOON_RENDER_TOKEN")


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _matches(credentials: HTTPAuthorizationCredentials | None, token: str | None) -> bool:
    return bool(token) and credentials is not None and hmac.compare_digest(
        credentials.credentials.encode(), token.encode()  # type: ignore[union-attr]
    )


def require_token(runtime: RuntimeDep, credentials: Credentials) -> None:
    """401 unless `Authorization: Bearer <token>` matches CARTOON_RENDER_TOKEN (when set) or
    CARTOON_RENDER_ADMIN_TOKEN."""
    settings = runtime.settings
    if not settings.render_token and not settings.render_admin_token:
        return
    if _matches(credentials, settings.render_token) or _matches(credentials, settings.render_admin_token):
        return
    raise ApiError(
        401,
        "missing or wrong token; send the header Authorization: Bearer <CARTOON_RENDER_TOKEN>",
        "Authorization",
        {"WWW-Authenticate": "Bearer"},
    )


def is_admin(runtime: RuntimeDep, credentials: Credentials) -> bool:
    """Whether the caller holds CARTOON_RENDER_ADMIN_TOKEN (or the service has no token at all,
    as on a developer's loopback)."""
    settings = runtime.settings
    if not settings.render_token and not settings.render_admin_token:
        return True
    return _matches(credentials, settings.render_admin_token)


AdminDep = Annotated[bool, Depends(is_admin)]


def found_job(job_id: str, runtime: RuntimeDep) -> Job:
    job = runtime.queue.get(job_id)
    if job is None:
        raise ApiError(404, runtime.queue.missing(job_id), "id")
    return job


JobDep = Annotated[Job, Depends(found_job)]


def done_job(job: JobDep) -> Job:
    if job.state != "done":
        state = public_state(job.state)
        raise ApiError(409, f"job {job.id} is {state}; its pictures exist once it is done", "id")
    return job


DoneJobDep = Annotated[Job, Depends(done_job)]
