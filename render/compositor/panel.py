"""Stage 1 of the chain: Milo's white chest panel.

White blobs (S ≤ 35, V ≥ 215) are found on a coarse grid, each is fitted with a rotated
rectangle, and the plausible ones are measured again at full resolution. What tells the
panel apart from whiteboards, bright monitors and James's white T-shirt is not its size
but its frame: neon cyan piping along its sides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from render.compositor.colors import cyan_mask, white_mask
from render.compositor.geometry import MAX_ANGLE, RotatedRect, fit_rect

GRID_CELLS = 340  # the coarse grid's longer side, in cells
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


def grid_step(width: int, height: int) -> int:
    return max(1, round(max(width, height) / GRID_CELLS))


def find_panels(rgb: np.ndarray) -> list[Panel]:
    """Every white blob in an (H, W, 3) uint8 array that looks like Milo's panel,
    largest first."""
    height, width = rgb.shape[:2]
    step = grid_step(width, height)
    labels, count = ndimage.label(white_mask(rgb[::step, ::step]))
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
        rect, fill = fit_rect(labels[rows, cols] == label)
        if not _plausible(rect, fill * 1.0, step, MIN_FILL_COARSE):
            continue
        panel = _measure(rgb, rows, cols, step)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda p: p.rect.width * p.rect.height, reverse=True)


def _plausible(rect: RotatedRect, fill: float, scale: int, min_fill: float) -> bool:
    short, long = sorted((rect.width, rect.height))
    return (
        fill >= min_fill
        and abs(rect.angle) < MAX_ANGLE - 0.5
        and short * scale >= MIN_SIDE_PX
        and long / short <= MAX_ASPECT
    )


def _measure(rgb: np.ndarray, rows: slice, cols: slice, step: int) -> Panel | None:
    """Fit the blob again at full resolution and check its piping."""
    height, width = rgb.shape[:2]
    pad = step + 2
    y0, y1 = max(0, rows.start * step - pad), min(height, (rows.stop - 1) * step + pad + 1)
    x0, x1 = max(0, cols.start * step - pad), min(width, (cols.stop - 1) * step + pad + 1)
    labels, count = ndimage.label(white_mask(rgb[y0:y1, x0:x1]))
    if count == 0:
        return None
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    blob = labels == int(np.argmax(sizes))
    rect, fill = fit_rect(blob)
    if not _plausible(rect, fill, 1, MIN_FILL):
        return None
    rect = rect.scaled(1.0, x0, y0)
    coverage = piping_coverage(rgb, rect)
    ranked = sorted(coverage, reverse=True)
    if ranked[2] < MIN_SIDE_COVERAGE or sum(coverage) / 4 < MIN_MEAN_COVERAGE:
        return None
    ys, xs = np.flatnonzero(blob.any(axis=1)), np.flatnonzero(blob.any(axis=0))
    box = (x0 + int(xs[0]), y0 + int(ys[0]), x0 + int(xs[-1]) + 1, y0 + int(ys[-1]) + 1)
    return Panel(rect, box, round(fill, 3), coverage)


def piping_coverage(rgb: np.ndarray, rect: RotatedRect) -> tuple[float, float, float, float]:
    """For each side (top, right, bottom, left): the share of points along it that have a
    cyan pixel within a short distance outside the white edge."""
    height, width = rgb.shape[:2]
    hw, hh = rect.width / 2, rect.height / 2
    reach = max(5, round(0.08 * min(rect.width, rect.height)))
    dist = np.arange(0, reach) + 0.5
    t = np.linspace(-0.42, 0.42, SIDE_SAMPLES)[:, None]
    sides = (  # (u, v) of the points, each (SIDE_SAMPLES, reach)
        (t * rect.width + 0 * dist, -hh - dist + 0 * t),
        (hw + dist + 0 * t, t * rect.height + 0 * dist),
        (t * rect.width + 0 * dist, hh + dist + 0 * t),
        (-hw - dist + 0 * t, t * rect.height + 0 * dist),
    )
    u = np.stack([s[0] for s in sides])
    v = np.stack([s[1] for s in sides])
    pts = rect.to_image(u, v)
    xs = np.clip(np.floor(pts[..., 0]).astype(np.intp), 0, width - 1)
    ys = np.clip(np.floor(pts[..., 1]).astype(np.intp), 0, height - 1)
    cyan = cyan_mask(rgb[ys, xs])  # (4, SIDE_SAMPLES, reach)
    covered = cyan.any(axis=2).mean(axis=1)
    return tuple(round(float(c), 3) for c in covered)  # type: ignore[return-value]
