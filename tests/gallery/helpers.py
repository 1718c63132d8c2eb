"""Test helpers for the gallery: a visitor with its own cookies, who reads the CSRF token
from the page it is on, as a browser's form would send it; a preview render service with
the gallery on (`start_gallery`) and the scenes the fixtures finish on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.service.helpers import ThreadServer, service_settings

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "blog-team-password-5678"


class Visitor:
    """One browser: its cookie jar, no redirects followed (the tests check them)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, follow_redirects=False, timeout=60)

    def csrf(self, path: str = "/gallery/login") -> str:
        page = self.http.get(path)
        found = CSRF.search(page.text)
        assert found, f"no CSRF token on {path} ({page.status_code})"
        return found[1]

    def login(self, secret: str, next_path: str = "/gallery") -> httpx.Response:
        return self.http.post("/gallery/login", data={"secret": secret, "csrf": self.csrf(), "next": next_path})

    def post(self, path: str, page: str, **data: Any) -> httpx.Response:
        """Submit a form of `page` (its CSRF token) to `path`."""
        return self.http.post(path, data={"csrf": self.csrf(page), **data})

    def close(self) -> None:
        self.http.close()


# name → (scene text, slogan, user); 384 px pictures, where a long slogan does not fit
SCENES = {
    "bike": ("Milo asleep on the exercise bike", "RTFM", "111111111111111111"),
    "desk": ("James typing at the desk", None, "222222222222222222"),
    "both": ("James and Milo arguing at the whiteboard", "Café ça va", "111111111111111111"),
    "rack": ("Milo cabling the server rack", "PEBKAC", "web-user"),
}


@dataclass
class Gallery:
    url: str
    app: Any
    jobs: dict[str, str] = field(default_factory=dict)


def start_gallery(folder: Any, **overrides: object) -> tuple[ThreadServer, Any]:
    from render.service.app import create_app

    values: dict[str, object] = {"service_width": 384, "service_height": 384, "gallery_password": PASSWORD}
    settings = service_settings(folder, **{**values, **overrides})
    app = create_app(settings, backend="preview", workers=1)
    return ThreadServer(app), app
