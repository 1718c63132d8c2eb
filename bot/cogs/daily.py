"""The daily mascot post, and /cartoon-daily for admins (Manage Server): now, status,
pause, resume, skip, time HH:MM [zone], channel #c.

Exactly one post per local day (its time in its zone), whenever the bot restarts:
- Where and when: the admins' choices (/cartoon-daily time, channel; kept in the bot's
  state) where set, else the settings (`CARTOON_DAILY_CHANNEL`, `_TIME`, `_TZ`).
- The scheduler (AsyncIOScheduler, SQLite job store) holds one cron job. It is written
  from that at every start and at every admin change, so the stored job can never disagree:
  a new time, zone or channel takes effect at once (a new setting, at the next start). The
  job store refers to `bot.daily_schedule.scheduled_post` by name; that finds this cog
  through `serve`. Paused, the job is kept paused; a skipped day is not posted.
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
import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import discord
from apscheduler.triggers.cron import CronTrigger
from discord import app_commands
from discord.ext import commands

from bot import daily, daily_schedule, permissions
from bot.daily import Attempt, DailyConfig, DailyStore, daily_request, due_at
from bot.following import Outcome
from bot.pending import PendingJob
from bot.safe_text import NO_PINGS, echo
from bot.sayings import load_lines
from bot.service_client import Job, JobFailed
from bot.wording import CannotPost, missing_permissions, say

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

JOB_ID = "daily-post"
RETRY_ID = "daily-retry"
ORIGIN = "daily"
RETRY_AFTER = dt.timedelta(minutes=15)
TIME = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
NOTICE = "☀️ Today's Milo is running late: my drawing desk is down. I'll post it right here once it's back."
NO_POST_TODAY = "☀️ No Milo today, sorry: my drawing desk was down all day. See you tomorrow."
CANCELLED_TODAY = "☀️ Today's Milo was cancelled. See you tomorrow."
DRAWING_NOW = "Today's picture is being drawn right now; it appears in the channel when it's ready."


class DailyCog(commands.Cog):
    daily = app_commands.Group(
        name="cartoon-daily",
        description="The daily mascot post (admins)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MiloBot) -> None:
        self.bot = bot
        self.store = DailyStore(bot.settings.bot_state_dir / "daily.sqlite")
        self._lock = asyncio.Lock()
        self._catch_up: asyncio.Task[Outcome | None] | None = None

    def config(self) -> DailyConfig:
        """Where and when the post goes: the admins' choices over the settings."""
        s = self.bot.settings
        return DailyConfig.of(self.store.choices(), s.daily_channel, s.daily_time, s.daily_tz)

    @property
    def tz(self) -> ZoneInfo:
        return self.config().zone

    # --- start and stop ---------------------------------------------------------------------
    async def cog_load(self) -> None:
        daily_schedule.serve(self)
        self.bot.follower.register(ORIGIN, self)
        scheduler = self.bot.scheduler
        if scheduler.get_job(RETRY_ID):
            scheduler.remove_job(RETRY_ID)
        if self.schedule():
            self._catch_up = asyncio.create_task(self.catch_up())

    def schedule(self) -> bool:
        """Write the scheduler's job from the config (none without a channel; paused while
        paused); True when there is a daily post."""
        scheduler = self.bot.scheduler
        if scheduler.get_job(JOB_ID):
            scheduler.remove_job(JOB_ID)
        config = self.config()
        if config.channel is None:
            log.info("no daily channel is set (CARTOON_DAILY_CHANNEL or /cartoon-daily channel): no daily post")
            return False
        hour, minute = (int(part) for part in config.time.split(":"))
        scheduler.add_job("bot.daily_schedule:scheduled_post", CronTrigger(hour=hour, minute=minute, timezone=config.zone),
                          id=JOB_ID, name="daily mascot post", replace_existing=True, misfire_grace_time=None)
        if config.paused:
            scheduler.pause_job(JOB_ID)
        return True

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
        config = self.config()
        instant = daily.now()
        if instant < due_at(instant.astimezone(config.zone).date(), config.time, config.zone):
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
            config = self.config()
            if not force and self.store.last_posted() == day:
                log.info("daily post (%s) skipped: %s already has its post", reason, day)
                return None
            if not force and config.paused:
                log.info("daily post (%s) not made: an admin paused the daily post", reason)
                return None
            if not force and config.skip == day.isoformat():
                log.info("daily post (%s) not made: an admin skipped %s", reason, day)
                return None
            if self.in_flight() is not None:
                log.info("daily post (%s) skipped: today's picture is being drawn", reason)
                return None
            settings = self.bot.settings
            if config.channel is None:
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
                          config.channel)
                self._retry_later(attempt, error)
                return Outcome(error=error)
            scene = daily_request(day, load_lines(settings.daily_prompts), attempt.saying,
                                  james_every=settings.daily_james_every)
            me = self.bot.user.id
            pending = PendingJob(
                origin=ORIGIN, body={"text": scene.text, "shirt": scene.shirt, "user": f"daily:{me}"},
                requester_id=me, channel_id=config.channel, scene=echo(scene.text),
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
        """Retry quietly later the same day; the channel hears once that the post is late. A
        picture a moderator cancelled (its ✖️ Cancel) is not tried again that day."""
        day = pending.extra["day"]
        attempt = self.store.attempt()
        if attempt is None or attempt.day != day:
            attempt = Attempt(day=day, saying=pending.extra["saying"], tries=1)
        attempt.message_id = pending.message_id
        if isinstance(error, JobFailed) and error.job.state == "cancelled":
            log.info("daily post for %s was cancelled; no more tries that day", day)
            attempt.next_try, attempt.last_error = None, "cancelled"
            attempt.message_id = await self._notice(attempt.message_id, CANCELLED_TODAY, pending.channel_id)
            self.store.save_attempt(attempt)
            return True
        last_try = self._retry_later(attempt, error)
        text = NO_POST_TODAY if last_try and attempt.notice else NOTICE
        if not last_try or attempt.notice:
            attempt.message_id = await self._notice(attempt.message_id, text, pending.channel_id)
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

    def _missing_permissions(self, channel_id: int | None = None) -> list[str]:
        """What the bot lacks in the daily channel (or `channel_id`; Discord's names); [] when it cannot tell."""
        channel = self.bot.get_channel(channel_id or self.config().channel or 0)
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        return permissions.missing(channel.permissions_for(channel.guild.me), in_thread=permissions.in_thread(channel),
                                   replying=True)

    async def _notice(self, message_id: int | None, text: str, channel_id: int | None = None) -> int | None:
        """Put `text` in the day's message (editing it, or sending it once); its id."""
        channel = self.bot.get_partial_messageable(channel_id or self.config().channel or 0)
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
        config = self.config()
        if config.channel is None:
            return "The daily post is off: choose its channel with /cartoon-daily channel."
        job = self.bot.scheduler.get_job(JOB_ID)
        next_run = getattr(job, "next_run_time", None)
        when = discord.utils.format_dt(next_run, "F") if next_run else "not scheduled"
        if config.paused:
            when = "paused (/cartoon-daily resume starts it again)"
        last = self.store.last_posted()
        saying, left = self.store.peek_saying(load_lines(settings.data_dir / "bofh.txt"))
        lines = [
            f"**Daily post** in <#{config.channel}> at {config.time} ({config.tz}).",
            f"Next run: {when}. Last posted: {last or 'never'}.",
        ]
        if config.skip and config.skip >= self.today().isoformat():
            lines.append(f"Skipped by an admin: the post of {dt.date.fromisoformat(config.skip):%A, %d %B}.")
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
        if self.config().channel is None:
            await interaction.followup.send(self.status_text(), ephemeral=True, allowed_mentions=NO_PINGS)
            return
        if self.in_flight() is not None:
            await interaction.followup.send(DRAWING_NOW, ephemeral=True, allowed_mentions=NO_PINGS)
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

    @daily.command(name="pause", description="Stop the daily post until /cartoon-daily resume")
    async def daily_pause(self, interaction: discord.Interaction[MiloBot]) -> None:
        await asyncio.to_thread(self.store.choose, paused=True)
        self.schedule()
        log.info("daily post paused by %s", interaction.user.id)
        await self._answer(interaction, "⏸️ The daily post is paused; /cartoon-daily resume starts it again.")

    @daily.command(name="resume", description="Start the daily post again (and undo a skip)")
    async def daily_resume(self, interaction: discord.Interaction[MiloBot]) -> None:
        await asyncio.to_thread(self.store.choose, paused=False, skip=None)
        self.schedule()
        log.info("daily post resumed by %s", interaction.user.id)
        await self._answer(interaction, f"▶️ The daily post is on again. {self._next_line()}")

    @daily.command(name="skip", description="Skip the next daily post (the one after goes out as usual)")
    async def daily_skip(self, interaction: discord.Interaction[MiloBot]) -> None:
        today = self.today()
        day = today + dt.timedelta(days=1) if self.store.last_posted() == today or self.in_flight() else today
        await asyncio.to_thread(self.store.choose, skip=day.isoformat())
        log.info("daily post of %s skipped by %s", day, interaction.user.id)
        await self._answer(interaction, f"⏭️ No daily post on {day:%A, %d %B}; the one after goes out as usual "
                                        "(/cartoon-daily resume undoes the skip).")

    @daily.command(name="time", description="When the daily post goes out: HH:MM, and a time zone")
    @app_commands.describe(hh_mm="24-hour time, e.g. 09:30", zone="An IANA time zone, e.g. Europe/Berlin (default: as now)")
    async def daily_time(self, interaction: discord.Interaction[MiloBot], hh_mm: app_commands.Range[str, 3, 5],
                         zone: app_commands.Range[str, 1, 64] | None = None) -> None:
        hh_mm = hh_mm.strip()
        if not TIME.fullmatch(hh_mm):
            await self._answer(interaction, f"“{echo(hh_mm)}” isn't a time; give it as HH:MM on a 24-hour clock, e.g. 09:30.")
            return
        hh_mm = f"{int(hh_mm.split(':')[0]):02d}:{hh_mm.split(':')[1]}"
        if zone is not None:
            try:
                ZoneInfo(zone.strip())
            except (ZoneInfoNotFoundError, ValueError):
                await self._answer(interaction, f"I don't know the time zone “{echo(zone)}”; use a name like "
                                                "Europe/Berlin, America/New_York or UTC.")
                return
            zone = zone.strip()
        await asyncio.to_thread(self.store.choose, time=hh_mm, **({"tz": zone} if zone else {}))
        self.schedule()
        config = self.config()
        log.info("daily time set to %s (%s) by %s", config.time, config.tz, interaction.user.id)
        text = f"🕘 The daily post goes out at {config.time} ({config.tz}) from now on. {self._next_line()}"
        due = config.channel is not None and not config.paused and daily.now() >= due_at(self.today(), config.time, config.zone)
        if due and self.store.last_posted() != self.today() and self.in_flight() is None:
            text += " That time has passed today without a post, so today's goes out now."
            self._catch_up = asyncio.create_task(self.catch_up())
        await self._answer(interaction, text)

    @daily.command(name="channel", description="Where the daily post goes")
    @app_commands.describe(channel="The channel for the daily post")
    async def daily_channel(self, interaction: discord.Interaction[MiloBot], channel: discord.TextChannel) -> None:
        lacking = self._missing_permissions(channel.id)
        if lacking:
            await self._answer(interaction, missing_permissions(lacking, channel.mention))
            return
        await asyncio.to_thread(self.store.choose, channel=channel.id)
        self.schedule()
        log.info("daily channel set to %s by %s", channel.id, interaction.user.id)
        await self._answer(interaction, f"📍 The daily post goes to {channel.mention} from now on. {self._next_line()}")

    async def _answer(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    def _next_line(self) -> str:
        config = self.config()
        if config.channel is None:
            return "It has no channel yet: choose one with /cartoon-daily channel."
        if config.paused:
            return "It is paused: /cartoon-daily resume starts it."
        job = self.bot.scheduler.get_job(JOB_ID)
        next_run = getattr(job, "next_run_time", None)
        return f"Next run: {discord.utils.format_dt(next_run, 'F')}." if next_run else ""

    def _jump_url(self, message_id: int) -> str:
        channel_id = self.config().channel
        channel = self.bot.get_channel(channel_id or 0)
        guild = getattr(getattr(channel, "guild", None), "id", "@me")
        return f"https://discord.com/channels/{guild}/{channel_id}/{message_id}"


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(DailyCog(bot))
