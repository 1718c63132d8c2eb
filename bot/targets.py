"""Where a followed job's messages go, rebuilt from its `PendingJob` alone.

A job's progress lives in one message that becomes the picture: an interaction's response
(edited through the interaction's webhook while its token lives), a reply to a mention, or
a plain channel message (the daily post). Everything here works from ids over Discord's
REST API, so a fresh process after a restart delivers exactly as the one that started.

The rules:
- Progress and the finished picture edit that one message; edits never ping anyone.
- The picture goes into a *new* message when the message cannot be edited: the
  interaction token expired (15 minutes), or Discord refuses the edit (10008 the message
  was deleted, 30046 too many edits of a message older than an hour). That new message
  pings the requester, and only them: the one moment they need to look.
- Before sending such a message the job is marked `posting`; a restart that finds the
  mark first looks in the channel for a message already carrying this job's buttons, so a
  crash between Discord's answer and the bookkeeping does not post the picture twice.
- Every send and edit passes `allowed_mentions` (see `bot.safe_text`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from bot.pending import POSTING, PendingJob
from bot.safe_text import NO_PINGS, ping

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

INTERACTION_TTL = dt.timedelta(minutes=15)
# Switch to a channel message a little before Discord invalidates the token.
TTL_MARGIN = dt.timedelta(seconds=30)
INVALID_WEBHOOK_TOKEN = 50027
UNKNOWN_MESSAGE = 10008
OLD_MESSAGE_EDITS = 30046  # "maximum number of edits to messages older than 1 hour reached"
REFUSED_EDITS = {INVALID_WEBHOOK_TOKEN, UNKNOWN_MESSAGE, OLD_MESSAGE_EDITS}
MOVED_NOTE = ("🦝 Still drawing *{scene}*: Discord keeps a reply open for 15 minutes only, "
              "so the picture comes in a new message below.")
RESOLVED = "🦝 …"  # what a response says for the moment between its thinking and its deletion
HISTORY_LOOKBACK = 50  # messages searched for a picture posted just before a crash


async def answer_privately(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral answer to an interaction, whatever state its response is in. After a
    public `defer(thinking=True)` Discord makes the first follow-up the thinking message
    itself (public): that message is ended, the answer sent, and the message removed."""
    response = interaction.response
    if not response.is_done():
        await response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    thinking = response.type is discord.InteractionResponseType.deferred_channel_message
    if thinking:
        await interaction.edit_original_response(content=RESOLVED, allowed_mentions=NO_PINGS)
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)
    if thinking:
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()


def interaction_job(interaction: discord.Interaction, message_id: int, **fields) -> PendingJob:
    """A job answered in `interaction`'s response (`message_id`: that response, already deferred)."""
    expires = interaction.created_at + INTERACTION_TTL - TTL_MARGIN
    return PendingJob(
        requester_id=interaction.user.id, channel_id=interaction.channel_id or 0,
        guild_id=interaction.guild_id, message_id=message_id,
        application_id=interaction.application_id, token=interaction.token,
        token_expires=expires.timestamp(), filesize_limit=interaction.filesize_limit, **fields,
    )


def reply_job(source: discord.Message, **fields) -> PendingJob:
    """A job answered as a reply to the message `source` that asked for it."""
    guild = source.guild
    return PendingJob(requester_id=source.author.id, channel_id=source.channel.id,
                      guild_id=guild.id if guild else None, reply_to=source.id,
                      filesize_limit=guild.filesize_limit if guild else 10 * 1024 * 1024, **fields)


class Delivery:
    """The messages of one pending job. `save` persists the job whenever a message id or
    the stage changes, so a restart knows which message to edit."""

    def __init__(self, bot: MiloBot, job: PendingJob, save: Callable[[PendingJob], None]) -> None:
        self.bot = bot
        self.job = job
        self.save = save
        self.channel = bot.get_partial_messageable(job.channel_id, guild_id=job.guild_id)

    # --- what the follower calls ----------------------------------------------------------
    async def show(self, text: str, view: discord.ui.View | None = None) -> None:
        """Progress: post the message, or edit it (with `view`, its buttons: Cancel). After the
        token expired, the old response says once that the picture comes below, and shows no
        more progress."""
        job = self.job
        if job.token is not None and not job.token_alive:
            await self._leave_moved_note()
            return
        buttons = {"view": view} if view is not None else {}
        if job.message_id is None:
            message = await self._send(text, **buttons)
            job.message_id = message.id
            self.save(job)
            return
        try:
            await self._edit(content=text, **buttons)
        except discord.HTTPException as exc:
            if not self._token_expired(exc):
                raise
            await self._leave_moved_note()

    async def deliver(self, text: str, file: discord.File, view: discord.ui.View) -> int:
        """The finished picture; returns the id of the message that carries it."""
        job = self.job
        if job.message_id is not None and job.stage != POSTING and (job.token is None or job.token_alive):
            try:
                await self._edit(content=text, attachments=[file], view=view)
                return job.message_id
            except discord.HTTPException as exc:
                if exc.code not in REFUSED_EDITS and exc.status != 401:
                    raise
                log.info("job %s: Discord refused the edit (%s); posting a new message", job.job_id, exc.code)
                self._token_expired(exc)
                file.reset()  # the failed upload read it
        return await self._post_picture(text, file, view)

    async def fail(self, text: str, *, in_place: bool = False) -> None:
        """Tell the requester why there is no picture: ephemeral while the interaction token
        lives (the public progress message goes away), else in place of the progress message,
        else a new message that names them without pinging them."""
        job = self.job
        if job.token_alive and not in_place and job.message_id is not None:
            try:
                # Discord turns the first follow-up after a public "thinking…" into that very
                # message (public, whatever its flags say): end the thinking first.
                await self._edit(content=RESOLVED)
                await self._webhook().send(text, ephemeral=True, allowed_mentions=NO_PINGS)
                await self._webhook().delete_message(job.message_id)
                return
            except discord.HTTPException as exc:
                if not self._token_expired(exc):
                    log.warning("could not answer the interaction for job %s: %s", job.job_id, exc)
                    return
        if job.message_id is not None and job.stage != POSTING:
            try:
                await self._edit(content=text, attachments=[], view=None)
                return
            except discord.HTTPException as exc:
                log.info("job %s: could not edit the progress message (%s); sending a new one", job.job_id, exc)
        # Named (without a ping) where it is not a reply to them; a reply already says whose it is.
        named = job.reply_to is None and job.requester_id != self.bot.user.id
        await self._send(f"<@{job.requester_id}> {text}" if named else text)

    # --- plumbing -------------------------------------------------------------------------
    async def _post_picture(self, text: str, file: discord.File, view: discord.ui.View) -> int:
        job = self.job
        if job.stage == POSTING:
            found = await self._already_posted()
            if found is not None:
                log.info("job %s: its picture is already in message %s", job.job_id, found)
                return found
        old = job.message_id
        job.stage = POSTING
        self.save(job)
        person = job.requester_id != self.bot.user.id
        content = f"<@{job.requester_id}> {text}" if person else text
        message = await self._send(content, file=file, view=view,
                                   allowed_mentions=ping(job.requester_id) if person else NO_PINGS)
        job.message_id = message.id
        self.save(job)
        if old is not None and old != message.id and job.token is None:
            # A reply or channel message whose edit was refused: the new one replaces it.
            with contextlib.suppress(discord.HTTPException):
                await self.channel.get_partial_message(old).delete()
        return message.id

    async def _already_posted(self) -> int | None:
        """The id of a message of ours in the channel that carries this job's buttons."""
        job_id = self.job.job_id
        try:
            async for message in self.channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id != self.bot.user.id:
                    continue
                for row in message.components:
                    for item in getattr(row, "children", []):
                        parts = (getattr(item, "custom_id", None) or "").split(":")
                        # a picture's buttons, not the Cancel of its progress message
                        if len(parts) > 2 and parts[0] == "milo" and parts[1] != "cancel" and parts[2] == job_id:
                            return message.id
        except discord.HTTPException as exc:
            log.warning("job %s: could not read the channel to check for its picture: %s", job_id, exc)
        return None

    async def _leave_moved_note(self) -> None:
        job = self.job
        if job.extra.get("moved_note") or job.message_id is None:
            return
        job.extra["moved_note"] = True
        self.save(job)
        # The token is gone; a bot may still edit its own (non-ephemeral) response through
        # the channel. Where Discord refuses, the old message just stays as it was.
        with contextlib.suppress(discord.HTTPException):
            await self.channel.get_partial_message(job.message_id).edit(
                content=MOVED_NOTE.format(scene=job.scene), allowed_mentions=NO_PINGS)

    def _token_expired(self, exc: discord.HTTPException) -> bool:
        """True (and remembered) when `exc` says the interaction token is no longer valid."""
        if self.job.token is None or (exc.code != INVALID_WEBHOOK_TOKEN and exc.status != 401):
            return False
        log.info("job %s: the interaction token expired; the picture will come in a new message", self.job.job_id)
        self.job.token_expires = 0.0
        self.save(self.job)
        return True

    def _webhook(self) -> discord.Webhook:
        # An application webhook (type 3), as discord.py builds `Interaction.followup`; a
        # partial one would be type 1, which may not send ephemeral messages.
        data = {"id": self.job.application_id, "type": 3, "token": self.job.token}
        return discord.Webhook.from_state(data=data, state=self.bot._connection)  # type: ignore[arg-type]

    async def _edit(self, **fields) -> None:
        job = self.job
        assert job.message_id is not None
        fields.setdefault("allowed_mentions", NO_PINGS)
        if job.token is not None and job.token_alive:
            await self._webhook().edit_message(job.message_id, **fields)
        else:
            await self.channel.get_partial_message(job.message_id).edit(**fields)

    async def _send(self, content: str, **fields) -> discord.Message:
        fields.setdefault("allowed_mentions", NO_PINGS)
        if self.job.reply_to is not None:
            fields["reference"] = discord.MessageReference(
                message_id=self.job.reply_to, channel_id=self.job.channel_id, fail_if_not_exists=False)
        return await self.channel.send(content, **fields)
