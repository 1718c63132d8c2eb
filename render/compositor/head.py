"""Milo's head, found by its black eye mask: the first half of the no-panel stage.

1. Eye masks: horizontal bands three times as wide as tall, much darker than the grey fur
   just above them (unless the frame's top edge cut that off) and just below them, at
   band heights from 2 to 52 grid cells (a coarser grid for the taller ones); eyes, being
   bright or coloured, are left out of the band's mean.
2. The mask is measured: its height down the middle, its width to the fur at the head's
   rim, its height again over that width. His eyes are two holes in it, as far apart as
   eyes in a mask that tall (James's glasses are rims round lenses most of their box).
3. The head follows: its radius R from the eyes' distance (0.85 R), else from the mask's
   width (1.95 R) or, when a side edge cut it, its height (0.53 R); R is 1.2–45 % of the
   picture's height; grey fur must cover the forehead and the muzzle.

Every test is a contrast measured on the spot (relative to the picture's white and to the
fur round the mask), not an absolute colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import ndimage

from render.compositor.colors import channel_max, chroma, hue
from render.compositor.picture import Picture

# The eye-mask search: (grid cells pooled into one, band heights in pooled cells).
LEVELS = ((1, (2, 3, 4, 6)), (2, (4, 5, 6)), (4, (4, 5, 6, 8, 10, 13)))
BAND_WIDTH = 3  # the band window is this many heights wide
MAX_BANDS = 24  # the strongest bands kept at each height
SIDE_WIDTH = 0.5  # the windows above and below it, this share of that
MASK_MAX_V = 0.3  # the band's mean value, relative to the picture's white (eyes left out)
EYE_V = 0.6  # cells brighter than this are eyes or highlights, never the mask, ...
EYE_MIN_V, EYE_CHROMA = 0.4, 0.35  # ... and so are coloured ones (the chroma of dark cells is noise)
MIN_PLAIN = 0.5  # the band is at least half not eyes
FUR_MIN_V = 0.36  # the fur above and below it: at least this bright, ...
FUR_OVER_MASK = 1.8  # ... this many times the band, ...
FUR_MAX_CHROMA = 0.3  # ... and nearly grey
# From the mask to the head (units of the head's radius R).
MASK_WIDTH_R = 1.95
MASK_HEIGHT_R = 0.53
MASK_TO_CENTRE_R = 0.14  # the head's centre is this far below the mask's middle
MASK_ASPECT = (2.0, 6.5)  # measured width / height of a whole mask
MASK_COLUMN = 0.3  # a column belongs to the mask when this share of its rows is dark
MASK_MAX_TALL_R = 0.8  # the mask's height, at most
WIDTH_AGREES = (0.75, 1.4)  # the size from the width, over the size from the height
EYE_SPACING_R = 0.85  # between the eyes' centres
EYE_SPACING_H = (1.0, 2.6)  # ... in mask heights
EYES_AGREE = (0.6, 1.6)  # the size from the eyes, over the size from the mask
EYE_MAX_WIDTH = 0.6  # an eye is at most this share of the distance between the eyes wide
EYES_MAX_SHARE = 0.35  # both eyes together are at most this share of the mask's box
R_RANGE = (0.012, 0.45)  # of the picture's height
HEAD_HALF_WIDTH_R = 0.45  # the forehead and the muzzle are tested over the centre ± this,
FOREHEAD_R = 0.8  # from this far above the head's centre down to the mask,
MUZZLE_R = 0.8  # and from the mask down to this far below the centre
MIN_HEAD_FUR = 0.6  # of each

class Grid:
    """Value and chroma of the grid relative to the picture's white, computed once."""

    def __init__(self, picture: Picture) -> None:
        self.rel = picture.rel
        self.value = channel_max(self.rel)
        self.chroma = chroma(self.rel, self.value)

    @cached_property
    def hue(self) -> np.ndarray:
        return hue(self.rel)


@dataclass(frozen=True)
class Head:
    """Milo's head as found from his eye mask: centre and radius in pixels, the fur's
    value (relative to the picture's white) and how strong the evidence is."""

    cx: float
    cy: float
    r: float
    fur: float
    score: float
    eyes: bool = False


def find_heads(picture: Picture, grid: Grid) -> list[Head]:
    """Heads found by their eye masks, at every band height."""
    heads = []
    for pool, heights in LEVELS:
        value, chroma_ = _pool(grid.value, pool), _pool(grid.chroma, pool)
        for h in heights:
            for y, x, band, fur, score in _bands(value, chroma_, h):
                head = _head(picture, grid, y * pool, (x + 0.5) * pool, h * pool, band, fur, score)
                if head is not None:
                    heads.append(head)
    return heads


def _pool(array: np.ndarray, cell: int) -> np.ndarray:
    """Mean over cell × cell blocks (the last ones may be partial)."""
    if cell == 1:
        return array
    h, w = array.shape
    padded = np.pad(array, ((0, -h % cell), (0, -w % cell)), mode="edge")
    return padded.reshape(padded.shape[0] // cell, cell, padded.shape[1] // cell, cell).mean(axis=(1, 3))


def _rows_mean(array: np.ndarray, top: int, rows: int) -> np.ndarray:
    """At each (y, x): the mean of array[y + top : y + top + rows, x]; NaN where that
    starts above the picture (at the bottom, the last row is repeated)."""
    centred = ndimage.uniform_filter1d(array, rows, axis=0, mode="nearest")
    shift = top + rows // 2  # the centred window at y + shift is the one wanted at y
    out = np.full_like(centred, np.nan)
    n = array.shape[0]
    if shift >= n:
        out[:] = centred[-1]
    elif shift >= 0:
        out[: n - shift] = centred[shift:]
        out[n - shift:] = centred[-1]
    elif -shift < n:
        out[-shift:] = centred[: n + shift]
    return out


def _bands(value: np.ndarray, chroma_: np.ndarray, h: int) -> list[tuple[float, int, float, float, float]]:
    """Bands `h` cells tall much darker than the grey fur above and below them, one per
    connected patch: the band's middle (row, column), its value, the fur's value and
    the contrast between them."""
    width = BAND_WIDTH * h
    edge = max(1, round(h / 2))
    if value.shape[0] < h + 2 * edge or value.shape[1] < width:
        return []  # a picture too small for a mask this size

    def across(array: np.ndarray, span: int = width) -> np.ndarray:
        return ndimage.uniform_filter1d(array, max(1, span), axis=1, mode="nearest")

    # The eyes (bright, or coloured) are left out of the band's mean: they are a large
    # part of a small mask. (The chroma of dark cells is noise: they are never eyes.)
    plain = (~((value > EYE_V) | ((value > EYE_MIN_V) & (chroma_ > EYE_CHROMA)))).astype(np.float32)
    share = _rows_mean(across(plain), 0, h)
    band = _rows_mean(across(value * plain), 0, h) / np.maximum(share, 1e-3)
    # Above and below: over the band's width, or only its middle (a round head on a dark
    # background is narrower there than its mask; the nose darkens the middle below).
    need = np.maximum(FUR_MIN_V, FUR_OVER_MASK * band)
    above_v = below_v = None
    above_ok = below_ok = np.zeros(value.shape, dtype=bool)
    for share_of_width in (1.0, SIDE_WIDTH):
        span = round(share_of_width * width)
        side_v, side_c = across(value, span), across(chroma_, span)
        a_v, a_c = _rows_mean(side_v, -edge, edge), _rows_mean(side_c, -edge, edge)
        b_v, b_c = _rows_mean(side_v, h, edge), _rows_mean(side_c, h, edge)
        with np.errstate(invalid="ignore"):
            above_ok = above_ok | np.isnan(a_v) | ((a_v >= need) & (a_c <= FUR_MAX_CHROMA))
            below_ok = below_ok | ((b_v >= need) & (b_c <= FUR_MAX_CHROMA))
        above_v = a_v if above_v is None else np.fmax(above_v, a_v)
        below_v = b_v if below_v is None else np.fmax(below_v, b_v)
    above_seen = ~np.isnan(above_v)
    with np.errstate(invalid="ignore"):
        hit = (band <= MASK_MAX_V) & (share >= MIN_PLAIN) & below_ok & above_ok
    if not hit.any():
        return []
    fur = np.where(above_seen, np.fmin(above_v, below_v), below_v)
    score = np.where(hit, fur - band, 0.0)
    # the strongest local peaks, one per band's area
    peak = hit & (score >= ndimage.maximum_filter(score, (h, width), mode="constant"))
    ys, xs = np.nonzero(peak)
    order = np.argsort(score[ys, xs])[::-1][:MAX_BANDS]
    return [(ys[i] + h / 2, int(xs[i]), float(band[ys[i], xs[i]]), float(fur[ys[i], xs[i]]),
             float(score[ys[i], xs[i]])) for i in order]


def _head(picture: Picture, grid: Grid, y: float, x: float, h: float, band: float, fur: float,
          score: float) -> Head | None:
    """The head around a band found at grid point (y, x), about `h` grid cells tall: the
    mask's height measured down the middle (its width is easily widened by an arm or the
    suit touching it), then the head's size and centre in pixels."""
    rows_n, cols_n = grid.value.shape
    dark = grid.value <= (band + fur) / 2
    # its height: the run of dark rows through (y, x), over the middle columns
    m0, m1 = max(0, int(x - h / 2)), min(cols_n, int(np.ceil(x + h / 2)))
    s0, s1 = max(0, int(y - 2 * h)), min(rows_n, int(np.ceil(y + 2 * h)))
    if m1 <= m0 or s1 <= s0:
        return None
    rows = dark[s0:s1, m0:m1].mean(axis=1) >= 0.5
    vrun = run_around(rows, int(y) - s0)
    if vrun is None:
        return None
    y0, y1 = s0 + vrun[0], s0 + vrun[1]
    # its width: the run of dark columns through x over its rows (a column through an eye
    # is dark above and below the eye only); the fur at the head's rim ends it
    reach = int(np.ceil(2 * BAND_WIDTH * h))
    c0, c1 = max(0, int(x) - reach), min(cols_n, int(x) + reach + 1)
    columns = dark[y0:y1, c0:c1].mean(axis=0) >= MASK_COLUMN
    columns[1:-1] |= columns[:-2] & columns[2:]  # one stray column
    run = run_around(columns, int(x) - c0)
    if run is None:
        return None
    x0, x1 = c0 + run[0], c0 + run[1]
    # and its height again, over its whole width (lines on a screen break the middle)
    rows = dark[s0:s1, x0:x1].mean(axis=1) >= 0.5
    vrun = run_around(rows, int(y) - s0)
    if vrun is not None:
        y0, y1 = min(y0, s0 + vrun[0]), max(y1, s0 + vrun[1])
    w_cells, h_cells = x1 - x0, y1 - y0
    cut_top, cut_side = y0 == 0, x0 == 0 or x1 == cols_n
    # its eyes, when they show: the most precise centre and size there is
    eyes = _eye_pair(dark, y0, y1, x0, x1, cut_top)
    sx, sy = picture.sx, picture.sy
    r_tall = None if cut_top else h_cells * sy / MASK_HEIGHT_R
    r_wide = None if cut_side else w_cells * sx / MASK_WIDTH_R
    r_eyes = None if eyes is None else eyes[1] * sx / EYE_SPACING_R
    known = r_tall if r_tall is not None else r_wide
    if r_eyes is not None and (known is None or EYES_AGREE[0] <= r_eyes / known <= EYES_AGREE[1]):
        r, cx = r_eyes, eyes[0] * sx
    elif r_tall is None:
        if r_wide is None:
            return None
        r, cx = r_wide, (x0 + x1) / 2 * sx
    elif r_wide is None:  # a side edge cut it: its inner end and its height place the head
        r = r_tall
        cx = (x1 * sx - r * MASK_WIDTH_R / 2) if x0 == 0 else (x0 * sx + r * MASK_WIDTH_R / 2)
    elif WIDTH_AGREES[0] <= r_wide / r_tall <= WIDTH_AGREES[1]:
        r, cx = r_wide, (x0 + x1) / 2 * sx
    elif r_wide < r_tall * MASK_ASPECT[0] / (MASK_WIDTH_R / MASK_HEIGHT_R):
        return None  # too narrow for a mask
    else:  # something dark beside the mask widened it: trust its height
        r, cx = r_tall, (x + 0.5) * sx
    if not R_RANGE[0] * picture.height <= r <= R_RANGE[1] * picture.height:
        return None
    # A raccoon's mask is much wider than tall (a screen or a box is not), and no taller
    # than a mask of that head's size.
    if not cut_side and not cut_top and w_cells < MASK_ASPECT[0] * h_cells:
        return None
    if not cut_top and h_cells * sy > MASK_MAX_TALL_R * r:
        return None
    cy = (y1 - MASK_HEIGHT_R * r / sy / 2 if cut_top else (y0 + y1) / 2) * sy + MASK_TO_CENTRE_R * r
    # The head round the mask: grey fur over most of the forehead and of the muzzle.
    lighter = (grid.value >= max(FUR_MIN_V, FUR_OVER_MASK * band)) & (grid.chroma <= FUR_MAX_CHROMA)
    forehead = _share(lighter, picture, cx, HEAD_HALF_WIDTH_R * r, cy - FOREHEAD_R * r, y0 * sy)
    muzzle = _share(lighter, picture, cx, HEAD_HALF_WIDTH_R * r, y1 * sy, cy + MUZZLE_R * r)
    if muzzle is None or muzzle < MIN_HEAD_FUR or (forehead is not None and forehead < MIN_HEAD_FUR):
        return None
    score = muzzle + (forehead if forehead is not None else muzzle)
    return Head(cx, cy, r, fur, round(score, 3), eyes is not None)


def _eye_pair(dark: np.ndarray, y0: int, y1: int, x0: int, x1: int, cut_top: bool) -> tuple[float, float] | None:
    """His eyes in the mask's box (grid cells): two holes in the dark mask side by side,
    as far apart as eyes in a mask of that height; of several such pairs, the one whose
    midpoint is nearest the box's middle. Their midpoint's column and their distance, in
    cells; None when no such pair shows (holes: the muzzle or the ears' light tips beside
    the mask are not eyes)."""
    inside = dark[y0:y1, x0:x1]
    spot = ndimage.binary_fill_holes(inside) & ~inside
    labels, count = ndimage.label(spot)
    if count < 2:
        return None
    index = np.arange(1, count + 1)
    sizes = ndimage.sum_labels(spot, labels, index)
    centres = ndimage.center_of_mass(spot, labels, index)
    widths = [sl[1].stop - sl[1].start for sl in ndimage.find_objects(labels)]
    tall = y1 - y0
    best: tuple[float, float, float] | None = None
    for i in range(count):
        for j in range(i + 1, count):
            (ya, xa), (yb, xb) = centres[i], centres[j]
            apart = abs(xb - xa)
            if abs(ya - yb) > max(1.0, 0.5 * tall) or apart < 2:
                continue
            if not cut_top and not EYE_SPACING_H[0] * tall <= apart <= EYE_SPACING_H[1] * tall:
                continue
            if max(sizes[i], sizes[j]) > 3 * min(sizes[i], sizes[j]):
                continue
            if max(widths[i], widths[j]) > EYE_MAX_WIDTH * apart:  # lines on a screen, not eyes
                continue
            if sizes[i] + sizes[j] > EYES_MAX_SHARE * inside.size:  # glasses: rims round big lenses
                continue
            off_centre = abs((xa + xb) / 2 + 0.5 - (x1 - x0) / 2)
            if best is None or off_centre < best[0]:
                best = (off_centre, x0 + (xa + xb) / 2 + 0.5, apart)
    return None if best is None else (best[1], best[2])


def _share(mask: np.ndarray, picture: Picture, cx: float, half: float, top: float, bottom: float) -> float | None:
    """The share of `mask` over the box cx ± half, top..bottom (pixels); None when the
    box lies outside the picture."""
    x0, x1 = max(0, int((cx - half) / picture.sx)), int(np.ceil((cx + half) / picture.sx))
    y0, y1 = max(0, int(top / picture.sy)), int(np.ceil(bottom / picture.sy))
    cells = mask[y0:y1, x0:x1]
    return float(cells.mean()) if cells.size else None


def run_around(filled: np.ndarray, centre: int) -> tuple[int, int] | None:
    """The run of True around `centre` (or the nearest run), as [start, stop)."""
    if not filled.any():
        return None
    edges = np.diff(np.concatenate([[0], filled.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    distance = np.maximum(0, np.maximum(starts - centre, centre - stops + 1))
    i = int(np.argmin(distance))
    return int(starts[i]), int(stops[i])
