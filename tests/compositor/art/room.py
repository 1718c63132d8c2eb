"""The lab around the figures: a wall of any hue (teal and turquoise often, since they
read as cyan), a floor, a desk, and distractors that are white, cyan-edged or dark:
whiteboards in grey frames, monitors, sheets of paper, a rack, a window, a cyan sign."""

from __future__ import annotations

import colorsys
import random

from tests.compositor.art.canvas import Canvas, Color

TEAL_HUES = (165.0, 192.0)


def hsv(hue: float, sat: float, value: float) -> Color:
    r, g, b = colorsys.hsv_to_rgb((hue % 360) / 360, sat, value)
    return round(r * 255), round(g * 255), round(b * 255)


def wall_color(rng: random.Random) -> Color:
    """Any hue, a third of the time teal or turquoise; pale to mid-dark."""
    hue = rng.uniform(*TEAL_HUES) if rng.random() < 0.33 else rng.uniform(0, 360)
    return hsv(hue, rng.uniform(0.12, 0.65), rng.uniform(0.5, 0.93))


def room(canvas: Canvas, rng: random.Random, wall: Color, floor_y: float) -> None:
    w, h = canvas.size
    canvas.rect((-5, floor_y, w + 5, h + 5), hsv(rng.uniform(15, 40), rng.uniform(0.2, 0.5), rng.uniform(0.3, 0.55)))
    canvas.line([(-5, floor_y), (w + 5, floor_y)], (30, 30, 30), max(1.0, h / 400))


def whiteboard(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """White board in a grey aluminium frame, with marker scribbles (sometimes cyan)."""
    x0, y0, x1, y1 = box
    frame = rng.uniform(0.012, 0.035) * min(x1 - x0, y1 - y0) + 2
    grey = rng.randint(130, 190)
    canvas.rect((x0 - frame, y0 - frame, x1 + frame, y1 + frame), (grey, grey + 2, grey + 5))
    canvas.rect(box, (rng.randint(240, 252),) * 3)  # type: ignore[arg-type]
    for i in range(rng.randint(0, 5)):
        y = y0 + (i + 1) * (y1 - y0) / 7
        color = rng.choice(((30, 60, 200), (200, 40, 40), (20, 20, 20), (0, 190, 210)))
        canvas.line([(x0 + (x1 - x0) * 0.1, y), (x0 + (x1 - x0) * rng.uniform(0.3, 0.85), y)], color,
                    max(1.5, (y1 - y0) / 80))


def monitor(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """A screen in a black bezel: white (a document), blue, or dark with green code."""
    x0, y0, x1, y1 = box
    bezel = max(3.0, 0.05 * (x1 - x0))
    canvas.rect((x0 - bezel, y0 - bezel, x1 + bezel, y1 + bezel), (18, 18, 22), radius=bezel / 2)
    screen = rng.choice(((248, 250, 255), (40, 90, 200), (16, 20, 24), (235, 240, 245)))
    canvas.rect(box, screen)
    if screen[0] < 50:
        for i in range(6):
            y = y0 + (i + 1) * (y1 - y0) / 8
            canvas.line([(x0 + 8, y), (x0 + (x1 - x0) * rng.uniform(0.3, 0.9), y)], (60, 220, 90), 2)
    canvas.rect(((x0 + x1) / 2 - bezel, y1 + bezel, (x0 + x1) / 2 + bezel, y1 + 4 * bezel), (18, 18, 22))


def paper(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """A sheet pinned to the wall: white or pastel, sometimes with a cyan border."""
    x0, y0, x1, y1 = box
    if rng.random() < 0.35:
        t = rng.uniform(0.03, 0.08) * min(x1 - x0, y1 - y0) + 1
        canvas.rect((x0 - t, y0 - t, x1 + t, y1 + t), hsv(rng.uniform(175, 195), 0.9, 0.9))
    canvas.rect(box, rng.choice(((250, 250, 248), (250, 244, 200), (220, 240, 250), (240, 220, 230))))
    for i in range(3):
        y = y0 + (i + 1) * (y1 - y0) / 5
        canvas.line([(x0 + (x1 - x0) * 0.15, y), (x1 - (x1 - x0) * 0.15, y)], (90, 90, 90), 1.2)


def rack(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """A near-black server rack with charcoal units and LEDs."""
    x0, y0, x1, y1 = box
    canvas.rect(box, (20, 21, 26))
    unit = (y1 - y0) / rng.randint(5, 9)
    for i in range(int((y1 - y0) // unit)):
        uy = y0 + i * unit + unit * 0.15
        canvas.rect((x0 + (x1 - x0) * 0.06, uy, x1 - (x1 - x0) * 0.06, uy + unit * 0.7), (52, 55, 62))
        for j in range(4):
            canvas.circle(x0 + (x1 - x0) * (0.15 + 0.1 * j), uy + unit * 0.35, max(1.5, unit * 0.06),
                          rng.choice(((60, 230, 90), (0, 220, 240), (250, 170, 40))))


def window(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = box
    frame = max(3.0, 0.03 * (x1 - x0))
    canvas.rect((x0 - frame, y0 - frame, x1 + frame, y1 + frame), (235, 235, 235))
    canvas.rect(box, (170, 210, 245))
    canvas.rect(((x0 + x1) / 2 - frame / 2, y0, (x0 + x1) / 2 + frame / 2, y1), (235, 235, 235))


def sign(canvas: Canvas, rng: random.Random, box: tuple[float, float, float, float]) -> None:
    """A neon sign: a cyan rounded frame around a dark or white middle."""
    x0, y0, x1, y1 = box
    t = max(2.0, 0.06 * min(x1 - x0, y1 - y0))
    canvas.rect(box, hsv(rng.uniform(178, 192), 0.95, 1.0), radius=2 * t)
    canvas.rect((x0 + t, y0 + t, x1 - t, y1 - t), rng.choice(((24, 24, 30), (250, 250, 250))), radius=t)


DISTRACTORS = {"whiteboard": whiteboard, "monitor": monitor, "paper": paper, "rack": rack,
               "window": window, "sign": sign}
SHAPES = {  # width × height as shares of the picture's shorter side
    "whiteboard": ((0.3, 0.55), (0.2, 0.35)), "monitor": ((0.18, 0.3), (0.12, 0.2)),
    "paper": ((0.08, 0.14), (0.1, 0.18)), "rack": ((0.18, 0.28), (0.45, 0.75)),
    "window": ((0.2, 0.35), (0.2, 0.35)), "sign": ((0.12, 0.22), (0.07, 0.12)),
}


def distractors(canvas: Canvas, rng: random.Random, count: int, floor_y: float) -> list[str]:
    """`count` distractors at random on the wall, behind everything else."""
    w, h = canvas.size
    side = min(w, h)
    names = []
    for _ in range(count):
        name = rng.choice(tuple(DISTRACTORS))
        (w0, w1), (h0, h1) = SHAPES[name]
        bw, bh = rng.uniform(w0, w1) * side, rng.uniform(h0, h1) * side
        x0 = rng.uniform(-0.1 * bw, w - 0.9 * bw)
        y0 = rng.uniform(0.03 * h, max(0.04 * h, floor_y - bh * 0.8))
        DISTRACTORS[name](canvas, rng, (x0, y0, x0 + bw, y0 + bh))
        names.append(name)
    return names


def desk(canvas: Canvas, rng: random.Random, top_y: float, x0: float, x1: float) -> None:
    """A desk whose top edge is at `top_y`, from x0 to x1, down to the picture's bottom;
    sometimes a monitor, a keyboard or a mug on it."""
    h = canvas.size[1]
    wood = rng.choice(((150, 110, 70), (200, 200, 196), (90, 70, 55), (60, 62, 66), (235, 235, 230)))
    thick = max(4.0, 0.025 * h)
    canvas.rect((x0, top_y, x1, top_y + thick), tuple(min(255, c + 25) for c in wood))  # type: ignore[arg-type]
    canvas.rect((x0, top_y + thick, x1, h + 5), wood, outline=(30, 30, 30), width=max(1.0, h / 500))
    if rng.random() < 0.6:
        kx = rng.uniform(x0, x1 - 0.2 * h)
        canvas.rect((kx, top_y - 0.012 * h, kx + 0.18 * h, top_y + 0.004 * h), (40, 40, 44))
    if rng.random() < 0.5:
        mx = rng.uniform(x0, x1 - 0.05 * h)
        canvas.rect((mx, top_y - 0.07 * h, mx + 0.05 * h, top_y), rng.choice(((240, 240, 240), (200, 60, 50))),
                    radius=0.006 * h)
