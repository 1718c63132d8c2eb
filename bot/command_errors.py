"""`MiloTree`: the app-command tree whose `on_error` answers every failed command in plain
words, so no command ends in Discord's "The application did not respond"."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.targets import answer_privately
from bot.wording import OOPS, in_about

log = logging.getLogger(__name__)


def error_text(error: app_commands.AppCommandError) -> str:
    """What the person reads; the exception itself goes to the log."""
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command works in servers only."
    if isinstance(error, app_commands.MissingPermissions):
        return "That command is for server admins."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: that command works again {in_about(error.retry_after)}."
    return OOPS


class MiloTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError, /) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CheckFailure):
            log.info("/%s refused for %s: %s", name, interaction.user.id, error)
        else:
            log.error("/%s failed for %s", name, interaction.user.id, exc_info=error)
        try:
            await answer_privately(interaction, error_text(error))
        except discord.HTTPException as exc:
            log.warning("could not tell %s that /%s failed: %s", interaction.user.id, name, exc)
