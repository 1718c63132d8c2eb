"""Stage 2 of the chain: no panel, so find Milo himself and take his chest.

What every Milo has, however he is framed: a grey-fur head with a black eye mask across
it, and the charcoal suit right below the head. Nothing that framing removes is needed
(legs, feet, the whole body in frame), so a Milo seated behind a desk, cut at the waist
or at a side, hidden below the chest by James, or small and far away is found the same
way. Every test is a contrast measured on the spot, not an absolute colour.

1. Eye masks: a horizontal band, three times as wide as tall, much darker than the fur
   just above it (unless the frame's top edge cut that off) and just below it, both
   nearly grey. Box means over the grid at band heights from 3 to 52 cells (a coarser
   grid for the taller ones) find it at any size; its extent is then measured.
2. The head follows from the mask: its width is about 1.95 head radii R (when a side
   edge cuts it, its height is about 0.53 R), the head's centre a little below it. R
   must be 1.2–45 % of the picture's height.
3. The suit: just below the head, the middle of the torso must be dark against the fur
   (under 70 % of its value) and nearly grey. Its rows down to where it stops (a desk,
   James, the frame's edge) and its width around the head's centre give the chest box.

A head with the suit below is Milo; the plan's left-to-right order picks among several.
A head without a suit below is partial evidence for the last resort.
"""

from __future__ import annotations

import math
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
# The chest below the head.
SUIT_OVER_FUR = 0.8  # the suit is darker than this share of the fur's value
SUIT_MIN_V = 0.02
SUIT_MAX_CHROMA = 0.45  # navy (0.65) and most coloured clothes are more colourful
TORSO_COLUMNS_R = 0.6  # the suit is tested over the head's centre ± this
SUIT_TOP_R = (0.75, 1.5)  # the torso's top is looked for this far below the head's centre
MIN_SUIT = 0.6
MIN_SUIT_BESIDE_PANEL = 0.15  # ... of which suit, when his panel fills the rest
CHEST_TOP_R = 1.05  # the box starts at the torso's top, and at least this far below the head's centre
CHEST_HEIGHT_R = 1.3  # and is at most this tall,
CHEST_HALF_WIDTH_R = 0.75  # this wide each side of the centre,
TORSO_SEARCH_R = 2.6  # his torso and arms (or a chair behind him) end within this, each side
CHEST_SHARE_OF_TORSO = 0.36  # and no wider than this share of the suit's width each side
ROW_SUIT = 0.5  # a row of the chest is suit while this share of it is
MIN_CHEST_R = 0.35  # a chest shorter than this (a dark strip under a head) is not a torso
PANEL_MIN_V, PANEL_MAX_CHROMA = 0.7, 0.25  # his white panel, relative to the picture's white
PIPING_SEARCH_R = 1.3  # its piping is looked for this far each side of the head's centre
SAME_SHADE = 0.35  # the suit's width is measured over cells within this share of its value
MIN_BOX_PX = 16
NESTED = 0.6  # a head under this share of another's radius, inside it, is part of it


class _Grid:
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


@dataclass(frozen=True)
class Found:
    """A Milo candidate: his head, the chest box [x0, y0, x1, y1] and whether the suit
    was found below the head."""

    head: Head
    chest: tuple[int, int, int, int]
    suit: bool

    @property
    def tier(self) -> tuple[bool, bool, bool]:
        """How strong the evidence is: eyes in the mask and the suit below it; then eyes
        alone (his panel, missed by the panel stage, or James in front can hide the suit);
        then the suit alone. A ringed tail and James's glasses make dark bands with grey
        round them too, but no eyes."""
        return self.suit and self.head.eyes, self.head.eyes, self.suit


def find_milos(picture: Picture) -> list[Found]:
    """Every head with an eye mask, and its chest: those with the suit below first, then
    the larger; a band inside one already kept (an eye's rim, the nose) is not another."""
    grid = _Grid(picture)
    candidates = []
    for head in find_heads(picture, grid):
        chest, suit = _chest(picture, grid, head)
        if chest is not None:
            candidates.append(Found(head, chest, suit))
    # An eye, an eye's rim or the nose inside a head is found as a small "mask" with fur
    # round it, and the real mask below it looks like his suit: drop what lies inside
    # a larger head.
    # And a dark band above a head (a headset's arc, the ears' rims) has the real mask
    # where its "suit" should be: a chest on another head's face is no chest.
    candidates = [
        f for f in candidates
        if not any(o.tier >= f.tier and (_inside(f.head, o.head) or _on_face(f, o.head))
                   for o in candidates if o is not f)
    ]
    candidates.sort(key=lambda f: (f.tier, f.head.score, f.head.r), reverse=True)
    kept: list[Found] = []
    for found in candidates:
        if all(not _overlap(found.head, k.head) for k in kept):
            kept.append(found)
    return kept


def _inside(small: Head, large: Head) -> bool:
    return small.r < NESTED * large.r and math.hypot(small.cx - large.cx, small.cy - large.cy) < NESTED * large.r


def _on_face(found: Found, head: Head) -> bool:
    x0, y0, x1, y1 = found.chest
    return found.head.r < head.r and math.hypot((x0 + x1) / 2 - head.cx, (y0 + y1) / 2 - head.cy) < head.r


def _overlap(a: Head, b: Head) -> bool:
    """The same head, found twice (at two band heights)."""
    small, large = sorted((a.r, b.r))
    return large <= 2 * small and math.hypot(a.cx - b.cx, a.cy - b.cy) < 0.6 * large


def find_heads(picture: Picture, grid: _Grid) -> list[Head]:
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


def _head(picture: Picture, grid: _Grid, y: float, x: float, h: float, band: float, fur: float,
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
    vrun = _run_around(rows, int(y) - s0)
    if vrun is None:
        return None
    y0, y1 = s0 + vrun[0], s0 + vrun[1]
    # its width: the run of dark columns through x over its rows (a column through an eye
    # is dark above and below the eye only); the fur at the head's rim ends it
    reach = int(np.ceil(2 * BAND_WIDTH * h))
    c0, c1 = max(0, int(x) - reach), min(cols_n, int(x) + reach + 1)
    columns = dark[y0:y1, c0:c1].mean(axis=0) >= MASK_COLUMN
    columns[1:-1] |= columns[:-2] & columns[2:]  # one stray column
    run = _run_around(columns, int(x) - c0)
    if run is None:
        return None
    x0, x1 = c0 + run[0], c0 + run[1]
    # and its height again, over its whole width (lines on a screen break the middle)
    rows = dark[s0:s1, x0:x1].mean(axis=1) >= 0.5
    vrun = _run_around(rows, int(y) - s0)
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


def _chest(picture: Picture, grid: _Grid, head: Head) -> tuple[tuple[int, int, int, int] | None, bool]:
    """The chest box below a head, and whether his suit is there: dark against the fur,
    nearly grey, starting just below the head and going down for a chest's height. (The
    box for a head without a suit is where his chest would be.)"""
    sx, sy = picture.sx, picture.sy
    rows_n, cols_n = grid.value.shape
    r = head.r
    suit_mask = (grid.value <= SUIT_OVER_FUR * head.fur) & (grid.value >= SUIT_MIN_V) & (grid.chroma <= SUIT_MAX_CHROMA)
    # his chest panel, when the panel stage missed it (piping partly hidden), is chest
    # too: white in rows with cyan piping beside it (a light muzzle has none)
    w0 = max(0, int((head.cx - PIPING_SEARCH_R * r) / sx))
    w1 = min(cols_n, int(np.ceil((head.cx + PIPING_SEARCH_R * r) / sx)))
    piped = _cyan(grid)[:, w0:w1].sum(axis=1) >= 2
    panel_mask = ((grid.value >= PANEL_MIN_V) & (grid.chroma <= PANEL_MAX_CHROMA) & piped[:, None]) | _cyan(grid)
    c0 = max(0, int((head.cx - TORSO_COLUMNS_R * r) / sx))
    c1 = min(cols_n, int(np.ceil((head.cx + TORSO_COLUMNS_R * r) / sx)))
    if c1 <= c0:
        return None, False
    # 1. The torso's top: the first two rows below the head that are mostly suit (or
    #    suit round his panel).
    s0 = max(0, int((head.cy + SUIT_TOP_R[0] * r) / sy))
    s1 = min(rows_n, int(np.ceil((head.cy + SUIT_TOP_R[1] * r) / sy)))
    if s1 > s0:
        suit_share = suit_mask[s0:s1, c0:c1].mean(axis=1)
        chest_share = (suit_mask | panel_mask)[s0:s1, c0:c1].mean(axis=1)
        rows = (suit_share >= MIN_SUIT) | ((chest_share >= MIN_SUIT) & (suit_share >= MIN_SUIT_BESIDE_PANEL))
    else:
        rows = np.zeros(0, dtype=bool)
    steady = rows[:-1] & rows[1:]
    top = s0 + int(np.argmax(steady)) if steady.any() else None
    # 2. The chest's rows: from there down, until two rows in a row are not suit (a
    #    desk, James, the belt), at most CHEST_HEIGHT_R.
    y_top = head.cy + CHEST_TOP_R * r if top is None else max(top * sy, head.cy + CHEST_TOP_R * r)
    r0 = int(y_top / sy)
    r1 = min(rows_n, int(np.ceil((y_top + CHEST_HEIGHT_R * r) / sy)))
    if r1 <= r0:
        return None, False
    if top is not None:
        short = (suit_mask | panel_mask)[r0:r1, c0:c1].mean(axis=1) < ROW_SUIT
        ends = np.flatnonzero(short[:-1] & short[1:])
        if ends.size:
            r1 = r0 + max(int(ends[0]), 1)
    y1 = min(float(picture.height), r1 * sy)
    suit = top is not None and y1 - y_top >= MIN_CHEST_R * r
    if suit:  # from here on, cells of his suit's own shade (a black rack behind is not)
        shade = float(np.median(grid.value[r0:r1, c0:c1]))
        suit_mask &= np.abs(grid.value - shade) <= SAME_SHADE * shade
    # 3. Its width: the run of suit columns round the head's centre, arms included; the
    #    box keeps to its middle.
    half = CHEST_HALF_WIDTH_R * r
    if suit:
        wide0 = max(0, int((head.cx - TORSO_SEARCH_R * r) / sx))
        wide1 = min(cols_n, int(np.ceil((head.cx + TORSO_SEARCH_R * r) / sx)))
        cols = suit_mask[r0:r1, wide0:wide1].mean(axis=0) >= MIN_SUIT
        run = _run_around(cols, int(head.cx / sx) - wide0)
        if run is not None:
            half = min(half, CHEST_SHARE_OF_TORSO * (run[1] - run[0]) * sx)
            # a dark floor or wall round the "torso" fills the whole search: not a torso
            unbounded = run[0] == 0 and run[1] == wide1 - wide0 and wide0 > 0 and wide1 < cols_n
            suit = not unbounded
    x0, x1 = max(0.0, head.cx - half), min(float(picture.width), head.cx + half)
    if x1 - x0 < MIN_BOX_PX or y1 - y_top < MIN_BOX_PX:
        return None, False
    return (round(x0), round(y_top), round(x1), round(y1)), suit


def _cyan(grid: _Grid) -> np.ndarray:
    """The panel's piping: bright and cyan (the test the panel stage makes, coarsely)."""
    from render.compositor.panel import CYAN_HUE, CYAN_MIN_CHROMA

    return (grid.value >= PANEL_MIN_V * 0.6) & (grid.chroma >= CYAN_MIN_CHROMA) & (
        (grid.hue >= CYAN_HUE[0]) & (grid.hue <= CYAN_HUE[1])
    )


def _run_around(filled: np.ndarray, centre: int) -> tuple[int, int] | None:
    """The run of True around `centre` (or the nearest run), as [start, stop)."""
    if not filled.any():
        return None
    edges = np.diff(np.concatenate([[0], filled.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    distance = np.maximum(0, np.maximum(starts - centre, centre - stops + 1))
    i = int(np.argmin(distance))
    return int(starts[i]), int(stops[i])
