"""Shared helpers for the render tests: plans without the planner, and the panel mask."""

from __future__ import annotations

import numpy as np
from PIL import Image

from agent.state import ScenePlan


def make_plan(characters: list[str], plate: str = "east", slogan: str | None = "PEBKAC",
              seed: int = 1) -> ScenePlan:
    outfits = {c: ("panel" if c == "milo" and slogan else "default") for c in characters}
    return ScenePlan(characters=characters, plate=plate, slogan=slogan if "milo" in characters else None,
                     prompt="a test scene", source="rules", outfits=outfits, seed=seed, text="test")


def white_mask(image: Image.Image) -> np.ndarray:
    """The compositor's panel colour test: HSV S ≤ 35 and V ≥ 215 (Pillow's 0..255 scale)."""
    hsv = np.asarray(image.convert("HSV"))
    return (hsv[..., 1] <= 35) & (hsv[..., 2] >= 215)


def largest_blob(mask: np.ndarray) -> tuple[int, tuple[int, int, int, int]]:
    """(pixel count, [x0, y0, x1, y1]) of the largest 4-connected blob, by flood fill."""
    seen = np.zeros_like(mask, dtype=bool)
    best = (0, (0, 0, 0, 0))
    height, width = mask.shape
    for y0, x0 in zip(*np.nonzero(mask), strict=True):
        if seen[y0, x0]:
            continue
        stack, count = [(y0, x0)], 0
        seen[y0, x0] = True
        xs, ys = [x0, x0], [y0, y0]
        while stack:
            y, x = stack.pop()
            count += 1
            xs[0], xs[1], ys[0], ys[1] = min(xs[0], x), max(xs[1], x), min(ys[0], y), max(ys[1], y)
            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= ny < height and 0 <= nx < width and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
        if count > best[0]:
            best = (count, (xs[0], ys[0], xs[1] + 1, ys[1] + 1))
    return best
