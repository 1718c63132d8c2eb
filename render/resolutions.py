"""Kontext's preferred output sizes, and snapping a requested `WxH` to one of them.

No torch here: `cartoon scene --size` is parsed before any backend loads, and the comfyui
backend snaps its output size with the same arithmetic as the kontext one.
"""

from __future__ import annotations

import re

from core.errors import InputError

# (width, height) pairs, copied as data from diffusers'
# src/diffusers/pipelines/flux/pipeline_flux_kontext.py (PREFERRED_KONTEXT_RESOLUTIONS,
# diffusers 0.42), which lists the sizes FLUX.1 Kontext was trained at (about 1 MP each).
DEFAULT_SIZE: tuple[int, int] = (1024, 1024)
"""A picture's size when none is asked for: Kontext's square training size."""

PREFERRED_KONTEXT_RESOLUTIONS: tuple[tuple[int, int], ...] = (
    (672, 1568),
    (688, 1504),
    (720, 1456),
    (752, 1392),
    (800, 1328),
    (832, 1248),
    (880, 1184),
    (944, 1104),
    (1024, 1024),
    (1104, 944),
    (1184, 880),
    (1248, 832),
    (1328, 800),
    (1392, 752),
    (1456, 720),
    (1504, 688),
    (1568, 672),
)

_SIZE = re.compile(r"^\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*$")


def snap_size(width: int, height: int) -> tuple[int, int]:
    """The preferred Kontext resolution whose aspect ratio is nearest to width/height
    (the same choice diffusers' FluxKontextPipeline makes for its input image)."""
    if width <= 0 or height <= 0:
        raise InputError(f"size {width}x{height}: width and height must be positive, e.g. 1024x1024")
    aspect = width / height
    _, w, h = min((abs(aspect - w / h), w, h) for w, h in PREFERRED_KONTEXT_RESOLUTIONS)
    return w, h


def _scaled(size: tuple[int, int], scale: float, multiple_of: int) -> tuple[int, int]:
    w, h = (max(multiple_of, int(n * scale) // multiple_of * multiple_of) for n in size)
    return w, h


def kontext_size(width: int, height: int, multiple_of: int = 16) -> tuple[int, int]:
    """The Kontext resolution nearest in aspect ratio to width×height, scaled to the requested
    area and rounded down to `multiple_of` (FLUX packs 2×2 latent patches of 8× down-scaled
    pixels, so 16): 1024×1024 stays, 1000×700 → 1024×672, 32×32 → 32×32 (the tiny test model)."""
    preferred = snap_size(width, height)
    return _scaled(preferred, (width * height / (preferred[0] * preferred[1])) ** 0.5, multiple_of)


_KONTEXT_AREA = 1024 * 1024  # the area PREFERRED_KONTEXT_RESOLUTIONS are drawn around


def input_size(image_width: int, image_height: int, area: int, multiple_of: int = 16) -> tuple[int, int]:
    """Size for a Kontext input image: what the pipeline's own auto-resize picks (the Kontext
    resolution nearest the image's aspect ratio) for 1024² output, scaled down with the
    output's area so small test renders get small inputs."""
    return _scaled(snap_size(image_width, image_height), (area / _KONTEXT_AREA) ** 0.5, multiple_of)


def parse_size(text: str) -> tuple[int, int]:
    """`'1200x800'` → the snapped (width, height); a bad string is an InputError."""
    match = _SIZE.match(text or "")
    if not match:
        raise InputError(f"--size '{text}': give WIDTHxHEIGHT, e.g. 1024x1024 or 1248x832")
    return snap_size(int(match.group(1)), int(match.group(2)))
