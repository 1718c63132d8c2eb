"""Scoring many frames at once: per framing (and panel or not), how often Milo was found,
the slogan landed on his torso, it was skipped, and (optionally) it read back by OCR.
Used by the sweep tests and by benchmarks/compositor_sweep.py (the table in
docs/shirt-text.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.settings import Settings
from render.compositor import compose
from tests.compositor.art.frames import Frame, frame
from tests.compositor.art.score import score


@dataclass
class Tally:
    frames: int = 0
    found: int = 0  # a stage that finds Milo answered with high confidence
    on_torso: int = 0  # written, and on his visible torso
    skipped: int = 0
    wrong: int = 0  # written with high confidence somewhere else than his torso
    read: int = 0  # on his torso, and OCR read the slogan back (of the frames asked)
    asked: int = 0  # on his torso and read by OCR
    misses: list[str] = field(default_factory=list)


def run(kind: str, panel: bool, seeds: Iterable[int], settings: Settings, *, ocr: Iterable[int] | bool = False) -> Tally:
    """Compose every frame of one framing and score it against its truth; read the
    slogan back by OCR on all frames (`ocr=True`) or on those of the seeds given."""
    from tests.compositor.ocr import reads_back

    tally = Tally()
    for seed in seeds:
        shot: Frame = frame(kind, seed, panel=panel)
        done = compose(shot.image, shot.slogan, settings=settings, plan=shot.plan, wearer="milo")
        result = done.result
        mark = score(shot, result)
        tally.frames += 1
        tally.found += mark.found
        tally.on_torso += mark.on_torso
        tally.skipped += not mark.written
        if mark.written and result.confidence == "high" and not mark.on_torso:
            tally.wrong += 1
        if not mark.on_torso:
            tally.misses.append(f"{shot.name}: {result.method}/{result.confidence} {result.box} ({result.reason})")
        wanted = (ocr if isinstance(ocr, bool) else seed in set(ocr)) and mark.on_torso
        tally.asked += wanted
        if wanted and reads_back(done.image, result, shot.slogan):
            tally.read += 1
    return tally
