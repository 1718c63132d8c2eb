"""The service with the kontext backend on the tiny random FluxKontextPipeline (tests/tiny.py):
a real diffusers render through the queue, its denoising steps arriving as SSE progress."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from core.paths import CHARACTERS_DIR
from render.service.app import create_app
from tests.service.helpers import ThreadServer, client, service_settings, wait_for
from tests.service.test_api import read_events

KONTEXT = "kontext"


@pytest.fixture(scope="module")
def kontext_server(tmp_path_factory: pytest.TempPathFactory):
    from tests.tiny import save_tiny_kontext, write_random_lora

    root = tmp_path_factory.mktemp("kontext-service")
    model = save_tiny_kontext(root / "model")
    characters = root / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for seed, cid in enumerate(["milo", "james"], start=1):
        write_random_lora(model, characters / cid / "lora" / f"{cid}.safetensors", seed=seed)
    settings = service_settings(
        root / "service",
        kontext_model=str(model),
        characters_dir=characters,
        style_lora=write_random_lora(model, root / "style.safetensors", seed=9),
        kontext_device="cpu",
        service_width=32,
        service_height=32,
        service_steps=2,
    )
    server = ThreadServer(create_app(settings, backend=KONTEXT, workers=1))
    yield server
    server.stop()


def test_tiny_kontext_render_through_the_queue(kontext_server: ThreadServer) -> None:
    http = client(kontext_server.url)
    # James alone: no slogan, since a 32 px picture has no room for one.
    accepted = http.post("/v1/scenes", json={"text": "James at the whiteboard", "seed": 4, "user": "k"})
    assert accepted.status_code == 202, accepted.text
    events = read_events(http, accepted.json()["id"])
    assert events[-1][0] == "done", events[-1][1]["error"]
    assert events[-1][1]["progress"] == {"step": 2, "total": 2}  # the diffusers step callback
    result = events[-1][1]["result"]
    assert result["backend"] == "kontext"
    assert result["plan"]["slogan"] is None
    picture = Image.open(io.BytesIO(http.get(result["image"]).content))
    assert picture.size == (32, 32)
    assert Image.open(io.BytesIO(http.get(result["clean_image"]).content)).size == (32, 32)
    assert http.get("/healthz").json()["loaded"] is True


def test_tiny_kontext_edit_through_the_queue(kontext_server: ThreadServer) -> None:
    """An edit in words of a finished picture, drawn by kontext in its render process."""
    http = client(kontext_server.url)
    scene = http.post("/v1/scenes", json={"text": "James at the whiteboard", "seed": 4, "user": "k"}).json()
    assert read_events(http, scene["id"])[-1][0] == "done"
    accepted = http.post(f"/v1/jobs/{scene['id']}/edit", json={"text": "now at the rack", "user": "k2"})
    assert accepted.status_code == 202, accepted.text
    events = read_events(http, accepted.json()["id"])
    assert events[-1][0] == "done", events[-1][1]["error"]
    edited = events[-1][1]
    assert edited["kind"] == "edit"
    assert edited["parent"] == scene["id"]
    assert edited["progress"] == {"step": 2, "total": 2}
    assert edited["result"]["backend"] == "kontext"
    assert edited["result"]["plan"]["plate"] == "north"
    assert Image.open(io.BytesIO(http.get(edited["result"]["image"]).content)).size == (32, 32)


def test_healthz_says_loaded_only_once_the_pipeline_is_ready(tmp_path: Path) -> None:
    # LoRAs not required: the subject is the model's load failing, not a missing LoRA file.
    settings = service_settings(tmp_path, kontext_model=str(tmp_path / "missing-model"), kontext_device="cpu",
                                kontext_require_loras=False)
    server = ThreadServer(create_app(settings, backend=KONTEXT, workers=1))
    try:
        http = client(server.url)
        # The backend loads in the slot's own process: its failure arrives a moment later.
        health = wait_for(lambda: (h := http.get("/healthz").json())["error"] and h, 60, "the load to fail")
        assert health["ok"] is False
        assert "missing-model" in health["error"]
        assert health["loaded"] is False
        assert health["workers"] == 0
        assert health["slots"][0]["state"] == "failed"
        job = http.post("/v1/scenes", json={"text": "Milo at the desk"}).json()
        assert job["state"] == "queued"  # accepted and kept until a worker can render it
    finally:
        server.stop()


def test_a_character_without_its_lora_is_refused_before_queueing_in_plain_words(tmp_path: Path) -> None:
    characters = tmp_path / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.safetensors"))
    settings = service_settings(tmp_path / "service", kontext_model=str(tmp_path / "missing-model"),
                                kontext_device="cpu", characters_dir=characters)
    server = ThreadServer(create_app(settings, backend=KONTEXT, workers=0))
    try:
        response = client(server.url).post("/v1/scenes", json={"text": "Milo at the desk"})
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert "LoRA" in error
        assert str(tmp_path) not in error
        assert "CARTOON_" not in error
    finally:
        server.stop()
