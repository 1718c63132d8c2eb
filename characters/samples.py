"""Sample images during training (fixed prompts, fixed seed) and the progress GIF (seed 002:
"watching the model learn"). The GIF is rebuilt from the PNGs on disk, so a resumed run's
GIF still starts at step 0."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

if TYPE_CHECKING:
    import torch
    from diffusers import FluxKontextPipeline

NAME = re.compile(r"^step-(\d+)-p(\d+)\.png$")


def render_samples(
    pipe: FluxKontextPipeline,
    embeds: torch.Tensor,
    pooled: torch.Tensor,
    *,
    step: int,
    folder: Path,
    size: int,
    steps: int,
    guidance: float,
    seed: int,
    device: torch.device,
    condition: Path | None = None,
) -> list[Path]:
    """One image per sample prompt at `step`, drawn from `condition` (the reference image, in
    I2I mode) as a render would; the transformer is put back in train mode."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    transformer = pipe.transformer
    transformer.eval()
    pipe.vae.to(device)
    paths = []
    try:
        for index in range(embeds.shape[0]):
            generator = torch.Generator(device="cpu").manual_seed(seed)
            image = pipe(
                image=_open(condition) if condition is not None else None,
                prompt_embeds=embeds[index : index + 1].to(device, transformer.dtype),
                pooled_prompt_embeds=pooled[index : index + 1].to(device, transformer.dtype),
                height=size,
                width=size,
                max_area=size * size,
                num_inference_steps=steps,
                guidance_scale=guidance,
                generator=generator,
            ).images[0]
            path = folder / f"step-{step:06d}-p{index}.png"
            image.save(path)
            paths.append(path)
    finally:
        pipe.vae.to("cpu")
        transformer.train()
    return paths


def write_progress_gif(folder: Path, out: Path, frame_ms: int = 600) -> Path | None:
    """Every sampled step as one frame (the prompts side by side, the step written on it)."""
    by_step: dict[int, dict[int, Path]] = {}
    for path in folder.glob("step-*-p*.png"):
        match = NAME.match(path.name)
        if match:
            by_step.setdefault(int(match[1]), {})[int(match[2])] = path
    if not by_step:
        return None
    frames = []
    for step in sorted(by_step):
        images = [Image.open(by_step[step][i]).convert("RGB") for i in sorted(by_step[step])]
        width = sum(im.width for im in images)
        height = max(im.height for im in images)
        frame = Image.new("RGB", (width, height + 14), "white")
        x = 0
        for im in images:
            frame.paste(im, (x, 14))
            x += im.width
            im.close()
        ImageDraw.Draw(frame).text((2, 1), f"step {step}", fill="black")
        frames.append(frame)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp.gif")
    frames[0].save(tmp, save_all=True, append_images=frames[1:], duration=frame_ms, loop=0)
    tmp.replace(out)
    return out


def _open(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")
