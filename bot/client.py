"""`MiloBot`: the discord.py client. It only wires the parts together.

`__init__` makes the render-service clients (`bot.services`), the scheduler
(AsyncIOScheduler, SQLite job store), the record of followed jobs (`bot.pending`), the
`Follower` that runs them (`bot.following`), where pictures were posted (`bot.posted`), the
channel allow-list (`bot.allowlist`), the blocked words (`bot.blocked`), the routes of
submitted modals (`bot.modals`), and the command tree whose `on_error` answers every failed
command (`bot.command_errors`). `setup_hook`, before the gateway connects, loads the cogs
(cartoon, creative, daily, admin), registers the persistent buttons and menus, syncs the
slash commands when their definitions changed (`bot.command_sync`), and resumes the jobs a
previous process left unfinished. Nothing here imports torch.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import Any

import discord
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot import edit_flow, slogan_flow
from bot.allowlist import ChannelAllowList
from bot.blocked import BlockedWords
from bot.command_errors import MiloTree
from bot.command_sync import sync_if_changed
from bot.cooldown import UserCooldown
from bot.following import Follower
from bot.modals import ModalRoutes
from bot.pending import PendingStore
from bot.posted import PostedStore
from bot.safe_text import NO_PINGS
from bot.service_client import RenderClient
from bot.services import RenderServices
from bot.views import DYNAMIC_ITEMS, picture_view, progress_view
from core.settings import Settings

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.cartoon", "bot.cogs.creative", "bot.cogs.daily", "bot.cogs.admin")


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
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=settings.daily_tz,
    )


class MiloBot(commands.Bot):
    """The bot. `services` are the render services (primary, optional fallback),
    `follower` runs every job the bot follows, `scheduler` holds the daily post."""

    user: discord.ClientUser  # set by login, before setup_hook: everything below runs after it

    def __init__(self, settings: Settings, *, render: RenderClient | None = None,
                 render_fallback: RenderClient | None = None, **options: Any) -> None:
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # the bot has no voice
        # discord.py has one REST base for the whole process; CARTOON_DISCORD_API_URL moves it
        # (tests point it at a local Discord).
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            tree_cls=MiloTree,
            allowed_mentions=NO_PINGS,  # every send also passes its own; this is the floor
            activity=discord.Game("drawing the lab · /cartoon"),
            **options,
        )
        self.settings = settings
        if render_fallback is None and settings.render_fallback_url:
            render_fallback = RenderClient(settings.render_fallback_url,
                                           settings.render_fallback_token or settings.render_token)
        self.services = RenderServices(render or RenderClient(settings.render_url, settings.render_token),
                                       render_fallback)
        self.scheduler = make_scheduler(settings)
        self.pending = PendingStore(settings.bot_state_dir / "pending.sqlite")
        self.posted = PostedStore(settings.bot_state_dir / "posted.sqlite")
        self.follower = Follower(self, self.pending, picture_view, progress_view)
        self.slogan_cooldown = UserCooldown(settings.bot_slogan_cooldown_s)
        self.allowed_channels = ChannelAllowList(settings.bot_state_dir / "admin.sqlite")
        self.modals = ModalRoutes()
        self.modals.add(edit_flow.MODAL, edit_flow.submit_edit)
        self.modals.add(slogan_flow.MODAL, slogan_flow.submit_own_slogan)

    async def setup_hook(self) -> None:
        # Paused until the cogs have registered their jobs.
        self.scheduler.start(paused=True)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        self.scheduler.resume()
        await sync_if_changed(self)
        resumed = self.follower.resume_all()
        if resumed:
            log.info("following %d job(s) a previous run left unfinished", resumed)

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: mentions are handled by the cartoon cog's listener."""

    async def on_interaction(self, interaction: discord.Interaction, /) -> None:
        """Submitted modals go to their handler by custom id (bot/modals.py), also after a restart."""
        await self.modals.dispatch(interaction)  # type: ignore[arg-type]

    def picture_view(self, job_id: str, requester_id: int, service: str = "") -> discord.ui.View:
        """The buttons under a picture (bot/views.py)."""
        return picture_view(job_id, requester_id, service)

    async def close(self) -> None:
        await self.follower.close()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.services.aclose()
        await super().close()

    @cached_property
    def blocked(self) -> BlockedWords:
        """The words refused in scenes, slogans and edits (read once, at first use)."""
        return BlockedWords.load(self.settings.data_dir / "blocked_words.txt", self.settings.bot_blocked_words)

    @cached_property
    def character_names(self) -> dict[str, str]:
        from characters.sheet import load_characters

        return {cid: c.name for cid, c in load_characters(self.settings.characters_dir).items()}

    def character_of(self, user_id: int) -> str | None:
        """The character a Discord user is (CARTOON_USER_CHARACTERS), for "me"/"us"."""
        return self.settings.user_characters.get(str(user_id))
