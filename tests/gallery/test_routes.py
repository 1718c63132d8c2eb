"""Every gallery route over real HTTP, on SQLite and on a real Redis: the login and its
cookie, CSRF on every form, filters, the picture page, exports, favourites and their ZIP,
re-slogans (and one that does not fit), share links, and the error pages."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image

from render.service.gallery.access import COOKIE, Access
from tests.gallery.helpers import PASSWORD, Gallery, Visitor
from tests.service.helpers import TOKEN, client

LONG = "Have You Tried Turning It Off And On Again"  # no room on a 384 px Milo


def logged_in(gallery: Gallery, secret: str) -> Iterator[Visitor]:
    visitor = Visitor(gallery.url)
    assert visitor.login(secret).status_code == 303
    yield visitor
    visitor.close()


@pytest.fixture
def admin(gallery: Gallery) -> Iterator[Visitor]:
    """Logged in with the service token."""
    yield from logged_in(gallery, TOKEN)


@pytest.fixture
def editor(gallery: Gallery) -> Iterator[Visitor]:
    """Logged in with the gallery password."""
    yield from logged_in(gallery, PASSWORD)


def is_page(response: httpx.Response, status: int) -> str:
    """The response is an HTML page with `status`; its text."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    return response.text


def message(page: str) -> str:
    return re.search(r'<p role="alert" class="message">(.*?)</p>', page, re.S)[1]


# --- access -------------------------------------------------------------------------------------
def test_a_visitor_without_a_login_is_sent_to_the_form_and_back(gallery: Gallery) -> None:
    visitor = Visitor(gallery.url)
    job = gallery.jobs["bike"]
    first = visitor.http.get(f"/gallery/p/{job}")
    assert first.status_code == 303
    assert first.headers["location"] == f"/gallery/login?next=/gallery/p/{job}"
    back = visitor.login(TOKEN, next_path=f"/gallery/p/{job}")
    assert back.status_code == 303
    assert back.headers["location"] == f"/gallery/p/{job}"
    cookie = back.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for flag in ("HttpOnly", "SameSite=lax", "Path=/gallery"):
        assert flag.lower() in cookie.lower()
    assert visitor.http.get(f"/gallery/p/{job}").status_code == 200


@pytest.mark.parametrize("secret", ["", "wrong", TOKEN + " x", PASSWORD[:-1]])
def test_a_wrong_secret_is_a_401_with_the_form_again(gallery: Gallery, secret: str) -> None:
    visitor = Visitor(gallery.url)
    page = is_page(visitor.login(secret), 401)
    assert "not the service token nor the gallery password" in page
    assert 'name="secret"' in page
    assert visitor.http.get("/gallery").status_code == 303  # still not logged in


def test_a_login_needs_its_own_form_token(gallery: Gallery) -> None:
    visitor, other = Visitor(gallery.url), Visitor(gallery.url)
    assert "form" in message(is_page(visitor.http.post("/gallery/login", data={"secret": TOKEN}), 403))
    stolen = other.csrf()  # another visitor's token (a login CSRF attempt)
    visitor.csrf()
    is_page(visitor.http.post("/gallery/login", data={"secret": TOKEN, "csrf": stolen}), 403)


def test_login_never_redirects_off_the_gallery(gallery: Gallery) -> None:
    for target in ("https://evil.example/", "//evil.example/gallery", "/v1/jobs", "/galleryx", "javascript:alert(1)"):
        response = Visitor(gallery.url).login(TOKEN, next_path=target)
        assert response.headers["location"] == "/gallery"


@pytest.mark.parametrize("change", ["flip", "garbage", "other key"])
def test_a_tampered_cookie_is_a_401_page_that_clears_it(gallery: Gallery, admin: Visitor, change: str) -> None:
    value = admin.http.cookies[COOKIE]
    forged = {
        "flip": value[:-2] + ("AA" if not value.endswith("AA") else "BB"),
        "garbage": "eyJyb2xlIjoiYWRtaW4ifQ.x.y",
        "other key": Access(gallery.app.state.runtime.settings.model_copy(update={"gallery_secret": "k"})).cookie_for(
            Access(gallery.app.state.runtime.settings).new_session("admin")),
    }[change]
    admin.http.cookies.clear()
    admin.http.cookies.set(COOKIE, forged, domain="127.0.0.1", path="/gallery")
    response = admin.http.get("/gallery")
    page = is_page(response, 401)
    assert "log in again" in message(page)
    assert f'{COOKIE}=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]


def test_logging_out_ends_the_login(gallery: Gallery, admin: Visitor) -> None:
    out = admin.post("/gallery/logout", "/gallery")
    assert out.status_code == 303
    assert out.headers["location"].startswith("/gallery/login")
    assert admin.http.get("/gallery").status_code == 303


def test_every_form_refuses_a_missing_or_foreign_csrf_token(gallery: Gallery, admin: Visitor, editor: Visitor) -> None:
    job = gallery.jobs["bike"]
    foreign = editor.csrf("/gallery")
    for path, data in ((f"/gallery/p/{job}/favourite", {"on": "1"}), (f"/gallery/p/{job}/slogan", {"slogan": "X"}),
                       (f"/gallery/p/{job}/share", {}), ("/gallery/logout", {})):
        for csrf in ("", foreign, "forged.token.value"):
            is_page(admin.http.post(path, data={**data, "csrf": csrf}), 403)
    assert job not in gallery.app.state.runtime.store.favourites()


def test_a_form_without_a_login_is_a_401_page(gallery: Gallery) -> None:
    page = is_page(httpx.post(f"{gallery.url}/gallery/p/{gallery.jobs['bike']}/favourite", data={"on": "1"}), 401)
    assert "not logged in" in message(page)


# --- browse -------------------------------------------------------------------------------------
def tile_ids(page: str) -> list[str]:
    return re.findall(r'<li class="tile">\s*<a href="/gallery/p/([0-9a-f]+)"', page)


def test_the_grid_shows_every_finished_picture_newest_first_with_alt_text(gallery: Gallery, editor: Visitor) -> None:
    page = is_page(editor.http.get("/gallery"), 200)
    ids = tile_ids(page)
    queue = gallery.app.state.runtime.queue
    newest_first = sorted(gallery.jobs.values(), key=lambda j: queue.get(j).finished_at, reverse=True)
    assert [i for i in ids if i in newest_first] == newest_first
    alts = re.findall(r'<img src="/gallery/p/[0-9a-f]+/thumb.webp\?v=\d+" alt="([^"]+)"', page)
    assert len(alts) == len(ids)
    assert all(a.endswith(".") for a in alts)
    assert "Caf\u00e9 \u00e7a va" in page


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("character=james", {"desk", "both"}),
        ("wall=south", {"bike"}),
        ("requester=111111111111111111", {"bike", "both"}),
        ("q=cafe", {"both"}),
        ("q=RACK+milo", {"rack"}),
        ("since=2000-01-01&until=2000-01-02", set()),
    ],
)
def test_filters(gallery: Gallery, editor: Visitor, query: str, names: set[str]) -> None:
    ids = set(tile_ids(is_page(editor.http.get(f"/gallery?{query}"), 200)))
    mine = set(gallery.jobs.values())
    assert ids & mine == {gallery.jobs[n] for n in names}


@pytest.mark.parametrize(("query", "word"), [("wall=up", "wall"), ("page=0", "page"), ("since=soon", "since"),
                                             ("character=bob", "character")])
def test_a_bad_filter_is_a_422_page_naming_it(gallery: Gallery, editor: Visitor, query: str, word: str) -> None:
    assert word in message(is_page(editor.http.get(f"/gallery?{query}"), 422))


def test_pages_and_the_partial_for_scrolling(gallery: Gallery, editor: Visitor) -> None:
    size = gallery.app.state.gallery.settings.gallery_page_size
    total = len(gallery.app.state.runtime.store.pictures())
    partial = editor.http.get("/gallery?partial=1")
    assert "<html" not in partial.text  # tiles only
    assert len(tile_ids(partial.text)) == min(size, total)
    assert ('id="more"' in partial.text) == (total > size)


def test_thumbnails_are_made_once_then_served_from_the_cache(gallery: Gallery, editor: Visitor) -> None:
    job = gallery.jobs["rack"]
    thumbs = gallery.app.state.gallery.thumbnails
    first = editor.http.get(f"/gallery/p/{job}/thumb.webp?v=0")
    hits = thumbs.hits
    second = editor.http.get(f"/gallery/p/{job}/thumb.webp?v=0")
    assert thumbs.hits == hits + 1
    assert first.content == second.content
    assert second.headers["x-cache"] == "hit"
    assert first.headers["content-type"] == "image/webp"
    assert "app;dur=" in second.headers["server-timing"]
    assert "immutable" in second.headers["cache-control"]
    with Image.open(io.BytesIO(first.content)) as image:
        assert max(image.size) <= 360


# --- a picture's page -----------------------------------------------------------------------------
def test_a_picture_page_shows_the_plan_the_alt_text_and_the_snippets(gallery: Gallery, editor: Visitor) -> None:
    job = gallery.jobs["bike"]
    page = is_page(editor.http.get(f"/gallery/p/{job}"), 200)
    assert f'src="/gallery/p/{job}/image.png?v=' in page
    assert f'src="/gallery/p/{job}/clean.png"' in page
    assert "Milo, the raccoon in a tactical suit, asleep on the exercise bike in the lab&#39;s fitness corner" in page
    assert "his chest panel reads “RTFM”" in page, re.findall(r"alt=\"[^\"]*\"|Slogan</dt><dd>[^<]*", page)
    assert "https://discord.com/users/111111111111111111" in page
    assert f"cartoon-{job[:12]}-1200.webp 1200w" in page
    assert 'id="snippet-md"' in page
    assert 'id="snippet-html"' in page
    assert "needs" not in page or "log in with the service token" in page  # an editor cannot re-slogan
    assert 'name="slogan"' not in page


def test_an_unknown_picture_is_a_404_page(gallery: Gallery, editor: Visitor) -> None:
    for path in ("/gallery/p/" + "0" * 32, "/gallery/p/not-a-job", "/gallery/p/%3Cscript%3E", "/gallery/p/x/image.png",
                 "/gallery/nothing-here", "/gallery/p/" + "a" * 65):
        page = is_page(editor.http.get(path), 404)
        assert "<script>" not in page


def test_a_cancelled_job_has_no_page(gallery: Gallery, editor: Visitor) -> None:
    with client(gallery.url) as http:
        job = http.post("/v1/scenes", json={"text": "Milo at the desk", "user": f"c{time.monotonic_ns()}"}).json()["id"]
        http.delete(f"/v1/jobs/{job}")
        state = http.get(f"/v1/jobs/{job}").json()["state"]
    expected = 404 if state in ("cancelled", "failed") else 200
    is_page(editor.http.get(f"/gallery/p/{job}"), expected)


# --- exports --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("width", "fmt", "side"), [("640", "webp", 640), ("1200", "png", 1200), ("original", "png", 384)])
def test_exports_are_the_size_and_format_asked_for(gallery: Gallery, editor: Visitor, width: str, fmt: str, side: int) -> None:
    job = gallery.jobs["desk"]
    response = editor.http.get(f"/gallery/p/{job}/export?width={width}&format={fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"] == f"image/{fmt}"
    assert response.headers["content-disposition"] == f'attachment; filename="cartoon-{job[:12]}-{side}.{fmt}"'
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == fmt.upper()
        assert image.size == (side, side)


@pytest.mark.parametrize("query", ["width=800", "width=0", "width=1200px", "width=99999", "format=gif"])
def test_an_export_outside_the_choices_is_a_422_listing_them(gallery: Gallery, editor: Visitor, query: str) -> None:
    text = message(is_page(editor.http.get(f"/gallery/p/{gallery.jobs['desk']}/export?{query}"), 422))
    assert ("640, 1200, original" in text) or ("webp, png" in text)


# --- favourites -----------------------------------------------------------------------------------
def test_a_favourite_is_kept_listed_and_zipped(gallery: Gallery, editor: Visitor) -> None:
    job = gallery.jobs["both"]
    page = f"/gallery/p/{job}"
    marked = editor.post(f"{page}/favourite", page, on="1", next=page)
    assert (marked.status_code, marked.headers["location"]) == (303, page)
    assert job in gallery.app.state.runtime.store.favourites()
    assert 'aria-pressed="true"' in editor.http.get(page).text
    assert job in tile_ids(editor.http.get("/gallery?favourites=1").text)
    archive = editor.http.get("/gallery/favourites.zip?format=png")
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert f"cartoon-{job[:12]}-1200.png" in zipped.namelist()
        assert "Café ça va" in zipped.read("snippets.md").decode()
    unmarked = editor.http.post(f"{page}/favourite", data={"on": "0", "csrf": editor.csrf(page)},
                                headers={"X-Requested-With": "fetch"})
    assert unmarked.json() == {"id": job, "favourite": False}
    assert job not in gallery.app.state.runtime.store.favourites()


# --- re-slogan ------------------------------------------------------------------------------------
def test_an_admin_writes_a_new_slogan_on_the_clean_render(gallery: Gallery, admin: Visitor) -> None:
    job = gallery.jobs["rack"]
    page = f"/gallery/p/{job}"
    before = admin.http.get(f"{page}/image.png").content
    clean = admin.http.get(f"{page}/clean.png").content
    done = admin.post(f"{page}/slogan", page, slogan="NOPE", saying="RTFM")
    assert done.status_code == 303
    after = admin.http.get(page).text
    assert "<q class=\"slogan-now\">NOPE</q>" in after
    assert admin.http.get(f"{page}/image.png").content != before
    assert admin.http.get(f"{page}/clean.png").content == clean  # the render itself is kept
    with client(gallery.url) as http:
        assert http.get(f"/v1/jobs/{job}").json()["result"]["plan"]["slogan"] == "NOPE"
    chosen = admin.post(f"{page}/slogan", page, slogan="", saying="RTFM")
    assert chosen.status_code == 303
    assert "<q class=\"slogan-now\">RTFM</q>" in admin.http.get(page).text


def test_a_slogan_that_does_not_fit_says_so_and_offers_shorter_ones(gallery: Gallery, admin: Visitor) -> None:
    job = gallery.jobs["bike"]
    page = f"/gallery/p/{job}"
    before = admin.http.get(f"{page}/image.png").content
    text = is_page(admin.post(f"{page}/slogan", page, slogan=LONG), 422)
    problem = re.search(r'<div class="problem" role="alert" id="slogan-error">(.*?)</div>', text, re.S)[1]
    assert "was not written" in problem
    offered = re.findall(r'<button type="submit" name="saying" value="([^"]+)">', problem)
    assert offered
    assert all(len(s) < len(LONG) for s in offered)
    assert admin.http.get(f"{page}/image.png").content == before


@pytest.mark.parametrize(("slogan", "word"), [("   ", "type a slogan"), ("x" * 49, "at most 48"), ("RTFM \U0001f99d", "cannot draw")])
def test_a_slogan_refused_at_the_door_leaves_the_picture(gallery: Gallery, admin: Visitor, slogan: str, word: str) -> None:
    page = f"/gallery/p/{gallery.jobs['desk']}"
    text = is_page(admin.post(f"{page}/slogan", page, slogan=slogan, saying=""), 422)
    assert word in text


def test_an_editor_cannot_change_a_picture(gallery: Gallery, editor: Visitor) -> None:
    job = gallery.jobs["rack"]
    page = f"/gallery/p/{job}"
    before = editor.http.get(f"{page}/image.png").content
    text = is_page(editor.post(f"{page}/slogan", page, slogan="MINE"), 403)
    assert "admin login" in text
    assert editor.http.get(f"{page}/image.png").content == before


# --- share links ----------------------------------------------------------------------------------
def test_a_share_link_shows_one_picture_read_only(gallery: Gallery, editor: Visitor) -> None:
    job = gallery.jobs["both"]
    page = f"/gallery/p/{job}"
    made = is_page(editor.post(f"{page}/share", page), 200)
    link = re.search(r'id="share-url" readonly value="([^"]+)"', made)[1]
    assert link.startswith(f"{gallery.url}/gallery/s/")
    stranger = httpx.Client(follow_redirects=False, timeout=30)
    shared = is_page(stranger.get(link), 200)
    for form in ('name="slogan"', "/favourite", "/share", "Log out", "discord.com/users"):
        assert form not in shared
    token = link.rsplit("/", 1)[1]
    image = stranger.get(f"{gallery.url}/gallery/s/{token}/image.png")
    assert image.headers["content-type"] == "image/png"
    export = stranger.get(f"{gallery.url}/gallery/s/{token}/export?width=640&format=webp")
    with Image.open(io.BytesIO(export.content)) as picture:
        assert picture.size == (640, 640)
    assert stranger.get(f"{gallery.url}/gallery/p/{job}").status_code == 303  # the rest still needs a login
    is_page(stranger.get(f"{gallery.url}/gallery/s/{token[:-2]}xx"), 403)
    is_page(stranger.get(f"{gallery.url}/gallery/s/{token[:-2]}xx/image.png"), 403)


def test_an_expired_share_link_is_a_403_page(gallery: Gallery) -> None:
    keys = Access(gallery.app.state.runtime.settings)
    token, _ = keys.share_token(gallery.jobs["bike"], now=time.time() - keys.share_s - 60)
    assert "expired" in message(is_page(httpx.get(f"{gallery.url}/gallery/s/{token}"), 403))


# --- the API is as it was -------------------------------------------------------------------------
def test_the_api_still_answers_json_and_its_spec_has_no_gallery(gallery: Gallery) -> None:
    with client(gallery.url) as http:
        missing = http.get("/v1/jobs/" + "0" * 32)
        assert missing.headers["content-type"] == "application/json"
        assert not [p for p in http.get("/openapi.json").json()["paths"] if p.startswith("/gallery")]
    with client(gallery.url, token=None) as anonymous:
        assert anonymous.get(f"/v1/jobs/{gallery.jobs['bike']}").status_code == 401


def test_the_static_files_are_served_by_the_service(gallery: Gallery) -> None:
    for name, kind in (("gallery.css", "text/css"), ("gallery.js", "javascript")):
        response = httpx.get(f"{gallery.url}/gallery/static/{name}")
        assert response.status_code == 200
        assert kind in response.headers["content-type"]


def test_without_a_login_nobody_learns_which_pictures_exist(gallery: Gallery) -> None:
    visitor = Visitor(gallery.url)
    for job in (gallery.jobs["bike"], "0" * 32):
        for path in (f"/gallery/p/{job}", f"/gallery/p/{job}/image.png", f"/gallery/p/{job}/export?width=640"):
            assert visitor.http.get(path).status_code == 303


def test_the_login_page_shows_only_its_own_notes(gallery: Gallery) -> None:
    visitor = Visitor(gallery.url)
    page = visitor.http.get("/gallery/login?note=Send+your+token+to+evil.example").text
    assert "evil.example" not in page
    assert "You are logged out." in visitor.http.get("/gallery/login?note=out").text
