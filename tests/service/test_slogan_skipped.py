"""A render is never lost to its slogan, over real HTTP: a job whose slogan cannot be
written finishes `done` with the clean picture and `result.compositor` saying "skipped"
and why (what the bot reads to say the slogan did not fit); asking for such a slogan
afterwards is a 422 that leaves the picture as it was."""

from __future__ import annotations

from tests.service.helpers import ThreadServer, client, submit, wait_state

RACCOON = "RTFM \U0001f99d"  # the shirt font has no glyph for the emoji


def test_a_job_whose_slogan_cannot_be_written_is_done_with_the_clean_picture(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    job_id = submit(http, "Milo at the desk", seed=7, shirt=RACCOON)
    job = wait_state(http, job_id, {"done", "failed"})
    assert job["state"] == "done", job["error"]
    compositor = job["result"]["compositor"]
    assert compositor["method"] == "skipped"
    assert "cannot draw" in compositor["reason"]
    assert compositor["confidence"] in ("high", "low")
    assert http.get(f"/v1/jobs/{job_id}/image").content == http.get(f"/v1/jobs/{job_id}/clean").content


def test_a_new_slogan_that_cannot_be_written_is_refused_and_changes_nothing(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    job_id = submit(http, "Milo at the desk", seed=8, shirt="RTFM")
    job = wait_state(http, job_id, {"done"})
    assert job["result"]["compositor"]["method"] == "panel"
    assert job["result"]["compositor"]["confidence"] == "high"
    before = http.get(f"/v1/jobs/{job_id}/image").content
    response = http.post(f"/v1/jobs/{job_id}/shirt", json={"slogan": RACCOON})
    assert response.status_code == 422
    assert response.json()["field"] == "slogan" and "cannot draw" in response.json()["error"]
    assert http.get(f"/v1/jobs/{job_id}/image").content == before
