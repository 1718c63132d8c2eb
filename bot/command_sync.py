"""Sync the slash commands with Discord only when their definitions changed.

Discord rate-limits command syncs and a global sync takes a while to show, so syncing on
every start is waste. The definitions as discord.py would send them are hashed (with where
they go: globally, or to `CARTOON_DEV_GUILD`, and the application id) and the hash of the
last successful sync is kept in `CARTOON_BOT_STATE_DIR/commands.json`; a start with the same
hash does not sync.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

STATE_FILE = "commands.json"


def definitions_hash(bot: MiloBot, guild: discord.Object | None) -> str:
    commands = sorted((c.to_dict(bot.tree) for c in bot.tree.get_commands(guild=guild)), key=lambda c: c["name"])
    where = {"application": bot.application_id, "guild": guild.id if guild else None}
    return hashlib.sha256(json.dumps([where, commands], sort_keys=True).encode()).hexdigest()


async def sync_if_changed(bot: MiloBot) -> list[discord.app_commands.AppCommand] | None:
    """Sync when the definitions differ from the last sync's; None when nothing was sent."""
    if bot.application_id is None:
        log.info("not logged in: slash commands not synced")
        return None
    guild = discord.Object(bot.settings.dev_guild) if bot.settings.dev_guild else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    target = str(guild.id) if guild else "global"
    digest = definitions_hash(bot, guild)
    path = bot.settings.bot_state_dir / STATE_FILE
    try:
        stored = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        stored = {}
    if stored.get(target) == digest:
        log.info("slash commands unchanged since the last sync (%s); not synced", target)
        return None
    synced = await bot.tree.sync(guild=guild)
    stored[target] = digest
    path.write_text(json.dumps(stored, indent=1))
    log.info("synced %d slash commands (%s)", len(synced), target)
    return synced
