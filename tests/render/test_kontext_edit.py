"""The kontext backend's edit of a finished picture (`edit_scene`), run for real on the tiny
random FluxKontextPipeline: the picture is the pipeline's input image, T5 reads the edit
instruction, and the LoRAs on are those of the edited scene's cast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from diffusers import FluxKontextPipeline
from PIL import Image

from agent.graph import Planner
from agent.state import ScenePlan, SceneRequest
from render.backends.base import RenderOptions
from render.backends.kontext import KontextBackend
from render.pipeline import ScenePipeline
from tests.render.kontext_kit import kit_settings, make_kit, one_thread, pixels, plate

SMALL = RenderOptions(width=32, height=32, steps=2)


@pytest.fixture(scope="module", autouse=True)
def single_thread() -> Iterator[None]:
    import torch

    threads = one_thread()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_kit(tmp_path_factory.mktemp("kontext-edit"))


@pytest.fixture(scope="module")
def backend(kit: dict[str, Path]) -> KontextBackend:
    return KontextBackend(kit_settings(kit))


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The keyword arguments of every call of the pipeline (then the real call)."""
    seen: list[dict[str, Any]] = []
    real = FluxKontextPipeline.__call__

    def spy(self: FluxKontextPipeline, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(FluxKontextPipeline, "__call__", spy)
    return seen


def desk(planner: Planner) -> ScenePlan:
    return planner.plan(SceneRequest(text="Milo debugging at the desk", seed=7, shirt="RTFM"))


def active(backend: KontextBackend) -> set[str]:
    assert backend.pipe is not None
    if backend.hotswap:
        return {a.name for a in backend.adapters.values() if a.on}
    return set(backend.pipe.get_active_adapters())


def test_the_picture_is_the_input_and_the_instruction_the_prompt(
    backend: KontextBackend, planner: Planner, calls: list[dict[str, Any]]
) -> None:
    edit = planner.edit(desk(planner), "make it night")
    picture = plate(40, 40)
    image = backend.edit_scene(picture, edit.plan, edit.instruction, seed=7, options=SMALL)
    assert image.size == (32, 32)
    call = calls[-1]
    assert call["prompt_2"] == edit.instruction  # T5: the whole instruction
    assert "make it night" in call["prompt_2"]
    assert "chest panel is completely blank" in call["prompt_2"]
    assert call["prompt"] == edit.plan.clip_prompt  # CLIP: the edited scene, short
    given = call["image"]
    expected = picture.convert("RGB").resize(given.size, Image.Resampling.LANCZOS)
    assert np.array_equal(pixels(given), pixels(expected))  # the finished picture, not a plate


def test_the_picture_changes_the_result(backend: KontextBackend, planner: Planner) -> None:
    edit = planner.edit(desk(planner), "make it night")
    red = Image.new("RGB", (32, 32), (220, 30, 30))
    blue = Image.new("RGB", (32, 32), (30, 30, 220))
    a = backend.edit_scene(red, edit.plan, edit.instruction, seed=7, options=SMALL)
    b = backend.edit_scene(blue, edit.plan, edit.instruction, seed=7, options=SMALL)
    assert np.abs(pixels(a) - pixels(b)).max() > 0


@pytest.mark.parametrize("hotswap", [False, True])
def test_the_loras_follow_the_new_cast(kit: dict[str, Path], planner: Planner, hotswap: bool) -> None:
    backend = KontextBackend(kit_settings(kit, kontext_hotswap=hotswap))
    picture = plate(32, 32)
    plan = desk(planner)
    backend.render(plan, seed=7, options=SMALL, input_image=picture)
    assert active(backend) == {"-milo-"}
    for words, cast in (("add James", {"-milo-", "-james-"}), ("without Milo", {"-james-"}), ("add Milo", {"-milo-", "-james-"})):
        edit = planner.edit(plan, words)
        backend.edit_scene(picture, edit.plan, edit.instruction, seed=7, options=SMALL)
        assert active(backend) == cast, words
        plan = edit.plan
    backend.close()


def test_the_pipeline_writes_the_slogan_again_after_the_edit(backend: KontextBackend, planner: Planner,
                                                            tmp_path: Path) -> None:
    edit = planner.edit(desk(planner), "add James")
    steps: list[tuple[int, int]] = []
    result = ScenePipeline(backend.settings, backend).edit(
        plate(64, 64), edit.plan, edit.instruction, options=RenderOptions(width=64, height=64, steps=2),
        out_dir=tmp_path, stem="edited", progress=lambda s, t: steps.append((s, t)))
    assert steps == [(1, 2), (2, 2)]
    assert result.plan.characters == ["milo", "james"]
    assert result.compositor is not None  # the slogan was tried on the new picture
    assert Path(result.clean_image).is_file()
    assert Path(result.image).is_file()
