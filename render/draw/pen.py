"""A thin wrapper over `ImageDraw` that draws in a 1000×1000 design space and scales to
the image, with the bold dark outline every shape of the flat-cartoon style gets."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image, ImageDraw

Color = tuple[int, int, int]
INK: Color = (28, 28, 36)


class Pen:
    """Draws at design coordinates: x and y in 0..1000 map to the image's width and height.

    `sx`/`sy` scale each axis; figures use `Pen.at()` to draw with one uniform scale so a
    raccoon is never stretched on a wide picture.
    """

    def __init__(self, image: Image.Image, sx: float | None = None, sy: float | None = None,
                 ox: float = 0.0, oy: float = 0.0) -> None:
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.sx = image.width / 1000 if sx is None else sx
        self.sy = image.height / 1000 if sy is None else sy
        self.ox, self.oy = ox, oy
        self.stroke = max(1, round(3 * min(self.sx, self.sy)))

    def at(self, x: float, y: float, scale: float) -> Pen:
        """A pen whose origin is design point (x, y) of this pen, with a uniform scale."""
        unit = min(self.sx, self.sy) * scale
        return Pen(self.image, unit, unit, self.ox + x * self.sx, self.oy + y * self.sy)

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return self.ox + x * self.sx, self.oy + y * self.sy

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        a, b = self._xy(x0, y0)
        c, d = self._xy(x1, y1)
        return min(a, c), min(b, d), max(a, c), max(b, d)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Color | None,
             outline: Color | None = INK, width: float = 1.0, radius: float = 0) -> None:
        box = self._box(x0, y0, x1, y1)
        w = round(self.stroke * width) if outline else 0
        if radius:
            r = radius * min(self.sx, self.sy)
            self.draw.rounded_rectangle(box, r, fill=fill, outline=outline, width=w)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=w)

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: Color | None,
                outline: Color | None = INK, width: float = 1.0) -> None:
        w = round(self.stroke * width) if outline else 0
        self.draw.ellipse(self._box(x0, y0, x1, y1), fill=fill, outline=outline, width=w)

    def circle(self, x: float, y: float, r: float, fill: Color | None,
               outline: Color | None = INK, width: float = 1.0) -> None:
        self.ellipse(x - r, y - r, x + r, y + r, fill, outline, width)

    def polygon(self, points: Sequence[tuple[float, float]], fill: Color | None,
                outline: Color | None = INK, width: float = 1.0) -> None:
        w = round(self.stroke * width) if outline else 0
        self.draw.polygon([self._xy(x, y) for x, y in points], fill=fill, outline=outline, width=w)

    def line(self, points: Sequence[tuple[float, float]], fill: Color, width: float = 1.0) -> None:
        self.draw.line([self._xy(x, y) for x, y in points], fill=fill,
                       width=max(1, round(self.stroke * width)), joint="curve")

    def arc(self, x0: float, y0: float, x1: float, y1: float, start: float, end: float,
            fill: Color, width: float = 1.0) -> None:
        self.draw.arc(self._box(x0, y0, x1, y1), start, end, fill=fill,
                      width=max(1, round(self.stroke * width)))
