"""The kontext backend with its input picture built by `render.inputs.kontext_input`.

Branch `kontext` asks for `render.inputs.build_input_image(plan, settings)`, while branch
`render` ships the same step as `kontext_input(plan, settings)`; until the two agree, the
service test bridges the name here. Everything else is the real KontextBackend.
"""

from __future__ import annotations

from render.backends.kontext import KontextBackend
from render.inputs import kontext_input


class BridgedKontextBackend(KontextBackend):
    name = "kontext"

    def _build_input(self, plan):
        return kontext_input(plan, self.settings)
