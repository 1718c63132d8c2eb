"""One Discord message that shows a job's queue position and progress, then becomes the picture.

A `Target` is where that message lives: an interaction's deferred response, a reply to a
mention, or a plain channel message (the daily post, and the fallback when a job outlives
the 15-minute interaction token). `Progress` throttles edits to one every
`interval_s` seconds (Discord rate-limits edits, and people do not need more).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import logging
import time
from typing import TYPE_CHECKING

import discord

from bot.imaging import DEFAULT_LIMIT

if TYPE_CHECKING:
    from bot.service_client import Job

log = logging.getLogger(__name__)

INTERACTION_TTL = dt.timedelta(minutes=15)
# Switch to a channel message a little before Discord invalidates the token.
TTL_MARGIN = dt.timedelta(seconds=30)
INVALID_WEBHOOK_TOKEN = 50027


def progress_text(job: Job, scene: str) -> str:
    """What the progress message says, in Milo's voice."""
    scene = scene if len(scene) <= 80 else scene[:77] + "..."
    if job.state == "queued":
        # `position` is how many jobs start before this one (0: next).
        if not job.position:
            return f"🦝 Next up: *{scene}*. Sharpening my pencils..."
        ahead = f"{job.position} picture{'s' if job.position != 1 else ''}"
        return f"🦝 Queued: *{scene}*. {ahead} ahead of you."
    if job.state == "running":
        if job.total:
            filled = round(10 * job.step / job.total)
            bar = "▰" * filled + "▱" * (10 - filled)
            return f"🎨 Drawing *{scene}*  {bar}  step {job.step}/{job.total}"
        return f"🎨 Drawing *{scene}*..."
    return f"🦝 *{scene}*: {job.state}."


class Target:
    """Where the progress message lives. Subclasses implement `_post` and `_edit`."""

    filesize_limit: int = DEFAULT_LIMIT
    note: str | None = None  # appended to the final message (e.g. why it moved to the channel)

    def __init__(self) -> None:
        self.message: discord.Message | None = None

    async def show(self, content: str) -> None:
        if self.message is None:
            self.message = await self._post(content)
        else:
            await self._edit(content=content)

    async def finish(self, content: str, file: discord.File, view: discord.ui.View) -> discord.Message:
        if self.note:
            content = f"{content}\n-# {self.note}"
        if self.message is None:
            self.message = await self._post(content, file=file, view=view)
        else:
            await self._edit(content=content, attachments=[file], view=view)
        return self.message

    async def fail(self, content: str) -> None:
        """Tell the asker what went wrong (ephemeral where Discord allows it)."""
        if self.message is None:
            self.message = await self._post(content)
        else:
            await self._edit(content=content)

    async def _post(self, content: str, **kwargs) -> discord.Message:
        raise NotImplementedError

    async def _edit(self, **kwargs) -> None:
        assert self.message is not None
        self.message = await self.message.edit(**kwargs)


class ChannelTarget(Target):
    """A plain message in a channel (the daily post, or an interaction's fallback)."""

    def __init__(self, channel: discord.abc.Messageable, *, prefix: str = "", limit: int | None = None) -> None:
        super().__init__()
        self.channel = channel
        self.prefix = prefix
        guild = getattr(channel, "guild", None)
        self.filesize_limit = limit or (guild.filesize_limit if guild else DEFAULT_LIMIT)

    async def _post(self, content: str, **kwargs) -> discord.Message:
        return await self.channel.send(self.prefix + content, **kwargs)

    async def _edit(self, **kwargs) -> None:
        if "content" in kwargs:
            kwargs["content"] = self.prefix + kwargs["content"]
        await super()._edit(**kwargs)


class ReplyTarget(Target):
    """A reply to the message that mentioned the bot."""

    def __init__(self, source: discord.Message) -> None:
        super().__init__()
        self.source = source
        self.filesize_limit = source.guild.filesize_limit if source.guild else DEFAULT_LIMIT

    async def _post(self, content: str, **kwargs) -> discord.Message:
        return await self.source.reply(content, mention_author=False, **kwargs)


class InteractionTarget(Target):
    """The deferred response of a slash command or button; moves to the channel near expiry.

    The interaction token lives 15 minutes from the interaction's creation. Past that (or
    when Discord says the token is invalid), the rest goes to a new channel message that
    mentions the asker and says why.
    """

    def __init__(self, interaction: discord.Interaction) -> None:
        super().__init__()
        self.interaction = interaction
        self.filesize_limit = interaction.filesize_limit or DEFAULT_LIMIT
        self.deadline = interaction.created_at + INTERACTION_TTL - TTL_MARGIN
        self.fallback: ChannelTarget | None = None

    @property
    def expired(self) -> bool:
        return self.fallback is not None or discord.utils.utcnow() >= self.deadline

    async def show(self, content: str) -> None:
        await self._with_fallback("show", content)

    async def finish(self, content: str, file: discord.File, view: discord.ui.View) -> discord.Message:
        return await self._with_fallback("finish", content, file, view)

    async def fail(self, content: str) -> None:
        if self.expired:
            await self._switch_to_channel()
            assert self.fallback is not None
            await self.fallback.fail(content)
            return
        try:
            await self.interaction.followup.send(content, ephemeral=True)
            # The public "thinking..." (or progress) message would stay behind otherwise.
            await self.interaction.delete_original_response()
        except discord.NotFound:
            pass
        except discord.HTTPException as exc:
            log.warning("could not send the failure message to the interaction: %s", exc)

    async def _with_fallback(self, method: str, *args):
        if not self.expired:
            try:
                return await getattr(Target, method)(self, *args)
            except discord.HTTPException as exc:
                if getattr(exc, "code", None) != INVALID_WEBHOOK_TOKEN and exc.status != 401:
                    raise
                log.info("interaction %s token expired; moving to the channel", self.interaction.id)
            if method == "finish":
                # The file object was consumed by the failed upload; rewind it for the retry.
                args[1].reset()
        await self._switch_to_channel()
        assert self.fallback is not None
        return await getattr(self.fallback, method)(*args)

    async def _switch_to_channel(self) -> None:
        if self.fallback is not None:
            return
        channel = self.interaction.channel
        if channel is None or not isinstance(channel, discord.abc.Messageable):
            raise discord.ClientException("the interaction has no channel to fall back to")
        prefix = f"{self.interaction.user.mention} "
        self.fallback = ChannelTarget(channel, prefix=prefix, limit=self.filesize_limit)
        self.fallback.note = (
            "This took longer than Discord keeps a reply open (15 minutes), so I posted it here."
        )
        if self.message is not None:
            # When the token is already gone, the old message just stays as it was.
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(content="🦝 Still drawing: this moved to a new message below.")

    async def _post(self, content: str, **kwargs) -> discord.Message:
        # After `defer(thinking=True)` the original response exists: editing it posts.
        return await self.interaction.edit_original_response(content=content, **kwargs)

    async def _edit(self, **kwargs) -> None:
        self.message = await self.interaction.edit_original_response(**kwargs)


class Progress:
    """Feed it each job update; it edits the target at most once every `interval_s` seconds.

    An update that comes too soon is kept and shown when the interval is up (a trailing
    edit), so the message never sits on a stale state while the job goes quiet.
    """

    def __init__(self, target: Target, scene: str, *, interval_s: float = 2.5) -> None:
        self.target = target
        self.scene = scene
        self.interval_s = interval_s
        self.note: str | None = None  # a line above the progress (e.g. that the fallback draws it)
        self._last_edit = float("-inf")
        self._last_text: str | None = None
        self._pending: str | None = None
        self._timer: asyncio.Task[None] | None = None

    async def update(self, job: Job) -> None:
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
            await self.target.show(text)
        except discord.HTTPException as exc:
            # A lost progress edit is cosmetic: the final picture still goes out.
            log.warning("progress edit failed: %s", exc)
        finally:
            # Counted from when Discord answered, so edits arrive at least interval_s apart.
            self._last_edit = time.monotonic()


def png_file(data: bytes, filename: str) -> discord.File:
    return discord.File(io.BytesIO(data), filename=filename)
