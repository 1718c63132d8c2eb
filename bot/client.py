"""`MiloBot`: the discord.py client. `setup_hook` wires everything before the gateway connects.

setup_hook: the render-service client (and the fallback service's, when configured), the scheduler (AsyncIOScheduler, SQLite job store),
the cogs (cartoon, daily), the persistent buttons, and the slash-command sync (to
`CARTOON_DEV_GUILD` when set, for instant updates). Nothing here imports torch.
"""

from __future__ import annotations

import logging
from functools import cached_property

import discord
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.service_client import RenderClient
from bot.views import DeleteButton, RerollButton, SloganButton
from core.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.cartoon", "bot.cogs.daily")
MISFIRE_GRACE_S = 12 * 3600  # a restart up to 12 h after the daily time still posts that day


def intents() -> discord.Intents:
    """Only what the bot uses. Message content is not requested: Discord delivers the text
    of messages that mention the bot (and of DMs) without it."""
    wanted = discord.Intents.none()
    wanted.guilds = True  # channels and permissions of the guilds the bot is in
    wanted.guild_messages = True  # on_message for mentions
    wanted.dm_messages = True  # to answer DMs with where the bot works
    return wanted


def make_scheduler(settings: Settings) -> AsyncIOScheduler:
    settings.bot_state_dir.mkdir(parents=True, exist_ok=True)
    store = SQLAlchemyJobStore(url=f"sqlite:///{settings.bot_state_dir / 'scheduler.sqlite'}")
    return AsyncIOScheduler(
        jobstores={"default": store},
        job_defaults={"coalesce": True, "misfire_grace_time": MISFIRE_GRACE_S, "max_instances": 1},
        timezone=settings.daily_tz,
    )


# The one-character tag a picture's buttons carry for the service that drew it ("" = primary).
PRIMARY, FALLBACK = "", "f"


class MiloBot(commands.Bot):
    """The bot; `render` is the HTTP client of the render service, `render_fallback` the
    client of `CARTOON_RENDER_FALLBACK_URL` (None when that is unset)."""

    def __init__(self, settings: Settings, *, render: RenderClient | None = None,
                 render_fallback: RenderClient | None = None) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # the bot has no voice
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True, replied_user=False),
            activity=discord.Game("drawing the lab · /cartoon"),
        )
        self.settings = settings
        self.render = render or RenderClient(settings.render_url, settings.render_token)
        if render_fallback is None and settings.render_fallback_url:
            render_fallback = RenderClient(settings.render_fallback_url,
                                           settings.render_fallback_token or settings.render_token)
        self.render_fallback = render_fallback
        self.scheduler = make_scheduler(settings)

    async def setup_hook(self) -> None:
        # Paused until the cogs have registered their jobs, so a missed daily run fires once
        # the daily cog is ready to post it.
        self.scheduler.start(paused=True)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(RerollButton, SloganButton, DeleteButton)
        self.scheduler.resume()
        await self.sync_commands()

    async def sync_commands(self) -> list[discord.app_commands.AppCommand]:
        if self.application_id is None:
            log.info("not logged in: slash commands not synced")
            return []
        if self.settings.dev_guild:
            guild = discord.Object(self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands%s", len(synced),
                 f" to guild {self.settings.dev_guild}" if self.settings.dev_guild else "")
        return synced

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are handled by the cartoon cog's listener."""

    async def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.render.aclose()
        if self.render_fallback is not None:
            await self.render_fallback.aclose()
        await super().close()

    def services(self) -> list[tuple[str, RenderClient]]:
        """The render services to try, in order, each with its tag."""
        services = [(PRIMARY, self.render)]
        if self.render_fallback is not None:
            services.append((FALLBACK, self.render_fallback))
        return services

    def service(self, tag: str) -> RenderClient | None:
        """The client for a picture's service tag; None when that service is no longer configured."""
        return self.render if tag == PRIMARY else self.render_fallback if tag == FALLBACK else None

    @cached_property
    def character_names(self) -> dict[str, str]:
        from characters.sheet import load_characters

        return {cid: c.name for cid, c in load_characters(self.settings.characters_dir).items()}

    def character_of(self, user_id: int) -> str | None:
        """The character a Discord user is (CARTOON_USER_CHARACTERS), for "me"/"us"."""
        return self.settings.user_characters.get(str(user_id))
