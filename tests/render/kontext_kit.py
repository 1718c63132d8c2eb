"""A saved tiny Kontext model with character and style LoRAs, for the kontext backend's tests
(tests/render/test_kontext*.py): everything through the same diffusers/peft calls as the real
files, on the CPU."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.paths import CHARACTERS_DIR
from core.settings import Settings
from tests.tiny import save_tiny_kontext, write_random_lora


def make_kit(root: Path, *, strength: float = 2.0) -> dict[str, Path]:
    """A saved tiny model, a copy of the character sheets with a random LoRA each, and a rank-2
    style LoRA (B scaled by `strength`)."""
    model = save_tiny_kontext(root / "model")
    characters = root / "characters"
    shutil.copytree(CHARACTERS_DIR, characters, ignore=shutil.ignore_patterns("*.py", "__pycache__", "lora"))
    for seed, cid in enumerate(["milo", "james"], start=1):
        write_random_lora(model, characters / cid / "lora" / f"{cid}.safetensors", seed=seed, strength=strength)
    style = write_random_lora(model, root / "style" / "flat-cartoon.safetensors", seed=9, rank=2, strength=strength)
    return {"root": root, "model": model, "characters": characters, "style": style}


def kit_settings(kit: dict[str, Path], **overrides: object) -> Settings:
    values: dict[str, object] = {
        "kontext_model": str(kit["model"]),
        "characters_dir": kit["characters"],
        "style_lora": kit["style"],
        "kontext_device": "cpu",
    }
    values.update(overrides)
    return Settings(_env_file=None, llm_url=None, **values)


def add_character(characters: Path, source: str, new_id: str, trigger: str) -> Path:
    """A copy of `source`'s folder as character `new_id` (its own name, trigger, no aliases)."""
    folder = characters / new_id
    shutil.copytree(characters / source, folder, ignore=shutil.ignore_patterns("lora"))
    sheet = folder / "character.toml"
    lines = []
    for line in sheet.read_text().splitlines():
        key = line.split("=", 1)[0].strip()
        line = {"id": f'id = "{new_id}"', "name": f'name = "{new_id.title()}"', "aliases": "aliases = []",
                "trigger": f'trigger = "{trigger}"', "is_bot": "is_bot = false"}.get(key, line)
        lines.append(line.replace(f"lora/{source}.", f"lora/{new_id}."))
    sheet.write_text("\n".join(lines) + "\n")
    return folder


def plate(width: int = 48, height: int = 32) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 255, (height, width, 3), dtype=np.uint8))


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def one_thread() -> int:
    """Toy tensors gain nothing from threads, and on shared cores the spinning OpenMP workers
    make the tests several times slower; returns the count to restore."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    return threads
