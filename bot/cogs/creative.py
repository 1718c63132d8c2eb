"""/cartoon-edit, /cartoon-history and /cartoon-show: working with one's past pictures.

- `/cartoon-edit change:` changes the person's last picture in words, as the ✏️ Edit button
  does (bot/edit_flow.py); the edited picture is theirs, in the command's response.
- `/cartoon-history` (private): the person's last ten pictures, newest first, with a link to
  where each was posted, its seed and its job id.
- `/cartoon-show job:` brings back a past picture, by job id or by a link to its message,
  with live buttons (like Midjourney's /show); the buttons still belong to whoever asked for it.

The pictures come from the render services' own listing of the person's jobs
(`GET /v1/jobs?user=`); where each was posted comes from `bot.posted`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.buttons import refuse_here
from bot.captions import FALLBACK_CAPTION, caption
from bot.checks import checked_scene
from bot.edit_flow import edit_lead
from bot.imaging import fit_to_limit
from bot.posted import Posted
from bot.progress import png_file
from bot.safe_text import NO_PINGS, echo
from bot.service_client import Job, JobUnknown, ServiceError
from bot.targets import answer_privately, interaction_job
from bot.wording import GONE, say

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

HISTORY = 10
LISTED = 25  # jobs asked of each service for the history (some are not finished pictures)
NO_PICTURES = "You have no pictures yet; ask me for one with /cartoon."
NOT_A_PICTURE = ("I can't find that picture: give a job id from /cartoon-history, or a link to one of my "
                 "picture messages (right-click it → Copy Message Link).")
NOT_FINISHED = "That picture isn't finished yet; it appears where it was asked for when it is."
_LINK = re.compile(r"https?://(?:[\w-]+\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/(\d+)/(\d+)")
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


class CreativeCog(commands.Cog):
    def __init__(self, bot: MiloBot) -> None:
        self.bot = bot

    # --- /cartoon-edit ----------------------------------------------------------------------
    @app_commands.command(name="cartoon-edit", description="Change your last picture in words")
    @app_commands.describe(change="What to change, e.g. 'now at the rack', 'add James', 'make it night'")
    @app_commands.guild_only()
    async def cartoon_edit(self, interaction: discord.Interaction[MiloBot],
                           change: app_commands.Range[str, 1, 1000]) -> None:
        bot = self.bot
        text, problem = checked_scene(bot, change, "edit")
        if problem is not None or text is None:
            await answer_privately(interaction, problem or "")
            return
        if await refuse_here(interaction):
            return
        await interaction.response.defer(thinking=True)
        found = await self._last_picture(interaction)
        if found is None:
            return
        service, parent = found
        message = await interaction.original_response()
        user = interaction.user
        pending = interaction_job(
            interaction, message.id, origin="edit", action="edit", parent=parent.id, service=service,
            body={"text": text, "user": str(user.id), "as": bot.character_of(user.id)},
            scene=echo(text), lead=edit_lead(text, user))
        await bot.follower.start(pending)

    async def _last_picture(self, interaction: discord.Interaction[MiloBot]) -> tuple[str, Job] | None:
        """The person's newest finished picture and the tag of its service; None after telling them why not."""
        pictures, error = await self._pictures(str(interaction.user.id), 1)
        if pictures:
            return pictures[0]
        await answer_privately(interaction, say(error) if error else NO_PICTURES)
        return None

    async def _pictures(self, user: str, count: int) -> tuple[list[tuple[str, Job]], ServiceError | None]:
        """Up to `count` of `user`'s finished pictures on every render service, newest first; the
        last service error when no service answered."""
        found: list[tuple[str, Job]] = []
        error: ServiceError | None = None
        answered = False
        for tag, client in self.bot.services.ordered():
            try:
                jobs = await client.jobs(user, limit=LISTED)
            except ServiceError as exc:
                log.warning("listing %s's pictures at %s failed: %s", user, client.base_url, exc)
                error = exc
                continue
            answered = True
            found += [(tag, job) for job in jobs if job.state == "done" and job.plan is not None]
        found.sort(key=lambda pair: pair[1].created_at or 0.0, reverse=True)
        return found[:count], (None if answered else error)

    # --- /cartoon-history -------------------------------------------------------------------
    @app_commands.command(name="cartoon-history", description="Your last ten pictures, with links and seeds")
    async def cartoon_history(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        pictures, error = await self._pictures(str(interaction.user.id), HISTORY)
        if not pictures:
            await interaction.followup.send(say(error) if error else NO_PICTURES, ephemeral=True,
                                            allowed_mentions=NO_PINGS)
            return
        lines = [f"🖼️ **Your last {len(pictures)} picture{'s' if len(pictures) != 1 else ''}** (newest first):"]
        for index, (_tag, job) in enumerate(pictures, start=1):
            lines.append(await asyncio.to_thread(self._history_line, index, job))
        lines.append("-# /cartoon-show with a job id brings a picture back with its buttons.")
        await interaction.followup.send("\n".join(lines), ephemeral=True, allowed_mentions=NO_PINGS)

    def _history_line(self, index: int, job: Job) -> str:
        plan = job.plan or {}
        scene = echo(str(plan.get("text") or "a scene"), limit=48)
        posted = self.bot.posted.of_job(job.id)
        shown = f"[{scene}]({posted.jump_url})" if posted else f"{scene} (not posted by me)"
        when = f"<t:{int(job.created_at)}:R> · " if job.created_at else ""
        seed = (job.result or {}).get("seed", plan.get("seed"))
        return f"{index}. {when}{shown} · seed {seed} · `{job.id}`"

    # --- /cartoon-show ----------------------------------------------------------------------
    @app_commands.command(name="cartoon-show", description="Bring back a past picture with its buttons")
    @app_commands.describe(job="The picture's job id (from /cartoon-history) or a link to its message")
    @app_commands.guild_only()
    async def cartoon_show(self, interaction: discord.Interaction[MiloBot],
                           job: app_commands.Range[str, 1, 200]) -> None:
        bot = self.bot
        found = self._which(job.strip().strip("`<>"))
        if found is None:
            await answer_privately(interaction, NOT_A_PICTURE)
            return
        if await refuse_here(interaction):
            return
        await interaction.response.defer(thinking=True)
        job_id, tag = found
        shown = await self._finished(interaction, job_id, tag)
        if shown is None:
            return
        service, picture = shown
        client = bot.services.get(service)
        assert client is not None
        try:
            png = await client.image(picture.id)
        except ServiceError as exc:
            await answer_privately(interaction, say(exc))
            return
        fitted = await asyncio.to_thread(fit_to_limit, png, interaction.filesize_limit, f"milo-{picture.id[:12]}")
        owner = owner_of(picture, bot.user.id, interaction.user.id)
        scene = echo(str((picture.plan or {}).get("text") or "a scene"))
        notes = ([FALLBACK_CAPTION] if service else []) + ([fitted.note] if fitted.note else [])
        text = caption(f"🖼️ *{scene}*, brought back by {interaction.user.mention}", picture, notes=notes)
        message = await interaction.edit_original_response(
            content=text, attachments=[png_file(fitted.data, fitted.filename)],
            view=bot.picture_view(picture.id, owner, service), allowed_mentions=NO_PINGS)
        await asyncio.to_thread(bot.posted.record, Posted(picture.id, service, interaction.guild_id,
                                                          interaction.channel_id or 0, message.id, owner))

    def _which(self, given: str) -> tuple[str, str | None] | None:
        """The job id `given` names (itself, or a link to a message of one of the bot's pictures)
        and its service's tag when known; None when it names none."""
        link = _LINK.search(given)
        if link is not None:
            posted = self.bot.posted.of_message(int(link.group(2)))
            return (posted.job_id, posted.service) if posted else None
        if not _JOB_ID.fullmatch(given):
            return None
        posted = self.bot.posted.of_job(given)
        return given, posted.service if posted else None

    async def _finished(self, interaction: discord.Interaction[MiloBot], job_id: str,
                        tag: str | None) -> tuple[str, Job] | None:
        """The finished job and its service's tag, asking the one that has it (or each in turn);
        None after telling the person why not."""
        candidates = [(t, c) for t, c in self.bot.services.ordered() if tag is None or t == tag]
        error: ServiceError | None = None
        for service, client in candidates:
            try:
                job = await client.job(job_id)
            except JobUnknown:
                continue
            except ServiceError as exc:
                error = exc
                continue
            if job.state != "done" or job.plan is None:
                await answer_privately(interaction, NOT_FINISHED if not job.final else GONE)
                return None
            return service, job
        await answer_privately(interaction, say(error) if error else NOT_A_PICTURE)
        return None


def owner_of(job: Job, bot_id: int, fallback: int) -> int:
    """Whose picture it is, for its buttons: the Discord user who asked (the bot itself for the
    daily post); `fallback` when the job names nobody the bot knows."""
    user = job.user or ""
    if user.isdigit():
        return int(user)
    if user.startswith("daily:"):
        return bot_id
    return fallback


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(CreativeCog(bot))
