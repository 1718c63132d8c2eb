"""The shirt-text compositor: find Milo's chest and write the slogan on it.

FLUX cannot spell, so the render asks for a blank white chest panel framed by neon cyan
piping and this package writes the slogan into it. `write_slogan` is what the render
pipeline and `cartoon shirt` call; `compose` returns the same plus each stage's outcome.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

from core.errors import InputError
from render.compositor import text as text_mod
from render.compositor.detect import Detection, detect
from render.compositor.files import MAX_PIXELS
from render.compositor.picture import Picture

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings
    from render.types import CompositorResult

MIN_SIDE = 64

__all__ = ["Composition", "MAX_PIXELS", "compose", "write_slogan"]


@dataclass
class Composition:
    """Everything `compose` did: the new picture, the result, the detection and layout."""

    image: Image.Image
    result: CompositorResult
    detection: Detection
    layout: text_mod.Layout
    draw_ms: float


def write_slogan(
    image: Image.Image,
    text: str,
    *,
    plan: ScenePlan | None = None,
    settings: Settings | None = None,
) -> tuple[Image.Image, CompositorResult]:
    """Write `text` on Milo's chest in a copy of `image`; the input is never modified.

    Raises InputError for empty text, text too long to read at the minimum font size,
    characters the font cannot draw, or an image too large or too small.
    """
    done = compose(image, text, plan=plan, settings=settings)
    return done.image, done.result


def compose(
    image: Image.Image,
    text: str,
    *,
    plan: ScenePlan | None = None,
    settings: Settings | None = None,
    pose_model: Any = None,
) -> Composition:
    """`write_slogan` with the details: which stages ran, what they said, how long."""
    from agent.state import MAX_SLOGAN_CHARS, clean_text
    from core.settings import get_settings
    from render.types import CompositorResult

    settings = settings if settings is not None else get_settings()

    started = time.perf_counter()
    # 1. Check the arguments.
    if not isinstance(image, Image.Image):
        raise TypeError(f"image must be a PIL.Image.Image, not {type(image).__name__}; open files with PIL.Image.open")
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
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InputError(
            f"the image is {width}×{height} ({width * height / 1e6:.1f} megapixels); "
            f"scale it below {MAX_PIXELS // 1_000_000} megapixels"
        )
    if min(width, height) < MIN_SIDE:
        raise InputError(f"the image is {width}×{height}; give one at least {MIN_SIDE} px on each side")

    # 2. Find Milo's chest.
    source = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA" if "A" in image.getbands() else "RGB")
    detection = detect(Picture(source), plan=plan, settings=settings, pose_model=pose_model)
    region = detection.region

    # 3. Fit and draw the text.
    drawn = time.perf_counter()
    layout = text_mod.fit(slogan, region.rect.width, region.rect.height, min_size=settings.shirt_min_font_px)
    out = source.copy()
    text_mod.draw(out, layout, region.rect)
    finished = time.perf_counter()

    result = CompositorResult(
        method=region.method,  # type: ignore[arg-type]
        box=region.box,
        angle=region.rect.angle,
        ms=round((finished - started) * 1000, 3),
        font_size=layout.font_size,
        lines=list(layout.lines),
    )
    return Composition(out, result, detection, layout, round((finished - drawn) * 1000, 3))
