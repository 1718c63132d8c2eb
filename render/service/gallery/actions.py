"""What a form on a picture's page does: ★ favourite, a new slogan, a share link.

Every form needs a login and its CSRF token (`FormDep`). A new slogan changes the picture,
so it needs the admin login (the service token): it is the API's own re-slogan
(`POST /v1/jobs/{id}/shirt`: the compositor on the kept clean render, no new render). A
slogan that does not fit the chest panel leaves the picture as it was, and the form says
why and offers shorter sayings, each a button.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError

from agent.state import MAX_SLOGAN_CHARS
from core.errors import validation_problem
from render.service.deps import RuntimeDep
from render.service.errors import ApiError
from render.service.gallery.access import AccessError
from render.service.gallery.pages import picture_context, when
from render.service.gallery.web import (
    FormDep,
    GalleryDep,
    PageRoute,
    PictureDep,
    back_to,
    base,
    render,
)
from render.service.jobs import ShirtRequest
from render.service.routes.jobs import shirt

router = APIRouter(prefix="/gallery", route_class=PageRoute, include_in_schema=False)
SHORTER_OFFERED = 5
SlogansText = Annotated[str, Form(max_length=4 * MAX_SLOGAN_CHARS)]


@router.post("/p/{job_id}/favourite")
def favourite(
    request: Request,
    session: FormDep,
    job: PictureDep,
    runtime: RuntimeDep,
    on: Annotated[str, Form(max_length=5)] = "1",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Mark (`on=1`) or unmark (`on=0`) a favourite; the page's script gets JSON, a form a redirect back."""
    picked = on == "1"
    runtime.store.set_favourite(job.id, picked)
    if request.headers.get("x-requested-with") == "fetch":
        return JSONResponse({"id": job.id, "favourite": picked})
    return RedirectResponse(back_to(next, request, f"{base(request)}/p/{job.id}"), status_code=303)


@router.post("/p/{job_id}/slogan")
def reslogan(
    request: Request,
    session: FormDep,
    job: PictureDep,
    runtime: RuntimeDep,
    gallery: GalleryDep,
    slogan: SlogansText = "",
    saying: SlogansText = "",
) -> Response:
    """A typed slogan (or else the chosen saying) on the kept clean render."""
    if not session.admin:
        raise AccessError(403, "changing a picture needs the admin login (the service token), not the gallery password")
    text = " ".join(slogan.split()) or " ".join(saying.split())
    try:
        if not text:
            raise ValueError("type a slogan or pick a saying")
        if len(text) > MAX_SLOGAN_CHARS:
            raise ValueError(f"the slogan is {len(text)} characters; a chest panel holds at most {MAX_SLOGAN_CHARS}")
        shirt(job, ShirtRequest(slogan=text), runtime)
    except (ValueError, ValidationError, ApiError) as exc:
        if isinstance(exc, ApiError) and exc.status != 422:
            raise
        context = picture_context(gallery, job, session)
        context["slogan_error"] = reason(exc)
        context["tried"] = text
        context["shorter"] = shorter_sayings(gallery.sayings, text)
        return render(request, "picture.html", context, 422)
    return RedirectResponse(f"{base(request)}/p/{job.id}#picture", status_code=303)


def reason(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return exc.message
    if isinstance(exc, ValidationError):
        return validation_problem(exc)[1]
    return str(exc)


def shorter_sayings(sayings: tuple[str, ...], tried: str, count: int = SHORTER_OFFERED) -> list[str]:
    """Up to `count` sayings clearly shorter than the one that did not fit (the longest of
    those first: the most words that may still fit); the shortest ones when none is."""
    limit = max(4, int(len(tried) * 0.75))
    fitting = sorted({s for s in sayings if len(s) <= limit and s.casefold() != tried.casefold()}, key=len, reverse=True)
    return fitting[:count] or sorted(sayings, key=len)[:count]


@router.post("/p/{job_id}/share")
def share(request: Request, session: FormDep, job: PictureDep, gallery: GalleryDep) -> Response:
    """A signed read-only link to this picture, shown on its page."""
    token, until = gallery.access.share_token(job.id)
    home = gallery.settings.gallery_url or f"{request.url.scheme}://{request.url.netloc}{base(request)}"
    context = picture_context(gallery, job, session)
    context["share_url"] = f"{home.rstrip('/')}/s/{token}"
    context["share_until"] = when(until)
    return render(request, "picture.html", context)
