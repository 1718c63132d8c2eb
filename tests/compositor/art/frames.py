"""Whole test frames, each from a kind and a seed, with the truth the tests score.

Kinds (framings): standing, seated (behind a desk), waist-up (the frame's bottom cuts
his torso), cut-side (the left or right edge cuts him), cut-top (the top edge cuts his
head), small (far away), behind-james (James in front of his lower torso), two-shot
(beside James), preview (the preview backend's own scenes), and nobody (no Milo: James
and distractors only). Every frame goes through `light.apply_light`.

Seeds below HELD_OUT are for development; seeds from HELD_OUT up are scored only at the
end (tests/compositor/test_held_out.py, benchmarks/compositor_sweep.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from PIL import Image

from agent.state import ScenePlan
from tests.compositor.art.canvas import Canvas
from tests.compositor.art.light import Light, apply_light
from tests.compositor.art.milo import MiloDrawn, MiloSpec, draw_milo
from tests.compositor.art.people import draw_james
from tests.compositor.art.room import desk, distractors, room, wall_color

KINDS = ("standing", "seated", "waist-up", "cut-side", "cut-top", "small", "behind-james", "two-shot",
         "preview")
HELD_OUT = 100_000
SIZES = ((1024, 1024), (1216, 832), (832, 1216), (768, 768), (1344, 768))
SLOGANS = ("RTFM", "PEBKAC", "Works On My Machine", "It's Not a Bug", "sudo make me a sandwich",
           "There's No Place Like 127.0.0.1", "Have you tried turning it off and on again?")
SHORT = ("RTFM", "PEBKAC", "ID10T", "LGTM")


@dataclass
class Frame:
    """A picture and its truth: where Milo's torso shows (None: no Milo), the panel's
    interior box when he wears one, the plan the compositor is given, the slogan."""

    kind: str
    seed: int
    image: Image.Image
    torso: np.ndarray | None
    plan: ScenePlan
    slogan: str
    panel_box: tuple[float, float, float, float] | None = None
    light: Light | None = None
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}{'+panel' if self.panel_box else ''}#{self.seed}"


def plan_for(characters: list[str], panel: bool, slogan: str) -> ScenePlan:
    outfits = {c: ("panel" if c == "milo" and panel else "default") for c in characters}
    return ScenePlan(characters=characters, plate="east", prompt="p", source="rules", outfits=outfits,
                     slogan=slogan)


def frame(kind: str, seed: int, *, panel: bool) -> Frame:
    """One lit frame of `kind` (see the module docstring)."""
    rng = random.Random(f"{kind}:{seed}:{panel}")
    base = _preview(rng, seed, panel) if kind == "preview" else _drawn(kind, rng, panel)
    light = Light.sample(rng)
    base.image = apply_light(base.image, light, seed)
    base.light = light
    base.seed = seed
    return base


def _drawn(kind: str, rng: random.Random, panel: bool) -> Frame:
    size = rng.choice(SIZES)
    w, h = size
    wall = wall_color(rng)
    canvas = Canvas(size, wall)
    spec = MiloSpec.sample(rng, panel=panel)
    floor_y = h * rng.uniform(0.72, 0.9)
    room(canvas, rng, wall, floor_y)
    distractors(canvas, rng, rng.randint(1, 4), floor_y)
    slogan = rng.choice(SHORT if kind == "small" else SLOGANS)
    characters = ["milo"]
    legs, james_at, desk_top, chair = True, None, None, None
    neck, th = spec.neck, spec.torso_h
    if kind in ("standing", "two-shot", "cut-side") and not (kind == "cut-side" and rng.random() < 0.5):
        r = h * rng.uniform(0.62, 0.9) / (1.2 + neck + 2.25 * th)
        hy = h * rng.uniform(0.9, 0.98) - (neck + 2.25 * th) * r
    elif kind == "small":
        r = h * rng.uniform(0.03, 0.05)
        hy = h * rng.uniform(0.45, 0.85) - (neck + 2.25 * th) * r
    elif kind == "seated":
        r = h * rng.uniform(0.07, 0.13)
        hy = h * rng.uniform(0.15, 0.4)
        legs = False
        desk_top = hy + (neck + rng.uniform(0.65, 0.95) * th) * r
        chair = rng.choice(((34, 34, 38), (50, 52, 58), (20, 20, 22), (120, 30, 30), (40, 60, 110), None))
    elif kind == "cut-top":
        r = h * rng.uniform(0.12, 0.2)
        hy = r * rng.uniform(0.25, 0.7)
        legs = rng.random() < 0.3
    else:  # waist-up, behind-james, the other half of cut-side: the bottom edge cuts the torso
        cut = rng.uniform(0.55, 1.0)
        r = h / (neck + cut * th + 1.15 + rng.uniform(0, 0.6))
        hy = h - (neck + cut * th) * r
        legs = False
    tw = spec.torso_w * r
    if kind == "cut-side":
        out = rng.uniform(0.15, 0.4)
        cx = tw * (0.5 - out) if rng.random() < 0.5 else w - tw * (0.5 - out)
    elif kind == "two-shot":
        cx = w * rng.choice((rng.uniform(0.2, 0.35), rng.uniform(0.65, 0.8)))
    else:
        cx = w * rng.uniform(0.2, 0.8)
    if kind in ("two-shot", "small") and (kind == "two-shot" or rng.random() < 0.5):
        james_at = (w - cx if abs(w - 2 * cx) > 1.4 * tw else (cx + 1.6 * tw if cx < w / 2 else cx - 1.6 * tw),
                    hy - rng.uniform(-0.1, 0.6) * r, r * rng.uniform(0.9, 1.15), True)
    if kind == "behind-james":
        side = rng.choice((-1, 1))
        james_at = (cx + side * tw * rng.uniform(0.3, 0.8), hy + (neck + rng.uniform(0.6, 0.95) * th) * r,
                    r * rng.uniform(0.95, 1.25), False)
    if james_at and james_at[3]:  # beside him, drawn first
        draw_james(canvas, rng, james_at[0], james_at[1], james_at[2], legs=legs)
    drawn = draw_milo(canvas, spec, cx, hy, r, legs=legs, chair=chair)
    if desk_top is not None:
        span = tw * rng.uniform(1.4, 3.0)
        desk(canvas, rng, desk_top, cx - span, cx + span)
    if james_at and not james_at[3]:  # in front of him
        draw_james(canvas, rng, james_at[0], james_at[1], james_at[2], legs=True)
    if james_at:
        characters = ["milo", "james"] if cx < james_at[0] else ["james", "milo"]
    image, truth = canvas.finish()
    return Frame(kind, 0, image, truth, plan_for(characters, panel, slogan), slogan,
                 panel_box=drawn.panel if panel else None, notes={"spec": spec, "milo": _where(drawn)})


def _where(drawn: MiloDrawn) -> dict[str, object]:
    return {"head": tuple(round(v) for v in drawn.head), "torso": tuple(round(v) for v in drawn.torso)}


def _preview(rng: random.Random, seed: int, panel: bool) -> Frame:
    """The preview backend's own picture, Milo's torso from its drawing geometry."""
    from dataclasses import replace

    from render.backends.base import RenderOptions
    from render.draw.figures import Pose

    cast = rng.choice((["milo"], ["milo", "james"], ["james", "milo"]))
    wall = rng.choice(("north", "east", "south", "west"))
    size = rng.choice(SIZES)
    slogan = rng.choice(SLOGANS)
    plan = plan_for(cast, panel, slogan).model_copy(update={"plate": wall, "seed": seed})
    image = _backend().render(plan, seed=seed, options=RenderOptions(width=size[0], height=size[1]))
    # where draw_cast put Milo: the same random draws, the same placement
    poses = random.Random(f"cast:{seed}")
    count, index = len(cast), cast.index("milo")
    pose = None
    for i in range(count):
        p = Pose.from_rng(poses)
        if count > 1:
            p = replace(p, flip=i < (count - 1) / 2 or (i == (count - 1) / 2 and p.flip))
        if i == index:
            pose = p
    assert pose is not None
    unit = min(size) / 1000
    ox, oy = (1000 * (index + 1) / (count + 1) + pose.dx) * size[0] / 1000, 965 * size[1] / 1000
    truth = np.zeros((size[1], size[0]), dtype=bool)
    # the torso from below the head (it overlaps the torso's top) down to the belt
    x0, x1 = round(ox - 92 * unit), round(ox + 92 * unit)
    y0, y1 = round(oy + (-421 + pose.head_dy) * unit), round(oy - 236 * unit)
    truth[max(0, y0):y1, max(0, x0):x1] = True
    panel_box = None
    if panel:
        panel_box = (ox - 74 * unit, oy - 398 * unit, ox + 74 * unit, oy - 274 * unit)
    return Frame("preview", seed, image, truth, plan, slogan, panel_box=panel_box, notes={"wall": wall})


@lru_cache(maxsize=1)
def _backend():  # one per process
    from render.backends.preview import PreviewBackend

    return PreviewBackend()
