"""The gallery's HTTP plumbing: HTML pages for every answer, error or not, and the
dependencies its routes share (`GalleryDep`, `MemberDep`, `AdminDep`, `FormDep` with the
CSRF check, `PictureDep`).

The API answers errors in JSON; a person in a browser should get a page. `PageRoute` (the
routers' `route_class`) turns what a gallery route raises into one: `PageError` and
`AccessError` (401 with the login cookie cleared, 403), the API's `ApiError`, the store's
faults (503 with `Retry-After`, 507, 500) and unreadable input (422); a visitor without a
login is sent to the login form (303), and comes back where they were going after it.
Every gallery answer carries a strict Content-Security-Policy: the pages load only what
the service itself serves.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from core.errors import validation_problem
from render.service.deps import RuntimeDep
from render.service.errors import ApiError, StoreError
from render.service.gallery.access import COOKIE, AccessError, Session
from render.service.gallery.state import Gallery
from render.service.jobs import Job, public_state

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # share links are secrets: never sent to other sites
    "X-Frame-Options": "DENY",
}


class PageError(Exception):
    """An answer as a page: HTTP `status` and one line that says what to do."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


class LoginNeeded(Exception):
    """No login (or it ended: `message` "expired"): the login form, then back to `next`."""

    def __init__(self, next_path: str, message: str | None = None) -> None:
        super().__init__(message or "")
        self.next_path, self.message = next_path, message


def base(request: Request) -> str:
    return request.scope.get("root_path", "") + "/gallery"


def render(request: Request, name: str, context: dict[str, Any], status: int = 200, **headers: str) -> HTMLResponse:
    gallery: Gallery = request.app.state.gallery
    session: Session | None = getattr(request.state, "gallery_session", None)
    full = {
        "base": base(request),
        "session": session,
        "csrf": gallery.access.csrf_token(session) if session else "",
        "open": gallery.access.open,
        **context,
    }
    return gallery.templates.TemplateResponse(request, name, full, status_code=status, headers=headers or None)


def error_page(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    titles = {401: "Please log in again", 403: "Not allowed", 404: "Not found", 409: "Not finished yet",
              422: "Cannot use that", 503: "Try again soon", 507: "Storage is full"}
    response = render(request, "error.html", {"status": status, "title": titles.get(status, "Something went wrong"),
                                              "message": message}, status)
    response.headers.update(headers or {})
    if status == 401:
        response.delete_cookie(COOKIE, path=base(request))
    return response


def login_redirect(request: Request, next_path: str, message: str | None = None) -> RedirectResponse:
    target = f"{base(request)}/login?next={quote(next_path, safe='/')}"
    if message:
        target += f"&note={message}"
    return RedirectResponse(target, status_code=303)


class PageRoute(APIRoute):
    """A gallery route: whatever it raises becomes a page (see the module docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            started = time.perf_counter()
            try:
                response = await handler(request)
            except LoginNeeded as exc:
                response = login_redirect(request, exc.next_path, exc.message)
            except AccessError as exc:
                response = error_page(request, exc.status, str(exc))
            except PageError as exc:
                response = error_page(request, exc.status, exc.message, exc.headers)
            except ApiError as exc:
                response = error_page(request, exc.status, exc.message, exc.headers)
            except StoreError as exc:
                retry = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
                response = error_page(request, exc.status, str(exc), retry)
            except RequestValidationError as exc:
                field, message = validation_problem(exc, skip=1)
                response = error_page(request, 422, f"{field}: {message}")
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            # the server's own time, as browsers' dev tools and benchmarks/gallery_bench.py read it
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return response

        return answer


# --- dependencies -------------------------------------------------------------------------------
def get_gallery(request: Request) -> Gallery:
    return request.app.state.gallery


GalleryDep = Annotated[Gallery, Depends(get_gallery)]


def visitor(request: Request, gallery: GalleryDep) -> Session | None:
    """The visitor's session from the cookie (None: none, or expired); a changed cookie is
    a 401 page. Kept on `request.state` for the templates (CSRF tokens)."""
    session = gallery.access.read_cookie(request.cookies.get(COOKIE))
    request.state.gallery_session = session
    return session


VisitorDep = Annotated[Session | None, Depends(visitor)]


def member(request: Request, session: VisitorDep) -> Session:
    """A logged-in visitor; anyone else goes to the login form (a GET) or gets a 401 page."""
    if session is not None and session.role is not None:
        return session
    if request.method != "GET":
        raise AccessError(401, "you are not logged in to the gallery (or your login expired); log in and try again")
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginNeeded(path, "expired" if request.cookies.get(COOKIE) and session is None else None)


MemberDep = Annotated[Session, Depends(member)]


def admin(session: MemberDep) -> Session:
    if not session.admin:
        raise AccessError(403, "changing a picture needs the admin login (the service token), not the gallery password")
    return session


AdminDep = Annotated[Session, Depends(admin)]


def checked_form(session: MemberDep, gallery: GalleryDep, csrf: Annotated[str, Form(max_length=400)] = "") -> Session:
    """A logged-in visitor's form, with a valid CSRF token (403 page otherwise)."""
    gallery.access.check_csrf(session, csrf)
    return session


FormDep = Annotated[Session, Depends(checked_form)]


def picture(job_id: str, runtime: RuntimeDep) -> Job:
    """The finished job a path names: a 404 page when there is none, 409 while it is not done."""
    if not JOB_ID.match(job_id):
        raise PageError(404, "there is no picture with that id; go back to the gallery")
    return finished(runtime, job_id)


def finished(runtime: Any, job_id: str) -> Job:
    job = runtime.queue.get(job_id)
    if job is None:
        raise PageError(404, runtime.queue.missing(job_id))
    if job.state != "done" or job.result is None:
        state = public_state(job.state)
        raise PageError(409 if job.active else 404, f"job {job.id} is {state}, so it has no picture to show")
    return job


PictureDep = Annotated[Job, Depends(picture)]


def back_to(target: str | None, request: Request, fallback: str) -> str:
    """A local gallery path to return to (never another site), else `fallback`."""
    home = base(request)
    if target and (target == home or target.startswith(home + "/") or target.startswith(home + "?")) and "\\" not in target:
        return target
    return fallback
