"""What the gallery keeps for the life of the app (on `app.state.gallery`): the signing keys,
the thumbnail cache, the templates, and the cast that alt text names."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from render.service.gallery.access import Access
from render.service.gallery.alt_text import Member, alt_text, members
from render.service.gallery.thumbnails import Thumbnails
from render.service.runtime import Runtime

HERE = Path(__file__).parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


class Gallery:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.access = Access(runtime.settings)
        self.thumbnails = Thumbnails(runtime.store)
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.templates.env.globals["asset_version"] = self.asset_versions()

    @staticmethod
    def asset_versions() -> dict[str, str]:
        """file name → a short hash of it, put in the asset URLs so browsers may keep them."""
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10] for p in STATIC.iterdir() if p.is_file()}

    @cached_property
    def cast(self) -> dict[str, Member]:
        return members(self.runtime.planner.characters.values())

    def alt(self, picture: dict[str, Any], *, written: bool | None = None) -> str:
        """Alt text for a listed picture (`Store.pictures` fields); `written=False` for its
        clean render, where the chest panel is blank."""
        return alt_text(
            characters=picture.get("characters") or [],
            plate=picture.get("plate"),
            action=picture.get("action") or picture.get("text"),
            slogan=picture.get("slogan"),
            written=picture.get("method") != "skipped" if written is None else written,
            cast=self.cast,
        )

    @property
    def sayings(self) -> tuple[str, ...]:
        return tuple(self.runtime.planner.sayings)
