"""The gallery: pages of the render service under `/gallery` for picking pictures for the blog.

Browse every finished picture (filters, a page at a time), open one (the plan, who asked,
its family of edits), mark favourites, export PNG or WebP at blog widths with alt text and
copy-ready `<img>` snippets (or a ZIP of the favourites), write a new slogan on the kept
clean render, and share a picture read-only. Server-rendered (Jinja2), with a little plain
JavaScript; everything a page loads comes from the service itself. docs/gallery.md is the
guide; `access.py` says who may do what.

`mount(app)` adds it to the app `create_app` built (its `Runtime` already on `app.state`).
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.staticfiles import StaticFiles

from render.service.gallery import actions, files, login, pages
from render.service.gallery.state import STATIC, Gallery
from render.service.gallery.web import GalleryDep, PageError, PageRoute

unknown = APIRouter(prefix="/gallery", route_class=PageRoute, include_in_schema=False)


@unknown.api_route("/{rest:path}", methods=["GET", "POST"])
def no_such_page(request: Request, gallery: GalleryDep, rest: str) -> None:
    raise PageError(404, "there is no such page in the gallery; go back to the gallery's front page")


def mount(app: FastAPI) -> None:
    app.state.gallery = Gallery(app.state.runtime)
    app.mount("/gallery/static", StaticFiles(directory=STATIC), name="gallery-static")
    for module in (login, pages, files, actions):
        app.include_router(module.router)
    app.include_router(unknown)
