"""Rotated rectangles: fitting one to a blob of pixels, and the sums that go with it.

Angles are in degrees, positive counter-clockwise as seen on screen (the same sense as
`PIL.Image.rotate`). A rectangle's local axes are u (along its width) and v (along its
height); for a rectangle rotated by a, u = x·cos a − y·sin a and v = x·sin a + y·cos a.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The panel may be rotated by up to ±15°; search a little wider so that a panel at 15°
# is not found at the edge of the search range.
MAX_ANGLE = 20.0


@dataclass(frozen=True)
class RotatedRect:
    """A rectangle of `width` × `height` pixels centred on (cx, cy), rotated by `angle`."""

    cx: float
    cy: float
    width: float
    height: float
    angle: float = 0.0

    def corners(self) -> np.ndarray:
        """The four corners (x, y), clockwise on screen from the top-left."""
        hw, hh = self.width / 2, self.height / 2
        local = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]])
        return self.to_image(local[:, 0], local[:, 1])

    def to_image(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Local offsets (u, v) from the centre → image points (x, y), shape (n, 2)."""
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return np.stack([self.cx + c * u + s * v, self.cy - s * u + c * v], axis=-1)

    def bbox(self) -> tuple[int, int, int, int]:
        """Axis-aligned bounding box [x0, y0, x1, y1] (x1, y1 exclusive), in whole pixels."""
        pts = self.corners()
        x0, y0 = np.floor(pts.min(axis=0))
        x1, y1 = np.ceil(pts.max(axis=0))
        return int(x0), int(y0), int(x1), int(y1)

    def scaled(self, factor: float, dx: float = 0.0, dy: float = 0.0) -> RotatedRect:
        return RotatedRect(
            self.cx * factor + dx, self.cy * factor + dy,
            self.width * factor, self.height * factor, self.angle,
        )


def row_extremes(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the leftmost and rightmost pixel of every non-empty row.

    Every vertex of the blob's convex hull is among these, so they are all that is
    needed to measure its extent in any direction.
    """
    rows = np.flatnonzero(mask.any(axis=1))
    sub = mask[rows]
    left = sub.argmax(axis=1)
    right = sub.shape[1] - 1 - sub[:, ::-1].argmax(axis=1)
    xs = np.concatenate([left, right]).astype(np.float64)
    ys = np.concatenate([rows, rows]).astype(np.float64)
    return xs, ys


def _extents(xs: np.ndarray, ys: np.ndarray, angles: np.ndarray) -> tuple[np.ndarray, ...]:
    rad = np.radians(angles)[:, None]
    c, s = np.cos(rad), np.sin(rad)
    u = xs[None, :] * c - ys[None, :] * s
    v = xs[None, :] * s + ys[None, :] * c
    return u.min(axis=1), u.max(axis=1), v.min(axis=1), v.max(axis=1)


def fit_rect(mask: np.ndarray, max_angle: float = MAX_ANGLE, *, fine: bool = True) -> tuple[RotatedRect, float]:
    """The smallest rectangle, rotated by at most `max_angle`, around a blob of pixels.

    Returns the rectangle (pixel units of `mask`, each pixel a unit square) and the fill:
    the blob's area (holes filled row by row) over the rectangle's. A search in 0.5°
    steps, then (`fine`) in 0.05° steps around the best.
    """
    xs, ys = row_extremes(mask)
    # The area between each row's extremes: marks or holes inside the blob do not count
    # against its fill, a notch in its outline does.
    half = len(xs) // 2
    area = float(np.sum(xs[half:] - xs[:half] + 1))
    best = 0.0
    for step, span in ((0.5, max_angle), (0.05, 0.5))[: 2 if fine else 1]:
        angles = np.arange(best - span, best + span + step / 2, step)
        angles = angles[np.abs(angles) <= max_angle + 1e-9]
        u0, u1, v0, v1 = _extents(xs, ys, angles)
        best = float(angles[np.argmin((u1 - u0 + 1) * (v1 - v0 + 1))])
    u0, u1, v0, v1 = (float(a[0]) for a in _extents(xs, ys, np.array([best])))
    # Pixel centres sit half a pixel inside the blob's edge.
    um, vm = (u0 + u1) / 2, (v0 + v1) / 2
    c, s = math.cos(math.radians(best)), math.sin(math.radians(best))
    cx, cy = c * um + s * vm + 0.5, -s * um + c * vm + 0.5
    rect = RotatedRect(cx, cy, u1 - u0 + 1, v1 - v0 + 1, round(best, 2) + 0.0)  # no -0.0
    return rect, area / (rect.width * rect.height)
