"""Fitting the slogan into a rectangle and drawing it: black text with a white halo, the
largest size that fits with a margin, on one to four lines, rotated with the panel.

The bold face is tried first; when it would fall below the readable minimum, the
condensed bold of the same family (narrower letters, so a larger size on a narrow chest);
when that does not fit either, `DoesNotFit` says how short the slogan must be. Both fonts
ship with the project (`fonts/`, licence next to them), so the result never depends on
what the machine has installed.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from core.errors import InputError
from render.compositor.geometry import RotatedRect

FONTS = Path(__file__).resolve().parent / "fonts"
FACES = {"bold": FONTS / "DejaVuSans-Bold.ttf", "condensed": FONTS / "DejaVuSansCondensed-Bold.ttf"}
FACE_ORDER = ("bold", "condensed")
MARGIN_X = 0.08  # of the width, each side (on the panel: the text keeps off the piping)
MARGIN_Y = 0.12  # of the height, each side
HALO = 0.08  # halo (stroke) width as a share of the font size
LINE_GAP = 0.12  # space between lines as a share of the font size
MAX_LINES = 4
REF_SIZE = 200  # font size at which widths are measured; they scale linearly
INK = (0, 0, 0, 255)
HALO_INK = (255, 255, 255, 255)
BACKING_PAD = 0.35  # the white patch behind text on the suit reaches this share of the font size past it


class DoesNotFit(InputError):
    """The slogan cannot be written readably in the area: too long for it at the minimum
    font size in either face. The message says about how short it must be."""


@dataclass(frozen=True)
class Layout:
    """How the slogan is set: its lines, face, font size and halo width."""

    lines: tuple[str, ...]
    font_size: int
    halo: int
    extent: tuple[int, int] | None = None  # measured width and height, when known
    face: str = "bold"

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


_fonts = threading.local()  # FreeType faces are not safe to share between threads


def font(size: int, face: str = "bold") -> ImageFont.FreeTypeFont:
    """A shipped font at `size` px, cached per thread."""
    cache = _fonts.__dict__.setdefault("by_size", {})
    key = (face, size)
    if key not in cache:
        if len(cache) > 64:
            cache.clear()
        cache[key] = ImageFont.truetype(str(FACES[face]), size)
    return cache[key]


@lru_cache(maxsize=4)  # plain numbers: safe to share
def _ref_metrics(face: str) -> tuple[float, float]:
    """Line height (ascent + descent) and space width at REF_SIZE."""
    ascent, descent = font(REF_SIZE, face).getmetrics()
    return float(ascent + descent), font(REF_SIZE, face).getlength(" ")


@lru_cache(maxsize=1)
def _notdef() -> tuple[tuple[int, int], bytes]:
    """The font's 'missing glyph' box, from a code point no font maps."""
    mask = font(32).getmask("\U0010fffd")
    return mask.size, bytes(mask)


# Controls, format characters (bidi overrides, zero-width), surrogates and line or paragraph
# separators: never drawn as a glyph, and some make Pillow's text layout fail outright.
_NOT_TEXT = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


@lru_cache(maxsize=4096)
def _drawable(char: str) -> bool:
    try:
        mask = font(32).getmask(char)
    except (RuntimeError, ValueError, OSError, UnicodeError):  # the layout refused it
        return False
    return char.isspace() or (mask.size, bytes(mask)) != _notdef()


def _shown(chars: set[str]) -> str:
    """The characters for a one-line message: as themselves when printable, else U+XXXX."""
    return " ".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in sorted(chars))


def check_glyphs(text: str) -> None:
    """InputError naming the characters the shipped font would draw as empty boxes (both
    faces cover the same characters), or that are not text at all (control and invisible
    characters, line breaks): any string is answered, none raises anything else."""
    hidden = {c for c in text if unicodedata.category(c) in _NOT_TEXT}
    if hidden:
        raise InputError(
            f"the slogan has control or invisible characters ({_shown(hidden)}); "
            "write it on one line with letters, digits and punctuation"
        )
    missing = {c for c in text if not _drawable(c)}
    if missing:
        raise InputError(
            f"the slogan has characters the shirt font cannot draw ({_shown(missing)}); "
            "use letters, digits and punctuation"
        )


def _balanced(widths: list[float], space: float, lines: int) -> tuple[float, tuple[int, ...]]:
    """The cut of the words into `lines` lines whose widest line is narrowest: its width
    (at REF_SIZE) and the cut positions. A small dynamic programme over the words."""
    n = len(widths)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    def line(a: int, b: int) -> float:
        return prefix[b] - prefix[a] + space * (b - a - 1)

    # best[k][j]: (widest, cuts) for the first j words on k lines
    best: list[dict[int, tuple[float, tuple[int, ...]]]] = [{0: (0.0, ())}]
    for k in range(1, lines + 1):
        row: dict[int, tuple[float, tuple[int, ...]]] = {}
        for j in range(k, n - (lines - k) + 1):
            options = [
                (max(best[k - 1][i][0], line(i, j)), best[k - 1][i][1] + ((i,) if i else ()))
                for i in range(k - 1, j) if i in best[k - 1]
            ]
            row[j] = min(options)
        best.append(row)
    return best[lines][n]


def _size_for(widest: float, lines: int, face: str, width: float, height: float) -> float:
    """The font size at which `lines` lines, the widest `widest` wide at REF_SIZE, just
    fill width × height (kerning across spaces is ignored here)."""
    line_h, _ = _ref_metrics(face)
    per_px_w = widest / REF_SIZE + 2 * HALO
    per_px_h = (lines * line_h + (lines - 1) * LINE_GAP * REF_SIZE) / REF_SIZE + 2 * HALO
    return min(width / per_px_w, height / per_px_h)


def measure(layout: Layout) -> tuple[int, int]:
    """Width and height in pixels of the drawn text, halo included."""
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    x0, y0, x1, y1 = draw.multiline_textbbox(
        (0, 0), layout.text, font=font(layout.font_size, layout.face), spacing=_gap(layout.font_size),
        align="center", stroke_width=layout.halo,
    )
    return math.ceil(x1 - x0), math.ceil(y1 - y0)


def _gap(size: int) -> int:
    return round(LINE_GAP * size)


def _halo(size: int) -> int:
    return max(1, round(HALO * size))


def _best(words: list[str], face: str, inner_w: float, inner_h: float) -> tuple[tuple[str, ...], float]:
    """The lines (1–4, words kept whole) that allow the largest size in one face."""
    ref = font(REF_SIZE, face)
    widths = [ref.getlength(word) for word in words]
    space = _ref_metrics(face)[1]
    best_lines: tuple[str, ...] = (" ".join(words),)
    best_size = 0.0
    for count in range(1, min(MAX_LINES, len(words)) + 1):
        widest, cuts = _balanced(widths, space, count)
        size = _size_for(widest, count, face, inner_w, inner_h)
        if size > best_size:
            bounds = (0, *cuts, len(words))
            best_lines = tuple(" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:], strict=False))
            best_size = size
    return best_lines, best_size


def fit(text: str, width: float, height: float, *, min_size: int, margins: bool = True) -> Layout:
    """The largest layout of `text` inside width × height, less the margins when
    `margins` (a panel's edge; a chest box is already inset from the torso's): in the
    bold face, or in the condensed one when bold would be below `min_size`. Raises
    DoesNotFit when neither reaches `min_size`."""
    words = text.split()
    if not words:
        raise InputError("the slogan is empty; give some text, e.g. --text PEBKAC")
    mx, my = (MARGIN_X, MARGIN_Y) if margins else (0.0, 0.0)
    inner_w, inner_h = width * (1 - 2 * mx), height * (1 - 2 * my)
    estimate = 0.0
    for face in FACE_ORDER:
        lines, estimate = _best(words, face, inner_w, inner_h)
        size = int(estimate)
        # The estimate ignores hinting and kerning: check the real extent, step down if needed.
        while size >= min_size:
            layout = Layout(lines, size, _halo(size), face=face)
            w, h = measure(layout)
            if w <= inner_w and h <= inner_h:
                return Layout(lines, size, layout.halo, (w, h), face)
            size -= max(1, size // 50)
    fits = max(1, int(len(text) * (estimate / min_size) ** 2)) if estimate else 0
    raise DoesNotFit(
        f"the slogan ({len(text)} characters) does not fit the {round(width)}×{round(height)} px "
        f"chest area at the readable minimum of {min_size} px; shorten it to about {fits} characters"
    )


def draw(image: Image.Image, layout: Layout, rect: RotatedRect, *, backing: bool = False) -> None:
    """Draw `layout` centred on `rect`, rotated with it, onto `image` (changed in place).
    `backing`: on a white patch (rounded, the text's size and a little more, within
    `rect`), for text on the dark suit rather than on the white panel: black letters
    with a thin halo on charcoal are hard to read small, and the counters of e, a, o stay
    dark."""
    w, h = layout.extent or measure(layout)
    pad = layout.halo + 2
    if backing:
        room_x, room_y = (rect.width - w) / 2, (rect.height - h) / 2
        pad = max(pad, round(min(BACKING_PAD * layout.font_size, room_x, room_y)))
    # One RGBA layer, drawn once: the stroke (halo) and the ink line up exactly.
    layer = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
    if backing:
        ImageDraw.Draw(layer).rounded_rectangle(
            (0, 0, layer.width - 1, layer.height - 1), radius=pad, fill=HALO_INK,
        )
    ImageDraw.Draw(layer).multiline_text(
        (layer.width / 2, layer.height / 2), layout.text, font=font(layout.font_size, layout.face),
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
