"""The one interface every render backend implements, and the registry that picks one.

A backend turns a plan into a clean picture (no slogan: the compositor writes that).
Backends are imported by name only when chosen, so choosing `preview` never loads torch.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.errors import FaultError, InputError
from render.resolutions import DEFAULT_SIZE

if TYPE_CHECKING:
    from PIL import Image

    from agent.state import ScenePlan
    from core.settings import Settings

ProgressFn = Callable[[int, int], None]
"""Called as progress(step, total_steps) while a render runs."""


@dataclass(frozen=True)
class RenderOptions:
    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    steps: int | None = None  # None: CARTOON_RENDER_STEPS
    guidance: float | None = None  # None: CARTOON_RENDER_GUIDANCE


class Backend(ABC):
    """plan + seed + options + progress → a clean PIL image."""

    name: str = "base"

    def check_inputs(self, plan: ScenePlan, options: RenderOptions) -> None:
        """Refuse a request this backend cannot draw (raise `InputError`), before any work.

        The CLI and the render service call it before queueing, so a bad size or an unknown
        character fails at once instead of after a wait; `render` calls it again as its first
        step. Cheap: no model loading, no network.
        """
        return None

    @abstractmethod
    def render(
        self, plan: ScenePlan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None
    ) -> Image.Image: ...

    def edit(
        self, image: Image.Image, prompt: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Edit one picture by a prompt (e.g. cartoonify a photo of a wall for `cartoon
        plates`). Backends with an image-edit path override this."""
        raise InputError(f"backend '{self.name}' cannot edit photos; use kontext, comfyui or openai")

    def edit_scene(
        self, image: Image.Image, plan: ScenePlan, instruction: str, *, seed: int, options: RenderOptions,
        progress: ProgressFn | None = None,
    ) -> Image.Image:
        """Edit a finished picture (`image`, its clean render) into the scene of `plan`, as
        `instruction` says (an edit in words, or a subtle variation: agent/edit.py writes it).
        The image-edit backends (kontext, comfyui, openai) take the picture as their input;
        a backend without one (preview) redraws `plan`."""
        return self.render(plan, seed=seed, options=options, progress=progress)

    @property
    def loaded(self) -> bool:
        """Whether the backend is ready to render without a long load."""
        return True

    def close(self) -> None:
        """Free what the backend holds (GPU memory, connections)."""
        return None


# name → "module:Class"; the module is imported only when that backend is chosen.
BACKENDS: dict[str, str] = {
    "preview": "render.backends.preview:PreviewBackend",
    "kontext": "render.backends.kontext:KontextBackend",
    "comfyui": "render.backends.comfyui:ComfyUIBackend",
    "openai": "render.backends.openai_images:OpenAIBackend",
}


def get_backend(name: str, settings: Settings) -> Backend:
    """A backend by registry name, or by `package.module:Class` for one outside the registry
    (the service's tests and plug-ins); the registry itself never changes."""
    target = BACKENDS.get(name) or (name if name.count(":") == 1 else None)
    if target is None:
        raise InputError(f"unknown backend '{name}'; use one of: {', '.join(BACKENDS)}")
    module_name, class_name = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        package = (exc.name or "").split(".")[0]
        if package in {"agent", "core", "render", "characters", "bot"}:
            raise  # our own code is broken: a bug, not a missing install
        raise FaultError(
            f"backend '{name}' needs the Python package '{package}', which is not installed; "
            "install the extras: pip install -e '.[gpu]'"
        ) from None
    return getattr(module, class_name)(settings)
