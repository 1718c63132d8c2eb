"""Plan → backend → compositor → PNGs: one scene, the same way for the CLI, the render
service and the bot. The clean render is kept beside the finished picture so a new
slogan can be written later (`reslogan`) without rendering again.

A render is never lost to its slogan: when the slogan cannot be written readably (too
long for the chest found, characters the font lacks), the scene finishes with the clean
picture, `compositor.method == "skipped"` and the reason, and a one-line warning is
logged. Only `reslogan`, where the slogan is all that was asked for, refuses it.
"""

from __future__ import annotations

import logging
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
log = logging.getLogger(__name__)


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
        stem = self._stem(plan, stem)

        # 2. Render the clean picture.
        started = time.perf_counter()
        clean = self.backend.render(plan, seed=plan.seed, options=options, progress=progress)
        return self._finish(clean, plan, Path(out_dir), stem, _ms(started))

    def edit(
        self,
        image: Image.Image,
        plan: ScenePlan,
        instruction: str,
        *,
        options: RenderOptions,
        out_dir: Path,
        progress: ProgressFn | None = None,
        stem: str | None = None,
    ) -> RenderResult:
        """A finished picture edited: `image` is its clean render, `plan` the edited scene's
        plan and `instruction` what the backend reads (agent/edit.py writes both); the backend's
        `edit_scene` makes the new clean picture, and the slogan is written on it again, as
        `render` does."""
        # 1. Check the arguments before any work.
        stem = self._stem(plan, stem)

        # 2. Edit the clean picture.
        started = time.perf_counter()
        clean = self.backend.edit_scene(image, plan, instruction, seed=plan.seed, options=options, progress=progress)
        return self._finish(clean, plan, Path(out_dir), stem, _ms(started))

    @staticmethod
    def _stem(plan: ScenePlan, stem: str | None) -> str:
        stem = stem or f"{plan.plate}-{'-'.join(plan.characters) or 'empty'}-{plan.seed}"
        if not _STEM.match(stem):
            raise InputError(f"stem '{stem}': give a file name without folders")
        return stem

    def _finish(self, clean: Image.Image, plan: ScenePlan, out_dir: Path, stem: str, render_ms: float) -> RenderResult:
        """Steps 3-5 of a render or an edit: keep the clean picture, write the slogan, keep the
        finished picture."""
        # 3. Save the clean picture first: if the slogan cannot be written, the render
        #    (minutes of GPU time on the real backends) is still kept for a re-slogan.
        started = time.perf_counter()
        clean_path = out_dir / f"{stem}.clean.png"
        image_path = out_dir / f"{stem}.png"
        save_png(clean, clean_path)
        save_ms = _ms(started)

        # 4. Write the slogan on the wearer's chest (when the plan has one); one that cannot
        #    be written leaves the clean picture and says why.
        started = time.perf_counter()
        if not plan.slogan:
            image, compositor = clean, None
        else:
            image, compositor = self._write_slogan(clean, plan, plan.slogan)
            if compositor.method == "skipped":
                log.warning("slogan %r not written, the picture is the clean render: %s", plan.slogan,
                            compositor.reason)
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
        """A new slogan on a kept clean render: compositor only, no backend, no GPU.
        Raises InputError (with the reason) when the slogan cannot be written; nothing is
        saved then, and the picture with the old slogan stays as it was."""
        from render.inputs import open_image

        clean = open_image(Path(clean_image), "clean render")
        image, compositor = self._write_slogan(clean, plan, slogan)
        if compositor.method == "skipped":
            raise InputError(compositor.reason or "the slogan cannot be written on this picture")
        save_png(image, Path(out_path))
        return compositor

    def _write_slogan(self, clean: Image.Image, plan: ScenePlan, slogan: str) -> tuple[Image.Image, CompositorResult]:
        """The picture with the slogan, or the clean one and a "skipped" result that says
        why (never an exception about the slogan: the render is worth more than it)."""
        from render.compositor import write_slogan

        try:
            return write_slogan(clean, slogan, settings=self.settings, plan=plan,
                                wearer=panel_wearer(plan, self.settings))
        except InputError as exc:  # characters the font lacks, a picture too small for text
            reason = (str(exc).splitlines() or ["the slogan cannot be written"])[0]
            return clean, CompositorResult(method="skipped", box=(0, 0, 0, 0), reason=reason, confidence="low")


def panel_wearer(plan: ScenePlan | None, settings: Settings) -> str | None:
    """Who carries the slogan: whoever the plan dressed in the "panel" outfit, else the
    first of its characters whose sheet has a panel outfit (characters/sheet.py)."""
    if plan is None:
        return None
    dressed = [c for c in plan.characters if plan.outfits.get(c) == "panel"]
    if dressed:
        return dressed[0]
    from characters.sheet import load_characters

    try:
        sheets = load_characters(Path(settings.characters_dir))
    except InputError:
        return None
    return next((c for c in plan.characters if c in sheets and sheets[c].wears_panel), None)


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
