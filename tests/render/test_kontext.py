"""The kontext backend, run for real on the tiny random FluxKontextPipeline (tests/tiny.py)
loaded from a saved folder, with character and style LoRAs written and loaded through the
same diffusers/peft calls as real ones."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from agent.graph import Planner
from agent.state import ScenePlan, SceneRequest
from core.errors import FaultError, InputError
from render.backends.base import RenderOptions, get_backend
from render.backends.kontext import KontextBackend, input_size, kontext_size
from tests.render.kontext_kit import kit_settings, make_kit
from tests.tiny import write_random_lora

SMALL = RenderOptions(width=32, height=32, steps=2)


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """Toy-sized tensors gain nothing from threads, and on a shared machine the spinning
    OpenMP workers make the tests several times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A saved tiny model, a copy of the character sheets with a random LoRA each, a style LoRA."""
    return make_kit(tmp_path_factory.mktemp("kontext"))


make_settings = kit_settings


@pytest.fixture(scope="module")
def backend(kit: dict[str, Path]) -> KontextBackend:
    b = get_backend("kontext", make_settings(kit))
    assert isinstance(b, KontextBackend)
    return b


@pytest.fixture(scope="module")
def plans(planner: Planner) -> dict[str, ScenePlan]:
    milo = planner.plan(SceneRequest(text="Milo debugging at 2 AM", seed=7))
    assert milo.characters == ["milo"]
    # The same prompt with James instead: only the active LoRA differs.
    return {"milo": milo, "james": milo.model_copy(update={"characters": ["james"]})}


def plate(width: int = 48, height: int = 32) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def test_renders_on_tiny_pipeline_with_progress(
    backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    steps: list[tuple[int, int]] = []
    image = backend.render(
        plans["milo"],
        seed=1,
        options=SMALL,
        progress=lambda s, t: steps.append((s, t)),
        input_image=plate(),
    )
    assert image.size == (32, 32)
    assert image.mode == "RGB"
    assert pixels(image).std() > 1  # a picture, not a flat fill
    assert steps == [(1, 2), (2, 2)]
    assert backend.loaded
    assert set(backend.adapters) == {"milo", "james"}
    assert backend.style_fused  # the style LoRA is in the weights, not an adapter


def test_switching_characters_changes_output_and_seed_reproduces(
    backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    render = lambda name, seed=3: pixels(  # noqa: E731
        backend.render(plans[name], seed=seed, options=SMALL, input_image=plate())
    )
    milo, james, milo_again = render("milo"), render("james"), render("milo")
    assert np.abs(milo - james).mean() > 0.5  # the active LoRA changed the picture
    assert np.array_equal(milo, milo_again)  # switching back restores Milo exactly
    assert not np.array_equal(milo, render("milo", seed=4))


def test_clip_reads_the_short_prompt_and_t5_the_full_one(
    backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    render = lambda plan: pixels(  # noqa: E731
        backend.render(plan, seed=3, options=SMALL, input_image=plate())
    )
    milo = plans["milo"]
    assert milo.clip_prompt
    assert milo.clip_prompt != milo.prompt
    short = render(milo)
    other_clip = render(milo.model_copy(update={"clip_prompt": "flat cartoon style. An empty lab."}))
    no_clip = render(milo.model_copy(update={"clip_prompt": None}))  # CLIP falls back to the full prompt
    assert np.abs(short - other_clip).mean() > 0.1
    assert np.abs(short - no_clip).mean() > 0.1


def test_hotswap_matches_set_adapters(
    kit: dict[str, Path], backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    swapping = KontextBackend(make_settings(kit, kontext_hotswap=True))
    for name in ("milo", "james", "milo"):
        expected = backend.render(plans[name], seed=5, options=SMALL, input_image=plate())
        got = swapping.render(plans[name], seed=5, options=SMALL, input_image=plate())
        assert np.abs(pixels(expected) - pixels(got)).max() <= 2, name
    assert swapping.adapters["james"].on is False


def test_missing_character_lora_is_one_line_fault(
    kit: dict[str, Path], plans: dict[str, ScenePlan]
) -> None:
    characters = kit["root"] / "characters-no-james"
    shutil.copytree(kit["characters"], characters)
    (characters / "james" / "lora" / "james.safetensors").unlink()
    b = KontextBackend(make_settings(kit, characters_dir=characters, style_lora=None))
    assert b.render(plans["milo"], seed=1, options=SMALL, input_image=plate()).size == (32, 32)
    with pytest.raises(FaultError, match=r"james\.safetensors: james's LoRA file not found") as err:
        b.render(plans["james"], seed=1, options=SMALL, input_image=plate())
    assert "\n" not in str(err.value)
    # Trained while the pipeline is up: the next request loads it, once.
    write_random_lora(kit["model"], characters / "james" / "lora" / "james.safetensors", seed=2)
    assert b.render(plans["james"], seed=1, options=SMALL, input_image=plate()).size == (32, 32)
    assert set(b.adapters) == {"milo", "james"}
    lenient = KontextBackend(
        make_settings(kit, characters_dir=characters, kontext_require_loras=False)
    )
    (characters / "james" / "lora" / "james.safetensors").unlink()
    assert lenient.render(plans["james"], seed=1, options=SMALL, input_image=plate()).size == (
        32,
        32,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"kontext_model": "/nonexistent/kontext"},
            "model folder not found; set CARTOON_KONTEXT_MODEL",
        ),
        (
            {"kontext_model": "./models/missing"},
            "model folder not found; set CARTOON_KONTEXT_MODEL",
        ),
        (
            {"style_lora": Path("/nonexistent/style.safetensors")},
            "style .CARTOON_STYLE_LORA. LoRA file not found",
        ),
    ],
)
def test_missing_files_are_one_line_faults(
    kit: dict[str, Path], plans: dict[str, ScenePlan], overrides: dict[str, object], message: str
) -> None:
    b = KontextBackend(make_settings(kit, **overrides))
    with pytest.raises(FaultError, match=message) as err:
        b.render(plans["milo"], seed=1, options=SMALL, input_image=plate())
    assert "\n" not in str(err.value)
    assert not b.loaded


def test_bad_model_folder_and_bad_lora_file(
    kit: dict[str, Path], plans: dict[str, ScenePlan]
) -> None:
    with pytest.raises(FaultError, match="no model_index.json"):
        KontextBackend(make_settings(kit, kontext_model=str(kit["characters"]))).load()
    junk = kit["root"] / "junk.safetensors"
    junk.write_bytes(b"not a safetensors file")
    with pytest.raises(FaultError, match="not a readable .safetensors LoRA"):
        KontextBackend(make_settings(kit, style_lora=junk)).load()


def test_bad_options_name_the_argument(
    backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    for options, name in [
        (RenderOptions(width=32, height=32, steps=0), "steps=0"),
        (RenderOptions(width=32, height=32, guidance=-1), "guidance=-1"),
        (RenderOptions(width=8, height=32), "size 8x32"),
    ]:
        with pytest.raises(InputError, match=name):
            backend.render(plans["milo"], seed=1, options=options, input_image=plate())


def test_out_of_memory_frees_and_next_request_runs(
    backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    def oom(step: int, total: int) -> None:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    with pytest.raises(FaultError, match="CUDA out of memory rendering 32x32; memory freed"):
        backend.render(plans["milo"], seed=1, options=SMALL, progress=oom, input_image=plate())
    assert backend.render(plans["milo"], seed=1, options=SMALL, input_image=plate()).size == (
        32,
        32,
    )


def test_sizes_snap_to_kontext_resolutions() -> None:
    assert kontext_size(1024, 1024) == (1024, 1024)
    assert kontext_size(1392, 752) == (1392, 752)  # a Kontext training resolution stays
    assert kontext_size(1000, 700) == (1024, 672)
    assert kontext_size(32, 32) == (32, 32)
    assert input_size(1536, 1024, 1024 * 1024) == (
        1248,
        832,
    )  # what the pipeline's auto-resize picks
    assert input_size(1536, 1024, 32 * 32) == (32, 16)


def test_fp8_storage_renders_close_to_full_precision(
    kit: dict[str, Path], backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    small = KontextBackend(make_settings(kit, kontext_fp8=True))
    got = small.render(plans["milo"], seed=2, options=SMALL, input_image=plate())
    dtypes = {p.dtype for p in small.pipe.transformer.parameters()}
    assert torch.float8_e4m3fn in dtypes  # the weights really are stored in float8
    expected = backend.render(plans["milo"], seed=2, options=SMALL, input_image=plate())
    assert 0 < np.abs(pixels(expected) - pixels(got)).mean() < 8


def test_attention_backend_setting(
    kit: dict[str, Path], backend: KontextBackend, plans: dict[str, ScenePlan]
) -> None:
    math = KontextBackend(make_settings(kit, kontext_attention="_native_math"))
    got = math.render(plans["milo"], seed=6, options=SMALL, input_image=plate())
    expected = backend.render(plans["milo"], seed=6, options=SMALL, input_image=plate())
    assert np.abs(pixels(expected) - pixels(got)).max() <= 2  # the same maths, another kernel
    with pytest.raises(FaultError, match="CARTOON_KONTEXT_ATTENTION=nope: .*must be one of"):
        KontextBackend(make_settings(kit, kontext_attention="nope")).load()
