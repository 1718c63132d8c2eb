"""The gallery when things break, and the rules it must not loosen: a job store that stops
answering is a 503 page (and the gallery recovers when it returns); the gallery password is
no token, so `cartoon serve` still refuses a public address without one; an open gallery
(loopback, no secrets) still checks every form's CSRF token."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.gallery.helpers import PASSWORD, Visitor, start_gallery
from tests.service.helpers import ROOT, TOKEN, RedisServer, service_env, wait_for


def test_a_store_outage_is_a_503_page_and_the_gallery_comes_back(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis", persist=True)
    server, _ = start_gallery(tmp_path, queue="redis", redis_url=redis.url)
    try:
        visitor = Visitor(server.url)
        assert visitor.login(TOKEN).status_code == 303
        assert visitor.http.get("/gallery").status_code == 200
        redis.kill()
        down = visitor.http.get("/gallery")
        assert down.status_code == 503
        assert down.headers["content-type"].startswith("text/html")
        assert down.headers["retry-after"] == "5"
        assert "try again" in down.text
        redis.start()
        wait_for(lambda: visitor.http.get("/gallery").status_code == 200, 60, "the gallery to answer again")
    finally:
        server.stop()
        redis.stop()


def test_the_gallery_password_is_not_a_token_for_a_public_address(tmp_path: Path) -> None:
    env = service_env(tmp_path, CARTOON_GALLERY_PASSWORD=PASSWORD)
    env.pop("CARTOON_RENDER_TOKEN")
    done = subprocess.run([sys.executable, "cartoon.py", "serve", "--host", "0.0.0.0", "--port", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "refusing to serve on 0.0.0.0 without a token" in done.stderr


def test_an_open_gallery_logs_in_at_once_and_still_checks_forms(tmp_path: Path) -> None:
    server, _ = start_gallery(tmp_path, render_token=None, gallery_password=None)
    try:
        visitor = Visitor(server.url)
        first = visitor.http.get("/gallery/login?next=/gallery")
        assert (first.status_code, first.headers["location"]) == (303, "/gallery")
        page = visitor.http.get("/gallery")
        assert page.status_code == 200
        assert "Log out" not in page.text  # nothing to log out of
        assert visitor.http.post("/gallery/logout", data={"csrf": "forged"}).status_code == 403
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is None  # no form on an empty gallery: the token comes with the forms
    finally:
        server.stop()
