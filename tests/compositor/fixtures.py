"""Pictures for the compositor tests, drawn with Pillow: a lab wall, Milo in his dark
tactical suit (with or without the white chest panel, upright or rotated), James in a
white T-shirt, a whiteboard and a monitor as distractors, noise and blur.

Each drawing function returns the ground truth the tests compare with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WALL = (196, 184, 160)
FLOOR = (120, 104, 88)
SUIT = (54, 57, 62)
POUCH = (22, 22, 24)
FUR = (128, 112, 96)
MASK = (30, 28, 28)
PIPING = (0, 226, 236)  # hue ≈ 182°
PANEL = (248, 248, 245)
SKIN = (232, 190, 160)
NAVY = (30, 40, 80)


@dataclass
class Figure:
    """Where a drawn figure is: its torso box, and for a panel the white interior's
    axis-aligned box and rotation (degrees, counter-clockwise)."""

    torso: tuple[int, int, int, int]
    panel_box: tuple[int, int, int, int] | None = None
    angle: float = 0.0


def lab(size: tuple[int, int] = (1024, 1024)) -> Image.Image:
    image = Image.new("RGB", size, WALL)
    ImageDraw.Draw(image).rectangle((0, int(size[1] * 0.82), size[0], size[1]), fill=FLOOR)
    return image


def _rotated(cx: float, cy: float, w: float, h: float, angle: float) -> list[tuple[float, float]]:
    """Corners of a w × h rectangle centred on (cx, cy), turned counter-clockwise on screen."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    out = []
    for u, v in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((cx + c * u + s * v, cy - s * u + c * v))
    return out


def milo(
    image: Image.Image, cx: float, *, scale: float = 1.0, panel: bool = True, angle: float = 0.0,
    top: float | None = None, arm_up: bool = False,
) -> Figure:
    """A raccoon in a charcoal suit; `angle` turns the chest panel (the body leans);
    `arm_up` raises his right arm above his head (waving)."""
    draw = ImageDraw.Draw(image)
    s = scale
    top = image.height * 0.14 if top is None else top
    head_r = 80 * s
    hx, hy = cx, top + head_r
    # ears, head, eye mask, eyes
    for dx in (-0.7, 0.7):
        draw.ellipse((hx + dx * head_r - 28 * s, hy - head_r - 20 * s, hx + dx * head_r + 28 * s, hy - head_r + 36 * s), fill=FUR, outline=(240, 240, 240), width=max(1, round(4 * s)))
    draw.ellipse((hx - head_r, hy - head_r, hx + head_r, hy + head_r), fill=FUR)
    draw.rounded_rectangle((hx - head_r * 0.85, hy - 22 * s, hx + head_r * 0.85, hy + 16 * s), radius=16 * s, fill=MASK)
    for dx in (-0.38, 0.38):
        draw.ellipse((hx + dx * head_r - 9 * s, hy - 9 * s, hx + dx * head_r + 9 * s, hy + 9 * s), fill=(255, 176, 0))
    # torso, arms, legs, pouches
    tw, th = 250 * s, 330 * s
    t0 = hy + head_r - 6 * s
    torso = (round(cx - tw / 2), round(t0), round(cx + tw / 2), round(t0 + th))
    draw.rounded_rectangle(torso, radius=40 * s, fill=SUIT)
    for side in (-1, 1):
        ax = cx + side * (tw / 2 + 24 * s)
        if arm_up and side == 1:
            draw.rounded_rectangle((ax - 30 * s, t0 - 230 * s, ax + 30 * s, t0 + 60 * s), radius=26 * s, fill=SUIT)
            draw.ellipse((ax - 24 * s, t0 - 270 * s, ax + 24 * s, t0 - 222 * s), fill=MASK)
        else:
            draw.rounded_rectangle((ax - 30 * s, t0 + 20 * s, ax + 30 * s, t0 + th * 0.85), radius=26 * s, fill=SUIT)
            draw.ellipse((ax - 24 * s, t0 + th * 0.85 - 10 * s, ax + 24 * s, t0 + th * 0.85 + 34 * s), fill=MASK)
        lx = cx + side * tw * 0.25
        draw.rectangle((lx - 40 * s, t0 + th - 10 * s, lx + 40 * s, t0 + th + 150 * s), fill=SUIT)
        draw.rectangle((cx + side * tw * 0.3 - 26 * s, t0 + th * 0.78, cx + side * tw * 0.3 + 26 * s, t0 + th * 0.92), fill=POUCH)
    figure = Figure(torso=torso)
    if panel:
        pw, ph, pipe = 150 * s, 96 * s, max(2.0, 6 * s)
        pcx, pcy = cx, t0 + th * 0.33
        draw.polygon(_rotated(pcx, pcy, pw + 2 * pipe, ph + 2 * pipe, angle), fill=PIPING)
        inner = _rotated(pcx, pcy, pw, ph, angle)
        draw.polygon(inner, fill=PANEL)
        xs, ys = [p[0] for p in inner], [p[1] for p in inner]
        figure.panel_box = (round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys)))
        figure.angle = angle
    return figure


def james(image: Image.Image, cx: float, *, scale: float = 1.0, shirt: tuple[int, int, int] = PANEL) -> Figure:
    """A man in a white T-shirt (a big white blob with no piping) and navy trousers."""
    draw = ImageDraw.Draw(image)
    s = scale
    top = image.height * 0.10
    head_r = 70 * s
    draw.ellipse((cx - head_r, top, cx + head_r, top + 2 * head_r), fill=SKIN)
    draw.rectangle((cx - 50 * s, top + 2 * head_r - 30 * s, cx + 50 * s, top + 2 * head_r - 18 * s), fill=(30, 30, 30))
    t0 = top + 2 * head_r
    tw, th = 270 * s, 320 * s
    # T-shirt: body and short sleeves
    draw.polygon(
        [(cx - tw / 2 - 70 * s, t0 + 20 * s), (cx - 30 * s, t0), (cx + 30 * s, t0), (cx + tw / 2 + 70 * s, t0 + 20 * s),
         (cx + tw / 2 + 50 * s, t0 + 110 * s), (cx + tw / 2, t0 + 100 * s), (cx + tw / 2, t0 + th),
         (cx - tw / 2, t0 + th), (cx - tw / 2, t0 + 100 * s), (cx - tw / 2 - 50 * s, t0 + 110 * s)],
        fill=shirt,
    )
    draw.rectangle((cx - tw / 2, t0 + th, cx + tw / 2, t0 + th + 200 * s), fill=NAVY)
    return Figure(torso=(round(cx - tw / 2), round(t0), round(cx + tw / 2), round(t0 + th)))


def whiteboard(image: Image.Image, box: tuple[int, int, int, int], *, cyan_edge: bool = False) -> None:
    """A whiteboard in an aluminium frame with marker scribbles; `cyan_edge` adds a cyan
    marker line along its bottom edge (cyan on one side only is not piping)."""
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 - 10, y0 - 10, x1 + 10, y1 + 10), fill=(150, 152, 156))
    draw.rectangle(box, fill=(246, 247, 247))
    for i in range(4):
        y = y0 + (i + 1) * (y1 - y0) / 6
        draw.line((x0 + 30, y, x0 + 30 + (x1 - x0) * (0.3 + 0.1 * i), y), fill=(40, 60, 200), width=4)
    if cyan_edge:
        draw.rectangle((x0, y1 + 1, x1, y1 + 8), fill=PIPING)


def monitor(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    """A bright, white-screened monitor with a black bezel on a stand."""
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 - 14, y0 - 14, x1 + 14, y1 + 14), fill=(18, 18, 20))
    draw.rectangle(box, fill=(250, 252, 255))
    draw.rectangle(((x0 + x1) / 2 - 12, y1 + 14, (x0 + x1) / 2 + 12, y1 + 60), fill=(18, 18, 20))


def cabinet(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    """A dark grey box (a 3D printer, a switched-off rack) in the suit's colour, with a
    black outline joining it to nothing: dark, but not a figure."""
    draw = ImageDraw.Draw(image)
    draw.rectangle(box, fill=(50, 53, 58), outline=(20, 20, 22), width=4)
    x0, y0, x1, y1 = box
    draw.rectangle((x0 + 30, y0 + 30, x0 + 60, y0 + 50), fill=(240, 120, 30))


def noisy(image: Image.Image, sigma: float = 10.0, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    arr = np.asarray(image).astype(np.float32) + rng.normal(0, sigma, (image.height, image.width, 3))
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def blurred(image: Image.Image, radius: float = 1.5) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))
