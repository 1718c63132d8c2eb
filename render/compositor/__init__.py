"""The shirt-text compositor: find Milo's chest and write the slogan on it.

FLUX cannot spell, so the render asks for a blank white chest panel framed by neon cyan
piping and this package writes the slogan into it. `write_slogan` is what the render
pipeline and `cartoon shirt` call; `compose` returns the same plus each stage's outcome.
A slogan that cannot be written readably is not an error here: the result says
`method: "skipped"` with the reason, and the picture comes back clean; the callers decide
(the pipeline keeps the render, `cartoon shirt` exits 2).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image

from core.errors import InputError
from render.compositor import text as text_mod
from render.compositor.detect import Detection, detect
from render.compositor.files import MAX_PIXELS
from render.compositor.modes import as_rgb, opaque
from render.compositor.picture import Picture

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings
    from render.compositor.pose import PoseStage
    from render.types import CompositorResult

MIN_SIDE = 64

__all__ = ["Composition", "MAX_PIXELS", "check_slogan", "compose", "write_slogan"]


@dataclass
class Composition:
    """Everything `compose` did: the new picture, the result, the detection and layout
    (None when the slogan was skipped)."""

    image: Image.Image
    result: CompositorResult
    detection: Detection
    layout: text_mod.Layout | None
    draw_ms: float


def write_slogan(
    image: Image.Image,
    text: str,
    *,
    settings: Settings,
    plan: ScenePlan | None = None,
    wearer: str | None = None,
) -> tuple[Image.Image, CompositorResult]:
    """Write `text` on the wearer's chest in a copy of `image`; the input is never modified.

    `wearer`: the id of the character with the chest panel (the plan's order says where
    they stand). Raises InputError for empty or over-long text, characters the font cannot
    draw, or an image too large or too small; a slogan too long for the chest found comes
    back as `method: "skipped"` with the clean picture.
    """
    done = compose(image, text, settings=settings, plan=plan, wearer=wearer)
    return done.image, done.result


def check_slogan(text: str) -> str:
    """The slogan as it will be written (cleaned), or InputError if no picture could
    take it: empty, over the length limit, or with characters the font cannot draw.
    Cheap: callers use it before queueing a render."""
    from agent.state import MAX_SLOGAN_CHARS, clean_text

    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    slogan = clean_text(text)
    if not slogan:
        raise InputError("the slogan is empty; give some text, e.g. --text PEBKAC")
    if len(slogan) > MAX_SLOGAN_CHARS:
        raise InputError(
            f"the slogan is {len(slogan)} characters; a chest panel holds at most {MAX_SLOGAN_CHARS}"
        )
    text_mod.check_glyphs(slogan)
    return slogan


def compose(
    image: Image.Image,
    text: str,
    *,
    settings: Settings,
    plan: ScenePlan | None = None,
    wearer: str | None = None,
    pose_model: PoseStage | None = None,
) -> Composition:
    """`write_slogan` with the details: which stages ran, what they said, how long."""
    from render.types import CompositorResult

    started = time.perf_counter()
    # 1. Check the arguments.
    if not isinstance(image, Image.Image):
        raise TypeError(f"image must be a PIL.Image.Image, not {type(image).__name__}; open files with PIL.Image.open")
    slogan = check_slogan(text)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InputError(
            f"the image is {width}×{height} ({width * height / 1e6:.1f} megapixels); "
            f"scale it below {MAX_PIXELS // 1_000_000} megapixels"
        )
    if min(width, height) < MIN_SIDE:
        raise InputError(f"the image is {width}×{height}; give one at least {MIN_SIDE} px on each side")

    # 2. Find the wearer's chest.
    source = as_rgb(image)
    detection = detect(Picture(opaque(source)), settings=settings, plan=plan, wearer=wearer, pose_model=pose_model)
    region = detection.region

    # 3. Fit and draw the text, or give the clean picture back with the reason.
    drawn = time.perf_counter()
    out = source.copy()
    try:
        layout: text_mod.Layout | None = text_mod.fit(
            slogan, region.rect.width, region.rect.height, min_size=settings.shirt_min_font_px,
            margins=region.method == "panel",  # a chest box is inset from the torso already
        )
    except text_mod.DoesNotFit as exc:
        layout = None
        reason = str(exc)
    else:
        # on the panel the text is black on white already; elsewhere it gets a white patch
        text_mod.draw(out, layout, region.rect, backing=region.method != "panel")
        reason = region.reason
    finished = time.perf_counter()

    result = CompositorResult(
        method=region.method if layout is not None else "skipped",
        box=region.box,
        angle=region.rect.angle,
        ms=round((finished - started) * 1000, 3),
        font_size=layout.font_size if layout else None,
        lines=list(layout.lines) if layout else [],
        reason=reason,
        confidence=region.confidence,
    )
    return Composition(out, result, detection, layout, round((finished - drawn) * 1000, 3))
