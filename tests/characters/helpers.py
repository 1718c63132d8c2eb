"""Helpers of the training tests: a character with a small captioned dataset, a training run
with small defaults, and a render through the tiny pipeline with or without a LoRA."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from characters.sheet import load_sheet
from characters.train import TrainOptions, train_character
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def make_character(root: Path, n: int = 3) -> Path:
    """characters/james with a sheet and reference copy and `n` captioned 64×64 images; returns
    the characters dir."""
    folder = root / "characters" / "james"
    (folder / "dataset").mkdir(parents=True)
    shutil.copy(ROOT / "characters" / "james" / "character.toml", folder / "character.toml")
    shutil.copytree(ROOT / "characters" / "james" / "references", folder / "references")
    rng = np.random.default_rng(0)
    for i in range(n):
        arr = np.zeros((64, 64, 3), np.uint8)
        arr[:, :, i % 3] = 200
        arr[16:48, 16:48] = rng.integers(0, 255, (32, 32, 3))
        Image.fromarray(arr).save(folder / "dataset" / f"im{i}.png")
        (folder / "dataset" / f"im{i}.txt").write_text(f"j4m3s man at the desk, shot {i}\n")
    return root / "characters"


def run(chars: Path, model: Path, **options) -> dict:
    settings = Settings(_env_file=None, characters_dir=chars, kontext_model=str(model))
    defaults = {"resolution": 64, "batch_size": 2, "sample_every": 0, "device": "cpu", "checkpoint_every": 2}
    opts = TrainOptions.from_settings(settings, **{**defaults, **options})
    return train_character(load_sheet(chars / "james" / "character.toml"), opts, settings)


def render(model: Path, lora: Path | None) -> np.ndarray:
    from diffusers import FluxKontextPipeline

    pipe = FluxKontextPipeline.from_pretrained(model)
    pipe.set_progress_bar_config(disable=True)
    if lora is not None:
        pipe.load_lora_weights(lora)
    return pipe(prompt="j4m3s man at the desk", height=32, width=32, max_area=32 * 32, num_inference_steps=2,
                generator=torch.Generator().manual_seed(0), output_type="np").images[0]
