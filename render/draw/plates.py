"""The four walls of the lab as flat-cartoon drawings (descriptions in `agent/walls.py`).

Each wall is recognisable at a glance: north the server rack, east the desk with three
monitors, south the exercise bike by the window, west the whiteboard and workbench.
Small details vary with the seed (LED pattern, mug positions, curves on the screens).
Nothing here is near-white: the compositor looks for the only white blob, Milo's panel.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

from PIL import Image

from agent.walls import PLATES
from render.draw.pen import INK, Color, Pen

FLOOR_Y = 700  # where the wall meets the floor, in design units

WALL_COLORS: dict[str, Color] = {
    "north": (86, 100, 122),
    "east": (198, 178, 146),
    "south": (158, 190, 160),
    "west": (184, 160, 128),
}
FLOOR: Color = (122, 88, 58)
FLOOR_LINE: Color = (98, 68, 44)
SCREEN: Color = (26, 32, 46)
METAL: Color = (112, 116, 124)
DARK: Color = (44, 46, 52)


def draw_plate(wall: str, size: tuple[int, int], seed: int = 0) -> Image.Image:
    """The wall `wall` (north|east|south|west) at `size` (width, height)."""
    if wall not in PLATES:
        raise ValueError(f"wall must be one of {', '.join(PLATES)}, not {wall!r}")
    image = Image.new("RGB", size, WALL_COLORS[wall])
    pen = Pen(image)
    rng = random.Random(f"{wall}:{seed}")
    _room(pen, wall)
    _WALLS[wall](pen, rng)
    return image


def _room(pen: Pen, wall: str) -> None:
    pen.rect(0, FLOOR_Y, 1000, 1000, FLOOR, outline=None)
    for y in (760, 840, 930):
        pen.line([(0, y), (1000, y)], FLOOR_LINE, 1.2)
    pen.rect(0, FLOOR_Y - 14, 1000, FLOOR_Y, (90, 70, 52), outline=None)  # skirting board
    pen.line([(0, FLOOR_Y), (1000, FLOOR_Y)], INK, 1.5)


# --- north: the server rack ------------------------------------------------------------------
def _north(pen: Pen, rng: random.Random) -> None:
    # a cable tray along the ceiling, feeding the rack
    pen.rect(0, 40, 1000, 62, METAL)
    pen.rect(320, 70, 680, FLOOR_Y + 10, (36, 38, 44), width=1.5, radius=8)  # the rack
    pen.rect(340, 90, 660, FLOOR_Y - 8, (22, 23, 28), outline=None)
    for x in (352, 648):  # rails with screw holes
        pen.line([(x, 92), (x, FLOOR_Y - 10)], METAL, 1.2)
        for y in range(100, FLOOR_Y - 10, 24):
            pen.circle(x, y, 2.5, (70, 72, 80), outline=None)
    # the switch: ports and a row of blinking green and amber LEDs
    pen.rect(362, 120, 638, 178, (58, 62, 70))
    for i in range(12):
        x = 378 + i * 21
        pen.rect(x, 146, x + 15, 166, (18, 18, 22), outline=(80, 84, 90), width=0.5)
        state = rng.random()
        led = (70, 230, 90) if state < 0.55 else (250, 176, 40) if state < 0.8 else (40, 60, 44)
        pen.circle(x + 7.5, 134, 4.5, led, outline=None)
    # two DGX Spark boxes: small gold units with a dark grille
    for top in (230, 340):
        pen.rect(380, top, 620, top + 80, (196, 160, 84), width=1.2, radius=6)
        pen.rect(396, top + 14, 560, top + 66, (70, 58, 36), outline=None, radius=4)
        for gx in range(404, 556, 12):
            pen.line([(gx, top + 18), (gx, top + 62)], (150, 122, 64), 0.6)
        pen.circle(590, top + 40, 7, (70, 230, 90) if rng.random() < 0.8 else (250, 176, 40), width=0.6)
    # blue and yellow cables, bundled, from the switch down to the Sparks
    for i, color in enumerate([(40, 110, 220), (240, 200, 40), (40, 110, 220), (240, 200, 40)]):
        x = 386 + i * 21 + rng.randint(-2, 2)
        pen.line([(x, 166), (x - 30 - i * 6, 200), (340 + i * 4, 250), (336 + i * 4, 380)], color, 2.2)
    pen.rect(326, 300, 352, 316, (20, 20, 20), outline=None)  # velcro tie
    # blank panels and the UPS at the bottom
    for top in (440, 500):
        pen.rect(362, top, 638, top + 44, (48, 50, 58), width=0.8)
    pen.rect(362, 580, 638, FLOOR_Y - 16, (30, 31, 36), width=1.2)
    pen.rect(390, 604, 470, 636, (60, 170, 110), width=0.8)  # UPS status screen
    for i in range(4):
        pen.rect(392 + i * 18, 612, 404 + i * 18, 628, (30, 90, 60), outline=None)
    pen.circle(600, 620, 10, (70, 230, 90), width=0.8)
    # a second cable run on the wall beside the rack
    pen.line([(700, 62), (700, FLOOR_Y - 30), (660, FLOOR_Y - 30)], (40, 110, 220), 2)
    pen.line([(712, 62), (712, FLOOR_Y - 20), (660, FLOOR_Y - 20)], (240, 200, 40), 2)


# --- east: the desk ----------------------------------------------------------------------------
def _east(pen: Pen, rng: random.Random) -> None:
    pen.rect(60, 520, 940, 552, (150, 104, 66), width=1.5)  # desk top
    for x in (80, 900):
        pen.rect(x, 552, x + 24, FLOOR_Y + 20, (110, 76, 48))
    for i, x in enumerate((150, 390, 630)):  # three monitors
        pen.rect(x + 95, 470, x + 125, 520, DARK)
        pen.rect(x + 60, 508, x + 160, 522, DARK)
        pen.rect(x, 290, x + 220, 475, DARK, width=1.5, radius=6)
        pen.rect(x + 12, 302, x + 208, 463, SCREEN, outline=None)
        if i == 1:  # a dashboard: bar chart and a gauge line
            for b in range(7):
                h = rng.randint(20, 110)
                pen.rect(x + 24 + b * 24, 450 - h, x + 40 + b * 24, 450, (80, 200, 240), outline=None)
            pen.line([(x + 20, 330), (x + 80, 320), (x + 140, 340), (x + 200, 316)], (250, 176, 40), 1)
        else:  # code: indented coloured lines
            for row in range(10):
                indent = rng.choice((0, 0, 16, 32))
                length = rng.randint(40, 150)
                color = rng.choice([(120, 220, 130), (230, 140, 200), (140, 180, 250), (230, 210, 120)])
                y = 314 + row * 15
                pen.line([(x + 24 + indent, y), (x + 24 + indent + length, y)], color, 1.3)
    # the mechanical keyboard and the mouse
    pen.polygon([(380, 500), (620, 500), (630, 522), (370, 522)], (60, 62, 70), width=1.2)
    for row in range(2):
        for k in range(14):
            x = 386 + k * 17 + row * 4
            pen.rect(x, 504 + row * 8, x + 12, 509 + row * 8, (110, 114, 124), outline=None)
    pen.ellipse(660, 502, 690, 522, (70, 72, 80), width=1)
    # coffee mugs, where the seed left them
    spots = rng.sample([110, 170, 240, 320, 720, 780, 840], k=rng.randint(2, 4))
    for x in spots:
        color = rng.choice([(200, 60, 50), (60, 110, 200), (230, 180, 40), (90, 160, 90)])
        pen.arc(x + 20, 496, x + 40, 514, 270, 90, INK, 2.5)
        pen.rect(x, 486, x + 30, 522, color, width=1.2, radius=4)
    # a wall clock, because it is always late
    pen.circle(880, 150, 46, (232, 214, 170), width=1.5)
    hour = rng.uniform(0, 2 * math.pi)
    pen.line([(880, 150), (880 + 24 * math.sin(hour), 150 - 24 * math.cos(hour))], INK, 2)
    pen.line([(880, 150), (880, 114)], INK, 1.5)


# --- south: the fitness corner ----------------------------------------------------------------
def _south(pen: Pen, rng: random.Random) -> None:
    # the big window: a night sky and a moon, four panes
    pen.rect(70, 110, 470, 540, (120, 96, 70), width=1.5)
    pen.rect(90, 130, 450, 520, (46, 70, 130), outline=None)
    for _ in range(14):
        pen.circle(rng.uniform(100, 440), rng.uniform(140, 420), 2.2, (240, 230, 150), outline=None)
    pen.circle(380, 200, 28, (236, 222, 150), width=0.8)
    pen.line([(270, 130), (270, 520)], (120, 96, 70), 3)
    pen.line([(90, 325), (450, 325)], (120, 96, 70), 3)
    pen.rect(60, 536, 480, 556, (140, 112, 82))  # sill
    # potted plants on the sill and on the floor
    for x, top in ((110, 470), (390, 480)):
        for _ in range(6):
            dx, h = rng.uniform(-30, 30), rng.uniform(40, 80)
            pen.ellipse(x + dx - 12, top - h, x + dx + 12, top + 10, (60, 150, 70), width=0.8)
        pen.polygon([(x - 26, top), (x + 26, top), (x + 18, top + 56), (x - 18, top + 56)], (190, 100, 60))
    for _ in range(9):
        dx, h = rng.uniform(-50, 50), rng.uniform(80, 200)
        pen.ellipse(520 + dx - 18, 600 - h, 520 + dx + 18, 610, (50, 136, 64), width=0.8)
    pen.polygon([(480, 600), (560, 600), (548, FLOOR_Y + 10), (492, FLOOR_Y + 10)], (170, 90, 56))
    # the wall-mounted TV with training loss curves
    pen.rect(560, 100, 940, 330, DARK, width=1.5, radius=6)
    pen.rect(575, 114, 925, 316, SCREEN, outline=None)
    pen.line([(595, 130), (595, 300), (910, 300)], (150, 156, 170), 1)
    for color, floor in (((240, 120, 90), 270), ((90, 200, 240), 250)):
        decay = rng.uniform(0.015, 0.03)
        points = [(600 + t * 5, floor - 140 * math.exp(-decay * t * 5) + rng.uniform(-4, 4))
                  for t in range(62)]
        pen.line(points, color, 1.4)
    # the exercise bike
    pen.circle(650, 640, 52, (60, 62, 70), width=1.5)  # flywheel
    pen.circle(650, 640, 16, METAL, width=1)
    pen.line([(650, 640), (720, 520), (840, 520), (880, 680)], (200, 50, 50), 3.5)  # frame
    pen.line([(720, 520), (700, 450)], (200, 50, 50), 3)  # handlebar post
    pen.line([(680, 440), (730, 450)], INK, 3)
    pen.line([(840, 520), (850, 470)], (200, 50, 50), 3)  # seat post
    pen.ellipse(818, 452, 886, 476, (30, 30, 34), width=1)
    pen.line([(620, 690), (900, 690)], (60, 62, 70), 3)  # stand
    pen.circle(770, 600, 20, METAL, width=1)  # pedal crank
    pen.line([(770, 600), (790, 630)], INK, 2)


# --- west: the whiteboard, workbench and couch ---------------------------------------------------
def _west(pen: Pen, rng: random.Random) -> None:
    # the whiteboard (light grey, not white, so it never looks like Milo's panel)
    pen.rect(70, 80, 560, 420, (196, 204, 202), width=1.5)
    pen.rect(70, 420, 560, 432, METAL)
    marker = [(40, 80, 200), (200, 50, 50), (30, 30, 30), (30, 140, 70)]
    boxes = [(110, 120), (300, 110), (200, 260), (400, 270)]
    for (bx, by), color in zip(boxes, marker, strict=True):
        pen.rect(bx, by, bx + 110, by + 60, None, outline=color, width=1.2)
    for (ax, ay), (bx, by) in ((boxes[0], boxes[2]), (boxes[1], boxes[2]), (boxes[2], boxes[3])):
        pen.line([(ax + 55, ay + 60), (bx + 55, by)], rng.choice(marker), 1)
    pen.line([(120, 390), (180, 360), (240, 372), (300, 340), (360, 350)], (200, 50, 50), 1)
    # pegboard with hand tools over the workbench
    pen.rect(600, 150, 960, 400, (170, 132, 90), width=1.2)
    for x in range(620, 950, 24):
        for y in range(170, 390, 24):
            pen.circle(x, y, 2, (120, 90, 60), outline=None)
    pen.line([(640, 190), (640, 330)], METAL, 3)  # screwdriver
    pen.rect(632, 300, 648, 360, (220, 70, 60), width=0.8)
    pen.line([(700, 200), (700, 360)], (130, 90, 50), 3)  # hammer
    pen.rect(676, 190, 724, 214, METAL, width=0.8)
    pen.line([(760, 200), (790, 350)], METAL, 3.5)  # wrench
    pen.circle(757, 196, 12, None, outline=METAL, width=2.5)
    pen.arc(820, 200, 880, 260, 200, 520, (240, 180, 40), 3)  # a coil of tape
    # the workbench with the 3D printer
    pen.rect(590, 520, 980, 548, (140, 100, 62), width=1.5)
    for x in (606, 946):
        pen.rect(x, 548, x + 20, FLOOR_Y + 20, (110, 76, 48))
    pen.rect(790, 380, 950, 520, (50, 52, 60), width=1.5)  # printer frame
    pen.rect(804, 394, 936, 506, (80, 86, 98), outline=None)
    pen.rect(810, 420, 930, 428, METAL, width=0.6)  # gantry
    pen.rect(860, 412, 880, 436, (240, 120, 40), width=0.6)  # hot end
    pen.rect(820, 490, 920, 500, (30, 30, 34), outline=None)  # bed
    height = rng.randint(14, 40)
    pen.rect(855, 490 - height, 885, 490, (90, 200, 120), width=0.6)  # the part being printed
    pen.rect(640, 500, 700, 520, (200, 60, 50), width=1)  # toolbox
    # the worn couch
    couch = (150, 70, 64)
    pen.rect(60, 560, 520, 640, couch, width=1.5, radius=18)
    pen.rect(40, 600, 540, 690, couch, width=1.5, radius=18)
    for x in (110, 240, 370):
        pen.rect(x, 580, x + 120, 640, (170, 84, 76), width=1, radius=12)
    pen.rect(30, 590, 90, 690, (130, 60, 54), width=1.5, radius=14)
    pen.rect(490, 590, 550, 690, (130, 60, 54), width=1.5, radius=14)
    pen.rect(180, 610, 206, 626, (120, 56, 50), outline=None)  # a patch: worn


_WALLS: dict[str, Callable[[Pen, random.Random], None]] = {
    "north": _north, "east": _east, "south": _south, "west": _west,
}
