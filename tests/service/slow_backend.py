"""A test-only backend: the real preview drawing, made slow or failing on request, so
tests can catch a job mid-render (cancel, kill -9, timeouts) and see a backend error.

Words in the plan's text pick the behaviour: "slow" sleeps CARTOON_TEST_STEP_S
(default 0.5) before each of CARTOON_TEST_STEPS (default 4) progress steps, "long" takes
three times as many steps, "hang" sleeps as long as "long" without reporting progress,
"freeze" never returns (a backend stuck in a driver call), "explode" raises CUDA's
out-of-memory error. While the file CARTOON_TEST_STEP_GATE exists, "slow" and "long"
renders wait after each progress step, so a test can act mid-render without racing it.
Served by `cartoon serve --backend tests.service.slow_backend:SlowBackend`. `PickyBackend`
refuses some plans in `check_inputs`, before they are queued.
"""

from __future__ import annotations

import json
import os
import threading
import time

from core.errors import InputError
from render.backends.base import ProgressFn, RenderOptions
from render.backends.preview import PreviewBackend


class SlowBackend(PreviewBackend):
    name = "slow-preview"

    def load(self) -> None:
        """Waits while the file CARTOON_TEST_LOAD_GATE exists: a test holds a restarting
        worker process in its loading state that way, for as long as it looks."""
        gate = os.environ.get("CARTOON_TEST_LOAD_GATE")
        while gate and os.path.exists(gate):
            time.sleep(0.05)

    def render(self, plan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None):
        words = plan.text.lower().split()
        step_s = float(os.environ.get("CARTOON_TEST_STEP_S", "0.5"))
        steps = int(os.environ.get("CARTOON_TEST_STEPS", "4"))
        if "freeze" in words:
            threading.Event().wait()
        if "explode" in words:
            raise RuntimeError("CUDA out of memory. Tried to allocate 20.00 GiB")
        if "long" in words or "hang" in words:
            steps *= 3
        if "hang" in words:
            time.sleep(step_s * steps)
        elif "slow" in words or "long" in words:
            gate = os.environ.get("CARTOON_TEST_STEP_GATE")
            for step in range(1, steps + 1):
                time.sleep(step_s)
                if progress:
                    progress(step, steps)
                while gate and os.path.exists(gate):  # held after this step until the test says
                    time.sleep(0.02)
        return super().render(plan, seed=seed, options=options, progress=None)


class PickyBackend(PreviewBackend):
    """Refuses, in `check_inputs`, any plan with someone other than Milo; the last clause
    is advice for an admin's command line, which the API must not pass on."""

    name = "picky-preview"

    def check_inputs(self, plan, options: RenderOptions) -> None:
        if set(plan.characters) - {"milo"}:
            raise InputError(f"this backend draws Milo only, not {plan.characters}; run `cartoon plates --backend preview`")


class EnvBackend(SlowBackend):
    """Reports the GPU its render process was given: at load it writes
    CUDA_VISIBLE_DEVICES (or null when unset) to `<CARTOON_TEST_ENV_DIR>/<pid>.json`."""

    name = "env-preview"

    def load(self) -> None:
        folder = os.environ.get("CARTOON_TEST_ENV_DIR")
        if folder:
            seen = {"CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES")}
            path = os.path.join(folder, f"{os.getpid()}.json")
            with open(path + ".tmp", "w") as out:
                json.dump(seen, out)
            os.replace(path + ".tmp", path)  # a reader never sees half a file
        super().load()


class EditingBackend(SlowBackend):
    """Edits as an image-edit backend does: from the finished picture it is given. Its
    `edit_scene` returns that picture upside down, so a test can see that the parent's clean
    picture reached the backend (in its render process), and appends each instruction, one a
    line, to the file CARTOON_TEST_EDIT_LOG."""

    name = "editing-preview"

    def edit_scene(self, image, plan, instruction: str, *, seed: int, options: RenderOptions,
                   progress: ProgressFn | None = None):
        from PIL import ImageOps

        log = os.environ.get("CARTOON_TEST_EDIT_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(" ".join(instruction.split()) + "\n")
        if progress:
            progress(1, 1)
        return ImageOps.flip(image.convert("RGB"))
