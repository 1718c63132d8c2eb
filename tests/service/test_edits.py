"""Edits, variations and rerolls of a finished picture over real HTTP on 127.0.0.1, on both
stores: new jobs naming their parent, queued fairly, the parent's clean picture reaching the
backend, the slogan written again, the parent untouched; and every way to ask wrongly."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from render.service.app import create_app
from tests.service.helpers import (
    ThreadServer,
    client,
    service_settings,
    submit,
    wait_for,
    wait_state,
)

EDITING = "tests.service.slow_backend:EditingBackend"


@pytest.fixture
def gate(tmp_path: Path) -> Iterator[Path]:
    """While this file exists, "slow" scenes wait after each step; the editing backend writes its
    instructions beside it (tests/service/slow_backend.py)."""
    path = tmp_path / "hold"
    keys = ("CARTOON_TEST_STEP_S", "CARTOON_TEST_STEPS", "CARTOON_TEST_STEP_GATE", "CARTOON_TEST_EDIT_LOG")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({"CARTOON_TEST_STEP_S": "0.01", "CARTOON_TEST_STEPS": "2", "CARTOON_TEST_STEP_GATE": str(path),
                       "CARTOON_TEST_EDIT_LOG": str(tmp_path / "instructions.txt")})
    yield path
    path.unlink(missing_ok=True)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def serve(folder: Path, backend: str, **overrides: object) -> ThreadServer:
    return ThreadServer(create_app(service_settings(folder, **overrides), backend=backend, workers=1))


@pytest.fixture
def editing(tmp_path: Path, queue_mode: dict[str, object], gate: Path) -> Iterator[ThreadServer]:
    """The editing test backend (its edit turns the given picture upside down), on each store."""
    server = serve(tmp_path / "service", EDITING, service_max_queued_per_user=1, **queue_mode)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    server = serve(tmp_path_factory.mktemp("preview"), "preview")
    yield server
    server.stop()


def png(http, job_id: str, kind: str = "image") -> Image.Image:
    response = http.get(f"/v1/jobs/{job_id}/{kind}")
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def instructions() -> list[str]:
    """What the editing backend was told, one instruction an edit, oldest first."""
    return Path(os.environ["CARTOON_TEST_EDIT_LOG"]).read_text(encoding="utf-8").splitlines()


def finished(http, text: str, user: str, **extra) -> dict:
    return wait_state(http, submit(http, text, user=user, **extra), {"done", "failed"})


def user() -> str:
    return f"u-{uuid.uuid4().hex[:8]}"


def test_an_edit_is_a_new_job_from_the_parents_clean_picture(editing: ThreadServer) -> None:
    http = client(editing.url)
    alice, bob = user(), user()
    parent = finished(http, "Milo debugging at the desk", alice, seed=3, shirt="RTFM")
    assert parent["state"] == "done"
    before_image, before_clean = png(http, parent["id"]), png(http, parent["id"], "clean")

    accepted = http.post(f"/v1/jobs/{parent['id']}/edit", json={"text": "make it night", "user": bob})
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    assert body["parent"] == parent["id"]
    assert body["state"] == "queued"
    assert isinstance(body["position"], int)
    assert isinstance(body["eta_s"], int)
    assert body["id"] != parent["id"]

    edited = wait_state(http, body["id"], {"done", "failed"})
    assert edited["state"] == "done", edited["error"]
    assert edited["parent"] == parent["id"]
    assert edited["kind"] == "edit"
    assert edited["user"] == bob
    plan = edited["result"]["plan"]
    assert plan["seed"] == 3
    assert plan["slogan"] == "RTFM"
    assert plan["text"].endswith("make it night")
    # the backend got the parent's clean picture (it turns it upside down) and the instruction
    clean = png(http, edited["id"], "clean")
    assert np.array_equal(np.asarray(clean), np.asarray(ImageOps.flip(before_clean)))
    assert "make it night" in instructions()[-1]
    # the slogan is written again on the edited picture
    assert edited["result"]["compositor"]["method"] != "skipped"
    assert not np.array_equal(np.asarray(png(http, edited["id"])), np.asarray(clean))
    # the parent is untouched
    again = http.get(f"/v1/jobs/{parent['id']}").json()
    assert again["result"] == parent["result"]
    assert again["user"] == alice
    assert np.array_equal(np.asarray(png(http, parent["id"])), np.asarray(before_image))


def test_an_edit_that_replans_draws_the_updated_plan_on_preview(preview: ThreadServer) -> None:
    http = client(preview.url)
    parent = finished(http, "Milo debugging at the desk", user(), seed=5)
    job_id = http.post(f"/v1/jobs/{parent['id']}/edit", json={"text": "now at the rack, with James", "user": "x"})
    edited = wait_state(http, job_id.json()["id"], {"done", "failed"})
    assert edited["state"] == "done", edited["error"]
    plan = edited["result"]["plan"]
    assert plan["plate"] == "north"
    assert plan["characters"] == ["milo", "james"]
    assert not np.array_equal(np.asarray(png(http, edited["id"], "clean")), np.asarray(png(http, parent["id"], "clean")))


def test_a_variation_and_a_reroll(editing: ThreadServer) -> None:
    http = client(editing.url)
    parent = finished(http, "Milo and James at the rack", user(), seed=7)
    parent_plan = parent["result"]["plan"]

    varied = wait_state(http, http.post(f"/v1/jobs/{parent['id']}/vary", json={"user": "v", "seed": 8}).json()["id"],
                        {"done", "failed"})
    assert varied["kind"] == "vary"
    assert varied["parent"] == parent["id"]
    assert varied["result"]["plan"] == {**parent_plan, "seed": 8}
    assert "subtle variation" in instructions()[-1]
    assert np.array_equal(np.asarray(png(http, varied["id"], "clean")),
                          np.asarray(ImageOps.flip(png(http, parent["id"], "clean"))))

    rerolled = wait_state(http, http.post(f"/v1/jobs/{parent['id']}/reroll").json()["id"], {"done", "failed"})
    assert rerolled["kind"] == "reroll"
    assert rerolled["user"] == "anonymous"
    plan = rerolled["result"]["plan"]
    assert plan["seed"] != parent_plan["seed"]
    assert {**plan, "seed": 0} == {**parent_plan, "seed": 0}
    # drawn from scratch: not the parent's picture upside down
    assert not np.array_equal(np.asarray(png(http, rerolled["id"], "clean")),
                              np.asarray(ImageOps.flip(png(http, parent["id"], "clean"))))


def test_edits_queue_fairly_and_their_parent_must_be_done(editing: ThreadServer, gate: Path) -> None:
    http = client(editing.url)
    parent = finished(http, "Milo at the rack", user(), seed=1)
    gate.touch()  # "slow" scenes hold after their first step
    busy = user()
    held = submit(http, "Milo slow at the desk", user=busy)
    wait_for(lambda: http.get(f"/v1/jobs/{held}").json()["state"] == "running", 30, "the held scene to run")
    # a job not done yet is no parent
    not_done = http.post(f"/v1/jobs/{held}/edit", json={"text": "make it night", "user": busy})
    assert not_done.status_code == 409
    assert not_done.json()["field"] == "id"
    # edits wait in line like scenes: one waiting per user here, so the second is a 429
    first = http.post(f"/v1/jobs/{parent['id']}/edit", json={"text": "make it night", "user": busy})
    assert first.status_code == 202
    assert first.json()["position"] == 0
    second = http.post(f"/v1/jobs/{parent['id']}/vary", json={"user": busy})
    assert second.status_code == 429
    assert second.json()["limit"] == "queued_per_user"
    assert int(second.headers["Retry-After"]) >= 1
    gate.unlink()
    assert wait_state(http, first.json()["id"], {"done", "failed"})["state"] == "done"


def test_a_slogan_for_someone_else_is_their_own_copy(preview: ThreadServer) -> None:
    http = client(preview.url)
    alice, bob = user(), user()
    parent = finished(http, "Milo at the whiteboard", alice, shirt="RTFM")
    before = png(http, parent["id"])
    answer = http.post(f"/v1/jobs/{parent['id']}/shirt", json={"slogan": "PEBKAC", "user": bob})
    assert answer.status_code == 200, answer.text
    copy = answer.json()
    assert copy["id"] != parent["id"]
    assert copy["parent"] == parent["id"]
    assert copy["slogan"] == "PEBKAC"
    shown = http.get(f"/v1/jobs/{copy['id']}").json()
    assert shown["state"] == "done"
    assert shown["kind"] == "reslogan"
    assert shown["user"] == bob
    assert shown["result"]["plan"]["slogan"] == "PEBKAC"
    assert shown["result"]["image"] == f"/v1/jobs/{copy['id']}/image"
    assert np.array_equal(np.asarray(png(http, copy["id"], "clean")), np.asarray(png(http, parent["id"], "clean")))
    assert not np.array_equal(np.asarray(png(http, copy["id"])), np.asarray(before))
    untouched = http.get(f"/v1/jobs/{parent['id']}").json()
    assert untouched["result"]["plan"]["slogan"] == "RTFM"
    assert np.array_equal(np.asarray(png(http, parent["id"])), np.asarray(before))
    assert copy["id"] in [j["id"] for j in http.get("/v1/jobs", params={"user": bob}).json()["jobs"]]
    # the owner (or no user) changes the picture in place, as before
    mine = http.post(f"/v1/jobs/{parent['id']}/shirt", json={"slogan": "LGTM", "user": alice}).json()
    assert mine["id"] == parent["id"]
    assert mine["parent"] is None


@pytest.mark.parametrize(
    "body, field",
    [  # the body, the field the 422 names
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "\u200b\u202e"}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({}, "text"),
        ({"text": 5}, "text"),
        ({"text": ["make it night"]}, "text"),
        ({"text": "make it night", "seed": True}, "seed"),
        ({"text": "make it night", "seed": "7"}, "seed"),
        ({"text": "make it night", "seed": -1}, "seed"),
        ({"text": "make it night", "user": 12}, "user"),
        ({"text": "make it night", "user": False}, "user"),
        ({"text": "add me", "as": "nobody"}, "as"),
        ({"text": "make it night", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_edit_names_the_field(preview: ThreadServer, body: dict, field: str) -> None:
    http = client(preview.url)
    parent = finished(http, "Milo at the desk", user())
    response = http.post(f"/v1/jobs/{parent['id']}/edit", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert "\n" not in response.json()["error"]


@pytest.mark.parametrize("route", ["edit", "vary", "reroll"])
def test_an_unknown_or_expired_parent_is_404(preview: ThreadServer, route: str) -> None:
    http = client(preview.url)
    body = {"text": "make it night"} if route == "edit" else {}
    for job_id in ("0" * 32, "not-a-job"):
        response = http.post(f"/v1/jobs/{job_id}/{route}", json=body)
        assert response.status_code == 404
        assert response.json()["field"] == "id"


@pytest.mark.parametrize("body, field", [({"seed": True}, "seed"), ({"user": 3}, "user"), ({"seed": 2**32}, "seed"),
                                         ({"sneed": 1}, "sneed")])
def test_a_bad_variation_names_the_field(preview: ThreadServer, body: dict, field: str) -> None:
    http = client(preview.url)
    parent = finished(http, "Milo at the desk", user())
    for route in ("vary", "reroll"):
        response = http.post(f"/v1/jobs/{parent['id']}/{route}", json=body)
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
