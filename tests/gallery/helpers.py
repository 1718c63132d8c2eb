"""Test helpers for the gallery: a visitor with its own cookies, who reads the CSRF token
from the page it is on, as a browser's form would send it."""

from __future__ import annotations

import re
from typing import Any

import httpx

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
