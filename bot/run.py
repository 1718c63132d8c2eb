"""`cartoon bot`: check the token, start `MiloBot`, run until stopped.

A missing or malformed `DISCORD_TOKEN`, or one Discord rejects, is the user's to fix:
`InputError` (one line, exit 2). With `--json`, one JSON object is printed on stdout
when the bot is ready (logs go to stderr).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys

import discord

from bot.token import TOKEN_HELP, check_token
from core.errors import FaultError, InputError
from core.settings import Settings

log = logging.getLogger(__name__)

async def run_bot(settings: Settings, *, json_out: bool = False) -> None:
    from bot.client import MiloBot

    token = check_token(settings.discord_token)
    bot = MiloBot(settings)

    @bot.listen("on_ready")
    async def _ready() -> None:
        log.info("ready as %s in %d guilds", bot.user, len(bot.guilds))
        if json_out and not getattr(bot, "_announced", False):
            bot._announced = True  # on_ready fires again after a resume
            sys.stdout.write(json.dumps({
                "ready": True, "user": str(bot.user), "id": bot.user.id if bot.user else None,
                "guilds": len(bot.guilds), "render_url": settings.render_url,
            }) + "\n")
            sys.stdout.flush()
        try:
            health = await bot.render.health()
            log.info("render service: %s", health)
        except Exception as exc:  # the bot runs anyway and says so per request
            log.warning("render service at %s is not reachable yet: %s", settings.render_url, exc)
        if bot.render_fallback is not None:
            try:
                log.info("fallback render service: %s", await bot.render_fallback.health())
            except Exception as exc:
                log.warning("fallback render service at %s is not reachable yet: %s",
                            bot.render_fallback.base_url, exc)

    async with bot:
        try:
            await bot.start(token)
        except discord.LoginFailure:
            raise InputError(f"DISCORD_TOKEN was rejected by Discord; {TOKEN_HELP}") from None
        except discord.PrivilegedIntentsRequired:
            raise InputError("Discord refused an intent the bot asked for; enable it in the developer portal") from None
        except (OSError, discord.GatewayNotFound) as exc:
            raise FaultError(f"cannot reach Discord ({exc}); check the network and try again") from None


def main(settings: Settings, *, json_out: bool) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, json_out=json_out))
    return 0
