"""The kontext backend inside the render pipeline, on the tiny random FluxKontextPipeline:
its input built by render.inputs (plate + stitched references), and its edit path
(cartoon plates) with the style LoRA only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core.paths import CHARACTERS_DIR
from core.settings import Settings
from render.backends.base import RenderOptions, get_backend
from render.pipeline import ScenePipeline
from tests.render.helpers import make_plan
from tests.tiny import build_tiny_kontext, write_random_lora

SMALL = RenderOptions(width=32, height=32, steps=2)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # toy tensors: threads only spin on the shared cores
    root = tmp_path_factory.mktemp("kontext-scene")
    characters = root / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "lora"))
    write_random_lora(None, characters / "james" / "lora" / "james.safetensors", seed=2)
    settings = Settings(_env_file=None, llm_url=None, characters_dir=characters,
                        style_lora=write_random_lora(None, root / "style.safetensors", seed=9),
                        kontext_device="cpu", data_dir=root / "data")
    backend = get_backend("kontext", settings)
    backend.attach(build_tiny_kontext())  # in memory: the loading path is tested in test_kontext.py
    yield backend
    backend.close()
    torch.set_num_threads(threads)


def test_pipeline_renders_through_kontext_with_the_stitched_input(backend, tmp_path: Path) -> None:
    plan = make_plan(["james"], "west", slogan=None, seed=5)
    steps: list[tuple[int, int]] = []
    pipeline = ScenePipeline(backend.settings, backend)
    result = pipeline.render(plan, options=SMALL, out_dir=tmp_path, stem="k",
                             progress=lambda s, t: steps.append((s, t)))
    assert result.backend == "kontext"
    assert steps == [(1, 2), (2, 2)]
    image = Image.open(result.image)
    assert image.size == (result.width, result.height)
    assert result.compositor is None
    again = pipeline.render(plan, options=SMALL, out_dir=tmp_path, stem="k2")
    diff = np.abs(np.asarray(image, dtype=np.int16) - np.asarray(Image.open(again.image), dtype=np.int16))
    assert diff.max() <= 3  # same seed, same picture (up to float rounding between calls)


def test_edit_cartoonifies_a_photo_and_the_photo_matters(backend) -> None:
    red = Image.new("RGB", (48, 32), (220, 30, 30))
    blue = Image.new("RGB", (48, 32), (30, 30, 220))
    a = np.asarray(backend.edit(red, "a flat cartoon of the desk wall", seed=1, options=SMALL), dtype=np.int16)
    b = np.asarray(backend.edit(blue, "a flat cartoon of the desk wall", seed=1, options=SMALL), dtype=np.int16)
    assert a.shape == b.shape
    assert np.abs(a - b).max() > 0


def test_cartoon_scene_asks_the_backend_before_rendering(tmp_path: Path, monkeypatch, capsys) -> None:
    """`cartoon scene --backend kontext` with James's LoRA missing: the backend's check_inputs
    refuses the request in one line before anything renders (or loads minutes of weights)."""
    import cartoon
    from core.settings import get_settings
    from render.backends.kontext import KontextBackend

    characters = tmp_path / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "lora"))
    rendered: list[str] = []
    monkeypatch.setattr(KontextBackend, "render", lambda self, plan, **kw: rendered.append("render"))
    for key, value in {"CARTOON_CHARACTERS_DIR": str(characters), "CARTOON_KONTEXT_DEVICE": "cpu",
                       "CARTOON_LLM_URL": "", "CARTOON_OUTPUT_DIR": str(tmp_path / "out")}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        code = cartoon.main(["scene", "James at the whiteboard", "--backend", "kontext", "-o", str(tmp_path / "j.png")])
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    assert code == 1
    assert rendered == []
    assert "james's LoRA file not found" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "j.png").exists()
