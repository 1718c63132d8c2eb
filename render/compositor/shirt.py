"""Stage 2 of the chain: no panel, so find the dark tactical suit and take its chest.

The suit is a large blob of dark, nearly colourless pixels (James's navy pullover and
jeans are too blue, the fur too light). Its widest rows are the torso (arms hanging at
its sides included), the upper half of those the chest; the columns the suit fills
there are the torso, so the box keeps away from its sides.
"""

from __future__ import annotations

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
# torso's top tells his suit from a dark box of the same colour behind him.
FUR_V = (100, 235)
FUR_MAX_S = 0.26
HEAD_BAND = 0.3  # of the torso's width, above its top
MIN_FUR = 0.25  # share of that band
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
    suits = []
    for label in ids[np.argsort(sizes[ids])[::-1][:8]]:
        rows, cols = slices[label - 1]
        h, w = rows.stop - rows.start, cols.stop - cols.start
        touches_sides = cols.start == 0 and cols.stop == cols_n
        if rows.start == 0 or touches_sides or w > MAX_WIDTH * cols_n:
            continue
        if sizes[label] < MIN_FILL * h * w or h < MIN_TALL * w:
            continue
        found = _chest(labels[rows, cols] == label, cut_at_bottom=rows.stop >= rows_n - 1)
        if found is None:
            continue
        (x0, y0, x1, y1), (top, c0, c1) = found
        if not _head_above(grid, rows.start + top, cols.start + c0, cols.start + c1):
            continue
        box = (
            round((cols.start + x0) * picture.sx), round((rows.start + y0) * picture.sy),
            round((cols.start + x1) * picture.sx), round((rows.start + y1) * picture.sy),
        )
        if box[2] - box[0] >= MIN_BOX_PX and box[3] - box[1] >= MIN_BOX_PX:
            suits.append(Suit(box, round(int(sizes[label]) * picture.sx * picture.sy)))
    return suits


def _big_black(grid: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Near-black regions of the suit mask large enough to be background, not a pouch,
    a belt or the eye mask. Opened first so the thin outlines that touch everything do
    not join them to the figure."""
    black = (mask & (grid.max(axis=-1) < BLACK_V)).view(np.uint8)
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


def _head_above(grid: np.ndarray, top: int, c0: int, c1: int) -> bool:
    """Whether grey fur (Milo's head) sits above the torso whose top row is `top` and
    whose columns are c0..c1 (grid cells)."""
    band = grid[max(0, top - max(2, round(HEAD_BAND * (c1 - c0)))):top, c0:c1]
    if band.size == 0:
        return False
    mx = band.max(axis=-1).astype(np.int16)
    mn = band.min(axis=-1).astype(np.int16)
    fur = (mx >= FUR_V[0]) & (mx <= FUR_V[1]) & ((mx - mn) * 100 <= mx * int(FUR_MAX_S * 100))
    return bool(fur.mean() >= MIN_FUR)


def _chest(
    blob: np.ndarray, cut_at_bottom: bool
) -> tuple[tuple[int, int, int, int], tuple[int, int, int]] | None:
    """The chest box inside one suit blob and the torso's (top row, first column, end
    column), in the blob's own cells, or None when the blob does not look like a figure.

    The torso is the run of wide rows (at least half the widest) from the first one down:
    a raised arm above it is narrow, and so are the legs below it. A blob that stays wide
    to its bottom without being cut by the picture's edge is a box (a rack, a printer,
    a switched-off monitor), not a figure.
    """
    h = blob.shape[0]
    counts = blob.sum(axis=1)
    wide = counts >= TORSO_ROW * counts.max()
    top = int(np.argmax(wide))
    narrow_below = np.flatnonzero(~wide[top:])
    end = top + int(narrow_below[0]) if narrow_below.size else h
    if end >= h - 1 and not cut_at_bottom:
        return None
    torso = end - top
    r0, r1 = top + round(CHEST_ROWS[0] * torso), top + max(2, round(CHEST_ROWS[1] * torso))
    filled = blob[r0:r1].mean(axis=0) >= TORSO_COLUMN
    if not filled.any():
        return None
    # The longest run of filled columns is the torso.
    edges = np.diff(np.concatenate([[0], filled.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    longest = int(np.argmax(stops - starts))
    c0, c1 = int(starts[longest]), int(stops[longest])
    inset = round(SIDE_INSET * (c1 - c0))
    return (c0 + inset, r0, c1 - inset, r1), (top, c0, c1)
