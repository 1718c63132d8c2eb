"""The daily mascot post, and /cartoon-daily now|status for admins.

Exactly one post per local day (`CARTOON_DAILY_TIME` in `CARTOON_DAILY_TZ`), whenever the
bot restarts:
- The scheduler (AsyncIOScheduler, SQLite job store) holds one cron job. It is written
  from the settings at every start, so the stored job can never disagree with them: a new
  time or zone takes effect at the next start. The job store refers to
  `bot.daily_schedule.scheduled_post` by name; that finds this cog through `serve`.
- Missed runs are not the scheduler's business: at start, a day whose time has passed
  and that has no post yet gets one now (`catch_up`).
- A day's attempt (`bot.daily.Attempt`) peeks that day's saying; the picture is a
  followed job (`bot.following`) like any other, so a restart mid-render resumes it and
  posts it into the same message. The saying is consumed, and the day marked posted, only
  when the picture is posted (`delivered`).
- While the render service is down the attempt is retried quietly every
  `RETRY_AFTER` (the log and /cartoon-daily status say so); the channel gets one short
  notice that day, and that message later becomes the picture.
- Twice the same day (the night clocks go back fires 02:30 twice) posts once: the
  last-posted date and the attempt in flight both stop a second post.
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

from bot import daily, daily_schedule, permissions
from bot.daily import Attempt, DailyStore, daily_request, due_at
from bot.following import Outcome
from bot.pending import PendingJob
from bot.safe_text import NO_PINGS, echo
from bot.sayings import load_lines
from bot.service_client import Job
from bot.wording import CannotPost, say

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

JOB_ID = "daily-post"
RETRY_ID = "daily-retry"
ORIGIN = "daily"
RETRY_AFTER = dt.timedelta(minutes=15)
NOTICE = "☀️ Today's Milo is running late: my drawing desk is down. I'll post it right here once it's back."
NO_POST_TODAY = "☀️ No Milo today, sorry: my drawing desk was down all day. See you tomorrow."


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
        self._catch_up: asyncio.Task[Outcome | None] | None = None

    # --- start and stop ---------------------------------------------------------------------
    async def cog_load(self) -> None:
        daily_schedule.serve(self)
        scheduler = self.bot.scheduler
        self.bot.follower.register(ORIGIN, self)
        for job_id in (JOB_ID, RETRY_ID):
            if scheduler.get_job(job_id):
                scheduler.remove_job(job_id)
        settings = self.bot.settings
        if settings.daily_channel is None:
            log.info("CARTOON_DAILY_CHANNEL is not set: no daily post")
            return
        hour, minute = (int(part) for part in settings.daily_time.split(":"))
        scheduler.add_job("bot.daily_schedule:scheduled_post", CronTrigger(hour=hour, minute=minute, timezone=self.tz),
                          id=JOB_ID, name="daily mascot post", replace_existing=True, misfire_grace_time=None)
        self._catch_up = asyncio.create_task(self.catch_up())

    async def cog_unload(self) -> None:
        if daily_schedule.serving(self):
            daily_schedule.serve(None)
        if self._catch_up is not None:
            self._catch_up.cancel()

    async def catch_up(self) -> Outcome | None:
        """At start: post now when today's time has passed without a post (the bot was down
        at that moment, or stopped between tries), unless the post is being drawn already.
        Waits for the gateway first: the channel's permissions come with the guild."""
        await self.bot.wait_until_ready()
        instant = daily.now()
        if instant < due_at(instant.astimezone(self.tz).date(), self.bot.settings.daily_time, self.tz):
            return None
        try:
            return await self.post(reason="catch-up")
        except Exception:  # a background task: say it in the log, the next start tries again
            log.exception("the daily post's catch-up failed")
            return None

    # --- one post ---------------------------------------------------------------------------
    def today(self) -> dt.date:
        return daily.now().astimezone(self.tz).date()

    def in_flight(self) -> PendingJob | None:
        """Today's picture job, when one is on record (being drawn, or resumed after a restart)."""
        return next((p for p in self.bot.pending.all() if p.origin == ORIGIN), None)

    async def post(self, *, reason: str, force: bool = False) -> Outcome | None:
        """Draw and post today's picture, unless today has one (`force`: post anyway) or one
        is being drawn. Returns how it ended; None when nothing was started."""
        async with self._lock:
            day = self.today()
            if not force and self.store.last_posted() == day:
                log.info("daily post (%s) skipped: %s already has its post", reason, day)
                return None
            if self.in_flight() is not None:
                log.info("daily post (%s) skipped: today's picture is being drawn", reason)
                return None
            settings = self.bot.settings
            if settings.daily_channel is None:
                return None
            sayings = load_lines(settings.data_dir / "bofh.txt")
            attempt = self.store.attempt()
            if attempt is None or attempt.day != day.isoformat():
                attempt = Attempt(day=day.isoformat(), saying=self.store.peek_saying(sayings)[0])
            attempt.tries += 1
            attempt.next_try = None
            self.store.save_attempt(attempt)
            lacking = self._missing_permissions()
            if lacking:  # checked before queueing: a picture that cannot be posted costs no render
                error = CannotPost(lacking, "the daily channel")
                log.error("daily post for %s: the bot lacks %s in channel %s", day, ", ".join(lacking),
                          settings.daily_channel)
                self._retry_later(attempt, error)
                return Outcome(error=error)
            scene = daily_request(day, load_lines(settings.daily_prompts), attempt.saying,
                                  james_every=settings.daily_james_every)
            me = self.bot.user.id
            pending = PendingJob(
                origin=ORIGIN, body={"text": scene.text, "shirt": scene.shirt, "user": f"daily:{me}"},
                requester_id=me, channel_id=settings.daily_channel, scene=echo(scene.text),
                lead=f"☀️ **Daily Milo** for {day:%A, %d %B}: *{echo(scene.text)}*",
                message_id=attempt.message_id, extra={"day": day.isoformat(), "saying": attempt.saying},
            )
            log.info("daily post for %s (%s, try %d): %r", day, reason, attempt.tries, attempt.saying)
            started = self.bot.follower.begin(pending)  # on record and followed before the lock opens
        return await started

    # --- what the follower reports (JobHooks) -------------------------------------------------
    async def delivered(self, pending: PendingJob, message_id: int, job: Job) -> None:
        day = dt.date.fromisoformat(pending.extra["day"])
        sayings = load_lines(self.bot.settings.data_dir / "bofh.txt")
        await asyncio.to_thread(self.store.mark_posted, day, pending.extra["saying"], sayings)
        log.info("daily post for %s is message %s", day, message_id)

    async def failed(self, pending: PendingJob, error: BaseException) -> bool:
        """Retry quietly later the same day; the channel hears once that the post is late."""
        day = pending.extra["day"]
        attempt = self.store.attempt()
        if attempt is None or attempt.day != day:
            attempt = Attempt(day=day, saying=pending.extra["saying"], tries=1)
        attempt.message_id = pending.message_id
        last_try = self._retry_later(attempt, error)
        text = NO_POST_TODAY if last_try and attempt.notice else NOTICE
        if not last_try or attempt.notice:
            attempt.message_id = await self._notice(attempt.message_id, text)
            attempt.notice = True
        self.store.save_attempt(attempt)
        return True

    def _retry_later(self, attempt: Attempt, error: BaseException) -> bool:
        """Schedule a quiet retry in RETRY_AFTER while it is still the attempt's day; True when
        that would be tomorrow (no more tries: the next day posts anew). Saves the attempt."""
        attempt.last_error = f"{type(error).__name__}: {error}"
        when = daily.now() + RETRY_AFTER
        last_try = when.astimezone(self.tz).date().isoformat() != attempt.day
        if last_try:
            log.error("daily post for %s failed (%s); no more tries today, the next day posts anew",
                      attempt.day, error)
            attempt.next_try = None
        else:
            log.warning("daily post for %s failed (%s); trying again quietly at %s", attempt.day, error,
                        when.astimezone(self.tz).strftime("%H:%M"))
            attempt.next_try = when.isoformat()
            self.bot.scheduler.add_job("bot.daily_schedule:retry_post", "date", run_date=when, id=RETRY_ID,
                                       name="daily mascot post (retry)", replace_existing=True)
        self.store.save_attempt(attempt)
        return last_try

    def _missing_permissions(self) -> list[str]:
        """What the bot lacks in the daily channel (Discord's names); [] when it cannot tell."""
        channel = self.bot.get_channel(self.bot.settings.daily_channel or 0)
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        return permissions.missing(channel.permissions_for(channel.guild.me), in_thread=permissions.in_thread(channel),
                                   replying=True)

    async def _notice(self, message_id: int | None, text: str) -> int | None:
        """Put `text` in the day's message (editing it, or sending it once); its id."""
        channel = self.bot.get_partial_messageable(self.bot.settings.daily_channel or 0)
        try:
            if message_id is not None:
                await channel.get_partial_message(message_id).edit(content=text, attachments=[], view=None,
                                                                   allowed_mentions=NO_PINGS)
                return message_id
            return (await channel.send(text, allowed_mentions=NO_PINGS)).id
        except discord.HTTPException as exc:
            log.error("could not post the daily notice in %s: %s", channel.id, exc)
            return message_id

    # --- /cartoon-daily ---------------------------------------------------------------------
    def status_text(self) -> str:
        settings = self.bot.settings
        if settings.daily_channel is None:
            return "The daily post is off: an operator sets its channel in the bot's settings."
        job = self.bot.scheduler.get_job(JOB_ID)
        next_run = getattr(job, "next_run_time", None)
        when = discord.utils.format_dt(next_run, "F") if next_run else "not scheduled"
        last = self.store.last_posted()
        saying, left = self.store.peek_saying(load_lines(settings.data_dir / "bofh.txt"))
        lines = [
            f"**Daily post** in <#{settings.daily_channel}> at {settings.daily_time} ({settings.daily_tz}).",
            f"Next run: {when}. Last posted: {last or 'never'}.",
        ]
        pending = self.in_flight()
        attempt = self.store.attempt()
        if pending is not None:
            doing = self.bot.follower.status.get(pending.key, "being drawn")
            lines.append(f"Today's picture: {doing}.")
        elif attempt is not None and attempt.day == self.today().isoformat() and attempt.next_try:
            retry = dt.datetime.fromisoformat(attempt.next_try)
            error = attempt.last_error or ""
            why = (f"I'm {error.removeprefix('CannotPost: ')}" if error.startswith("CannotPost")
                   else "the drawing desk is not answering")
            lines.append(f"Today's picture is late: {attempt.tries} tr{'ies' if attempt.tries != 1 else 'y'} so far, "
                         f"{why}; next try {discord.utils.format_dt(retry, 't')}.")
        lines.append(f"Next saying: **{echo(saying)}** ({left} left before the sayings repeat).")
        return "\n".join(lines)

    @daily.command(name="now", description="Post today's daily picture now (counts as today's post)")
    async def daily_now(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        if self.bot.settings.daily_channel is None:
            await interaction.followup.send(self.status_text(), ephemeral=True)
            return
        if self.in_flight() is not None:
            await interaction.followup.send("Today's picture is being drawn right now; it appears in the channel "
                                            "when it's ready.", ephemeral=True)
            return
        outcome = await self.post(reason=f"now by {interaction.user.id}", force=True)
        if outcome is not None and outcome.message_id is not None:
            text = f"Posted: {self._jump_url(outcome.message_id)}"
        else:
            error = outcome.error if outcome is not None else None
            text = (f"I couldn't post it: {say(error) if error else 'nothing was started.'} "
                    "I'll keep trying quietly; /cartoon-daily status shows how it goes.")
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @daily.command(name="status", description="When the next daily post goes out, and what it says")
    async def daily_status(self, interaction: discord.Interaction[MiloBot]) -> None:
        text = await asyncio.to_thread(self.status_text)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    def _jump_url(self, message_id: int) -> str:
        channel_id = self.bot.settings.daily_channel
        channel = self.bot.get_channel(channel_id or 0)
        guild = getattr(getattr(channel, "guild", None), "id", "@me")
        return f"https://discord.com/channels/{guild}/{channel_id}/{message_id}"


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(DailyCog(bot))
