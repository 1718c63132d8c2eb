"""Stage 1 of the chain: Milo's white chest panel.

White blobs (S ≤ 35, V ≥ 215) are found on a coarse grid and each is fitted with a
rotated rectangle. What tells the panel apart from whiteboards, bright monitors and
James's white T-shirt is not its size but its frame: neon cyan piping along its sides,
checked at full resolution around the coarse rectangle; blobs that pass are measured
again at full resolution (box and angle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from render.compositor.colors import cyan_mask, white_mask
from render.compositor.geometry import MAX_ANGLE, RotatedRect, fit_rect
from render.compositor.picture import Picture

MIN_AREA = 0.0012  # of the picture: smaller panels cannot hold readable text
MAX_AREA = 0.30  # a close-up's panel, not a wall
MIN_SIDE_PX = 24
MAX_ASPECT = 3.5
MIN_FILL_COARSE = 0.72  # edge cells of a rotated panel are lost on the grid
MIN_FILL = 0.85
MAX_CANDIDATES = 12
# Piping: the share of positions along a side with cyan just outside the white edge.
SIDE_SAMPLES = 24
MIN_SIDE_COVERAGE = 0.5  # on at least three sides (an arm may hide the fourth)
MIN_MEAN_COVERAGE = 0.6


@dataclass(frozen=True)
class Panel:
    """A detected panel: its white interior as a rotated rectangle and as an axis-aligned
    box (full-resolution pixels, x1/y1 exclusive), and how much of each side (top, right,
    bottom, left) is framed by cyan."""

    rect: RotatedRect
    box: tuple[int, int, int, int]
    fill: float
    coverage: tuple[float, float, float, float]


def find_panels(picture: Picture) -> list[Panel]:
    """Every white blob that looks like Milo's panel, largest first."""
    labels, count = ndimage.label(white_mask(picture.grid))
    if count == 0:
        return []
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    cells = labels.size
    ids = np.flatnonzero((sizes >= MIN_AREA * cells) & (sizes <= MAX_AREA * cells))
    ids = ids[np.argsort(sizes[ids])[::-1][:MAX_CANDIDATES]]
    slices = ndimage.find_objects(labels)
    panels = []
    for label in ids:
        rows, cols = slices[label - 1]
        coarse, fill = fit_rect(labels[rows, cols] == label, fine=False)
        if not _plausible(coarse, fill, min(picture.sx, picture.sy), MIN_FILL_COARSE):
            continue
        # The coarse rectangle in full-resolution pixels (a cell's corner is c·sx).
        rect = RotatedRect(
            (cols.start + coarse.cx) * picture.sx, (rows.start + coarse.cy) * picture.sy,
            coarse.width * picture.sx, coarse.height * picture.sy, coarse.angle,
        )
        panel = _measure(picture, rect)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: p.rect.width * p.rect.height, reverse=True)


def _plausible(rect: RotatedRect, fill: float, scale: float, min_fill: float) -> bool:
    short, long = sorted((rect.width, rect.height))
    return (
        fill >= min_fill
        and abs(rect.angle) < MAX_ANGLE - 0.5
        and short * scale >= MIN_SIDE_PX
        and long / short <= MAX_ASPECT
    )


def _framed(coverage: tuple[float, ...]) -> bool:
    return sorted(coverage)[1] >= MIN_SIDE_COVERAGE and sum(coverage) / 4 >= MIN_MEAN_COVERAGE


def _measure(picture: Picture, coarse: RotatedRect) -> Panel | None:
    """Check the piping around the coarse rectangle, then fit the blob again at full
    resolution and check the piping around that."""
    slack = max(picture.sx, picture.sy) + 1  # how far the coarse edge may be off
    reach = _reach(coarse) + 2 * slack
    x0, y0, x1, y1 = coarse.bbox()
    rgb, ox, oy = picture.crop(
        int(x0 - reach), int(y0 - reach), int(x1 + reach) + 1, int(y1 + reach) + 1
    )
    local = RotatedRect(coarse.cx - ox, coarse.cy - oy, coarse.width, coarse.height, coarse.angle)
    coverage = piping_coverage(rgb, local, start=-slack, reach=reach)
    if not _framed(coverage):
        return None
    labels, count = ndimage.label(white_mask(rgb))
    if count == 0:
        return None
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    blob = labels == int(np.argmax(sizes))
    rect, fill = fit_rect(blob)
    if not _plausible(rect, fill, 1, MIN_FILL):
        return None
    ys, xs = np.flatnonzero(blob.any(axis=1)), np.flatnonzero(blob.any(axis=0))
    box = (ox + int(xs[0]), oy + int(ys[0]), ox + int(xs[-1]) + 1, oy + int(ys[-1]) + 1)
    return Panel(rect.scaled(1.0, ox, oy), box, round(fill, 3), coverage)


def _reach(rect: RotatedRect) -> int:
    """How far outside the white edge to look for the piping."""
    return max(5, round(0.08 * min(rect.width, rect.height)))


def piping_coverage(
    rgb: np.ndarray, rect: RotatedRect, *, start: float = 0.0, reach: float | None = None
) -> tuple[float, float, float, float]:
    """For each side (top, right, bottom, left): the share of points along it that have a
    cyan pixel between `start` and `reach` pixels outside the edge."""
    height, width = rgb.shape[:2]
    hw, hh = rect.width / 2, rect.height / 2
    reach = _reach(rect) if reach is None else reach
    dist = np.arange(start, reach) + 0.5
    t = np.linspace(-0.42, 0.42, SIDE_SAMPLES)[:, None]
    zero = np.zeros((SIDE_SAMPLES, dist.size))
    sides = (  # (u, v) of the points, each (SIDE_SAMPLES, len(dist))
        (t * rect.width + zero, -hh - dist + zero),
        (hw + dist + zero, t * rect.height + zero),
        (t * rect.width + zero, hh + dist + zero),
        (-hw - dist + zero, t * rect.height + zero),
    )
    pts = rect.to_image(np.stack([s[0] for s in sides]), np.stack([s[1] for s in sides]))
    xs = np.clip(np.floor(pts[..., 0]).astype(np.intp), 0, width - 1)
    ys = np.clip(np.floor(pts[..., 1]).astype(np.intp), 0, height - 1)
    covered = cyan_mask(rgb[ys, xs]).any(axis=2).mean(axis=1)
    return tuple(round(float(c), 3) for c in covered)  # type: ignore[return-value]
