"""The HTTP API over real HTTP on 127.0.0.1 with the preview backend: auth, a scene from
request to PNG with its progress as server-sent events, re-slogans, and bad input."""

from __future__ import annotations

import io
import json
import time

import httpx
import pytest
from PIL import Image

from tests.service.helpers import ThreadServer, client, submit, wait_for, wait_state


def test_health_and_docs_need_no_token(preview_server: ThreadServer) -> None:
    http = client(preview_server.url, token=None)
    health = wait_for(lambda: (h := http.get("/healthz").json())["loaded"] and h, 20, "the backend to load")
    assert health["ok"] is True
    assert health["backend"] == "preview"
    assert health["workers"] == 1
    assert http.get("/docs").status_code == 200
    assert "/v1/scenes" in http.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_token_is_required(preview_server: ThreadServer, token: str | None) -> None:
    response = client(preview_server.url, token=token).post("/v1/scenes", json={"text": "Milo at the desk"})
    assert response.status_code == 401
    assert response.json()["field"] == "Authorization"
    assert "CARTOON_RENDER_TOKEN" in response.json()["error"]


def read_events(http: httpx.Client, job_id: str, timeout: float = 60) -> list[tuple[str, dict]]:
    """Every event of a job's stream, which ends by itself after a final state."""
    events: list[tuple[str, dict]] = []
    deadline = time.monotonic() + timeout
    with http.stream("GET", f"/v1/jobs/{job_id}/events", timeout=timeout) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
            assert time.monotonic() < deadline, f"no final state after {timeout} s: {events[-1:]}"
    return events


def test_scene_to_png_with_sse_progress(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    accepted = http.post("/v1/scenes", json={"text": "Milo debugging at 2 AM", "seed": 3, "user": "ann"})
    assert accepted.status_code == 202
    body = accepted.json()
    assert body["state"] == "queued"
    assert isinstance(body["position"], int)

    events = read_events(http, body["id"])  # the stream ends by itself after the final state
    names = [name for name, _ in events]
    assert names[-1] == "done"
    assert names.count("done") == 1
    final = events[-1][1]
    assert final["progress"] == {"step": 2, "total": 2}
    assert final["user"] == "ann"
    assert final["error"] is None
    result = final["result"]
    assert result["backend"] == "preview"
    assert result["plan"]["characters"] == ["milo"]
    assert result["image"] == f"/v1/jobs/{body['id']}/image"

    picture = http.get(result["image"])
    kept = http.get(result["clean_image"])
    assert picture.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(picture.content)).size == (1024, 1024)
    assert picture.content != kept.content  # the slogan is on the picture, not on the kept render
    assert http.get(f"/v1/jobs/{body['id']}").json() == final


def test_reslogan_uses_the_kept_render(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    job_id = submit(http, "Milo at the server rack", seed=5)
    done = wait_state(http, job_id, {"done"})
    before = http.get(f"/v1/jobs/{job_id}/image").content
    clean = http.get(f"/v1/jobs/{job_id}/clean").content

    response = http.post(f"/v1/jobs/{job_id}/shirt", json={"slogan": "HAVE YOU TRIED REBOOTING"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["slogan"] == "HAVE YOU TRIED REBOOTING"
    assert body["image_url"] == f"/v1/jobs/{job_id}/image"
    assert body["compositor"]["box"]
    after = http.get(body["image_url"]).content
    assert after != before
    assert http.get(f"/v1/jobs/{job_id}/clean").content == clean
    assert http.get(f"/v1/jobs/{job_id}").json()["result"]["plan"]["slogan"] == "HAVE YOU TRIED REBOOTING"

    rotated = http.post(f"/v1/jobs/{job_id}/shirt", json={}).json()
    assert rotated["slogan"] not in ("", "HAVE YOU TRIED REBOOTING", done["result"]["plan"]["slogan"])

    too_long = http.post(f"/v1/jobs/{job_id}/shirt", json={"slogan": "X" * 49})
    assert too_long.status_code == 422
    assert too_long.json()["field"] == "slogan"


def test_the_next_saying_is_never_the_slogan_already_on_the_shirt(preview_server: ThreadServer) -> None:
    from agent.graph import load_sayings
    from core.paths import BOFH_FILE

    sayings = load_sayings(BOFH_FILE)
    seed = 5
    # The explicit shirt is the very saying "next" would pick for this seed (seed + 0 + 1).
    current = sayings[(seed + 1) % len(sayings)]
    http = client(preview_server.url)
    job_id = submit(http, "Milo at the desk", seed=seed, shirt=current)
    wait_state(http, job_id, {"done"})
    rotated = http.post(f"/v1/jobs/{job_id}/shirt", json={}).json()
    assert rotated["slogan"] in sayings
    assert rotated["slogan"] != current


def test_a_ready_plan_is_rendered_as_given(preview_server: ThreadServer) -> None:
    http = client(preview_server.url)
    plan = http.post("/v1/scenes", json={"text": "James on the exercise bike", "seed": 9}).json()
    first = wait_state(http, plan["id"], {"done"})["result"]["plan"]
    again = http.post("/v1/scenes", json={"plan": {**first, "plate": "west"}, "user": "bob"})
    assert again.status_code == 202
    result = wait_state(http, again.json()["id"], {"done"})["result"]
    assert result["plan"] == {**first, "plate": "west"}


@pytest.mark.parametrize(
    ("body", "status", "field", "says"),
    [
        ('{"text": "Milo', 400, None, "not valid JSON"),
        ("", 422, None, "body is missing"),
        ({"text": "x" * 1001}, 422, "text", "at most 1000"),
    ],
)
def test_bad_input_over_http_is_a_4xx_naming_the_field(
    preview_server: ThreadServer, body: object, status: int, field: str | None, says: str
) -> None:
    """A few rows over a real socket; the full table is in-process, in test_errors.py."""
    http = client(preview_server.url)
    if isinstance(body, str):
        response = http.post("/v1/scenes", content=body, headers={"content-type": "application/json"})
    else:
        response = http.post("/v1/scenes", json=body)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["field"] == field
    assert says in error["error"]
    assert "\n" not in error["error"]


def test_events_of_an_unknown_job_are_404(preview_server: ThreadServer) -> None:
    response = client(preview_server.url).get("/v1/jobs/no-such-job/events")
    assert response.status_code == 404
    assert response.json()["field"] == "id"
