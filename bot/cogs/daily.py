"""The daily mascot post, and /cartoon-daily now|status for admins.

The bot's AsyncIOScheduler (started in `MiloBot.setup_hook`) keeps one cron job in a
SQLite job store. The job is referenced by name (`bot.cogs.daily:scheduled_post`), so it
survives restarts; coalesce + misfire grace make a restart after the scheduled minute post
once, late. The last posted date (in `DailyStore`) guards against a second post the same
day however the job got run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from apscheduler.triggers.cron import CronTrigger
from discord import app_commands
from discord.ext import commands

from bot.daily import DailyStore, daily_request, load_lines
from bot.jobs import render_to
from bot.progress import ChannelTarget

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

JOB_ID = "daily-post"
RETRY_ID = "daily-retry"
RETRY_AFTER = dt.timedelta(minutes=15)
_ACTIVE: DailyCog | None = None  # the loaded cog, for the scheduler's by-name job


async def scheduled_post() -> None:
    """What the job store runs at the daily time (a module-level function: stored by name)."""
    if _ACTIVE is None:
        log.warning("daily post due but the daily cog is not loaded; skipped")
        return
    await _ACTIVE.post(reason="scheduled")


async def retry_post() -> None:
    """A failed daily post tries again (a one-off job, also kept in the job store)."""
    if _ACTIVE is not None:
        await _ACTIVE.post(reason="retry")


class DailyCog(commands.Cog):
    daily = app_commands.Group(
        name="cartoon-daily",
        description="The daily mascot post (admins)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MiloBot) -> None:
        self.bot = bot
        settings = bot.settings
        self.tz = ZoneInfo(settings.daily_tz)
        self.store = DailyStore(settings.bot_state_dir / "daily.sqlite")
        self._lock = asyncio.Lock()

    async def cog_load(self) -> None:
        global _ACTIVE
        _ACTIVE = self
        settings = self.bot.settings
        if settings.daily_channel is None:
            log.info("CARTOON_DAILY_CHANNEL is not set: no daily post")
            if self.bot.scheduler.get_job(JOB_ID):
                self.bot.scheduler.remove_job(JOB_ID)
            return
        hour, minute = (int(part) for part in settings.daily_time.split(":"))
        trigger = CronTrigger(hour=hour, minute=minute, timezone=self.tz)
        existing = self.bot.scheduler.get_job(JOB_ID)
        # Re-adding an unchanged job would move a missed run to tomorrow: keep the stored one.
        if existing is None or str(existing.trigger) != str(trigger):
            self.bot.scheduler.add_job(
                "bot.cogs.daily:scheduled_post", trigger, id=JOB_ID, name="daily mascot post",
                replace_existing=True,
            )

    async def cog_unload(self) -> None:
        global _ACTIVE
        if _ACTIVE is self:
            _ACTIVE = None

    def today(self) -> dt.date:
        return dt.datetime.now(self.tz).date()

    async def post(self, *, reason: str, force: bool = False) -> discord.Message | None:
        """Post today's picture into the daily channel, unless today already has one."""
        async with self._lock:
            day = self.today()
            last = await asyncio.to_thread(self.store.last_posted)
            if last == day and not force:
                log.info("daily post (%s) skipped: %s already has its post", reason, day)
                return None
            channel = await self._channel()
            if channel is None:
                return None
            settings = self.bot.settings
            sayings = load_lines(settings.data_dir / "bofh.txt")
            prompts = load_lines(settings.daily_prompts)
            saying = await asyncio.to_thread(self.store.next_saying, sayings)
            scene = daily_request(day, prompts, saying, james_every=settings.daily_james_every)
            me = self.bot.user.id if self.bot.user else 0
            body = {"text": scene.text, "shirt": scene.shirt, "user": f"daily:{me}"}
            lead = f"☀️ **Daily Milo** for {day:%A, %d %B}: *{discord.utils.escape_markdown(scene.text)}*"
            rendered = await render_to(self.bot, ChannelTarget(channel), body,
                                       scene=scene.text, requester_id=me, lead=lead)
            if rendered is None:
                self._retry_later(day)
                return None
            await asyncio.to_thread(self.store.mark_posted, day)
            log.info("daily post for %s sent (%s): %r", day, reason, saying)
            return rendered.message

    def _retry_later(self, day: dt.date) -> None:
        """Try again in 15 minutes while it is still `day` here; else the next run posts."""
        when = dt.datetime.now(self.tz) + RETRY_AFTER
        if when.date() != day:
            log.error("daily post for %s failed; the next scheduled run will post", day)
            return
        log.error("daily post for %s failed; trying again at %s", day, when.strftime("%H:%M"))
        self.bot.scheduler.add_job("bot.cogs.daily:retry_post", "date", run_date=when, id=RETRY_ID,
                                   name="daily mascot post (retry)", replace_existing=True)

    async def _channel(self) -> discord.abc.Messageable | None:
        channel_id = self.bot.settings.daily_channel
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if channel is None and channel_id:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException as exc:
                log.error("daily channel %s is not reachable (%s); check CARTOON_DAILY_CHANNEL", channel_id, exc)
                return None
        if not isinstance(channel, discord.abc.Messageable):
            log.error("CARTOON_DAILY_CHANNEL %s is not a text channel", channel_id)
            return None
        return channel

    def status_text(self) -> str:
        settings = self.bot.settings
        if settings.daily_channel is None:
            return "The daily post is off: set CARTOON_DAILY_CHANNEL to a channel id."
        job = self.bot.scheduler.get_job(JOB_ID)
        next_run = getattr(job, "next_run_time", None)
        when = discord.utils.format_dt(next_run, "F") if next_run else "not scheduled"
        last = self.store.last_posted()
        saying, left = self.store.peek_saying(load_lines(settings.data_dir / "bofh.txt"))
        return (
            f"**Daily post** in <#{settings.daily_channel}> at {settings.daily_time} ({settings.daily_tz}).\n"
            f"Next run: {when}. Last posted: {last or 'never'}.\n"
            f"Next saying: **{discord.utils.escape_markdown(saying)}** ({left} left before the sayings repeat)."
        )

    @daily.command(name="now", description="Post today's daily picture now (counts as today's post)")
    async def daily_now(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self.bot.settings.daily_channel is None:
            await interaction.followup.send(self.status_text(), ephemeral=True)
            return
        message = await self.post(reason=f"now by {interaction.user.id}", force=True)
        text = (f"Posted: {message.jump_url}" if message is not None
                else "The daily post failed; the log says why.")
        await interaction.followup.send(text, ephemeral=True)

    @daily.command(name="status", description="When the next daily post goes out, and what it says")
    async def daily_status(self, interaction: discord.Interaction[MiloBot]) -> None:
        text = await asyncio.to_thread(self.status_text)
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(DailyCog(bot))
