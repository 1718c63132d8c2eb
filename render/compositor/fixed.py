"""Stage 4 of the chain, the one that always answers: a fixed chest box.

The seed's box is 30–70 % of the width × 45–70 % of the height, which assumes Milo stands
in the middle. When the plan puts him on the left or the right of a two-shot, the same
box is moved to the centre of that side.
"""

from __future__ import annotations

X_RANGE = (0.30, 0.70)
Y_RANGE = (0.45, 0.70)
SIDE_CENTRES = {"left": 0.27, "right": 0.73}
SIDE_WIDTH = 0.34


def fixed_box(width: int, height: int, position: str | None = None) -> tuple[int, int, int, int]:
    """[x0, y0, x1, y1] of the fixed chest box for a picture of width × height."""
    if position in SIDE_CENTRES:
        centre = SIDE_CENTRES[position]
        x0, x1 = centre - SIDE_WIDTH / 2, centre + SIDE_WIDTH / 2
    else:
        x0, x1 = X_RANGE
    return round(x0 * width), round(Y_RANGE[0] * height), round(x1 * width), round(Y_RANGE[1] * height)
