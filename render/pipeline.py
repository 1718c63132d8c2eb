"""Plan → backend → compositor → PNGs: one scene, the same way for the CLI, the render
service and the bot. The clean render is kept beside the finished picture so a new
slogan can be written later (`reslogan`) without rendering again.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import InputError
from render.backends.base import Backend, ProgressFn, RenderOptions
from render.types import CompositorResult, RenderResult

if TYPE_CHECKING:
    from PIL import Image

    from agent.state import ScenePlan
    from core.settings import Settings

_STEM = re.compile(r"^[^/\\\x00]{1,200}$")  # a file name, no folders


class ScenePipeline:
    """Runs one plan through `backend` and the compositor; see docs/CONTRACTS.md."""

    def __init__(self, settings: Settings, backend: Backend) -> None:
        self.settings = settings
        self.backend = backend
        # Import the compositor (scipy and friends) now, so composite_ms times the work only.
        import render.compositor  # noqa: F401

    def render(
        self,
        plan: ScenePlan,
        *,
        options: RenderOptions,
        out_dir: Path,
        progress: ProgressFn | None = None,
        stem: str | None = None,
    ) -> RenderResult:
        # 1. Check the arguments before any work.
        stem = stem or f"{plan.plate}-{'-'.join(plan.characters) or 'empty'}-{plan.seed}"
        if not _STEM.match(stem):
            raise InputError(f"stem '{stem}': give a file name without folders")
        out_dir = Path(out_dir)

        # 2. Render the clean picture.
        started = time.perf_counter()
        clean = self.backend.render(plan, seed=plan.seed, options=options, progress=progress)
        render_ms = _ms(started)

        # 3. Save the clean picture first: if the slogan cannot be written, the render
        #    (minutes of GPU time on the real backends) is still kept for a re-slogan.
        started = time.perf_counter()
        clean_path = out_dir / f"{stem}.clean.png"
        image_path = out_dir / f"{stem}.png"
        save_png(clean, clean_path)
        save_ms = _ms(started)

        # 4. Write the slogan on Milo's chest (when the plan has one).
        started = time.perf_counter()
        if not plan.slogan:
            image, compositor = clean, None
        else:
            try:
                image, compositor = self._write_slogan(clean, plan, plan.slogan)
            except InputError as exc:
                raise InputError(
                    f"{exc} (the clean render is kept at {clean_path}; "
                    f"write a shorter slogan on it with `cartoon shirt`)"
                ) from None
        composite_ms = _ms(started)

        # 5. Save the finished picture, atomically.
        started = time.perf_counter()
        save_png(image, image_path)
        save_ms += _ms(started)

        return RenderResult(
            plan=plan,
            backend=self.backend.name,
            seed=plan.seed,
            width=image.width,
            height=image.height,
            image=str(image_path),
            clean_image=str(clean_path),
            compositor=compositor,
            timings={"render_ms": render_ms, "composite_ms": composite_ms, "save_ms": save_ms},
        )

    def reslogan(self, clean_image: Path, plan: ScenePlan, slogan: str, out_path: Path) -> CompositorResult:
        """A new slogan on a kept clean render: compositor only, no backend, no GPU."""
        from render.inputs import open_image

        clean = open_image(Path(clean_image), "clean render")
        image, compositor = self._write_slogan(clean, plan, slogan)
        save_png(image, Path(out_path))
        return compositor

    def _write_slogan(self, clean: Image.Image, plan: ScenePlan, slogan: str) -> tuple[Image.Image, CompositorResult]:
        from render.compositor import write_slogan

        return write_slogan(clean, slogan, plan=plan, settings=self.settings)


def save_png(image: Image.Image, path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written PNG."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".png", dir=path.parent)
    except OSError as exc:
        raise InputError(f"{path.parent}: cannot write there ({exc.strerror}); choose another output path") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            image.save(stream, format="PNG")
        os.chmod(temporary, 0o644)  # mkstemp makes it 0600; a picture is for sharing
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write it ({exc.strerror}); choose another output path") from None


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
