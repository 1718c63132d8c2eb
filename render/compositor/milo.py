"""Stage 2 of the chain: no panel, so find Milo himself and take his chest.

What every Milo has, however he is framed: a grey-fur head with a black eye mask across
it (head.py), and the charcoal suit right below the head. Nothing that framing removes is
needed (legs, feet, the whole body in frame), so a Milo seated behind a desk, cut at the
waist or at a side, hidden below the chest by James, or small and far away is found the
same way.

Below each head the suit must start within 0.75–1.5 R (darker than 80 % of the fur, nearly
grey; his panel, when the panel stage missed it, counts in rows with piping beside it), go
on for at least 0.35 R and end on both sides within ±2.6 R (a dark floor is not a torso).
The chest box is the head's centre ± 0.75 R (no wider than 0.36 of the suit's width each
side), from the torso's top to where the suit stops (a desk, James, the belt, the frame's
edge), at most 1.3 R tall.

Candidates rank by their evidence: eyes and suit, eyes alone, suit alone (a ringed tail
and James's glasses make dark bands between grey ones too, but have no eyes). A head with
the suit below is Milo; the plan's left-to-right order picks among several. A head without
a suit is partial evidence for the last resort.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from render.compositor.head import Grid, Head, find_heads, run_around
from render.compositor.panel import CYAN_HUE, CYAN_MIN_CHROMA
from render.compositor.picture import Picture

# The chest below the head.
SUIT_OVER_FUR = 0.8  # the suit is darker than this share of the fur's value
SUIT_MIN_V = 0.02
SUIT_MAX_CHROMA = 0.45  # navy (0.65) and most coloured clothes are more colourful
TORSO_COLUMNS_R = 0.6  # the suit is tested over the head's centre ± this
SUIT_TOP_R = (0.75, 1.5)  # the torso's top is looked for this far below the head's centre
MIN_SUIT = 0.6  # a row is the torso's top when this share of its middle is suit, ...
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
PIPING_MIN_V = 0.42
SAME_SHADE = 0.35  # the suit's width is measured over cells within this share of its value
MIN_BOX_PX = 16
NESTED = 0.6  # a head under this share of another's radius, inside it, is part of it



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
    """Every head with an eye mask and its chest, the strongest evidence first (`tier`,
    then how much fur round the mask); one per head."""
    grid = Grid(picture)
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


def _chest(picture: Picture, grid: Grid, head: Head) -> tuple[tuple[int, int, int, int] | None, bool]:
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
    cyan = _cyan(grid)
    piped = cyan[:, w0:w1].sum(axis=1) >= 2
    panel_mask = ((grid.value >= PANEL_MIN_V) & (grid.chroma <= PANEL_MAX_CHROMA) & piped[:, None]) | cyan
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
        run = run_around(cols, int(head.cx / sx) - wide0)
        if run is not None:
            half = min(half, CHEST_SHARE_OF_TORSO * (run[1] - run[0]) * sx)
            # a dark floor or wall round the "torso" fills the whole search: not a torso
            unbounded = run[0] == 0 and run[1] == wide1 - wide0 and wide0 > 0 and wide1 < cols_n
            suit = not unbounded
    x0, x1 = max(0.0, head.cx - half), min(float(picture.width), head.cx + half)
    if x1 - x0 < MIN_BOX_PX or y1 - y_top < MIN_BOX_PX:
        return None, False
    return (round(x0), round(y_top), round(x1), round(y1)), suit


def _cyan(grid: Grid) -> np.ndarray:
    """The panel's piping on the grid: bright enough and cyan (the panel stage's hue and
    chroma, against the picture's white rather than the panel's)."""
    return (grid.value >= PIPING_MIN_V) & (grid.chroma >= CYAN_MIN_CHROMA) & (
        (grid.hue >= CYAN_HUE[0]) & (grid.hue <= CYAN_HUE[1])
    )
