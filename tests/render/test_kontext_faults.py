"""The GPU-path faults issue 14's review found in the kontext backend, each shown on the tiny
random FluxKontextPipeline on the CPU: the references are independent pipelines set up with
plain diffusers calls, and compiling uses dynamo's own frame counter as the backend (the same
tracing and guards as inductor, without the code generation)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from agent.state import ScenePlan
from core.errors import FaultError, InputError
from render.backends.base import RenderOptions
from render.backends.kontext import KontextBackend, adapter_name, input_size
from tests.render.kontext_kit import (
    add_character,
    kit_settings,
    make_kit,
    one_thread,
    pixels,
    plate,
)
from tests.tiny import write_random_lora

SMALL = RenderOptions(width=32, height=32, steps=2)
# Strong LoRAs: a sheet weight of 0.9 instead of 1.0 moves the tiny model's pixels by far more
# than rounding, so "kept the weight" and "lost it" cannot look alike.
STRONG = 40.0


@pytest.fixture(scope="module", autouse=True)
def _one_thread() -> Iterator[None]:
    threads = one_thread()
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_kit(tmp_path_factory.mktemp("faults"), strength=STRONG)


def plan(*characters: str) -> ScenePlan:
    return ScenePlan(characters=list(characters), plate="east", prompt="m1l0 raccoon at the desk, flat cartoon style",
                     clip_prompt="m1l0 raccoon at the desk", source="rules")


def reference(kit: dict[str, Path], loras: list[tuple[Path, float]], seed: int, image: Image.Image) -> np.ndarray:
    """What diffusers alone draws with these LoRAs active at these weights (unfused), with the
    backend's sizes: 32×32 out, the input at the Kontext size of its aspect."""
    from diffusers import FluxKontextPipeline

    pipe = FluxKontextPipeline.from_pretrained(kit["model"])
    pipe.set_progress_bar_config(disable=True)
    for i, (path, _) in enumerate(loras):
        pipe.load_lora_weights(str(path), adapter_name=f"a{i}")
    if loras:
        pipe.set_adapters([f"a{i}" for i in range(len(loras))], [w for _, w in loras])
    p = plan("milo")
    out = pipe(image=image.resize(input_size(image.width, image.height, 32 * 32), Image.Resampling.LANCZOS),
               prompt=p.clip_prompt,
               prompt_2=p.prompt, height=32, width=32, max_area=32 * 32, _auto_resize=False, num_inference_steps=2,
               guidance_scale=2.5, generator=torch.Generator().manual_seed(seed))
    return pixels(out.images[0])


def assert_same(got: np.ndarray, expected: np.ndarray) -> None:
    """The same picture up to float rounding, which strong LoRAs amplify to a level or two
    (a wrong weight moves pixels by 8 or more here)."""
    assert np.abs(got - expected).max() <= 2
    assert np.abs(got - expected).mean() < 0.5


def lora(kit: dict[str, Path], cid: str) -> Path:
    return kit["characters"] / cid / "lora" / f"{cid}.safetensors"


def test_check_inputs_refuses_before_anything_loads(kit: dict[str, Path]) -> None:
    backend = KontextBackend(kit_settings(kit))
    for options, message in [
        (RenderOptions(steps=0), "steps=0: pass a number of steps from 1 to 200"),
        (RenderOptions(guidance=31), "guidance=31: pass a guidance from 0 to 30"),
        (RenderOptions(width=4096, height=1024), "size 4096x1024: pass a width and height from 16 to 2048"),
    ]:
        with pytest.raises(InputError, match=message):
            backend.check_inputs(plan("milo"), options)
    with pytest.raises(InputError, match="unknown character 'nemo'; use one of: "):
        backend.check_inputs(plan("milo", "nemo"), SMALL)
    no_james = kit["root"] / "characters-no-james-lora"
    import shutil

    shutil.copytree(kit["characters"], no_james)
    (no_james / "james" / "lora" / "james.safetensors").unlink()
    strict = KontextBackend(kit_settings(kit, characters_dir=no_james))
    with pytest.raises(FaultError, match=r"james\.safetensors: james's LoRA file not found.*REQUIRE_LORAS=false"):
        strict.check_inputs(plan("james"), SMALL)
    KontextBackend(kit_settings(kit, characters_dir=no_james, kontext_require_loras=False)).check_inputs(plan("james"), SMALL)
    backend.check_inputs(plan("milo", "james"), SMALL)  # a good request passes
    assert not backend.loaded and not strict.loaded  # nothing was loaded to find all that out


def test_style_lora_is_fused_once_at_load(kit: dict[str, Path]) -> None:
    settings = kit_settings(kit, style_lora_weight=0.7)
    backend = KontextBackend(settings)
    got = pixels(backend.render(plan("milo"), seed=3, options=SMALL, input_image=plate()))
    transformer = backend.pipe.transformer
    # No style adapter runs per step: only the characters' adapters are left.
    assert set(getattr(transformer, "peft_config", {})) == {adapter_name("milo"), adapter_name("james")}
    assert not any("style" in name for name, _ in transformer.named_modules())
    expected = reference(kit, [(kit["style"], 0.7), (lora(kit, "milo"), 0.9)], 3, plate())
    assert_same(got, expected)
    full = reference(kit, [(kit["style"], 1.0), (lora(kit, "milo"), 0.9)], 3, plate())
    assert np.abs(full - expected).max() > 8  # the style weight shows, so the comparison can fail


def test_hotswap_keeps_each_characters_sheet_weight(kit: dict[str, Path]) -> None:
    swapping = KontextBackend(kit_settings(kit, kontext_hotswap=True, style_lora=None))
    milo_only = reference(kit, [(lora(kit, "milo"), 0.9)], 5, plate())  # milo's sheet weight
    at_full_weight = reference(kit, [(lora(kit, "milo"), 1.0)], 5, plate())
    assert np.abs(milo_only - at_full_weight).max() > 8  # 0.9 and 1.0 are far apart here
    renders = {name: [] for name in ("milo", "james")}
    for name in ("milo", "james", "milo", "james", "milo"):
        renders[name].append(pixels(swapping.render(plan(name), seed=5, options=SMALL, input_image=plate())))
    for got in renders["milo"]:
        assert_same(got, milo_only)
    james_only = reference(kit, [(lora(kit, "james"), 1.0)], 5, plate())
    for got in renders["james"]:
        assert_same(got, james_only)


# Run in a fresh interpreter: torch.compile leaves process-wide state behind (dynamo's caches,
# autograd's fork handlers) that would change what later tests in this process see (a forked
# training child in tests/characters cannot run backward after it).
COMPILED_RUN = """
import json, sys
import torch
from torch._dynamo.testing import CompileCounter
from agent.state import ScenePlan
from render.backends.base import RenderOptions
from render.backends.kontext import KontextBackend
from tests.render.kontext_kit import kit_settings, plate

torch.set_num_threads(1)
kit = {k: __import__("pathlib").Path(v) for k, v in json.loads(sys.argv[1]).items()}
small = RenderOptions(width=32, height=32, steps=2)
def plan(*characters):
    return ScenePlan(characters=list(characters), plate="east", prompt="m1l0 raccoon at the desk", source="rules")
counter = CompileCounter()
backend = KontextBackend(kit_settings(kit, kontext_compile=True), compile_backend=counter)
counts = []
backend.render(plan("milo"), seed=1, options=small, input_image=plate(48, 32))
counts.append(counter.frame_count)
for characters, image in [(("james",), plate(48, 32)), (("milo",), plate(48, 32)), (("milo", "james"), plate(80, 32))]:
    backend.render(plan(*characters), seed=1, options=small, input_image=image)
    counts.append(counter.frame_count)
backend.edit(plate(32, 48), "make it a flat cartoon", seed=1, options=small)
counts.append(counter.frame_count)
print(json.dumps(counts))
"""


def test_compiled_hotswap_compiles_one_graph_for_every_cast(kit: dict[str, Path]) -> None:
    """Milo → James → Milo → both → a photo edit: dynamo's frame count stays at the first
    render's (the LoRA scalings never change, and every cast has the input's shape)."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", COMPILED_RUN, json.dumps({k: str(v) for k, v in kit.items()})],
                          cwd=root, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "HOME": str(kit["root"])},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    first, *after = json.loads(done.stdout.splitlines()[-1])
    assert first >= 1  # it really compiled
    assert after == [first] * 4


def test_fp8_and_a_lora_that_appears_after_start_up(kit: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    characters = tmp_path / "characters"
    shutil.copytree(kit["characters"], characters)
    (characters / "james" / "lora" / "james.safetensors").unlink()
    backend = KontextBackend(kit_settings(kit, characters_dir=characters, kontext_fp8=True))
    milo = pixels(backend.render(plan("milo"), seed=2, options=SMALL, input_image=plate()))
    assert torch.float8_e4m3fn in {p.dtype for p in backend.pipe.transformer.parameters()}
    without = pixels(KontextBackend(kit_settings(kit, characters_dir=characters, kontext_fp8=True,
                                                 kontext_require_loras=False))
                     .render(plan("james"), seed=2, options=SMALL, input_image=plate()))
    # James's LoRA is trained while the service runs: the next request loads and draws it.
    shutil.copy(lora(kit, "james"), characters / "james" / "lora" / "james.safetensors")
    james = pixels(backend.render(plan("james"), seed=2, options=SMALL, input_image=plate()))
    assert np.abs(james - without).mean() > 0.5
    assert np.array_equal(pixels(backend.render(plan("milo"), seed=2, options=SMALL, input_image=plate())), milo)


def test_out_of_memory_is_freed_after_the_except(kit: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The activations live in the traceback's frames: freeing inside `except` frees nothing."""
    backend = KontextBackend(kit_settings(kit))
    latents: list[weakref.ref[torch.Tensor]] = []
    alive_when_freed: list[bool] = []

    def oom(_pipe: Any, step: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        latents.append(weakref.ref(kwargs["latents"]))
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    def free() -> None:
        gc.collect()
        alive_when_freed.append(latents[0]() is not None)

    backend.load()
    real_call = type(backend.pipe).__call__
    monkeypatch.setattr(type(backend.pipe), "__call__", lambda self, **kw: real_call(self, **{**kw, "callback_on_step_end": oom}))
    monkeypatch.setattr(backend, "_free_cuda", free)
    with pytest.raises(FaultError, match="CUDA out of memory rendering 32x32; memory freed") as err:
        backend.render(plan("milo"), seed=1, options=SMALL, input_image=plate())
    assert alive_when_freed == [False]
    assert err.value.__context__ is None  # no traceback (and its frames) rides along
    monkeypatch.undo()
    assert backend.render(plan("milo"), seed=1, options=SMALL, input_image=plate()).size == (32, 32)


def test_one_id_inside_another_does_not_touch_its_lora(kit: dict[str, Path], tmp_path: Path) -> None:
    """peft's hot-swap finds an adapter's weights by substring: swapping `milo` out must not
    zero `milo_2`'s LoRA."""
    import shutil

    characters = tmp_path / "characters"
    shutil.copytree(kit["characters"], characters)
    twin = add_character(characters, "milo", "milo_2", "m1l0 twin")
    write_random_lora(kit["model"], twin / "lora" / "milo_2.safetensors", seed=7, strength=STRONG)
    swapping = KontextBackend(kit_settings(kit, characters_dir=characters, kontext_hotswap=True, style_lora=None))
    swapping.render(plan("milo"), seed=4, options=SMALL, input_image=plate())
    got = pixels(swapping.render(plan("milo_2"), seed=4, options=SMALL, input_image=plate()))
    expected = reference(kit, [(twin / "lora" / "milo_2.safetensors", 0.9)], 4, plate())
    assert_same(got, expected)
