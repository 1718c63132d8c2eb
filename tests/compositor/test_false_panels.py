"""No false panels: white things framed by cyan-ish colour that are not Milo's chest
panel — a whiteboard in a grey frame on a teal wall (the wall reads as cyan piping), a
sheet in a cyan frame, a neon sign round a white card, a white monitor — on walls of
every hue, under a renderer's light. The panel's ring must be thin, of one cyan hue,
hug the rectangle, and have the dark suit beyond it."""

from __future__ import annotations

import random

import pytest

from render.compositor import compose
from render.compositor.panel import find_panels
from render.compositor.picture import Picture
from tests.compositor.art.canvas import Canvas
from tests.compositor.art.light import Light, apply_light
from tests.compositor.art.milo import MiloSpec, draw_milo
from tests.compositor.art.room import DISTRACTORS, TEAL_HUES, hsv, room
from tests.compositor.helpers import NO_POSE

SIZE = (768, 768)
# wall hues in degrees: every 30°, and teal and turquoise ones in between
HUES = [*range(0, 360, 30), 170, 178, 186, 195]
WHITE_THINGS = ("whiteboard", "paper", "sign", "monitor")


def lit(canvas: Canvas, seed: int):
    image, truth = canvas.finish()
    return apply_light(image, Light.sample(random.Random(seed)), seed), truth


def wall_of_distractors(hue: float, seed: int) -> Canvas:
    """A wall of hue `hue` with one of each white thing, framed in their own ways."""
    rng = random.Random(f"wall:{hue}:{seed}")
    wall = hsv(hue, rng.uniform(0.35, 0.7), rng.uniform(0.5, 0.85))
    canvas = Canvas(SIZE, wall)
    room(canvas, rng, wall, 640)
    boxes = ((40, 40, 360, 250), (420, 60, 520, 190), (560, 60, 720, 170), (420, 300, 700, 470))
    for name, box in zip(WHITE_THINGS, boxes, strict=True):
        DISTRACTORS[name](canvas, rng, box)
    return canvas


@pytest.mark.parametrize("hue", HUES)
def test_white_things_on_any_wall_are_not_panels(hue):
    for seed in range(2):
        image, _ = lit(wall_of_distractors(hue, seed), seed)
        assert find_panels(Picture(image)) == [], f"a panel found on a wall of hue {hue}, light {seed}"


@pytest.mark.parametrize("hue", [TEAL_HUES[0], 180.0, TEAL_HUES[1]])
def test_a_whiteboard_on_a_teal_wall_does_not_take_milos_slogan(hue):
    """The reported case: without a panel on Milo, the slogan must not go on the
    whiteboard; with one, the panel found is his."""
    for panel in (False, True):
        for seed in range(3):
            rng = random.Random(f"teal:{hue}:{seed}:{panel}")
            canvas = wall_of_distractors(hue, seed)
            milo = draw_milo(canvas, MiloSpec.sample(rng, panel=panel), 560, 560, 48, legs=False)
            image, torso = lit(canvas, seed)
            done = compose(image, "RTFM", settings=NO_POSE)
            x0, y0, x1, y1 = done.result.box
            cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
            if panel:
                assert done.result.method == "panel", (hue, seed)
                assert milo.panel is not None
                px0, py0, px1, py1 = milo.panel
                assert px0 - 4 <= cx <= px1 + 4
                assert py0 - 4 <= cy <= py1 + 4
            else:
                assert done.result.method != "panel", (hue, seed)
            assert not (40 <= cx <= 360 and 40 <= cy <= 250), "the slogan went on the whiteboard"
