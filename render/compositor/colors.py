"""Colour tests relative to the picture's own light, not to absolute pixel values.

A renderer lights the scene: a white panel in warm lab light is about (235, 222, 200), at
86 % exposure darker still, so fixed thresholds (the seed's S ≤ 35, V ≥ 215) lose it. Here
the picture's white is estimated first (the brightest nearly neutral cells: a white-patch
white balance), and every test reads colours divided by it: 1.0 is the picture's white,
the charcoal suit about 0.25, whatever the cast or exposure.

`value` is max(r, g, b) on that scale, `chroma` is (max − min) / max (HSV saturation).
"""

from __future__ import annotations

import numpy as np

# The white patch: of the cells whose chroma is below this, ...
NEUTRAL_CHROMA = 0.3
WHITE_PATCH_SHARE = 0.005  # ... the top 0.5 % by their darkest channel, ...
MIN_PATCH_CELLS = 12
# ... never dimmer than this (a picture with nothing white in it: its brightest grey is
# not white, and the suit would otherwise come out light).
MIN_WHITE_V = 175.0
MAX_GAIN = 1.45  # no channel is boosted more than this by the white balance


def channel_max(rgb: np.ndarray) -> np.ndarray:
    """max(r, g, b), faster than rgb.max(axis=-1) on a 3-wide last axis."""
    return np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def channel_min(rgb: np.ndarray) -> np.ndarray:
    return np.minimum(np.minimum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def chroma(rgb: np.ndarray, value: np.ndarray | None = None) -> np.ndarray:
    """(max − min) / max per pixel, 0 for black."""
    mx = channel_max(rgb) if value is None else value
    return (mx - channel_min(rgb)) / np.maximum(mx, 1e-6)


def hue(rgb: np.ndarray) -> np.ndarray:
    """Hue in degrees (0 for greys) of an (…, 3) float array."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    mx, mn = channel_max(rgb), channel_min(rgb)
    d = np.maximum(mx - mn, 1e-6)
    h = np.where(mx == r, ((g - b) / d) % 6.0, np.where(mx == g, (b - r) / d + 2.0, (r - g) / d + 4.0))
    return np.where(mx - mn <= 1e-6, 0.0, h * 60.0)


def white_of(rgb: np.ndarray) -> np.ndarray:
    """The picture's white, (3,) float32 on the 0–255 scale: the median colour of the
    cells whose darkest channel is brightest (white has all three high; a pale pink
    wall or a light-blue window does not), among the nearly neutral ones; raised to at
    least MIN_WHITE_V and kept within MAX_GAIN of grey."""
    # every other cell is plenty for a patch of a few hundred cells, and twice as fast
    flat = rgb[::2, ::2].reshape(-1, 3).astype(np.float32)
    value, low = channel_max(flat), channel_min(flat)
    neutral = (value - low) <= NEUTRAL_CHROMA * np.maximum(value, 1e-6)
    grey = np.full(3, MIN_WHITE_V, dtype=np.float32)
    if int(neutral.sum()) < MIN_PATCH_CELLS:
        return np.maximum(grey, value.max(initial=0.0))
    lows = low[neutral]
    keep = max(MIN_PATCH_CELLS, round(WHITE_PATCH_SHARE * lows.size))
    top = np.argpartition(lows, lows.size - keep)[lows.size - keep:]
    white = np.median(flat[neutral][top], axis=0)
    if white.max() < 1.0:  # a black picture: nothing to balance
        return grey
    white = np.maximum(white, white.max() / MAX_GAIN)
    return white * max(1.0, MIN_WHITE_V / max(float(white.max()), 1e-6))


def relative(rgb: np.ndarray, white: np.ndarray) -> np.ndarray:
    """Colours divided by `white`, channel by channel: 1.0 is white."""
    return rgb.astype(np.float32) * (1.0 / white.astype(np.float32))


def in_hue(h: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (h >= lo) & (h <= hi)
