"""A renderer's light over a flat picture: a colour cast (warm, cool, green monitor glow),
exposure, a vignette, a soft light gradient (sometimes coloured), low-frequency shading,
noise, blur and a JPEG round trip. Parameters come from a seed, and are returned."""

from __future__ import annotations

import io
import random
from dataclasses import asdict, dataclass

import numpy as np
from PIL import Image, ImageFilter

CASTS = {
    "none": (1.0, 1.0, 1.0),
    "warm": (1.0, 0.93, 0.8),
    "cool": (0.84, 0.94, 1.0),
    "green": (0.86, 1.0, 0.84),
}


@dataclass(frozen=True)
class Light:
    cast: str
    cast_strength: float  # 0..1 of the cast above
    exposure: float  # 0.8..1.1
    vignette: float  # darkening at the corners, 0..0.35
    gradient: float  # ± brightness across the picture
    gradient_angle: float  # degrees
    gradient_warm: bool  # the bright side warmer, the dark side cooler
    shading: float  # ± low-frequency brightness blotches
    noise: float  # sigma, 0..255 scale
    blur: float  # Gaussian radius in px
    jpeg: int | None  # quality, or None for PNG

    @classmethod
    def sample(cls, rng: random.Random) -> Light:
        return cls(
            cast=rng.choice(tuple(CASTS)),
            cast_strength=rng.uniform(0.5, 1.0),
            exposure=rng.uniform(0.8, 1.1),
            vignette=rng.uniform(0.05, 0.35),
            gradient=rng.uniform(0.0, 0.18),
            gradient_angle=rng.uniform(0, 360),
            gradient_warm=rng.random() < 0.4,
            shading=rng.uniform(0.0, 0.08),
            noise=rng.uniform(0.0, 7.0),
            blur=rng.choice((0.0, rng.uniform(0.3, 1.5))),
            jpeg=rng.choice((None, rng.randint(60, 90), rng.randint(60, 90))),
        )

    def describe(self) -> dict[str, object]:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def apply_light(image: Image.Image, light: Light, seed: int) -> Image.Image:
    """The picture under `light` (a new RGB picture of the same size). The light varies
    smoothly, so it is computed on a coarse grid and enlarged: fast enough for sweeps."""
    rng = np.random.default_rng(seed)
    w, h = image.size
    gw, gh = max(2, w // 8), max(2, h // 8)
    ys, xs = np.mgrid[0:gh, 0:gw].astype(np.float32)
    nx, ny = (xs + 0.5 - gw / 2) / (gw / 2), (ys + 0.5 - gh / 2) / (gh / 2)
    gain = np.full((gh, gw), light.exposure, dtype=np.float32)
    gain *= 1.0 - light.vignette * np.clip((nx * nx + ny * ny) / 2, 0, 1)
    a = np.radians(light.gradient_angle)
    along = (np.cos(a) * nx + np.sin(a) * ny) / np.sqrt(2)
    gain *= 1.0 + light.gradient * along
    if light.shading:
        coarse = rng.normal(0, 1, (5, 5)).astype(np.float32)
        blotch = np.asarray(Image.fromarray(coarse).resize((gw, gh), Image.Resampling.BICUBIC))
        gain *= 1.0 + light.shading * np.clip(blotch, -2, 2) / 2
    cast = 1.0 + (np.array(CASTS[light.cast], dtype=np.float32) - 1.0) * light.cast_strength
    tint = np.ones((3, gh, gw), dtype=np.float32)
    if light.gradient_warm:
        tint[0], tint[2] = 1 + 0.06 * along, 1 - 0.06 * along
    channels = [
        np.asarray(Image.fromarray((gain * tint[i] * cast[i]).astype(np.float32)).resize((w, h), Image.Resampling.BILINEAR))
        for i in range(3)
    ]
    out = np.asarray(image.convert("RGB")).astype(np.float32) * np.stack(channels, axis=-1)
    if light.noise:
        out += rng.standard_normal(out.shape, dtype=np.float32) * np.float32(light.noise)
    result = Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))
    if light.blur:
        result = result.filter(ImageFilter.GaussianBlur(light.blur))
    if light.jpeg:
        stream = io.BytesIO()
        result.save(stream, "JPEG", quality=light.jpeg)
        stream.seek(0)
        result = Image.open(stream).convert("RGB")
    return result
