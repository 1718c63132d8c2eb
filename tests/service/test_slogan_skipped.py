"""A render is never lost to its slogan, over real HTTP: a job whose slogan cannot be
written finishes `done` with the clean picture and `result.compositor` saying "skipped"
and why (what the bot reads to say the slogan did not fit); asking for such a slogan
afterwards is a 422 that leaves the picture as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.helpers import ThreadServer, client, service_settings, submit, wait_state

RACCOON = "RTFM \U0001f99d"  # the shirt font has no glyph for the emoji
LONG = "Have You Tried Turning It Off And On Again"  # 42 characters: no room on a 256 px Milo


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    """A preview service drawing 256 px pictures, where a long slogan cannot be written."""
    from render.service.app import create_app

    settings = service_settings(Path(tmp_path_factory.mktemp("small")), service_width=256, service_height=256)
    server = ThreadServer(create_app(settings, backend="preview", workers=1))
    yield server
    server.stop()


def test_a_job_whose_slogan_cannot_be_written_is_done_with_the_clean_picture(small_server: ThreadServer) -> None:
    http = client(small_server.url)
    job_id = submit(http, "Milo at the desk", seed=7, shirt=LONG)
    job = wait_state(http, job_id, {"done", "failed"})
    assert job["state"] == "done", job["error"]
    compositor = job["result"]["compositor"]
    assert compositor["method"] == "skipped"
    assert compositor["reason"]
    assert compositor["confidence"] in ("high", "low")
    assert http.get(f"/v1/jobs/{job_id}/image").content == http.get(f"/v1/jobs/{job_id}/clean").content


def test_a_slogan_the_font_cannot_draw_is_refused_at_submit(preview_server: ThreadServer) -> None:
    response = client(preview_server.url).post("/v1/scenes", json={"text": "Milo at the desk", "shirt": RACCOON})
    assert response.status_code == 422
    assert response.json()["field"] == "shirt"
    assert "cannot draw" in response.json()["error"]


def test_a_new_slogan_that_cannot_be_written_is_refused_and_changes_nothing(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    job_id = submit(http, "Milo at the desk", seed=8, shirt="RTFM")
    job = wait_state(http, job_id, {"done"})
    assert job["result"]["compositor"]["method"] == "panel"
    assert job["result"]["compositor"]["confidence"] == "high"
    before = http.get(f"/v1/jobs/{job_id}/image").content
    response = http.post(f"/v1/jobs/{job_id}/shirt", json={"slogan": RACCOON})
    assert response.status_code == 422
    assert response.json()["field"] == "slogan"
    assert "cannot draw" in response.json()["error"]
    assert http.get(f"/v1/jobs/{job_id}/image").content == before
