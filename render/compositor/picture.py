"""The picture the detectors read: a coarse grid for finding blobs and full-resolution
crops for measuring them, so a 1024×1024 picture is never copied whole into numpy; and
the picture's own white, which every colour test is relative to."""

from __future__ import annotations

import math
from functools import cached_property

import numpy as np
from PIL import Image

from render.compositor.colors import relative, white_of

GRID_CELLS = 256  # the coarse grid's longer side, in cells


class Picture:
    """An RGB or RGBA PIL image, read lazily. Grid cell (r, c) covers full-resolution
    pixels [c·sx, (c+1)·sx) × [r·sy, (r+1)·sy)."""

    def __init__(self, image: Image.Image) -> None:
        self.image = image
        self.width, self.height = image.size
        self.step = max(1, round(max(self.width, self.height) / GRID_CELLS))
        self.grid_size = (math.ceil(self.width / self.step), math.ceil(self.height / self.step))
        self.sx = self.width / self.grid_size[0]
        self.sy = self.height / self.grid_size[1]

    @cached_property
    def grid(self) -> np.ndarray:
        """(rows, cols, 3) uint8: the mean colour of each cell (a renderer's noise and
        JPEG blocks averaged out; the last row and column may cover fewer pixels)."""
        small = self.image.reduce(self.step) if self.step > 1 else self.image
        return np.asarray(small)[..., :3]

    @cached_property
    def white(self) -> np.ndarray:
        """The picture's white (colors.white_of), (3,) float32."""
        return white_of(self.grid)

    @cached_property
    def rel(self) -> np.ndarray:
        """The grid relative to the picture's white: (rows, cols, 3) float32, white ≈ 1."""
        return relative(self.grid, self.white)

    @cached_property
    def full(self) -> np.ndarray:
        """(H, W, 3) uint8, the whole picture (the pose stage needs it)."""
        return np.asarray(self.image)[..., :3]

    def crop(self, x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, int, int]:
        """Full-resolution pixels of a box, clipped to the picture, and the clipped box's
        top-left corner."""
        x0, y0 = max(0, x0), max(0, y0)
        x1, y1 = min(self.width, max(x0, x1)), min(self.height, max(y0, y1))
        return np.asarray(self.image.crop((x0, y0, x1, y1)))[..., :3], x0, y0
