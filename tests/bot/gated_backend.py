"""A test-only backend: the preview drawing, held at its first step until the test opens a gate.

A scene whose text has a word `gate-<name>` reports step 1 of 2 and then waits until the
file `$CARTOON_TEST_GATE_DIR/<name>` exists, so a test can stop the bot while the job is
running and let it finish when the test says (no timing involved). Other scenes are drawn
at once, exactly as the preview backend draws them.
Served by `cartoon serve --backend tests.bot.gated_backend:GatedBackend`.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from pathlib import Path

from render.backends.base import ProgressFn, RenderOptions
from render.backends.preview import PreviewBackend

GATE = re.compile(r"\bgate-([a-z0-9]+)\b")


class GatedBackend(PreviewBackend):
    name = "gated-preview"

    def render(self, plan, *, seed: int, options: RenderOptions, progress: ProgressFn | None = None):
        match = GATE.search(plan.text.lower())
        if match:
            if progress:
                progress(1, 2)
            gate = Path(os.environ["CARTOON_TEST_GATE_DIR"]) / match[1]
            for waited in itertools.count(1):
                if gate.exists():
                    break
                time.sleep(0.05)
                if progress and waited % 20 == 0:
                    progress(1, 2)  # a cancelled job stops here (the worker checks at each step)
        return super().render(plan, seed=seed, options=options, progress=None)
