"""Scoring one compositor result against a frame's truth, as the held-out scorer does:
was Milo found, is the text on his torso, does it read back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from render.types import CompositorResult
from tests.compositor.art.frames import Frame

MIN_ON_TORSO = 0.7  # share of the text box that must lie on his visible torso


@dataclass(frozen=True)
class Score:
    found: bool  # a stage that finds Milo answered, with high confidence
    on_torso: bool
    share: float  # of the box on the torso
    written: bool  # not skipped


def torso_share(box: tuple[int, int, int, int], torso: np.ndarray) -> float:
    x0, y0, x1, y1 = box
    h, w = torso.shape
    area = max(1, (x1 - x0) * (y1 - y0))
    inside = torso[max(0, y0):min(h, y1), max(0, x0):min(w, x1)].sum()
    return float(inside) / area


def score(frame: Frame, result: CompositorResult) -> Score:
    # skipped with high confidence: Milo was found, his chest was too small for the slogan
    found = result.method in ("panel", "shirt-color", "skipped") and result.confidence == "high"
    if frame.torso is None:
        return Score(found, False, 0.0, result.method != "skipped")
    x0, y0, x1, y1 = result.box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    h, w = frame.torso.shape
    centre_on = 0 <= cx < w and 0 <= cy < h and bool(frame.torso[cy, cx])
    share = torso_share(result.box, frame.torso)
    written = result.method != "skipped"
    return Score(found, written and centre_on and share >= MIN_ON_TORSO, round(share, 3), written)
