"""James (or anyone who is not Milo), drawn plainly: a skin-coloured head with hair,
glasses and often a grey beard, a pullover or T-shirt in one of several colours, jeans.
He is never in a charcoal suit and never has the cyan-framed panel."""

from __future__ import annotations

import random

from tests.compositor.art.canvas import Canvas, Color

SKINS: tuple[Color, ...] = ((236, 194, 160), (214, 168, 132), (178, 130, 96), (246, 214, 190))
TOPS: tuple[Color, ...] = ((34, 48, 96), (40, 70, 140), (246, 246, 244), (110, 30, 40), (60, 96, 60),
                           (180, 182, 186), (200, 120, 40))
HAIR: tuple[Color, ...] = ((140, 140, 142), (70, 50, 36), (30, 28, 26), (190, 190, 188))


def draw_james(canvas: Canvas, rng: random.Random, cx: float, head_y: float, r: float, *,
               legs: bool = True) -> None:
    """A man with his head (radius r) centred on (cx, head_y)."""
    skin, top, hair = rng.choice(SKINS), rng.choice(TOPS), rng.choice(HAIR)
    outline = (24, 24, 28) if rng.random() < 0.7 else None
    lw = rng.uniform(1, 5) * r / 60
    tw, th = r * rng.uniform(2.3, 2.9), r * rng.uniform(2.8, 3.4)
    t0 = head_y + 1.15 * r
    if legs:
        for side in (-1, 1):
            canvas.rect((cx + side * tw * 0.05 - (tw * 0.36 if side < 0 else 0), t0 + th - 0.1 * r,
                         cx + side * tw * 0.05 + (tw * 0.36 if side > 0 else 0), t0 + 2.2 * th),
                        (50, 64, 100), outline=outline, width=lw)
    for side in (-1, 1):
        canvas.limb((cx + side * tw * 0.45, t0 + 0.2 * r), side * rng.uniform(6, 25), th * 0.85, tw * 0.24,
                    top, skin, outline=outline, width=lw)
    canvas.rect((cx - tw / 2, t0, cx + tw / 2, t0 + th), top, outline=outline, width=lw, radius=0.4 * r)
    canvas.rect((cx - 0.3 * r, head_y + 0.7 * r, cx + 0.3 * r, t0 + 0.2 * r), skin)  # neck
    canvas.ellipse((cx - 0.9 * r, head_y - r, cx + 0.9 * r, head_y + 1.05 * r), skin, outline=outline, width=lw)
    if rng.random() < 0.6:  # a beard
        canvas.ellipse((cx - 0.85 * r, head_y + 0.1 * r, cx + 0.85 * r, head_y + 1.1 * r), (150, 150, 150))
        canvas.ellipse((cx - 0.35 * r, head_y + 0.35 * r, cx + 0.35 * r, head_y + 0.6 * r), skin)
    canvas.ellipse((cx - 0.9 * r, head_y - 1.05 * r, cx + 0.9 * r, head_y - 0.35 * r), hair)
    for side in (-1, 1):  # black-rimmed glasses
        gx = cx + side * 0.38 * r
        canvas.rect((gx - 0.3 * r, head_y - 0.28 * r, gx + 0.3 * r, head_y + 0.05 * r), None,
                    outline=(20, 20, 20), width=max(1.0, 0.08 * r))
