"""Stage 2 of the chain: no panel, so find the dark tactical suit and take its chest.

The suit is a large blob of dark, nearly colourless pixels (James's navy pullover and
jeans are too blue, the fur too light). Its widest rows are the torso (arms hanging at
its sides included), the upper half of those the chest; the columns the suit fills
there are the torso, so the box keeps away from its sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from render.compositor.colors import suit_mask
from render.compositor.picture import Picture

MIN_AREA = 0.015  # of the picture
MAX_AREA = 0.45
MAX_WIDTH = 0.85  # of the picture's width: wider is a wall or a floor
MIN_FILL = 0.20  # of the blob's bounding box
MIN_TALL = 0.6  # height / width: a standing figure, not a desk
TORSO_ROW = 0.5  # a row is torso when it is at least this share of the widest row
CHEST_ROWS = (0.10, 0.50)  # of the torso's height, from its top
TORSO_COLUMN = 0.7  # a column is torso when the suit fills this much of the chest rows
SIDE_INSET = 0.18  # of the torso's width, each side
MIN_BOX_PX = 32
# Milo's grey fur: the head sits on the torso. A mid-bright, nearly grey band above the
# torso's top (averaged over 3×3 cells against noise) tells his suit from a dark box of
# the same colour behind him.
FUR_V = (100, 235)
FUR_MAX_S = 0.28
HEAD_BAND = 0.3  # of the torso's width, above its top, over the middle half of its columns
MIN_FUR = 0.35  # share of that band
STEADY_ROWS = 7  # cells
MAX_TOPS = 96  # wide rows tried as the torso's top, from the blob's top down
OPENING = 3  # cells: dark lines thinner than this are cut
BLACK_V = 46  # max channel below this is near-black: darker than the charcoal suit
BIG_BLACK = 0.02  # of the picture: a near-black region this large is background,
TALL_BLACK = 0.2  # and so is one this tall (of the picture's height; the belt and the
# eye mask are short), even when other figures cut it into pieces


@dataclass(frozen=True)
class Suit:
    """A suit-coloured figure: its chest box [x0, y0, x1, y1] and its area in pixels."""

    chest: tuple[int, int, int, int]
    area: int


def find_suits(picture: Picture) -> list[Suit]:
    """Dark-suited figures, largest first."""
    # Opening cuts the thin dark outlines and cables that join a cartoon's figures to
    # the furniture; the suit itself is many cells wide.
    # (A 3×3 minimum then maximum filter: binary opening, faster than binary_opening.)
    grid = picture.grid
    mask = suit_mask(grid)
    mask &= ~_big_black(grid, mask)
    mask = mask.view(np.uint8)
    mask = ndimage.maximum_filter(ndimage.minimum_filter(mask, OPENING, mode="constant"), OPENING)
    labels, count = ndimage.label(mask)
    if count == 0:
        return []
    rows_n, cols_n = labels.shape
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    ids = np.flatnonzero((sizes >= MIN_AREA * labels.size) & (sizes <= MAX_AREA * labels.size))
    slices = ndimage.find_objects(labels)
    fur = _FurCounter(grid)
    suits = []
    for label in ids[np.argsort(sizes[ids])[::-1][:8]]:
        rows, cols = slices[label - 1]
        h, w = rows.stop - rows.start, cols.stop - cols.start
        touches_sides = cols.start == 0 and cols.stop == cols_n
        if rows.start == 0 or touches_sides or w > MAX_WIDTH * cols_n:
            continue
        if sizes[label] < MIN_FILL * h * w or h < MIN_TALL * w:
            continue

        def head_above(top: int, c0: int, c1: int, r: int = rows.start, c: int = cols.start) -> bool:
            return fur.head_above(r + top, c + c0, c + c1)

        min_cells = (MIN_BOX_PX / picture.sx, MIN_BOX_PX / picture.sy)
        chest = _chest(labels[rows, cols] == label, rows.stop >= rows_n - 1, head_above, min_cells)
        if chest is None:
            continue
        x0, y0, x1, y1 = chest
        box = (
            round((cols.start + x0) * picture.sx), round((rows.start + y0) * picture.sy),
            round((cols.start + x1) * picture.sx), round((rows.start + y1) * picture.sy),
        )
        suits.append(Suit(box, round(int(sizes[label]) * picture.sx * picture.sy)))
    return suits


def _big_black(grid: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Near-black regions of the suit mask large enough to be background, not a pouch,
    a belt or the eye mask. Opened first so the thin outlines that touch everything do
    not join them to the figure."""
    # Averaged over 3×3 cells first, so a noisy render's rack is not speckled with
    # charcoal cells that keep its pieces in the suit mask.
    value = ndimage.uniform_filter(_channel_max(grid), 3, mode="nearest")
    black = (mask & (value < BLACK_V)).view(np.uint8)
    black = ndimage.maximum_filter(ndimage.minimum_filter(black, OPENING, mode="constant"), OPENING)
    labels, count = ndimage.label(black)
    if count == 0:
        return np.zeros(mask.shape, dtype=bool)
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    heights = np.array([0] + [rows.stop - rows.start for rows, _ in ndimage.find_objects(labels)])
    big = (sizes >= BIG_BLACK * labels.size) | (heights >= TALL_BLACK * labels.shape[0])
    big[0] = False
    return big[labels]


def _channel_max(rgb: np.ndarray) -> np.ndarray:
    """max(r, g, b), much faster than rgb.max(axis=-1) on a 3-wide last axis."""
    return np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


class _FurCounter:
    """Grey fur above a torso, looked up on the grid one band at a time."""

    def __init__(self, grid: np.ndarray) -> None:
        self.grid = grid

    def head_above(self, top: int, c0: int, c1: int) -> bool:
        """Whether grey fur (Milo's head) sits above a torso whose top row is `top` and
        whose columns are c0..c1 (grid cells). Only the middle half of the columns
        counts: the arms at the sides may widen the torso's columns."""
        r0 = max(0, top - max(2, round(HEAD_BAND * (c1 - c0))))
        quarter = (c1 - c0) // 4
        c0, c1 = c0 + quarter, c1 - quarter
        if top <= r0 or c1 <= c0:
            return False
        # one cell of margin for the 3×3 average, then the band itself
        y0, x0 = max(0, r0 - 1), max(0, c0 - 1)
        smooth = ndimage.uniform_filter(self.grid[y0:top + 1, x0:c1 + 1].astype(np.int16), (3, 3, 1), mode="nearest")
        band = smooth[r0 - y0:top - y0, c0 - x0:c1 - x0]
        mx = _channel_max(band)
        mn = np.minimum(np.minimum(band[..., 0], band[..., 1]), band[..., 2])
        fur = (mx >= FUR_V[0]) & (mx <= FUR_V[1]) & ((mx - mn) * 100 <= mx * int(FUR_MAX_S * 100))
        return bool(fur.mean() >= MIN_FUR)


def _chest(
    blob: np.ndarray,
    cut_at_bottom: bool,
    head_above: Callable[[int, int, int], bool],
    min_cells: tuple[float, float] = (0.0, 0.0),
) -> tuple[int, int, int, int] | None:
    """The chest box inside one suit blob, in the blob's own cells, or None when the blob
    does not look like a figure.

    The torso is the run of wide rows (at least half the widest) from its top down: a
    raised arm above it is narrow, and so are the legs below it. A blob that stays wide
    to its bottom without being cut by the picture's edge is a box (a rack, a printer,
    a switched-off monitor), not a figure. The torso's top is the first wide row with
    Milo's head above it and room for a chest box of at least `min_cells` (width,
    height): when a dark box of the suit's own colour behind him joins his blob, its rows
    come first and are passed over, and so is his eye mask.
    """
    h = blob.shape[0]
    counts = blob.sum(axis=1)
    # A row is wide against the widest row at or below it, so a wide box above the
    # figure (a monitor's bezel) does not make his torso's rows look narrow; and "widest"
    # is over a few rows, so a thin bar that touches him (a bike's frame) does not either.
    steady = ndimage.minimum_filter1d(counts, STEADY_ROWS, mode="nearest")
    widest_below = np.maximum.accumulate(steady[::-1])[::-1]
    below = np.pad(blob.cumsum(axis=0), ((1, 0), (0, 0)))  # column sums of rows [0, r)
    for top in np.flatnonzero(counts >= TORSO_ROW * widest_below)[:MAX_TOPS]:
        narrow = np.flatnonzero(counts[top:] < TORSO_ROW * widest_below[top])
        end = int(top + narrow[0]) if narrow.size else h
        if end >= h - 1 and not cut_at_bottom:
            continue
        torso = end - top
        r0, r1 = top + round(CHEST_ROWS[0] * torso), top + max(2, round(CHEST_ROWS[1] * torso))
        filled = (below[r1] - below[r0]) >= TORSO_COLUMN * (r1 - r0)
        if not filled.any():
            continue
        # The longest run of filled columns is the torso.
        edges = np.diff(np.concatenate([[0], filled.astype(np.int8), [0]]))
        starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        longest = int(np.argmax(stops - starts))
        c0, c1 = int(starts[longest]), int(stops[longest])
        inset = round(SIDE_INSET * (c1 - c0))
        if c1 - c0 - 2 * inset < min_cells[0] or r1 - r0 < min_cells[1]:
            continue
        if head_above(int(top), c0, c1):
            return c0 + inset, r0, c1 - inset, r1
    return None
