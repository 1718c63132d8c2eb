"""Kontext-specific training on the tiny random model: image-to-image (the default) and
text-to-image both lower the loss; the I2I step feeds the transformer the sequence the
pipeline feeds it at render time; the saved LoRA, narrow or `wide`, loads in diffusers and
every key of it maps in ComfyUI's FLUX LoRA key conversion."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from characters import train_data
from characters.sheet import load_sheet
from characters.train import TARGET_PRESETS, TrainOptions, train_character
from core.errors import InputError
from core.settings import Settings
from tests.characters.comfyui_keys import comfyui_maps, modules
from tests.characters.helpers import make_character, render

pytestmark = pytest.mark.usefixtures("one_thread")


def train(chars: Path, model: Path, args: argparse.Namespace | None = None, **options: Any) -> dict:
    settings = Settings(_env_file=None, characters_dir=chars, kontext_model=str(model))
    defaults = {"resolution": 64, "batch_size": 2, "sample_every": 0, "device": "cpu", "checkpoint_every": 100}
    opts = TrainOptions.from_settings(settings, args, **{**defaults, **options})
    return train_character(load_sheet(chars / "james" / "character.toml"), opts, settings)


def assert_loads_everywhere(model: Path, lora: Path) -> list[str]:
    from safetensors.torch import load_file

    keys = sorted(load_file(str(lora)))
    assert keys and [k for k in keys if not comfyui_maps(k)] == []  # ComfyUI drops none of it
    assert all(pair == {"A", "B"} for pair in modules(keys).values())
    assert np.abs(render(model, None) - render(model, lora)).max() > 1e-3  # diffusers applies it
    return keys


@pytest.mark.parametrize("mode", ["i2i", "t2i"])
def test_loss_falls_in_both_modes_and_the_lora_loads_in_diffusers_and_comfyui(tmp_path: Path, model: Path,
                                                                             mode: str) -> None:
    chars = make_character(tmp_path)
    result = train(chars, model, steps=30, lr=1e-2, mode=mode)
    assert result["mode"] == mode
    first, last = np.mean(result["losses"][:10]), np.mean(result["losses"][-10:])
    assert last < 0.95 * first, (first, last)
    keys = assert_loads_everywhere(model, Path(result["lora"]))
    assert {k.split(".")[-3] for k in keys} == {"to_q", "to_k", "to_v", "0"}  # the attention default


def test_wide_targets_reach_every_kind_of_projection(tmp_path: Path, model: Path) -> None:
    chars = make_character(tmp_path)
    result = train(chars, model, argparse.Namespace(targets="wide"), steps=2, lr=1e-2)
    keys = assert_loads_everywhere(model, Path(result["lora"]))
    found = modules(keys)
    for name in ("transformer_blocks.0.attn.add_q_proj", "transformer_blocks.0.attn.to_add_out",
                 "transformer_blocks.0.ff.net.0.proj", "single_transformer_blocks.0.proj_mlp",
                 "single_transformer_blocks.0.proj_out", "transformer_blocks.0.attn.to_q"):
        assert name in found, name
    narrow = train(make_character(tmp_path / "n"), model, steps=1)
    assert result["trainable_parameters"] > 2 * narrow["trainable_parameters"]
    assert TARGET_PRESETS["attention"] == Settings(_env_file=None).train_targets  # one default


def test_i2i_step_feeds_the_transformer_what_the_pipeline_feeds_it(model: Path) -> None:
    """Same sequence layout as a render: target tokens, then the condition's, whose position
    ids carry 1 on the first axis; the loss reads the target's tokens only."""
    from diffusers import FluxKontextPipeline

    from characters.train_step import Batch, FlowMatchingLoRA, LoraSettings

    pipe = FluxKontextPipeline.from_pretrained(model)
    pipe.set_progress_bar_config(disable=True)
    seen: list[dict[str, Any]] = []
    hook = pipe.transformer.register_forward_pre_hook(lambda m, a, kw: seen.append(kw) or None, with_kwargs=True)
    pipe(image=Image.new("RGB", (32, 32), "grey"), prompt="j4m3s man", height=32, width=32, max_area=32 * 32,
         _auto_resize=False, num_inference_steps=1)
    hook.remove()
    rendered = seen[0]

    trainer = FlowMatchingLoRA(pipe.transformer, LoraSettings.from_settings(Settings(_env_file=None)), device="cpu",
                               dtype=torch.float32, gradient_checkpointing=False)
    seen.clear()
    hook = pipe.transformer.register_forward_pre_hook(lambda m, a, kw: seen.append(kw) or None, with_kwargs=True)
    batch = Batch(torch.randn(1, 16, 4, 4), rendered["encoder_hidden_states"], rendered["pooled_projections"],
                  cond_latents=torch.randn(1, 16, 4, 4))
    loss = trainer.loss(batch, torch.Generator().manual_seed(0))
    hook.remove()
    trained = seen[0]
    assert trained["hidden_states"].shape == rendered["hidden_states"].shape == (1, 8, 64)
    torch.testing.assert_close(trained["img_ids"], rendered["img_ids"])
    assert trained["img_ids"][:4, 0].eq(0).all()
    assert trained["img_ids"][4:, 0].eq(1).all()
    without = trainer.loss(Batch(batch.latents, batch.prompt_embeds, batch.pooled), torch.Generator().manual_seed(0))
    assert not torch.isclose(loss, without)  # the condition reaches the prediction


def test_conditions_reference_own_file_and_a_character_without_one(tmp_path: Path, model: Path) -> None:
    chars = make_character(tmp_path)
    dataset = chars / "james" / "dataset"
    Image.new("RGB", (96, 64), "red").save(dataset / "im1.cond.png")
    reference = chars / "james" / "references" / "james.png"
    examples = train_data.with_conditions(train_data.load_examples(dataset, "james"), reference)
    assert [ex.image.name for ex in examples] == ["im0.png", "im1.png", "im2.png"]  # .cond.png is no example
    assert [ex.condition for ex in examples] == [reference, dataset / "im1.cond.png", reference]
    (chars / "james" / "references" / "james.png").unlink()
    with pytest.raises(InputError, match="james has no reference image to condition on; .* or train with --mode t2i"):
        train(chars, model, steps=1)
    assert train(chars, model, steps=1, mode="t2i")["mode"] == "t2i"
    with pytest.raises(InputError, match="--mode"):
        train(chars, model, steps=1, mode="x2y")
