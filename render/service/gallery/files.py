"""The gallery's pictures: the PNGs, the tiles' thumbnails, exports at blog widths, and a ZIP
of the favourites; the same pictures and exports under a share link.

A URL with `?v=<image_version>` names one version of a picture, so the browser may keep it
for good; a re-slogan makes a new version, and so a new URL. Exports are downloads
(`Content-Disposition: attachment`) named as the snippets name them. A width or format the
export does not offer is a 422 page listing the ones it does.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from render.service.deps import RuntimeDep
from render.service.gallery.export import (
    MAX_ZIP_PICTURES,
    ExportError,
    export,
    favourites_zip,
    parse_format,
    parse_width,
)
from render.service.gallery.web import (
    GalleryDep,
    MemberDep,
    PageError,
    PageRoute,
    PictureDep,
    finished,
)
from render.service.jobs import Job
from render.service.store import picture_summary

router = APIRouter(prefix="/gallery", route_class=PageRoute, include_in_schema=False)
FOREVER = "private, max-age=31536000, immutable"


def kept(runtime: RuntimeDep, job: Job, kind: str) -> bytes:
    data = runtime.store.get_blob(job.id, kind)
    if data is None:
        raise PageError(404, f"job {job.id} has no {kind} picture any more; render the scene again")
    return data


def cache_for(job: Job, v: int | None) -> str:
    return FOREVER if v == job.image_version else "no-cache"


@router.get("/p/{job_id}/image.png")
def image(session: MemberDep, job: PictureDep, runtime: RuntimeDep, v: int | None = None) -> Response:
    return Response(kept(runtime, job, "image"), media_type="image/png", headers={"Cache-Control": cache_for(job, v)})


@router.get("/p/{job_id}/clean.png")
def clean(session: MemberDep, job: PictureDep, runtime: RuntimeDep) -> Response:
    return Response(kept(runtime, job, "clean"), media_type="image/png", headers={"Cache-Control": FOREVER})


@router.get("/p/{job_id}/thumb.webp")
def thumbnail(session: MemberDep, job: PictureDep, gallery: GalleryDep, v: int | None = None) -> Response:
    found = gallery.thumbnails.get(job.id, job.image_version)
    if found is None:
        raise PageError(404, f"job {job.id} has no picture any more; render the scene again")
    data, hit = found
    headers = {"Cache-Control": cache_for(job, v), "X-Cache": "hit" if hit else "miss"}
    return Response(data, media_type="image/webp", headers=headers)


@router.get("/p/{job_id}/export")
def export_file(
    session: MemberDep, job: PictureDep, runtime: RuntimeDep, width: str = "original", format: str = "webp"
) -> Response:
    """The picture at a blog width (640, 1200, original) as WebP or PNG, as a download."""
    return exported(runtime, job, width, format)


def exported(runtime: RuntimeDep, job: Job, width: str, fmt: str) -> Response:
    try:
        px, fmt = parse_width(width), parse_format(fmt)
    except ExportError as exc:
        raise PageError(422, str(exc)) from None
    item = export(kept(runtime, job, "image"), job.id, px, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{item.name}"', "Cache-Control": "no-cache"}
    return Response(item.data, media_type=item.media_type, headers=headers)


@router.get("/favourites.zip")
def favourites_archive(runtime: RuntimeDep, gallery: GalleryDep, session: MemberDep, format: str = "webp") -> Response:
    """Every favourite at every blog width, with `snippets.md` (alt text, Markdown, HTML)."""
    try:
        fmt = parse_format(format)
    except ExportError as exc:
        raise PageError(422, str(exc)) from None
    favourites = sorted(runtime.store.favourites().items(), key=lambda item: item[1])
    pictures = []
    for job_id, _ in favourites[:MAX_ZIP_PICTURES]:
        job = runtime.queue.get(job_id)
        png = runtime.store.get_blob(job_id, "image") if job is not None and job.state == "done" else None
        if job is not None and png is not None:
            pictures.append((job_id, png, gallery.alt(picture_summary(job.model_dump(mode="json")))))
    if not pictures:
        raise PageError(404, "there are no favourites to put in a ZIP yet; mark some pictures with ★ first")
    headers = {"Content-Disposition": 'attachment; filename="cartoon-favourites.zip"', "Cache-Control": "no-cache"}
    return Response(favourites_zip(pictures, fmt), media_type="application/zip", headers=headers)


# --- under a share link: the same pictures, read-only, no login ---------------------------------
def shared_job(token: str, runtime: RuntimeDep, gallery: GalleryDep) -> Job:
    job_id, _ = gallery.access.read_share(token)
    return finished(runtime, job_id)


@router.get("/s/{token}/image.png")
def shared_image(token: str, runtime: RuntimeDep, gallery: GalleryDep, v: int | None = None) -> Response:
    job = shared_job(token, runtime, gallery)
    return Response(kept(runtime, job, "image"), media_type="image/png", headers={"Cache-Control": cache_for(job, v)})


@router.get("/s/{token}/clean.png")
def shared_clean(token: str, runtime: RuntimeDep, gallery: GalleryDep) -> Response:
    job = shared_job(token, runtime, gallery)
    return Response(kept(runtime, job, "clean"), media_type="image/png", headers={"Cache-Control": FOREVER})


@router.get("/s/{token}/export")
def shared_export(
    token: str, runtime: RuntimeDep, gallery: GalleryDep, width: str = "original", format: str = "webp"
) -> Response:
    return exported(runtime, shared_job(token, runtime, gallery), width, format)
