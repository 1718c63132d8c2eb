"""Where to cut a square out of a photo so the subject stays in it (numpy only, no weights).

The square's side is the photo's short side, so only its offset along the long side is
chosen. Each pixel of a small copy of the photo gets a saliency score: how far its colour
is from the background (the median colour of the border, since subjects rarely touch all
four edges) plus its edge energy (gradient magnitude: faces, hair and clothing have detail,
walls and sky have little). The window with the largest total score wins; among windows
within 2% of the best, the one nearest the centre is taken, so a plain picture is cut in
the middle. In a portrait-orientation photo rows near the top weigh a little more, because
a person's head is there and losing it costs more than losing their shoes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

ANALYSIS_SIDE = 256  # the long side of the copy the score is computed on
BORDER = 0.04  # fraction of each side taken as "border" for the background colour
TIE = 0.02  # windows within this fraction of the best score count as equally good


def saliency(image: Image.Image) -> np.ndarray:
    """Per-pixel subject score of `image` (at its own size), each term scaled to [0, 1]."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    h, w, _ = rgb.shape
    bh, bw = max(1, int(h * BORDER)), max(1, int(w * BORDER))
    border = np.concatenate(
        [rgb[:bh].reshape(-1, 3), rgb[-bh:].reshape(-1, 3), rgb[:, :bw].reshape(-1, 3), rgb[:, -bw:].reshape(-1, 3)]
    )
    background = np.median(border, axis=0)
    foreground = np.linalg.norm(rgb - background, axis=2)
    gray = rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    gy, gx = np.gradient(gray)
    edges = np.hypot(gx, gy)
    return _unit(foreground) + _unit(edges)


def subject_square(image: Image.Image) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) of the square crop around the subject, in `image` pixels."""
    w, h = image.size
    side = min(w, h)
    if w == h:
        return (0, 0, w, h)
    scale = ANALYSIS_SIDE / max(w, h)
    small = image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR)
    score = saliency(small)
    if h > w:  # portrait: favour the top rows (heads) a little
        score = score * np.linspace(1.0, 0.7, score.shape[0], dtype=np.float32)[:, None]
        profile = score.sum(axis=1)
    else:
        profile = score.sum(axis=0)
    window = max(1, min(len(profile), round(side * scale)))
    sums = np.convolve(profile, np.ones(window, dtype=np.float32), mode="valid")
    best = float(sums.max())
    centre = (len(sums) - 1) / 2
    good = np.flatnonzero(sums >= best * (1 - TIE))
    offset_small = int(good[np.argmin(np.abs(good - centre))])
    # Map the window's position back proportionally, so the middle window is the exact middle.
    slack = max(w, h) - side
    offset = round(offset_small / (len(sums) - 1) * slack) if len(sums) > 1 else slack // 2
    return (offset, 0, offset + side, side) if w > h else (0, offset, side, offset + side)


def _unit(values: np.ndarray) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-6:
        return np.zeros_like(values)
    return (values - low) / (high - low)
