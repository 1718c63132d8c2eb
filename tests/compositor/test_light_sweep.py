"""The slogan on Milo's torso in frames drawn unlike the preview backend, under a
renderer's light (casts, exposure 80–110 %, vignette, gradient, noise, blur, JPEG 60–90),
for every framing: standing, seated behind a desk, cut at the waist, at a side or at the
top, small and far, hidden below the chest by James, beside James, and the preview
backend's own scenes; each with and without the chest panel.

Development seeds only (tests/compositor/art/frames.py); the held-out seeds are scored in
test_held_out.py. Columns of LEAST: framing, panel, least frames (of SEEDS) with the text
written on his torso. A frame whose panel or chest is too small for the slogan at the
readable minimum is skipped, not wrong: small panels are counted as such.
"""

from __future__ import annotations

import logging

import pytest

from tests.compositor.art.frames import KINDS
from tests.compositor.art.sweep import run
from tests.compositor.helpers import NO_POSE

SEEDS = range(6)
OCR_SEEDS = range(2)
LEAST = {  # (kind, panel): least frames of 6 with the text on his torso
    ("small", True): 1,  # most far panels cannot hold text at 12 px: skipped, never misplaced
    ("two-shot", True): 4,
    ("cut-side", False): 4,
    ("small", False): 4,
}


@pytest.fixture(autouse=True)
def quiet(caplog):
    caplog.set_level(logging.ERROR)


@pytest.mark.parametrize("panel", [True, False], ids=["panel", "no-panel"])
@pytest.mark.parametrize("kind", KINDS)
def test_text_lands_on_milos_torso_and_reads_back(kind, panel):
    tally = run(kind, panel, SEEDS, NO_POSE, ocr=OCR_SEEDS)
    assert tally.wrong == 0, f"written with high confidence off his torso: {tally.misses}"
    assert tally.on_torso >= LEAST.get((kind, panel), 5), tally.misses
    if panel and kind != "small":
        assert tally.found >= 5, f"the panel was missed: {tally.misses}"  # (found, if too small)
    assert tally.read == tally.asked, f"{tally.asked - tally.read} of {tally.asked} did not read back"
