"""`/gallery/login` and `/gallery/logout`: the secret is typed once, a signed cookie remembers it.

The login form itself has a CSRF token, over an anonymous cookie the form's page sets; a
successful login starts a new session id (nothing from before the login carries over). In an
open gallery (no token, no password: loopback only) the form is skipped.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from render.service.gallery.access import COOKIE, Session
from render.service.gallery.web import (
    FormDep,
    GalleryDep,
    PageRoute,
    VisitorDep,
    back_to,
    base,
    render,
)

router = APIRouter(prefix="/gallery", route_class=PageRoute, include_in_schema=False)
MAX_SECRET_CHARS = 1000
NOTES = {"expired": "Your login expired; log in again.", "out": "You are logged out."}


def set_session(response: Response, request: Request, gallery: GalleryDep, session: Session) -> None:
    secure = request.url.scheme == "https" or (gallery.settings.gallery_url or "").startswith("https:")
    response.set_cookie(
        COOKIE,
        gallery.access.cookie_for(session),
        max_age=int(gallery.settings.gallery_session_s),
        path=base(request),
        httponly=True,
        samesite="lax",  # sent when a Discord link opens a picture, never with another site's form
        secure=secure,
    )


@router.get("/login")
def login_form(request: Request, gallery: GalleryDep, session: VisitorDep, next: str = "", note: str = "") -> Response:
    """The login form (with the anonymous cookie its CSRF token is made for)."""
    target = back_to(next, request, base(request))
    if gallery.access.open:
        response: Response = RedirectResponse(target, status_code=303)
        set_session(response, request, gallery, gallery.access.new_session("admin"))
        return response
    if session is not None and session.role is not None and note not in NOTES:
        return RedirectResponse(target, status_code=303)
    session = session or gallery.access.new_session()
    request.state.gallery_session = session
    response = render(request, "login.html", {"next": target, "note": NOTES.get(note), "error": None,
                                              "password": gallery.access.password is not None})
    set_session(response, request, gallery, Session(session.sid))
    return response


@router.post("/login")
def login(
    request: Request,
    gallery: GalleryDep,
    session: VisitorDep,
    secret: Annotated[str, Form(max_length=MAX_SECRET_CHARS)] = "",
    csrf: Annotated[str, Form(max_length=400)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Check the secret: a new session with its role and back to `next`, or the form with a 401."""
    gallery.access.check_csrf(session, csrf)
    assert session is not None  # check_csrf refuses a visitor without one
    target = back_to(next, request, base(request))
    role = gallery.access.role_for(secret)
    if role is None:
        message = "that is not the service token" + (" nor the gallery password" if gallery.access.password else "")
        return render(request, "login.html", {"next": target, "note": "", "error": message + "; try again",
                                              "password": gallery.access.password is not None}, 401)
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, gallery, gallery.access.new_session(role))
    return response


@router.post("/logout")
def logout(request: Request, gallery: GalleryDep, session: FormDep) -> Response:
    response = RedirectResponse(f"{base(request)}/login?note=out", status_code=303)
    if gallery.access.open:
        return RedirectResponse(base(request), status_code=303)
    set_session(response, request, gallery, gallery.access.new_session())
    return response

