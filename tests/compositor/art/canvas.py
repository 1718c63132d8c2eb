"""A supersampled drawing surface that records, pixel by pixel, where Milo's torso shows.

Every shape is drawn twice: in colour on the picture, and on the truth mask as 255 when it
is part of Milo's torso (suit, panel, belt) or 0 when it covers it (arms, head, a desk,
James). What ends at 255 is the torso a reader sees, after every occlusion and crop.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

Color = tuple[int, int, int]
Point = tuple[float, float]
SUPERSAMPLE = 2  # drawn at twice the size, then reduced: edges come out smooth, as a renderer's


class Canvas:
    """Draws in final-picture pixels; coordinates may fall outside the picture (cropped)."""

    def __init__(self, size: tuple[int, int], background: Color) -> None:
        self.size = size
        self.ss = SUPERSAMPLE
        big = (size[0] * self.ss, size[1] * self.ss)
        self.image = Image.new("RGB", big, background)
        self.truth = Image.new("L", big, 0)
        self._draw = ImageDraw.Draw(self.image)
        self._truth = ImageDraw.Draw(self.truth)

    def _scale(self, points: Sequence[Point]) -> list[Point]:
        return [(x * self.ss, y * self.ss) for x, y in points]

    def _width(self, width: float) -> int:
        return max(1, round(width * self.ss)) if width > 0 else 0

    def rect(self, box: Sequence[float], fill: Color | None, *, outline: Color | None = None,
             width: float = 0, radius: float = 0, torso: bool | None = False) -> None:
        x0, y0, x1, y1 = (v * self.ss for v in box)
        if x1 <= x0 or y1 <= y0:
            return
        w = self._width(width) if outline is not None else 0
        r = max(0, min(radius * self.ss, (x1 - x0) / 2, (y1 - y0) / 2))
        self._draw.rounded_rectangle((x0, y0, x1, y1), radius=r, fill=fill, outline=outline, width=w)
        if torso is not None and (fill is not None or torso):
            self._truth.rounded_rectangle((x0, y0, x1, y1), radius=r, fill=255 if torso else 0)

    def ellipse(self, box: Sequence[float], fill: Color | None, *, outline: Color | None = None,
                width: float = 0, torso: bool | None = False) -> None:
        x0, y0, x1, y1 = (v * self.ss for v in box)
        if x1 <= x0 or y1 <= y0:
            return
        w = self._width(width) if outline is not None else 0
        self._draw.ellipse((x0, y0, x1, y1), fill=fill, outline=outline, width=w)
        if torso is not None and fill is not None:
            self._truth.ellipse((x0, y0, x1, y1), fill=255 if torso else 0)

    def circle(self, cx: float, cy: float, r: float, fill: Color | None, **kwargs: object) -> None:
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill, **kwargs)  # type: ignore[arg-type]

    def polygon(self, points: Sequence[Point], fill: Color | None, *, outline: Color | None = None,
                width: float = 0, torso: bool | None = False) -> None:
        pts = self._scale(points)
        self._draw.polygon(pts, fill=fill)
        if outline is not None and width > 0:
            self._draw.line([*pts, pts[0]], fill=outline, width=self._width(width), joint="curve")
        if torso is not None and fill is not None:
            self._truth.polygon(pts, fill=255 if torso else 0)

    def line(self, points: Sequence[Point], color: Color, width: float, *, torso: bool | None = None) -> None:
        pts = self._scale(points)
        self._draw.line(pts, fill=color, width=self._width(width), joint="curve")
        if torso is not None:
            self._truth.line(pts, fill=255 if torso else 0, width=self._width(width))

    def limb(self, start: Point, angle: float, length: float, thick: float, color: Color, end: Color,
             *, outline: Color | None = None, width: float = 0) -> Point:
        """An arm or leg from `start`, `angle` degrees from straight down (positive: to the
        picture's right), ending in a round paw; covers the torso. Returns the end point."""
        a = math.radians(angle)
        x, y = start
        ex, ey = x + length * math.sin(a), y + length * math.cos(a)
        nx, ny = thick / 2 * math.cos(a), -thick / 2 * math.sin(a)
        self.polygon([(x - nx, y - ny), (x + nx, y + ny), (ex + nx, ey + ny), (ex - nx, ey - ny)], color,
                     outline=outline, width=width)
        self.circle(ex, ey, thick * 0.6, end, outline=outline, width=width)
        return ex, ey

    def finish(self) -> tuple[Image.Image, np.ndarray]:
        """The picture at its final size, and the torso mask (True where it shows)."""
        image = self.image.resize(self.size, Image.Resampling.BOX)
        truth = np.asarray(self.truth.resize(self.size, Image.Resampling.BOX)) >= 128
        return image, truth


def rotated(cx: float, cy: float, w: float, h: float, angle: float) -> list[Point]:
    """Corners of a w × h rectangle centred on (cx, cy), turned counter-clockwise on screen."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return [(cx + c * u + s * v, cy - s * u + c * v) for u, v in ((-w / 2, -h / 2), (w / 2, -h / 2),
                                                                  (w / 2, h / 2), (-w / 2, h / 2))]
