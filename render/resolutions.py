"""Kontext's preferred output sizes, and snapping a requested `WxH` to one of them.

No torch here: `cartoon scene --size` is parsed before any backend loads.
"""

from __future__ import annotations

import re

from core.errors import InputError

# (width, height) pairs, copied as data from diffusers'
# src/diffusers/pipelines/flux/pipeline_flux_kontext.py (PREFERRED_KONTEXT_RESOLUTIONS,
# diffusers 0.42), which lists the sizes FLUX.1 Kontext was trained at (about 1 MP each).
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


def parse_size(text: str) -> tuple[int, int]:
    """`'1200x800'` → the snapped (width, height); a bad string is an InputError."""
    match = _SIZE.match(text or "")
    if not match:
        raise InputError(f"--size '{text}': give WIDTHxHEIGHT, e.g. 1024x1024 or 1248x832")
    return snap_size(int(match.group(1)), int(match.group(2)))
