"""What the scheduler runs for the daily post, by name.

The scheduler's SQLite job store keeps a job's function as text
("bot.daily_schedule:scheduled_post"), so these are plain module-level functions; they
reach the loaded daily cog through `serve`. They live outside the cog's module because
discord.py loads an extension as a fresh module object each time.
"""

from __future__ import annotations

import logging
from typing import Protocol

log = logging.getLogger(__name__)


class DailyPoster(Protocol):
    async def post(self, *, reason: str, force: bool = False) -> object: ...


_poster: DailyPoster | None = None


def serve(poster: DailyPoster | None) -> None:
    """The cog that posts from now on (None: nobody, the cog was unloaded)."""
    global _poster
    _poster = poster


def serving(poster: DailyPoster) -> bool:
    return _poster is poster


async def scheduled_post() -> None:
    """The daily time has come."""
    if _poster is None:
        log.warning("daily post due but the daily cog is not loaded; skipped")
        return
    await _poster.post(reason="scheduled")


async def retry_post() -> None:
    """A quiet retry of today's post."""
    if _poster is not None:
        await _poster.post(reason="retry")
