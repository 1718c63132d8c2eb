"""/cartoon-admin channels (Manage Server): where people may ask Milo for pictures on this
server. `show` lists the channels, `allow #c` adds one, `remove #c` takes one off, `everywhere`
empties the list (no list: every channel). Kept in the bot's state (bot/allowlist.py);
/cartoon, /cartoon-edit, /cartoon-show, the buttons that make a new picture and mentions
follow it at once."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.safe_text import NO_PINGS

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

ACTIONS = [app_commands.Choice(name=n, value=n) for n in ("show", "allow", "remove", "everywhere")]


class AdminCog(commands.Cog):
    admin = app_commands.Group(
        name="cartoon-admin",
        description="Where Milo draws on this server (admins)",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: MiloBot) -> None:
        self.bot = bot

    @admin.command(name="channels", description="Where people may ask for pictures: show, allow, remove, everywhere")
    @app_commands.describe(action="show the list, allow or remove a channel, or allow everywhere",
                           channel="The channel to allow or remove")
    @app_commands.choices(action=ACTIONS)
    async def channels(self, interaction: discord.Interaction[MiloBot], action: app_commands.Choice[str],
                       channel: discord.TextChannel | None = None) -> None:
        allowed = self.bot.allowed_channels
        guild = interaction.guild_id or 0
        if action.value in ("allow", "remove") and channel is None:
            await self._answer(interaction, f"Name the channel to {action.value}, e.g. `/cartoon-admin channels "
                                            f"action:{action.value} channel:#general`.")
            return
        if action.value == "allow" and channel is not None:
            await asyncio.to_thread(allowed.allow, guild, channel.id)
            text = f"✅ People may ask me for pictures in {channel.mention}."
        elif action.value == "remove" and channel is not None:
            removed = await asyncio.to_thread(allowed.disallow, guild, channel.id)
            text = f"🚫 {channel.mention} is off the list." if removed else f"{channel.mention} wasn't on the list."
        elif action.value == "everywhere":
            await asyncio.to_thread(allowed.clear, guild)
            text = "✅ People may ask me for pictures in every channel I can post in."
        else:
            text = ""
        log.info("/cartoon-admin channels %s %s by %s", action.value, channel.id if channel else "", interaction.user.id)
        await self._answer(interaction, " ".join(part for part in (text, self._listing(guild)) if part))

    def _listing(self, guild: int) -> str:
        channels = self.bot.allowed_channels.channels(guild)
        if not channels:
            return "Right now I draw in every channel (no list)."
        return "Right now I draw only in " + ", ".join(f"<#{c}>" for c in channels) + "."

    @staticmethod
    async def _answer(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(AdminCog(bot))
