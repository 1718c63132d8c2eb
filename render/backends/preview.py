"""The embedded default backend: a CPU Pillow drawing of the plate with stand-ins for
the characters in plan order. No weights, no GPU, deterministic per seed, ≤ 150 ms at
1024². It makes README pictures and test fixtures; it does not replace the real backends.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from render.backends.base import Backend, ProgressFn, RenderOptions
from render.draw.figures import draw_cast
from render.draw.plates import draw_plate

if TYPE_CHECKING:
    from PIL import Image

    from agent.state import ScenePlan
    from core.settings import Settings


class PreviewBackend(Backend):
    name = "preview"

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def render(
        self, plan: ScenePlan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None
    ) -> Image.Image:
        if options.width < 64 or options.height < 64:
            from core.errors import InputError

            raise InputError(f"size {options.width}x{options.height} is too small; use at least 64x64")
        image = draw_plate(plan.plate, (options.width, options.height), seed)
        if progress:
            progress(1, 2)
        draw_cast(image, plan.characters, plan.outfits, random.Random(f"cast:{seed}"))
        if progress:
            progress(2, 2)
        return image

    def edit_scene(
        self, image: Image.Image, plan: ScenePlan, instruction: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Stand-ins cannot be edited: the updated plan (its wall, its cast) is drawn again."""
        return self.render(plan, seed=seed, options=options, progress=progress)
