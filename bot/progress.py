"""`Progress` throttles a job's progress edits to one every `interval_s` seconds (Discord
rate-limits edits, and people do not need more); the message itself is a
`bot.targets.Delivery`."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.captions import progress_text

if TYPE_CHECKING:
    from bot.service_client import Job

log = logging.getLogger(__name__)


class Progress:
    """Feed it each job update; it edits the target at most once every `interval_s` seconds.

    An update that comes too soon is kept and shown when the interval is up (a trailing
    edit), so the message never sits on a stale state while the job goes quiet.
    """

    def __init__(self, show: Callable[[str], Awaitable[None]], scene: str, *, interval_s: float = 2.5) -> None:
        self.show = show
        self.scene = scene
        self.interval_s = interval_s
        self.note: str | None = None  # a line above the progress (e.g. that the fallback draws it)
        self._last_edit = float("-inf")
        self._last_text: str | None = None
        self._pending: str | None = None
        self._timer: asyncio.Task[None] | None = None
        self._last_job: Job | None = None

    async def set_note(self, note: str | None) -> None:
        """Show `note` above the progress from now on (None: no note)."""
        if note != self.note:
            self.note = note
            if self._last_job is not None:
                await self.update(self._last_job)

    async def update(self, job: Job) -> None:
        self._last_job = job
        if job.final:
            # Not progress: the picture, or the line saying why not, replaces the message. (A job
            # resumed after its picture was posted must not put its Cancel back over the picture.)
            self._pending = None
            return
        text = progress_text(job, self.scene)
        if self.note:
            text = f"{self.note}\n{text}"
        if text == self._last_text:
            self._pending = None
            return
        if self._timer is None and self._wait() <= 0:
            await self._show(text)
            return
        self._pending = text
        if self._timer is None:
            self._timer = asyncio.create_task(self._trailing_edit())

    async def wait_turn(self) -> None:
        """Drop any pending edit and sleep until the next edit is allowed (the final one)."""
        self._pending = None
        if self._timer is not None:
            await self._timer
        wait = self._wait()
        if wait > 0:
            await asyncio.sleep(wait)

    def close(self) -> None:
        """Drop a pending trailing edit (the job is over, or the bot stops)."""
        self._pending = None
        if self._timer is not None:
            self._timer.cancel()

    async def _trailing_edit(self) -> None:
        try:
            await asyncio.sleep(max(0.0, self._wait()))
            text, self._pending = self._pending, None
            if text is not None and text != self._last_text:
                await self._show(text)
        except Exception:  # a background edit must never take the render down with it
            log.exception("trailing progress edit failed")
        finally:
            self._timer = None

    def _wait(self) -> float:
        return self.interval_s - (time.monotonic() - self._last_edit)

    async def _show(self, text: str) -> None:
        self._last_text = text
        try:
            await self.show(text)
        except discord.HTTPException as exc:
            # A lost progress edit is cosmetic: the final picture still goes out.
            log.warning("progress edit failed: %s", exc)
        finally:
            # Counted from when Discord answered, so edits arrive at least interval_s apart.
            self._last_edit = time.monotonic()


def png_file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename)
