"""Colour masks on RGB arrays, written as integer max/min sums so they stay fast.

HSV thresholds are on the 0–255 scale for S and V (as in the seed: the panel is
S ≤ 35, V ≥ 215) and in degrees for hue. Converting the whole picture to HSV is the
slow part of the seed's detector; these masks need only each pixel's max and min.
"""

from __future__ import annotations

import numpy as np

# Milo's chest panel: bright and colourless.
WHITE_MAX_S = 35
WHITE_MIN_V = 215
# The neon cyan piping around it: hue about 175–195°, saturated and bright. A little
# slack on each side for renders and blur.
CYAN_HUE = (165.0, 205.0)  # the integer test in cyan_mask encodes these bounds
CYAN_MIN_S = 0.40
CYAN_MIN_V = 120
# The dark charcoal tactical suit: dark, nearly grey (navy or brown fail the S test).
SUIT_V = (14, 110)
SUIT_MAX_S = 0.32


def _max_min(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)


def white_mask(rgb: np.ndarray) -> np.ndarray:
    """S ≤ 35 and V ≥ 215 (0–255), i.e. max ≥ 215 and max − min ≤ 35·max/255."""
    mx, mn = _max_min(rgb)
    return (mx >= WHITE_MIN_V) & ((mx - mn) <= (mx.astype(np.uint16) * WHITE_MAX_S // 255))


def suit_mask(rgb: np.ndarray) -> np.ndarray:
    """Dark, nearly colourless pixels: the charcoal suit (and its black pouches)."""
    mx, mn = _max_min(rgb)
    mx16 = mx.astype(np.uint16)
    return (mx >= SUIT_V[0]) & (mx <= SUIT_V[1]) & ((mx - mn).astype(np.uint16) * 100 <= mx16 * int(SUIT_MAX_S * 100))


def hue_sat_val(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hue in degrees, saturation 0–1 and value 0–255 of an (…, 3) uint8 array."""
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    mx, mn = f.max(axis=-1), f.min(axis=-1)
    d = mx - mn
    safe = np.where(d == 0, 1.0, d)
    hue = np.where(
        mx == r, ((g - b) / safe) % 6.0, np.where(mx == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0)
    )
    hue = np.where(d == 0, 0.0, hue * 60.0)
    sat = np.where(mx == 0, 0.0, d / np.where(mx == 0, 1.0, mx))
    return hue, sat, mx


def cyan_mask(rgb: np.ndarray) -> np.ndarray:
    """Neon cyan: hue within CYAN_HUE, saturated and bright.

    Integer form of the hue test: red is the smallest channel, and with d = max − red,
    the hue is 180 − 60·(1 − (b − r)/d) when green leads and 180 + 60·(1 − (g − r)/d)
    when blue leads; so it lies in [165°, 205°] when (min(g, b) − r)/d reaches 3/4 (green
    leads) or 7/12 (blue leads).
    """
    c = rgb.astype(np.int32)
    r, g, b = c[..., 0], c[..., 1], c[..., 2]
    mx = np.maximum(g, b)
    d = mx - r
    lo = np.minimum(g, b) - r
    hue_ok = np.where(g >= b, 4 * lo >= 3 * d, 12 * lo >= 7 * d)
    return (lo >= 0) & hue_ok & (d * 100 >= int(CYAN_MIN_S * 100) * mx) & (mx >= CYAN_MIN_V) & (d > 0)
