"""The gallery's pages: `/gallery` (the grid, filtered, a page at a time; `partial=1` gives
just the next tiles, for the script that loads more as you scroll), `/gallery/p/<id>` (one
picture: large, beside its clean render, with its plan, who asked, its family, the
favourite button, exports, re-slogan and a share link) and `/gallery/s/<token>` (the same
picture read-only, for whoever holds the signed link)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from render.service.deps import RuntimeDep
from render.service.gallery.access import Session
from render.service.gallery.export import FORMATS, WIDTHS, parse_format, png_size, snippets
from render.service.gallery.listing import (
    FilterError,
    family_tree,
    parse_filters,
    requesters,
    select,
)
from render.service.gallery.web import (
    GalleryDep,
    MemberDep,
    PageError,
    PageRoute,
    PictureDep,
    finished,
    render,
)
from render.service.jobs import Job
from render.service.store import picture_summary

router = APIRouter(prefix="/gallery", route_class=PageRoute, include_in_schema=False)
DISCORD_ID_DIGITS = range(15, 21)


@router.get("")
def browse(request: Request, runtime: RuntimeDep, gallery: GalleryDep, session: MemberDep) -> Response:
    characters = gallery.runtime.planner.characters
    try:
        filters = parse_filters(request.query_params, characters)
    except FilterError as exc:
        raise PageError(422, f"{exc}") from None
    pictures = runtime.store.pictures()
    favourites = runtime.store.favourites()
    page = select(pictures, filters, favourites, gallery.settings.gallery_page_size)
    tiles = [tile(gallery, p, favourites) for p in page.items]
    context = {"tiles": tiles, "page": page, "filters": filters, "favourites_count": len(favourites)}
    if request.query_params.get("partial") == "1":
        return render(request, "tiles.html", context)
    context.update(
        characters={cid: c.name for cid, c in characters.items()},
        walls=("north", "east", "south", "west"),
        requesters=requesters(pictures),
    )
    return render(request, "browse.html", context)


def tile(gallery: GalleryDep, picture: dict[str, Any], favourites: dict[str, float]) -> dict[str, Any]:
    return {
        **picture,
        "alt": gallery.alt(picture),
        "favourite": picture["id"] in favourites,
        "when": when(picture.get("finished_at")),
    }


def when(stamp: float | None) -> str:
    return datetime.fromtimestamp(float(stamp or 0.0), UTC).strftime("%Y-%m-%d %H:%M UTC")


@router.get("/p/{job_id}")
def picture_page(request: Request, session: MemberDep, job: PictureDep, gallery: GalleryDep, format: str = "webp") -> Response:
    return render(request, "picture.html", picture_context(gallery, job, session, format))


def picture_context(
    gallery: GalleryDep, job: Job, session: Session | None, fmt: str = "webp", *, shared: str | None = None
) -> dict[str, Any]:
    """Everything the picture page shows; `shared` is the share token of a read-only view."""
    store = gallery.runtime.store
    summary = picture_summary(job.model_dump(mode="json"))
    result = job.result or {}
    png = store.get_blob(job.id, "image")
    if png is None:
        raise PageError(404, f"job {job.id} has no picture any more; render the scene again")
    size = png_size(png)
    fmt = parse_format(fmt) if fmt in FORMATS else "webp"
    alt = gallery.alt(summary)
    tree = []
    if summary.get("parent") or summary.get("kind"):
        tree = [(depth, tile(gallery, p, {})) for depth, p in family_tree(store.pictures(), job.id)]
    favourites = store.favourites() if shared is None else {}
    return {
        "job": job,
        "picture": summary,
        "plan": result.get("plan") or {},
        "result": result,
        "size": size,
        "alt": alt,
        "clean_alt": gallery.alt(summary, written=False) + " Before the slogan.",
        "snippets": snippets(job.id, alt, size, fmt),
        "format": fmt,
        "formats": FORMATS,
        "widths": WIDTHS,
        "favourite": job.id in favourites,
        "finished": when(job.finished_at),
        "asked": when(job.created_at),
        "requester": requester(job.user),
        "family": tree,
        "sayings": gallery.sayings,
        "shared": shared,
        "share_url": None,
        "slogan_error": None,
        "shorter": [],
        "can_change": session is not None and session.admin and shared is None,
    }


def requester(user: str) -> dict[str, str | None]:
    """Who asked: a Discord user id links to their profile."""
    if user.isdigit() and len(user) in DISCORD_ID_DIGITS:
        return {"name": f"Discord user {user}", "url": f"https://discord.com/users/{user}"}
    return {"name": user, "url": None}


@router.get("/s/{token}")
def shared_page(request: Request, token: str, runtime: RuntimeDep, gallery: GalleryDep, format: str = "webp") -> Response:
    """A picture read-only, for whoever holds its signed link (no login)."""
    job_id, until = gallery.access.read_share(token)
    context = picture_context(gallery, finished(runtime, job_id), None, format, shared=token)
    context["share_until"] = when(until)
    return render(request, "picture.html", context)
