"""The gallery in a real browser: Playwright drives Debian's Chromium (launched by its path,
nothing downloaded) against `cartoon serve --backend preview` on 127.0.0.1 with a few
finished pictures. Log in (with the keyboard), filter, open a picture, favourite it, export
it at 1200 px (the downloaded file's size and format checked), write a new slogan (read back
from the picture with tesseract), log out; on every page every image has alt text and every
form field a label. A screenshot of each page is kept under the test's temp folder."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from render.types import CompositorResult
from tests.compositor.ocr import reads_back
from tests.service.helpers import (
    TOKEN,
    ServeProcess,
    client,
    service_env,
    submit,
    wait_for,
    wait_state,
)

CHROMIUM = Path(os.environ.get("CARTOON_TEST_CHROMIUM", "/usr/bin/chromium"))
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)"
)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCENES = [("Milo asleep on the exercise bike", "RTFM", "111111111111111111"),
          ("James typing at the desk", None, "222222222222222222"),
          ("Milo cabling the server rack", "PEBKAC", "web-user")]
NEW_SLOGAN = "NOT MY JOB"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServeProcess, list[str]]]:
    folder = tmp_path_factory.mktemp("browser-service")
    # two tiles a page, so the grid has a next page to load while scrolling
    serve = ServeProcess(service_env(folder, CARTOON_GALLERY_PAGE_SIZE="2"), "--backend", "preview")
    try:
        with client(serve.url) as http:
            jobs = [submit(http, text, user=user, seed=5, **({"shirt": s} if s else {})) for text, s, user in SCENES]
            for job in jobs:
                assert wait_state(http, job, {"done", "failed"}, timeout=120)["state"] == "done"
        yield serve, jobs
    finally:
        serve.stop()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=ARGS,
            accept_downloads=True, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30_000)
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def check_accessibility(page: object) -> None:
    """Every image has alt text; every visible field has a label; nothing failed to load
    (lazy images too: the page is scrolled through first)."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    # polled from here: the page's CSP (no eval) refuses Playwright's wait_for_function
    wait_for(lambda: page.evaluate("[...document.images].every(i => i.complete)"), 30, "the images to load")
    page.evaluate("window.scrollTo(0, 0)")
    images = page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('alt'), e.complete && e.naturalWidth > 0])")
    assert images and all(alt and alt.strip() for alt, _ in images), images
    assert all(loaded for _, loaded in images), images
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        "els => els.filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.outerHTML)")
    assert unlabelled == []


def test_a_blog_author_picks_exports_and_re_slogans_a_picture(service: tuple[ServeProcess, list[str]], page: object, tmp_path: Path) -> None:
    serve, jobs = service
    shots = tmp_path / "screenshots"
    shots.mkdir()
    bike = jobs[0]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # log in, with the keyboard: the field has focus, Enter sends the form
    page.goto(f"{serve.url}/gallery")
    assert "/gallery/login" in page.url
    page.screenshot(path=shots / "1-login.png")
    assert page.eval_on_selector_all("input#secret", "els => els.map(e => e.labels.length)") == [1]
    page.keyboard.type(TOKEN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{serve.url}/gallery")
    served = page.request.get(f"{serve.url}/gallery").text()
    assert served.count('<li class="tile">') == 2  # one page is sent; the script loads the next in view
    wait_for(lambda: page.locator("li.tile").count() == len(jobs), 30, "the next page of tiles")
    assert page.locator("#more").count() == 0  # that was the last page
    check_accessibility(page)
    page.screenshot(path=shots / "2-grid.png", full_page=True)

    # the keyboard reaches everything: the skip link first, then the tiles
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"

    # filter: the fitness corner holds the bike picture only
    page.select_option("#wall", "south")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**wall=south**")
    assert page.locator("li.tile").count() == 1
    page.screenshot(path=shots / "3-filtered.png", full_page=True)

    # open it with the keyboard: focus the tile's link, Enter
    page.focus(f"li.tile a[href='/gallery/p/{bike}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/gallery/p/{bike}")
    check_accessibility(page)
    assert "asleep on the exercise bike" in page.inner_text("#alt-text")

    # favourite (the script's fetch), and it is still one after a reload
    page.click("button[data-favourite]")
    page.wait_for_selector("button[data-favourite][aria-pressed=true]")
    page.reload()
    assert page.get_attribute("button[data-favourite]", "aria-pressed") == "true"
    page.screenshot(path=shots / "4-picture.png", full_page=True)

    # export at 1200 px: the download is a 1200 px WebP
    with page.expect_download() as caught:
        page.click("a:has-text('WEBP 1200 px')")
    download = caught.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name == f"cartoon-{bike[:12]}-1200.webp"
    with Image.open(saved) as exported:
        assert exported.format == "WEBP"
        assert exported.size == (1200, 1200)

    # a new slogan, typed; the picture on the page now reads it
    page.fill("#slogan", NEW_SLOGAN)
    page.click("button:has-text('Write it on the picture')")
    page.wait_for_selector(f"q.slogan-now:has-text('{NEW_SLOGAN}')")
    check_accessibility(page)
    page.screenshot(path=shots / "5-new-slogan.png", full_page=True)
    src = page.get_attribute("#picture figure:first-child img", "src")
    png = page.request.get(f"{serve.url}{src}").body()
    with client(serve.url) as http:
        compositor = CompositorResult.model_validate(http.get(f"/v1/jobs/{bike}").json()["result"]["compositor"])
    assert reads_back(Image.open(io.BytesIO(png)), compositor, NEW_SLOGAN)

    # log out: the grid needs a login again
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/gallery/login**")
    page.screenshot(path=shots / "6-logged-out.png")
    page.goto(f"{serve.url}/gallery")
    assert "/gallery/login" in page.url
    assert errors == []  # no script error, no resource the CSP refused
    assert len(list(shots.glob("*.png"))) == 6
