"""Fitting the slogan into a rectangle and drawing it: black text with a white halo, the
largest size that fits with a margin, on one to three lines, rotated with the panel.

The font ships with the project (`fonts/DejaVuSans-Bold.ttf`, licence next to it), so the
result never depends on what the machine has installed.
"""

from __future__ import annotations

import itertools
import math
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.errors import InputError
from render.compositor.geometry import RotatedRect

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold.ttf"
MARGIN_X = 0.08  # of the width, each side
MARGIN_Y = 0.12  # of the height, each side
HALO = 0.08  # halo (stroke) width as a share of the font size
LINE_GAP = 0.12  # space between lines as a share of the font size
MAX_LINES = 3
REF_SIZE = 200  # font size at which widths are measured; they scale linearly
INK = (0, 0, 0, 255)
HALO_INK = (255, 255, 255, 255)


@dataclass(frozen=True)
class Layout:
    """How the slogan is set: its lines, font size and halo width."""

    lines: tuple[str, ...]
    font_size: int
    halo: int
    extent: tuple[int, int] | None = None  # measured width and height, when known

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_fonts = threading.local()  # FreeType faces are not safe to share between threads


def font(size: int) -> ImageFont.FreeTypeFont:
    """The shipped bold font at `size` px, cached per thread."""
    cache = _fonts.__dict__.setdefault("by_size", {})
    if size not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[size] = ImageFont.truetype(str(FONT_FILE), size)
    return cache[size]


@lru_cache(maxsize=1)  # plain numbers: safe to share
def _ref_metrics() -> tuple[float, float]:
    """Line height (ascent + descent) and space width at REF_SIZE."""
    ascent, descent = font(REF_SIZE).getmetrics()
    return float(ascent + descent), font(REF_SIZE).getlength(" ")


@lru_cache(maxsize=1)
def _notdef() -> tuple[tuple[int, int], bytes]:
    """The font's 'missing glyph' box, from a code point no font maps."""
    mask = font(32).getmask("\U0010fffd")
    return mask.size, bytes(mask)


@lru_cache(maxsize=4096)
def _drawable(char: str) -> bool:
    mask = font(32).getmask(char)
    return char.isspace() or (mask.size, bytes(mask)) != _notdef()


def check_glyphs(text: str) -> None:
    """InputError naming the characters the shipped font would draw as empty boxes."""
    missing = sorted({c for c in text if not _drawable(c)})
    if missing:
        raise InputError(
            f"the slogan has characters the shirt font cannot draw ({' '.join(missing)}); "
            "use letters, digits and punctuation"
        )


def _lines(words: list[str], cuts: tuple[int, ...]) -> tuple[str, ...]:
    bounds = (0, *cuts, len(words))
    return tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))


def _estimate(widths: list[float], space: float, cuts: tuple[int, ...], width: float, height: float) -> float:
    """The font size at which the words, cut into lines at `cuts`, just fill width × height
    (from widths measured at REF_SIZE; kerning across spaces is ignored here)."""
    line_h, _ = _ref_metrics()
    bounds = (0, *cuts, len(widths))
    widest = max(sum(widths[a:b]) + space * (b - a - 1) for a, b in itertools.pairwise(bounds))
    lines = len(bounds) - 1
    per_px_w = widest / REF_SIZE + 2 * HALO
    per_px_h = (lines * line_h + (lines - 1) * LINE_GAP * REF_SIZE) / REF_SIZE + 2 * HALO
    return min(width / per_px_w, height / per_px_h)


def measure(layout: Layout) -> tuple[int, int]:
    """Width and height in pixels of the drawn text, halo included."""
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    x0, y0, x1, y1 = draw.multiline_textbbox(
        (0, 0), layout.text, font=font(layout.font_size), spacing=_gap(layout.font_size),
        align="center", stroke_width=layout.halo,
    )
    return math.ceil(x1 - x0), math.ceil(y1 - y0)


def _gap(size: int) -> int:
    return round(LINE_GAP * size)


def _halo(size: int) -> int:
    return max(1, round(HALO * size))


def fit(text: str, width: float, height: float, *, min_size: int) -> Layout:
    """The largest layout of `text` (1–3 lines, words kept whole) inside width × height
    less the margins. Raises InputError when even the best one is below `min_size`."""
    words = text.split()
    if not words:
        raise InputError("the slogan is empty; give some text, e.g. --text PEBKAC")
    inner_w, inner_h = width * (1 - 2 * MARGIN_X), height * (1 - 2 * MARGIN_Y)
    ref = font(REF_SIZE)
    widths = [ref.getlength(word) for word in words]
    space = _ref_metrics()[1]
    best_cuts, best_size = (), 0.0
    for count in range(1, min(MAX_LINES, len(words)) + 1):
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            size = _estimate(widths, space, cuts, inner_w, inner_h)
            if size > best_size:
                best_cuts, best_size = cuts, size
    best_lines = _lines(words, best_cuts)
    size = int(best_size)
    # The estimate ignores hinting and kerning: check the real extent, step down if needed.
    while size >= min_size:
        layout = Layout(best_lines, size, _halo(size))
        w, h = measure(layout)
        if w <= inner_w and h <= inner_h:
            return Layout(best_lines, size, layout.halo, (w, h))
        size -= max(1, size // 50)
    fits = max(1, int(len(text) * (best_size / min_size) ** 2)) if best_size else 0
    raise InputError(
        f"the slogan ({len(text)} characters) does not fit the {round(width)}×{round(height)} px "
        f"chest area at the readable minimum of {min_size} px; shorten it to about {fits} characters"
    )


def draw(image: Image.Image, layout: Layout, rect: RotatedRect) -> None:
    """Draw `layout` centred on `rect`, rotated with it, onto `image` (changed in place)."""
    w, h = layout.extent or measure(layout)
    pad = layout.halo + 2
    # One RGBA layer, drawn once: the stroke (halo) and the ink line up exactly.
    layer = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
    ImageDraw.Draw(layer).multiline_text(
        (layer.width / 2, layer.height / 2), layout.text, font=font(layout.font_size),
        fill=INK, anchor="mm", align="center", spacing=_gap(layout.font_size),
        stroke_width=layout.halo, stroke_fill=HALO_INK,
    )
    if abs(rect.angle) >= 0.05:
        layer = layer.rotate(rect.angle, resample=Image.Resampling.BILINEAR, expand=True)
    x, y = round(rect.cx - layer.width / 2), round(rect.cy - layer.height / 2)
    if image.mode == "RGBA":  # paste() would blend the alpha channel too
        sx, sy = max(0, -x), max(0, -y)
        image.alpha_composite(layer, (x + sx, y + sy), (sx, sy))
    else:
        image.paste(layer, (x, y), layer)
