"""Stage 1 of the chain: Milo's white chest panel, framed by cyan piping, on his suit.

1. Candidates: blobs on the coarse grid that are bright and nearly neutral relative to
   the picture's white (colors.py), of a chest panel's size, filling a rectangle turned by
   up to ±20°.
2. Each is judged at full resolution against its own white (its median colour), so a
   warm cast, a gradient or a dim exposure changes nothing. Along short lines normal to
   each side, going outwards: the white ends, within a few pixels a run of cyan starts
   (hue 158–216° relative to the panel's white) and ends again after a few pixels — a
   thin ring hugging the rectangle — and the dark suit follows. A teal wall behind a
   whiteboard is cyan but not thin; a sheet in a cyan frame on a wall has no suit round it;
   James's white T-shirt has no ring at all.
3. Survivors are measured again at full resolution (box and angle) and checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from render.compositor.colors import channel_max, channel_min, chroma, hue
from render.compositor.geometry import MAX_ANGLE, RotatedRect, fit_rect
from render.compositor.picture import Picture

# Candidates on the grid, relative to the picture's white.
WHITE_LEVELS = (0.6, 0.82)  # value, tried in turn
WHITE_MAX_CHROMA = 0.22
MIN_AREA = 0.0003  # of the picture: a far-away Milo's panel; smaller cannot hold text
MAX_AREA = 0.30  # a close-up's panel, not a wall
MIN_SIDE_PX = 14
MAX_ASPECT = 3.5
MIN_FILL_COARSE = 0.7  # edge cells of a rotated panel are lost on the grid
MIN_FILL = 0.85
MAX_CANDIDATES = 12
# Relative to the panel's own white: its pixels, ...
INNER_MIN = 0.8  # every channel at least this share of the panel's white
# ... the piping, ...
CYAN_HUE = (158.0, 216.0)
CYAN_MIN_CHROMA = 0.28
CYAN_MIN_V = 0.3
MAX_HUE_SPREAD = 20.0  # degrees between the sides' median hues: one colour all round
# ... and the suit beyond it.
SUIT_MAX_V = 0.5
SUIT_MAX_CHROMA = 0.45
MIN_SUIT_SHARE = 0.5  # of the band beyond the piping, at one point along a side
# The ring's geometry, in pixels, from the panel's shorter side s.
GAP = (3.0, 0.06)  # white to cyan: at most 3 px + 6 % of s (an outline, antialiasing)
THICK = (3.0, 0.2)  # the piping: at most 3 px + 20 % of s thick
SUIT_BAND = (4.0, 0.15)  # the band beyond the piping where the suit is looked for
# Coverage: the share of points along a side where the ring is found, ...
SIDE_SAMPLES = 24
MIN_SIDE_COVERAGE = 0.5  # on at least three sides (an arm may hide the fourth)
MIN_MEAN_COVERAGE = 0.6
# ... and where the suit follows it: on at least two sides (his head may sit on the top
# one, a desk or an arm cover another).
MIN_SUIT_COVERAGE = 0.35
MIN_SUIT_SIDES = 2
MIN_PANEL_V = 0.5  # the panel's white against the picture's: a grey box is not the panel
# His head above it: fur over a share of the band from 0.15 to 2 panel heights above.
HEAD_ABOVE = (0.15, 2.0)
FUR_ABOVE_V = (0.36, 0.97)  # relative to the panel's white (his suit is darker, about 0.25)
FUR_ABOVE_CHROMA = 0.3
MIN_FUR_ABOVE = 0.2
MIN_SEEN_ABOVE = 0.3  # panel heights of that band in the frame, or the test is not made


@dataclass(frozen=True)
class Panel:
    """A detected panel: its white interior as a rotated rectangle and as an axis-aligned
    box (full-resolution pixels, x1/y1 exclusive), how much of each side (top, right,
    bottom, left) is framed by the piping, and how much has the suit beyond it."""

    rect: RotatedRect
    box: tuple[int, int, int, int]
    fill: float
    coverage: tuple[float, float, float, float]
    suit: tuple[float, float, float, float]


@dataclass(frozen=True)
class Ring:
    coverage: tuple[float, float, float, float]
    suit: tuple[float, float, float, float]
    hue_spread: float

    @property
    def framed(self) -> bool:
        cov = sorted(self.coverage)
        return (
            cov[1] >= MIN_SIDE_COVERAGE
            and sum(cov) / 4 >= MIN_MEAN_COVERAGE
            and self.hue_spread <= MAX_HUE_SPREAD
            and sum(s >= MIN_SUIT_COVERAGE for s in self.suit) >= MIN_SUIT_SIDES
        )


def find_panels(picture: Picture) -> list[Panel]:
    """Every white blob that looks like Milo's panel, largest first."""
    rel = picture.rel
    value = channel_max(rel)
    neutral = chroma(rel, value) <= WHITE_MAX_CHROMA
    panels: list[Panel] = []
    # Two levels: the lower finds a panel in shade; when it finds none, the higher parts
    # a panel from a light grey thing touching it (James's hair, a sleeve) that the lower
    # joins to it.
    for level in WHITE_LEVELS:
        if panels:
            break
        for rect in _candidates((value >= level) & neutral, picture):
            if any(_same(rect, p.rect) for p in panels):
                continue
            panel = _measure(picture, rect)
            if panel is not None:
                panels.append(panel)
    return sorted(panels, key=lambda p: p.rect.width * p.rect.height, reverse=True)


def _candidates(white: np.ndarray, picture: Picture) -> list[RotatedRect]:
    """Blobs of the white mask (grid) of a panel's size that fill a rectangle, as coarse
    rectangles in full-resolution pixels, largest first."""
    labels, count = ndimage.label(white)
    if count == 0:
        return []
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    cells = labels.size
    ids = np.flatnonzero((sizes >= MIN_AREA * cells) & (sizes <= MAX_AREA * cells))
    ids = ids[np.argsort(sizes[ids])[::-1][:MAX_CANDIDATES]]
    slices = ndimage.find_objects(labels)
    rects = []
    for label in ids:
        rows, cols = slices[label - 1]
        coarse, fill = fit_rect(labels[rows, cols] == label, fine=False)
        if not _plausible(coarse, fill, min(picture.sx, picture.sy), MIN_FILL_COARSE):
            continue
        # The coarse rectangle in full-resolution pixels (a cell's corner is c·sx).
        rects.append(RotatedRect(
            (cols.start + coarse.cx) * picture.sx, (rows.start + coarse.cy) * picture.sy,
            coarse.width * picture.sx, coarse.height * picture.sy, coarse.angle,
        ))
    return rects


def _same(a: RotatedRect, b: RotatedRect) -> bool:
    return abs(a.cx - b.cx) < b.width / 2 and abs(a.cy - b.cy) < b.height / 2


def _plausible(rect: RotatedRect, fill: float, scale: float, min_fill: float) -> bool:
    short, long = sorted((rect.width, rect.height))
    return (
        fill >= min_fill
        and abs(rect.angle) < MAX_ANGLE - 0.5
        and short * scale >= MIN_SIDE_PX
        and long / short <= MAX_ASPECT
    )


def _measure(picture: Picture, coarse: RotatedRect) -> Panel | None:
    """Check the ring around the coarse rectangle, then fit the blob again at full
    resolution and check the ring around that."""
    own = _own_white(picture, coarse)
    if own is None:
        return None
    slack = max(picture.sx, picture.sy) + 1  # how far the coarse edge may be off
    if not ring(picture, coarse, own, slack=slack).framed:
        return None
    x0, y0, x1, y1 = coarse.bbox()
    pad = int(slack) + 2
    rgb, ox, oy = picture.crop(x0 - pad, y0 - pad, x1 + pad + 1, y1 + pad + 1)
    inner = channel_min(rgb.astype(np.float32) / own) >= INNER_MIN
    labels, count = ndimage.label(inner)
    if count == 0:
        return None
    centre = labels[min(labels.shape[0] - 1, round(coarse.cy) - oy), min(labels.shape[1] - 1, round(coarse.cx) - ox)]
    if centre == 0:
        sizes = np.bincount(labels.ravel())
        sizes[0] = 0
        centre = int(np.argmax(sizes))
    blob = labels == centre
    rect, fill = fit_rect(blob)
    if not _plausible(rect, fill, 1, MIN_FILL):
        return None
    rect = rect.scaled(1.0, ox, oy)
    checked = ring(picture, rect, own, slack=1.5)
    if not checked.framed:
        return None
    ys, xs = np.flatnonzero(blob.any(axis=1)), np.flatnonzero(blob.any(axis=0))
    box = (ox + int(xs[0]), oy + int(ys[0]), ox + int(xs[-1]) + 1, oy + int(ys[-1]) + 1)
    if not _head_above(picture, box, own):
        return None
    return Panel(rect, box, round(fill, 3), checked.coverage, checked.suit)


def _head_above(picture: Picture, box: tuple[int, int, int, int], own: np.ndarray) -> bool:
    """Whether grey fur shows above the panel, across its width (his head and muzzle):
    a white label in a cyan frame on a black rack has the rack above it. True when the
    frame's top edge is too close to tell."""
    x0, y0, x1, y1 = box
    tall = y1 - y0
    top, bottom = max(0, round(y0 - HEAD_ABOVE[1] * tall)), round(y0 - HEAD_ABOVE[0] * tall)
    if bottom - top < MIN_SEEN_ABOVE * tall:
        return True
    rgb, _, _ = picture.crop(x0, top, x1, bottom)
    rel = rgb.astype(np.float32) / own
    value = channel_max(rel)
    fur = (value >= FUR_ABOVE_V[0]) & (value <= FUR_ABOVE_V[1]) & (chroma(rel, value) <= FUR_ABOVE_CHROMA)
    return bool(fur.size) and float(fur.mean()) >= MIN_FUR_ABOVE


def _own_white(picture: Picture, rect: RotatedRect) -> np.ndarray | None:
    """The panel's white: the median colour of a lattice of points over the middle of the
    rectangle; None when that is not white against the picture's white."""
    t = np.linspace(-0.3, 0.3, 9)
    u, v = np.meshgrid(t * rect.width, t * rect.height)
    pts = rect.to_image(u.ravel(), v.ravel())
    xs = np.clip(pts[:, 0].astype(np.intp), 0, picture.width - 1)
    ys = np.clip(pts[:, 1].astype(np.intp), 0, picture.height - 1)
    rgb, ox, oy = picture.crop(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    own = np.median(rgb[ys - oy, xs - ox].astype(np.float32), axis=0)
    rel = own / picture.white
    if channel_max(rel) < MIN_PANEL_V or chroma(rel) > WHITE_MAX_CHROMA + 0.05:
        return None
    return np.maximum(own, 1.0)


def ring(picture: Picture, rect: RotatedRect, own: np.ndarray, *, slack: float = 0.0) -> Ring:
    """How well a thin cyan ring, and the suit beyond it, frame `rect` on each side, read
    relative to the panel's white `own`. `slack`: how far the rectangle's edge may be off
    (the search starts that far inside)."""
    s = min(rect.width, rect.height)
    gap, thick, band = (a + b * s for a, b in (GAP, THICK, SUIT_BAND))
    dist = np.arange(-slack, slack + gap + thick + band + 1.0) + 0.5
    n, d = SIDE_SAMPLES, dist.size
    t = np.linspace(-0.42, 0.42, n)[:, None]
    zero = np.zeros((n, d))
    hw, hh = rect.width / 2, rect.height / 2
    sides = (  # (u, v) of the points, each (n, d), going outwards from each side
        (t * rect.width + zero, -hh - dist + zero),
        (hw + dist + zero, t * rect.height + zero),
        (t * rect.width + zero, hh + dist + zero),
        (-hw - dist + zero, t * rect.height + zero),
    )
    pts = rect.to_image(np.stack([p[0] for p in sides]), np.stack([p[1] for p in sides]))
    fx, fy = np.floor(pts[..., 0]).astype(np.intp), np.floor(pts[..., 1]).astype(np.intp)
    inside = (fx >= 0) & (fx < picture.width) & (fy >= 0) & (fy < picture.height)
    x0, y0 = int(fx.min()), int(fy.min())
    rgb, ox, oy = picture.crop(x0, y0, int(fx.max()) + 1, int(fy.max()) + 1)
    xs = np.clip(fx - ox, 0, rgb.shape[1] - 1)
    ys = np.clip(fy - oy, 0, rgb.shape[0] - 1)
    rel = rgb[ys, xs].astype(np.float32) / own  # (4, n, d, 3)
    value, low = channel_max(rel), channel_min(rel)
    sat = (value - low) / np.maximum(value, 1e-6)
    h = hue(rel)
    white = (low >= INNER_MIN) & inside
    cyan = (h >= CYAN_HUE[0]) & (h <= CYAN_HUE[1]) & (sat >= CYAN_MIN_CHROMA) & (value >= CYAN_MIN_V) & inside
    dark = (value <= SUIT_MAX_V) & (sat <= SUIT_MAX_CHROMA) & inside
    idx = np.arange(d)
    # where the white ends, where the cyan starts after it, where the cyan ends (a gap of
    # one sample inside the run is forgiven: JPEG blocks, a stray dark pixel)
    end_white = np.argmax(~white, axis=-1)
    after = idx >= end_white[..., None]
    start = np.argmax(cyan & after, axis=-1)
    has_cyan = (cyan & after).any(axis=-1)
    stop_mask = ~cyan & ~np.concatenate([cyan[..., 1:], np.zeros_like(cyan[..., :1])], axis=-1)
    past = idx > start[..., None]
    stop = np.where((stop_mask & past).any(axis=-1), np.argmax(stop_mask & past, axis=-1), d)
    run = stop - start
    ok = has_cyan & (start - end_white <= gap) & (run >= 1) & (run <= thick)
    beyond = (idx >= stop[..., None]) & (idx < stop[..., None] + band)
    suit_share = (dark & beyond).sum(axis=-1) / np.maximum(beyond.sum(axis=-1), 1)
    suit = ok & (suit_share >= MIN_SUIT_SHARE)
    top, right, bottom, left = (round(float(c), 3) for c in ok.mean(axis=1))
    s_top, s_right, s_bottom, s_left = (round(float(c), 3) for c in suit.mean(axis=1))
    mid = np.clip((start + stop) // 2, 0, d - 1)
    ring_hue = np.take_along_axis(h, mid[..., None], axis=-1)[..., 0]
    medians = [float(np.median(ring_hue[i][ok[i]])) for i in range(4) if ok[i].mean() >= MIN_SIDE_COVERAGE]
    spread = max(medians) - min(medians) if medians else 0.0
    return Ring((top, right, bottom, left), (s_top, s_right, s_bottom, s_left), spread)
