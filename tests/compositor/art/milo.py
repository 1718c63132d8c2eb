"""Milo, drawn from a seeded spec: proportions, line width, detail and colours vary within
what any artist (or FLUX) would still call "a raccoon in a charcoal tactical suit, grey fur,
black eye mask", with or without the white chest panel framed by cyan piping.

Deliberately unlike `render/draw/figures.py`: the head is measured in its own radius R,
the torso's width and height vary, arms hang at several angles, the outline goes from none
(flat) to heavy, and "detailed" Milos get shading, a collar, zips, pouches and a headset.
"""

from __future__ import annotations

import colorsys
import random
from dataclasses import dataclass

from tests.compositor.art.canvas import Canvas, Color, rotated

INK: Color = (22, 22, 26)


@dataclass(frozen=True)
class MiloSpec:
    """Everything that varies between two Milos, in units of the head radius R."""

    style: str  # "flat" (no outlines, few shapes), "outlined", "detailed"
    outline: float  # line width in px (0 for flat)
    head_wide: float  # head width / height
    torso_w: float  # in R
    torso_h: float  # in R
    neck: float  # torso top below the head's centre, in R
    suit: Color
    fur: Color
    muzzle: Color
    mask: Color
    eyes: Color
    mask_shape: str  # "band" or "lobes"
    arm_angles: tuple[float, float]  # left, right; above 90: raised
    panel: bool
    panel_w: float  # of the torso's width
    panel_aspect: float  # height / width
    panel_top: float  # of the torso's height, below its top
    panel_white: Color
    piping: Color
    piping_t: float  # of the panel's shorter side
    panel_angle: float
    panel_radius: float  # of the panel's shorter side
    panel_line: bool  # a thin dark line between piping and panel
    shading: float  # 0: flat; else how much darker the torso's shadow side is

    @classmethod
    def sample(cls, rng: random.Random, *, panel: bool) -> MiloSpec:
        style = rng.choice(("flat", "outlined", "outlined", "detailed", "detailed"))
        grey = rng.randint(38, 78)
        tint = (rng.randint(-4, 6), rng.randint(-4, 6), rng.randint(-2, 10))
        fur_v = rng.randint(112, 176)
        fur_warm = rng.uniform(0, 0.12)
        fur = _hsv(rng.uniform(20, 40), fur_warm, fur_v)
        piping_h = rng.uniform(176, 197)
        white = rng.randint(238, 255)
        return cls(
            style=style,
            outline=0.0 if style == "flat" else rng.uniform(1.0, 6.0),
            head_wide=rng.uniform(1.0, 1.18),
            torso_w=rng.uniform(1.9, 2.8),
            torso_h=rng.uniform(2.2, 3.6),
            neck=rng.uniform(0.7, 0.95),
            suit=tuple(max(0, min(255, grey + t)) for t in tint),  # type: ignore[arg-type]
            fur=fur,
            muzzle=_hsv(rng.uniform(20, 40), fur_warm * 0.6, min(235, fur_v + rng.randint(25, 60))),
            mask=(rng.randint(14, 40),) * 3,  # type: ignore[arg-type]
            eyes=rng.choice(((250, 176, 40), (255, 210, 60), (240, 240, 235), (120, 200, 255))),
            mask_shape=rng.choice(("band", "lobes")),
            arm_angles=(rng.choice((6.0, 14.0, 24.0, 35.0, 150.0)), rng.choice((6.0, 12.0, 20.0, 30.0))),
            panel=panel,
            panel_w=rng.uniform(0.48, 0.74),
            panel_aspect=rng.uniform(0.5, 0.85),
            panel_top=rng.uniform(0.1, 0.22),
            panel_white=(white, white - rng.randint(0, 4), white - rng.randint(0, 8)),
            piping=_hsv(piping_h, rng.uniform(0.72, 1.0), rng.randint(205, 255)),
            piping_t=rng.uniform(0.04, 0.1),
            panel_angle=rng.choice((0.0, 0.0, rng.uniform(-12, 12))),
            panel_radius=rng.choice((0.0, 0.0, rng.uniform(0.03, 0.14))),
            panel_line=rng.random() < 0.3,
            shading=0.0 if style == "flat" else rng.uniform(0.0, 0.25),
        )


@dataclass
class MiloDrawn:
    """Where this Milo ended up, in picture pixels."""

    head: tuple[float, float, float, float]
    torso: tuple[float, float, float, float]
    panel: tuple[float, float, float, float] | None = None
    panel_angle: float = 0.0


def _hsv(hue: float, sat: float, value: int) -> Color:
    r, g, b = colorsys.hsv_to_rgb(hue / 360, sat, value / 255)
    return round(r * 255), round(g * 255), round(b * 255)


def _shade(color: Color, factor: float) -> Color:
    return tuple(max(0, min(255, round(c * factor))) for c in color)  # type: ignore[return-value]


def draw_milo(canvas: Canvas, spec: MiloSpec, cx: float, head_y: float, r: float, *,
              legs: bool = True, chair: Color | None = None) -> MiloDrawn:
    """Milo with his head centred on (cx, head_y), head radius `r` px. `legs`: standing;
    else seated (nothing drawn below the torso). `chair`: a chair back behind him."""
    line = INK if spec.outline else None
    lw = spec.outline * r / 60  # line width grows with the figure, as in a drawing
    tw, th = spec.torso_w * r, spec.torso_h * r
    top = head_y + spec.neck * r
    x0, x1 = cx - tw / 2, cx + tw / 2
    if chair is not None:
        canvas.rect((cx - tw * 0.75, top - 0.4 * r, cx + tw * 0.75, top + th * 1.2), chair,
                    outline=line, width=lw, radius=0.3 * r)
    if spec.style == "detailed":  # the ringed tail, behind him
        for i in range(7):
            t = i / 6
            canvas.circle(cx + tw * (0.55 + 0.5 * t), top + th * (0.95 - 0.5 * t * t), r * (0.42 - 0.12 * t),
                          spec.mask if i % 2 else _shade(spec.fur, 0.9), outline=line, width=lw * 0.7)
    if legs:
        for side in (-1, 1):
            lx = cx + side * tw * 0.24
            canvas.rect((lx - tw * 0.17, top + th - 0.2 * r, lx + tw * 0.17, top + th + 1.15 * th),
                        spec.suit, outline=line, width=lw)
            canvas.ellipse((lx - tw * 0.24, top + 2.1 * th, lx + tw * 0.24, top + 2.25 * th), spec.mask,
                           outline=line, width=lw)
    # arms behind the torso when raised, so the raised one never hides his chest
    arm_w = 0.26 * tw
    raised = [side for side, angle in zip((-1, 1), spec.arm_angles, strict=True) if angle > 90]
    for side in raised:
        canvas.limb((cx + side * (tw / 2 - arm_w * 0.3), top + 0.15 * r), side * 150, th * 0.8, arm_w,
                    spec.suit, spec.mask, outline=line, width=lw)
    # the torso
    radius = r * (0.2 if spec.style == "flat" else 0.45)
    canvas.rect((x0, top, x1, top + th), spec.suit, outline=line, width=lw, radius=radius, torso=True)
    if spec.shading:
        shadow = _shade(spec.suit, 1 - spec.shading)
        canvas.rect((x1 - tw * 0.22, top + lw, x1 - lw, top + th - lw), shadow, radius=radius * 0.6, torso=True)
    belt_y = top + th * 0.86
    canvas.rect((x0 + lw, belt_y, x1 - lw, belt_y + th * 0.07), _shade(spec.mask, 1.1), torso=True)
    if spec.style == "detailed":
        for px in (x0 + tw * 0.08, x1 - tw * 0.3):
            canvas.rect((px, belt_y - th * 0.08, px + tw * 0.22, belt_y + th * 0.11), _shade(spec.mask, 1.3),
                        outline=line, width=lw * 0.6, radius=0.1 * r, torso=True)
        canvas.polygon([(cx - tw * 0.22, top), (cx, top + 0.35 * r), (cx + tw * 0.22, top)],
                       _shade(spec.suit, 1.35), outline=line, width=lw * 0.6, torso=True)  # collar
    drawn = MiloDrawn(head=(0, 0, 0, 0), torso=(x0, top, x1, top + th))
    if spec.panel:
        drawn.panel, drawn.panel_angle = _panel(canvas, spec, cx, top, tw, th, r)
    elif spec.style != "flat":
        canvas.line([(cx, top + 0.3 * r), (cx, belt_y)], _shade(spec.suit, 0.7), max(1.0, lw * 0.7), torso=True)
    for side, angle in zip((-1, 1), spec.arm_angles, strict=True):
        if angle <= 90:
            canvas.limb((cx + side * (tw / 2 - arm_w * 0.15), top + 0.25 * r), side * angle, th * 0.78, arm_w,
                        spec.suit, spec.mask, outline=line, width=lw)
    drawn.head = _head(canvas, spec, cx, head_y, r, line, lw)
    return drawn


def _panel(canvas: Canvas, spec: MiloSpec, cx: float, top: float, tw: float, th: float,
           r: float) -> tuple[tuple[float, float, float, float], float]:
    pw = spec.panel_w * tw
    ph = min(spec.panel_aspect * pw, 0.55 * th)
    t = max(1.6, spec.piping_t * min(pw, ph))
    pcx, pcy = cx + (spec.panel_angle / 40) * tw * 0.1, top + spec.panel_top * th + ph / 2
    if spec.panel_angle:
        canvas.polygon(rotated(pcx, pcy, pw + 2 * t, ph + 2 * t, spec.panel_angle), spec.piping, torso=True)
        if spec.panel_line:
            canvas.polygon(rotated(pcx, pcy, pw + 1.2, ph + 1.2, spec.panel_angle), INK, torso=True)
        inner = rotated(pcx, pcy, pw, ph, spec.panel_angle)
        canvas.polygon(inner, spec.panel_white, torso=True)
    else:
        rad = spec.panel_radius * min(pw, ph)
        canvas.rect((pcx - pw / 2 - t, pcy - ph / 2 - t, pcx + pw / 2 + t, pcy + ph / 2 + t), spec.piping,
                    radius=rad + t, torso=True)
        if spec.panel_line:
            canvas.rect((pcx - pw / 2 - 0.6, pcy - ph / 2 - 0.6, pcx + pw / 2 + 0.6, pcy + ph / 2 + 0.6), INK,
                        radius=rad, torso=True)
        canvas.rect((pcx - pw / 2, pcy - ph / 2, pcx + pw / 2, pcy + ph / 2), spec.panel_white, radius=rad,
                    torso=True)
        inner = rotated(pcx, pcy, pw, ph, 0.0)
    xs, ys = [p[0] for p in inner], [p[1] for p in inner]
    return (min(xs), min(ys), max(xs), max(ys)), spec.panel_angle


def _head(canvas: Canvas, spec: MiloSpec, cx: float, hy: float, r: float, line: Color | None,
          lw: float) -> tuple[float, float, float, float]:
    hw = r * spec.head_wide
    for side in (-1, 1):  # ears
        ex, ey = cx + side * hw * 0.68, hy - r * 0.78
        canvas.circle(ex, ey, r * 0.34, spec.fur, outline=line, width=lw)
        if spec.style != "flat":
            canvas.circle(ex, ey - r * 0.05, r * 0.17, spec.muzzle)
    canvas.ellipse((cx - hw, hy - r, cx + hw, hy + r), spec.fur, outline=line, width=lw)
    if spec.style != "flat":
        canvas.ellipse((cx - hw * 0.55, hy + 0.02 * r, cx + hw * 0.55, hy + 0.9 * r), spec.muzzle)
    if spec.mask_shape == "band":
        canvas.rect((cx - hw * 0.9, hy - 0.38 * r, cx + hw * 0.9, hy + 0.1 * r), spec.mask, radius=0.22 * r)
    else:
        for side in (-1, 1):
            canvas.ellipse((cx + side * hw * 0.05 - (hw * 0.85 if side < 0 else 0), hy - 0.42 * r,
                            cx + side * hw * 0.05 + (hw * 0.85 if side > 0 else 0), hy + 0.16 * r), spec.mask)
        canvas.rect((cx - hw * 0.2, hy - 0.3 * r, cx + hw * 0.2, hy - 0.05 * r), spec.mask)
    for side in (-1, 1):
        ex = cx + side * hw * 0.4
        canvas.circle(ex, hy - 0.14 * r, 0.15 * r, spec.eyes)
        canvas.circle(ex + 0.03 * r, hy - 0.13 * r, 0.07 * r, INK)
    canvas.ellipse((cx - 0.14 * r, hy + 0.22 * r, cx + 0.14 * r, hy + 0.4 * r), INK)  # nose
    if spec.style == "detailed":  # a headset over one ear
        canvas.line([(cx - hw * 0.95, hy - 0.1 * r), (cx - hw * 0.6, hy - 0.95 * r), (cx + hw * 0.6, hy - 0.95 * r),
                     (cx + hw * 0.95, hy - 0.1 * r)], (30, 30, 34), max(1.0, lw * 1.4))
        canvas.circle(cx - hw * 0.95, hy, 0.2 * r, (30, 30, 34))
    return cx - hw, hy - r * 1.1, cx + hw, hy + r
