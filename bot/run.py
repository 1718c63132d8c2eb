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

    announced = False  # on_ready fires again after a gateway resume; announce once

    @bot.listen("on_ready")
    async def _ready() -> None:
        nonlocal announced
        log.info("ready as %s in %d guilds", bot.user, len(bot.guilds))
        if json_out and not announced:
            announced = True
            sys.stdout.write(json.dumps({
                "ready": True, "user": str(bot.user), "id": bot.user.id,
                "guilds": len(bot.guilds), "render_url": settings.render_url,
            }) + "\n")
            sys.stdout.flush()
        for _, client in bot.services.ordered():
            try:
                log.info("render service at %s: %s", client.base_url, await client.health())
            except Exception as exc:  # the bot runs anyway and says so per request
                log.warning("render service at %s is not reachable yet: %s", client.base_url, exc)

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
