"""Stand-ins for the characters: Milo the raccoon and James, drawn in flat-cartoon shapes.

Each figure is drawn in its own design space: origin between the feet, y up is negative,
about 680 units tall. With the "panel" outfit Milo wears the clean white chest panel with
neon cyan piping the compositor looks for; otherwise his chest is dark.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from PIL import Image

from render.draw.pen import INK, Color, Pen

FIGURE_HEIGHT = 680
PANEL_WHITE: Color = (250, 250, 250)
PANEL_CYAN: Color = (0, 230, 255)
# Milo's chest panel in figure units: (x0, y0, x1, y1), inside the cyan piping.
MILO_PANEL = (-74, -398, 74, -274)


@dataclass(frozen=True)
class Pose:
    """Small seeded variations, so two seeds never give the same picture."""

    dx: float = 0.0
    left_arm: float = 12.0  # degrees out from hanging straight down
    right_arm: float = 12.0
    head_dy: float = 0.0
    flip: bool = False  # tail (or look) to the other side

    @classmethod
    def from_rng(cls, rng: random.Random) -> Pose:
        return cls(
            dx=rng.uniform(-25, 25),
            left_arm=rng.choice((8.0, 14.0, 22.0, 120.0)),
            right_arm=rng.choice((8.0, 14.0, 22.0, 30.0)),
            head_dy=rng.uniform(-8, 8),
            flip=rng.random() < 0.5,
        )


def limb(pen: Pen, x: float, y: float, angle: float, length: float, thick: float,
         color: Color, end: Color) -> tuple[float, float]:
    """An arm or leg from (x, y), `angle` degrees from straight down (positive: outwards
    to the figure's right), ending in a round hand or paw; returns the end point."""
    a = math.radians(angle)
    ex, ey = x + length * math.sin(a), y + length * math.cos(a)
    nx, ny = thick / 2 * math.cos(a), -thick / 2 * math.sin(a)
    pen.polygon([(x - nx, y - ny), (x + nx, y + ny), (ex + nx, ey + ny), (ex - nx, ey - ny)], color)
    pen.circle(ex, ey, thick * 0.62, end)
    return ex, ey


# --- Milo ------------------------------------------------------------------------------------
FUR: Color = (150, 140, 130)
FUR_LIGHT: Color = (214, 200, 184)  # V < 215: never mistaken for the panel
MASK: Color = (34, 34, 40)
SUIT: Color = (54, 57, 64)
POUCH: Color = (24, 24, 28)
AMBER: Color = (250, 176, 40)


def draw_milo(pen: Pen, outfit: str, pose: Pose) -> None:
    side = -1 if pose.flip else 1
    # the ringed tail, behind everything
    for i in range(9):
        t = i / 8
        x = side * (70 + 150 * t)
        y = -200 - 200 * t * t + 40 * t
        pen.circle(x, y, 34 - 8 * t, MASK if i % 2 else (130, 130, 136), width=0.8)
    # legs and feet
    for s in (-1, 1):
        pen.rect(s * 12, -210, s * 58, -22, SUIT)
        pen.ellipse(s * 4, -34, s * 78, 0, MASK)
    # arms (hanging or raised), then the torso over their roots
    limb(pen, -84, -395, -pose.left_arm if pose.left_arm < 90 else -150, 170, 40, SUIT, MASK)
    limb(pen, 84, -395, pose.right_arm, 170, 40, SUIT, MASK)
    pen.rect(-92, -425, 92, -190, SUIT, width=1.3, radius=30)
    pen.rect(-92, -236, 92, -210, POUCH, outline=None)
    for x in (-84, 46):
        pen.rect(x, -248, x + 38, -200, POUCH, outline=(80, 84, 90), width=0.6, radius=4)
    if outfit == "panel":
        draw_milo_panel(pen)
    else:
        pen.line([(0, -420), (0, -250)], (36, 38, 44), 1.2)  # the dark chest's zip
    # the head
    hy = -505 + pose.head_dy
    for s in (-1, 1):
        pen.circle(s * 60, hy - 70, 30, FUR)
        pen.circle(s * 62, hy - 84, 12, FUR_LIGHT, outline=None)  # white ear tips
    pen.circle(0, hy, 84, FUR, width=1.3)
    pen.ellipse(-46, hy + 8, 46, hy + 72, FUR_LIGHT, width=0.8)
    pen.ellipse(-80, hy - 40, 80, hy + 12, MASK, outline=None)  # the black eye mask
    for s in (-1, 1):
        pen.circle(s * 34, hy - 14, 14, AMBER, width=0.8)
        pen.circle(s * 34 + 3, hy - 13, 5.5, INK, outline=None)
    pen.ellipse(-13, hy + 20, 13, hy + 36, INK, outline=None)
    pen.arc(-18, hy + 34, 18, hy + 56, 20, 160, INK, 1.0)
    # a headset over one ear, mic towards the mouth
    pen.arc(-86, hy - 96, 86, hy + 40, 200, 340, (30, 30, 34), 2.2)
    pen.circle(-side * 84, hy - 6, 16, (30, 30, 34), width=0.8)
    pen.line([(-side * 84, hy + 4), (-side * 40, hy + 50)], (30, 30, 34), 1.5)


def draw_milo_panel(pen: Pen) -> None:
    """The blank white chest panel framed by neon cyan piping (the compositor's target)."""
    x0, y0, x1, y1 = MILO_PANEL
    pen.rect(x0 - 9, y0 - 9, x1 + 9, y1 + 9, PANEL_CYAN, outline=INK, width=0.7, radius=4)
    pen.rect(x0, y0, x1, y1, PANEL_WHITE, outline=None)


# --- James -----------------------------------------------------------------------------------
SKIN: Color = (236, 194, 160)
NAVY: Color = (34, 48, 96)
JEANS: Color = (50, 64, 100)
HAIR: Color = (140, 140, 142)


def draw_james(pen: Pen, outfit: str, pose: Pose) -> None:
    for s in (-1, 1):
        pen.rect(s * 8, -240, s * 56, -22, JEANS)
        pen.ellipse(s * 2, -32, s * 74, 0, (206, 208, 212))  # white sneakers (V < 215, unlike the panel)
    limb(pen, -86, -452, -min(pose.left_arm, 40), 205, 40, NAVY, SKIN)
    limb(pen, 86, -452, pose.right_arm, 205, 40, NAVY, SKIN)
    pen.rect(-90, -478, 90, -218, NAVY, width=1.3, radius=34)  # the pullover
    pen.rect(-90, -240, 90, -218, (28, 40, 82), outline=None)
    pen.polygon([(-26, -478), (26, -478), (0, -440)], (150, 152, 158), width=0.8)  # grey tee
    pen.line([(0, -440), (0, -392)], (170, 172, 180), 1.2)  # quarter zip
    pen.rect(-22, -505, 22, -472, SKIN, width=0.8)  # neck
    hy = -575 + pose.head_dy
    pen.circle(-64, hy + 6, 13, SKIN, width=0.8)
    pen.circle(64, hy + 6, 13, SKIN, width=0.8)
    pen.ellipse(-62, hy - 2, 62, hy + 96, (150, 150, 150), width=1.2)  # the beard
    pen.ellipse(-60, hy - 78, 60, hy + 52, SKIN, width=1.2)  # the face
    pen.arc(-24, hy + 40, 24, hy + 66, 15, 165, (90, 60, 50), 1.2)  # a tired smile
    # short salt-and-pepper hair, speckled from the seed so it reads as both
    pen.polygon([(-64, hy - 20), (-60, hy - 70), (-30, hy - 92), (30, hy - 92), (60, hy - 70),
                 (64, hy - 20), (50, hy - 52), (-50, hy - 52)], HAIR, width=1.2)
    speckle = random.Random(int(hy * 10))
    for _ in range(36):
        x, y = speckle.uniform(-54, 54), speckle.uniform(hy - 86, hy - 56)
        pen.circle(x, y, 2.6, (70, 70, 72) if speckle.random() < 0.5 else (196, 196, 198), outline=None)
    # rectangular black-rimmed glasses
    for s in (-1, 1):
        pen.rect(s * 8, hy - 20, s * 50, hy + 6, None, outline=INK, width=1.6)
        pen.circle(s * 28, hy - 7, 4.5, INK, outline=None)
        pen.line([(s * 14, hy - 30), (s * 44, hy - 33)], (100, 100, 102), 1.2)  # grey brows
    pen.line([(-8, hy - 12), (8, hy - 12)], INK, 1.6)


# --- anyone else: a plain figure in a colour of their own --------------------------------------
def draw_generic(pen: Pen, outfit: str, pose: Pose, character_id: str = "") -> None:
    digest = hashlib.sha256(character_id.encode()).digest()
    color: Color = (60 + digest[0] % 140, 60 + digest[1] % 140, 60 + digest[2] % 140)
    for s in (-1, 1):
        pen.rect(s * 8, -240, s * 52, -22, (60, 60, 70))
    limb(pen, -84, -450, -pose.left_arm if pose.left_arm < 90 else -40, 200, 38, color, SKIN)
    limb(pen, 84, -450, pose.right_arm, 200, 38, color, SKIN)
    pen.rect(-86, -476, 86, -220, color, width=1.3, radius=30)
    pen.circle(0, -560 + pose.head_dy, 70, SKIN, width=1.2)


FIGURES: dict[str, Callable[[Pen, str, Pose], None]] = {"milo": draw_milo, "james": draw_james}


def draw_figure(pen: Pen, character_id: str, outfit: str, pose: Pose) -> None:
    """Draw one character with its feet at `pen`'s origin."""
    draw = FIGURES.get(character_id)
    if draw is None:
        draw_generic(pen, outfit, pose, character_id)
    else:
        draw(pen, outfit, pose)


def draw_cast(image: Image.Image, characters: list[str], outfits: dict[str, str],
              rng: random.Random) -> None:
    """The characters left to right, standing on the floor in front of the wall."""
    pen = Pen(image)
    count = len(characters)
    scale = 1.0 if count <= 2 else 2.1 / count
    placed = []
    for index, character_id in enumerate(characters):
        pose = Pose.from_rng(rng)
        if count > 1:  # tails and raised arms swing away from the neighbours
            pose = replace(pose, flip=index < (count - 1) / 2 or (index == (count - 1) / 2 and pose.flip))
        cx = 1000 * (index + 1) / (count + 1) + pose.dx
        figure = pen.at(cx, 965, scale)
        draw_figure(figure, character_id, outfits.get(character_id, "default"), pose)
        placed.append((character_id, figure))
    # The slogan panel is drawn again on top, so a neighbour's arm never covers it.
    for character_id, figure in placed:
        if character_id == "milo" and outfits.get(character_id) == "panel":
            draw_milo_panel(figure)


def draw_reference(character_id: str, outfit: str = "default",
                   size: tuple[int, int] = (416, 576)) -> Image.Image:
    """A character alone on a plain backdrop, front on: the reference image Kontext reads."""
    image = Image.new("RGB", size, (200, 204, 212))
    base = Pen(image)
    scale = 0.94 * size[1] / (FIGURE_HEIGHT * min(base.sx, base.sy))
    # a little left of centre: Milo's tail swings out to his left (the picture's right)
    draw_figure(base.at(430, 985, scale), character_id, outfit, Pose())
    return image
