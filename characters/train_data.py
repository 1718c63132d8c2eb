"""The captioned dataset, encoded once: VAE latents and text embeddings (and, in Kontext's
image-to-image mode, each example's condition image), cached on disk.

The text encoders (T5-XXL alone is ~9 GB) and the VAE run once per dataset; their outputs
are saved next to the checkpoints under a key made of the images, captions, conditions,
resolution and model, so a resumed run skips both the encoding and loading the encoders.

The condition of an example is `<image stem>.cond.png` (or .jpg) beside it when there is one
(e.g. a plate with the reference stitched on, as a render passes it), else the character's
reference image; each is letterboxed to the Kontext resolution of the reference's aspect at
the training area, so all conditions share one shape.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from PIL import Image

from characters.caption import dataset_images
from core.errors import InputError
from render.inputs import letterbox

if TYPE_CHECKING:
    from diffusers import FluxKontextPipeline

log = logging.getLogger(__name__)

MAX_SEQUENCE_LENGTH = 512


COND_SUFFIXES = (".cond.png", ".cond.jpg", ".cond.jpeg")


@dataclass
class Example:
    image: Path
    caption: str
    condition: Path | None = None  # set by with_conditions (I2I mode)


@dataclass
class EncodedSet:
    latents: torch.Tensor  # (N, 16, h, w), already shifted and scaled
    prompt_embeds: torch.Tensor  # (N, seq, dim)
    pooled: torch.Tensor  # (N, dim)
    sample_embeds: torch.Tensor  # (P, seq, dim) for the fixed sample prompts
    sample_pooled: torch.Tensor  # (P, dim)
    cond_latents: torch.Tensor | None = None  # (N, 16, hc, wc) in I2I mode, else None


def load_examples(folder: Path, character_id: str) -> list[Example]:
    """Every image with its caption; an empty folder or a missing caption is the user's to fix."""
    images = [p for p in dataset_images(folder) if not p.name.lower().endswith(COND_SUFFIXES)]
    if not images:
        raise InputError(f"{folder}: no training images; run cartoon prep SRC --character {character_id} first")
    missing = [p for p in images if not p.with_suffix(".txt").is_file() or not p.with_suffix(".txt").read_text(encoding="utf-8").strip()]
    if missing:
        raise InputError(
            f"{len(missing)} of {len(images)} images have no caption (first: {missing[0].name}); "
            f"run cartoon caption --character {character_id} or write the .txt files by hand"
        )
    return [Example(p, p.with_suffix(".txt").read_text(encoding="utf-8").strip()) for p in images]


def with_conditions(examples: list[Example], reference: Path) -> list[Example]:
    """Each example with its condition: its own `.cond.png` beside it, else `reference`."""
    out = []
    for ex in examples:
        own = next((ex.image.with_name(ex.image.stem + s) for s in COND_SUFFIXES
                    if ex.image.with_name(ex.image.stem + s).is_file()), None)
        out.append(Example(ex.image, ex.caption, own or reference))
    return out


def cache_key(examples: list[Example], resolution: int, model: str, sample_prompts: list[str]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([model, resolution, sample_prompts, MAX_SEQUENCE_LENGTH, 2]).encode())
    for ex in examples:
        for path in (ex.image, ex.condition):
            if path is not None:
                digest.update(path.name.encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        digest.update(ex.caption.encode())
    return digest.hexdigest()[:16]


def load_cached(path: Path, key: str) -> EncodedSet | None:
    if not path.is_file():
        return None
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a torn or foreign file: encode again
        log.warning("ignoring unreadable cache %s (%s)", path, type(exc).__name__)
        return None
    if data.get("key") != key:
        return None
    return EncodedSet(**{k: data.get(k) for k in ("latents", "prompt_embeds", "pooled", "sample_embeds", "sample_pooled",
                                                  "cond_latents")})


def save_cache(path: Path, key: str, encoded: EncodedSet) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save({"key": key, **encoded.__dict__}, tmp)
    tmp.replace(path)


@torch.no_grad()
def encode(
    pipe: FluxKontextPipeline,
    examples: list[Example],
    sample_prompts: list[str],
    *,
    resolution: int,
    device: torch.device,
) -> EncodedSet:
    """Run the text encoders and the VAE once on `device`, then move them back to the CPU."""
    from tqdm import tqdm

    modules = [m for m in (pipe.text_encoder, pipe.text_encoder_2, pipe.vae) if m is not None]
    for module in modules:
        module.to(device)
    try:
        latents, embeds, pooled, conds = [], [], [], []
        cond_size = condition_size(examples, resolution)
        for ex in tqdm(examples, desc="encode dataset", unit="img", file=sys.stderr):
            e, p = _encode_prompt(pipe, ex.caption, device)
            embeds.append(e)
            pooled.append(p)
            latents.append(_encode_image(pipe, _open(ex.image).resize((resolution, resolution), Image.Resampling.LANCZOS), device))
            if ex.condition is not None and cond_size is not None:
                conds.append(_encode_image(pipe, letterbox(_open(ex.condition), *cond_size), device))
        sample = [_encode_prompt(pipe, text, device) for text in sample_prompts]
    finally:
        for module in modules:
            module.to("cpu")
        if device.type == "cuda":
            torch.cuda.empty_cache()
    return EncodedSet(
        latents=torch.cat(latents),
        prompt_embeds=torch.cat(embeds),
        pooled=torch.cat(pooled),
        sample_embeds=torch.cat([e for e, _ in sample]) if sample else torch.empty(0),
        sample_pooled=torch.cat([p for _, p in sample]) if sample else torch.empty(0),
        cond_latents=torch.cat(conds) if conds else None,
    )


def condition_size(examples: list[Example], resolution: int) -> tuple[int, int] | None:
    """The one size every condition is letterboxed to: the Kontext resolution of the first
    condition's aspect at the training area (None in text-to-image mode)."""
    from render.resolutions import input_size

    first = next((ex.condition for ex in examples if ex.condition is not None), None)
    if first is None:
        return None
    with Image.open(first) as image:
        return input_size(image.width, image.height, resolution * resolution)


def _open(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def _encode_prompt(pipe: FluxKontextPipeline, text: str, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    prompt_embeds, pooled, _ = pipe.encode_prompt(
        prompt=text, prompt_2=None, device=device, num_images_per_prompt=1, max_sequence_length=MAX_SEQUENCE_LENGTH
    )
    return prompt_embeds.to("cpu"), pooled.to("cpu")


def _encode_image(pipe: FluxKontextPipeline, image: Image.Image, device: torch.device) -> torch.Tensor:
    import numpy as np

    pixels = torch.from_numpy(np.asarray(image, dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1)[None]
    pixels = pixels.to(device, pipe.vae.dtype)
    latent = pipe.vae.encode(pixels).latent_dist.mode()
    latent = (latent - pipe.vae.config.shift_factor) * pipe.vae.config.scaling_factor
    return latent.to("cpu", torch.float32)
