"""`cartoon train` for real on the tiny random FLUX Kontext model (tests/tiny.py): the loss
goes down, resume continues exactly, a killed run resumes from its checkpoint, and the saved
LoRA loads into the tiny pipeline and changes what it draws."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from characters.sheet import load_sheet
from core.errors import FaultError, InputError
from core.settings import Settings
from tests.characters.helpers import make_character, render, run

pytestmark = pytest.mark.usefixtures("one_thread")


def test_loss_goes_down_samples_and_lora_changes_the_pipeline(tmp_path: Path, model: Path, planner) -> None:
    chars = make_character(tmp_path)
    sheet = chars / "james" / "character.toml"
    sheet.write_text(sheet.read_text().replace('file = "lora/james.safetensors"', 'file = "old/place.safetensors"'))
    before = sheet.read_text()
    result = run(chars, model, steps=40, lr=1e-2, checkpoint_every=20, sample_every=20, sample_size=32, sample_steps=2)
    assert len(result["losses"]) == 40
    first, last = np.mean(result["losses"][:10]), np.mean(result["losses"][-10:])
    assert last < 0.95 * first, (first, last)

    lora = Path(result["lora"])
    assert lora == chars / "james" / "lora" / "james.safetensors"
    assert lora.is_file()
    assert sheet.read_text() == before.replace("old/place.safetensors", "lora/james.safetensors")
    assert load_sheet(sheet).lora_path == lora
    from safetensors.torch import load_file

    keys = list(load_file(str(lora)))
    assert keys
    assert all(k.startswith("transformer.") and (".lora_A." in k or ".lora_B." in k) for k in keys)
    assert {k.split(".")[-3] for k in keys} >= {"to_q", "to_k", "to_v"}

    # samples at steps 0, 20, 40 for both prompts, and a 3-frame progress GIF
    assert len(result["samples"]) == 6
    with Image.open(result["gif"]) as gif:
        assert gif.n_frames == 3
    assert sorted(p.name for p in (chars / "james" / "checkpoints").glob("step-*")) == ["step-000020", "step-000040"]

    plain, with_lora = render(model, None), render(model, lora)
    assert np.abs(plain - with_lora).max() > 1e-3

    # alpha/rank (16/32) is folded into the file, so a loader that assumes alpha = rank
    # (diffusers without metadata, ComfyUI without alpha keys) applies the trained delta.
    from diffusers import FluxKontextPipeline

    pipe = FluxKontextPipeline.from_pretrained(model)
    name = "transformer_blocks.0.attn.to_q"
    original = pipe.transformer.get_submodule(name).weight.detach().clone()
    pipe.load_lora_weights(lora)
    pipe.fuse_lora()
    fused = pipe.transformer.get_submodule(name).base_layer.weight.detach()
    trained = load_file(str(chars / "james" / "checkpoints" / "step-000040" / "lora.safetensors"))
    delta = 0.5 * trained[f"{name}.lora_B.weight"] @ trained[f"{name}.lora_A.weight"]
    assert delta.abs().max() > 1e-4  # trained, not the zero init
    torch.testing.assert_close(fused - original, delta, atol=2e-3, rtol=2e-2)

    # The kontext backend finds the LoRA through the updated sheet and draws James with it.
    from agent.state import SceneRequest
    from render.backends.base import RenderOptions
    from render.backends.kontext import KontextBackend

    plan = planner.plan(SceneRequest(text="James at the whiteboard", seed=1))
    assert plan.characters == ["james"]
    backend = KontextBackend(Settings(_env_file=None, llm_url=None, kontext_model=str(model), characters_dir=chars, kontext_device="cpu"))
    image = backend.render(plan, seed=1, options=RenderOptions(width=32, height=32, steps=2), input_image=Image.new("RGB", (32, 32), "grey"))
    assert image.size == (32, 32)
    assert "james" in backend.adapters
    backend.close()


def test_resume_continues_from_the_saved_step_exactly(tmp_path: Path, model: Path) -> None:
    straight = run(make_character(tmp_path / "a"), model, steps=6, lr=1e-2)
    chars = make_character(tmp_path / "b")
    first = run(chars, model, steps=4, lr=1e-2)
    assert first["step"] == 4
    with pytest.raises(InputError, match="pass --resume"):
        run(chars, model, steps=6, lr=1e-2)
    resumed = run(chars, model, steps=6, lr=1e-2, resume=True)
    assert (resumed["start_step"], resumed["steps_run"], resumed["step"]) == (4, 2, 6)
    np.testing.assert_allclose(resumed["losses"], straight["losses"], rtol=1e-4)
    with pytest.raises(InputError, match="trained with"):
        run(chars, model, steps=8, lr=1e-2, resume=True, rank=8)


def test_bad_input_is_one_clear_line(tmp_path: Path, model: Path) -> None:
    chars = make_character(tmp_path)
    (chars / "james" / "dataset" / "im1.txt").unlink()
    with pytest.raises(InputError, match="1 of 3 images have no caption .first: im1.png.; run cartoon caption"):
        run(chars, model, steps=2)
    (chars / "james" / "dataset" / "im1.txt").write_text("j4m3s man")
    with pytest.raises(FaultError, match="CARTOON_KONTEXT_MODEL"):
        run(chars, tmp_path / "no-model", steps=2)
    shutil.rmtree(chars / "james" / "dataset")
    with pytest.raises(InputError, match="no training images; run cartoon prep"):
        run(chars, model, steps=2)
    with pytest.raises(InputError, match="--resolution"):
        run(chars, model, steps=2, resolution=50)


def _train_forever(chars: Path, model: Path) -> None:
    run(chars, model, steps=100_000, checkpoint_every=3)


def test_killed_run_resumes_from_its_last_checkpoint_via_cli(
    tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SIGKILL a training mid-run (a forked child, so torch is not imported twice on two
    shared cores), then finish it with `cartoon train --resume --json` (the CLI's main, in
    this process: a fresh interpreter would spend ~15 s importing diffusers)."""
    import multiprocessing

    import cartoon
    from core.settings import get_settings

    chars = make_character(tmp_path)
    child = multiprocessing.get_context("fork").Process(target=_train_forever, args=(chars, model))
    child.start()
    ckpts = chars / "james" / "checkpoints"
    deadline = time.monotonic() + 60
    while not (ckpts / "step-000006").is_dir() and time.monotonic() < deadline and child.is_alive():
        time.sleep(0.05)
    assert child.is_alive(), "training stopped on its own"
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    saved = max(int(p.name.split("-")[1]) for p in ckpts.glob("step-*"))
    assert saved >= 6

    for key, value in {"CARTOON_CHARACTERS_DIR": str(chars), "CARTOON_KONTEXT_MODEL": str(model),
                       "CARTOON_TRAIN_RESOLUTION": "64", "CARTOON_TRAIN_SAMPLE_EVERY": "0"}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    target = saved + 2
    try:
        code = cartoon.main(["train", "--character", "james", "--device", "cpu", "--batch-size", "2",
                             "--checkpoint-every", "3", "--steps", str(target), "--resume", "--json"])
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1  # exactly one JSON object on stdout
    result = json.loads(lines[0])
    assert (result["start_step"], result["step"]) == (saved, target)
    assert len(result["losses"]) == target
    assert "train james" in err and "loss=" in err  # the progress bar is on stderr


def test_out_of_memory_is_one_line_that_says_resume(tmp_path: Path, model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No GPU here to run out of: the real step runs until step 3, then raises the error
    CUDA would."""
    from characters.train_step import FlowMatchingLoRA

    real_step = FlowMatchingLoRA.step

    def step(self, batch, generator):
        if len(self.optimizer.state) and self.optimizer.state[self.params[0]]["step"] >= 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real_step(self, batch, generator)

    monkeypatch.setattr(FlowMatchingLoRA, "step", step)
    chars = make_character(tmp_path)
    with pytest.raises(FaultError) as info:
        run(chars, model, steps=10, checkpoint_every=2)
    message = str(info.value)
    assert "\n" not in message
    assert "out of GPU memory at step 3" in message
    assert "--resume" in message
    assert "step-000002" in message


def test_gradient_checkpointing_keeps_lora_gradients() -> None:
    """The CUDA path turns checkpointing on; the frozen base must still pass gradients to the
    LoRA (a reentrant checkpoint would silently train nothing)."""
    from diffusers import FluxTransformer2DModel

    from characters.train_step import Batch, FlowMatchingLoRA, LoraSettings
    from tests.tiny import TRANSFORMER_CONFIG

    batch = Batch(torch.randn(2, 16, 8, 8), torch.randn(2, 7, 32), torch.randn(2, 32))
    grads = []
    for checkpointing in (False, True):
        torch.manual_seed(0)
        trainer = FlowMatchingLoRA(FluxTransformer2DModel(**TRANSFORMER_CONFIG), LoraSettings.from_settings(Settings(_env_file=None)), device="cpu", dtype=torch.float32,
                                   gradient_checkpointing=checkpointing)
        trainer.loss(batch, torch.Generator().manual_seed(1)).backward()
        grads.append(torch.cat([p.grad.flatten() for p in trainer.params]))
    assert grads[1].abs().sum() > 0
    torch.testing.assert_close(grads[0], grads[1])


def test_only_the_newest_checkpoints_are_kept(tmp_path: Path, model: Path) -> None:
    chars = make_character(tmp_path)
    run(chars, model, steps=3, checkpoint_every=1, keep_checkpoints=1, sample_every=0)
    assert sorted(p.name for p in (chars / "james" / "checkpoints").glob("step-*")) == ["step-000003"]


def test_keeping_no_checkpoint_is_refused(tmp_path: Path, model: Path) -> None:
    chars = make_character(tmp_path)
    with pytest.raises(InputError, match="--keep-checkpoints: invalid value; give at least 1"):
        run(chars, model, steps=3, keep_checkpoints=0)
