"""`GET /v1/jobs?user=U&limit=N&before=CURSOR`: a user's jobs, newest first, a page at a time
(the bot's history, "my last picture"). Listing every user's jobs needs the admin token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from render.service.deps import AdminDep, RuntimeDep
from render.service.errors import ApiError
from render.service.jobs import JobList
from render.service.routes import documented

router = APIRouter(prefix="/v1", tags=["jobs"])
MAX_PAGE = 100


@router.get("/jobs", response_model=JobList, responses=documented(403))
def list_jobs(
    runtime: RuntimeDep,
    admin: AdminDep,
    user: Annotated[str | None, Query(min_length=1, max_length=100, description="Whose jobs")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Jobs per page")] = 20,
    before: Annotated[
        str | None, Query(pattern=r"^\d{1,18}$", description="The `next` of the previous page")
    ] = None,
) -> JobList:
    """Jobs of `user`, newest first, in pages of `limit` (`next` is the cursor of the next page,
    null at the end). Without `user`: every user's jobs, for the admin token only."""
    if user is None and not admin:
        raise ApiError(403, "say whose jobs to list (user=...); listing everyone's needs the admin token", "user")
    jobs, cursor = runtime.queue.listing(user, limit, int(before) if before is not None else None)
    return JobList(jobs=jobs, next=cursor)
