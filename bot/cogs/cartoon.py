"""/cartoon, /cartoon-help and "@Milo draw ..." mentions: people asking for pictures."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agent.state import MAX_SLOGAN_CHARS
from agent.walls import WALLS
from bot.jobs import render_to
from bot.mentions import HELP_HINT, MentionProblem, parse_mention
from bot.progress import InteractionTarget, ReplyTarget

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

DM_REPLY = "I draw in servers: mention me in a channel there, or use `/cartoon`."


class CartoonCog(commands.Cog):
    def __init__(self, bot: MiloBot) -> None:
        self.bot = bot

    @app_commands.command(name="cartoon", description="Milo draws a lab scene for you")
    @app_commands.describe(
        scene="What happens, e.g. 'me and Milo fixing cables at the rack'",
        shirt="A slogan for Milo's shirt (default: a BOFH saying)",
        seed="A number to make the picture repeatable",
    )
    @app_commands.guild_only()
    async def cartoon(
        self,
        interaction: discord.Interaction[MiloBot],
        scene: app_commands.Range[str, 1, 1000],
        shirt: app_commands.Range[str, 1, MAX_SLOGAN_CHARS] | None = None,
        seed: app_commands.Range[int, 0, 2**32 - 1] | None = None,
    ) -> None:
        await interaction.response.defer(thinking=True)
        target = InteractionTarget(interaction)
        text = scene.strip()
        limit = self.bot.settings.bot_max_text_chars
        if "@everyone" in text or "@here" in text:
            await target.fail("I don't draw for @everyone or @here. Ask me again without it.")
            return
        if len(text) > limit:
            await target.fail(f"That scene is {len(text)} characters; describe it in under {limit}, please.")
            return
        body = {
            "text": text, "shirt": shirt, "seed": seed, "user": str(interaction.user.id),
            "as": self.bot.character_of(interaction.user.id),
        }
        await render_to(self.bot, target, body, scene=text, requester_id=interaction.user.id)

    @app_commands.command(name="cartoon-help", description="What Milo can draw, and how to ask")
    async def cartoon_help(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.send_message(help_text(self.bot), ephemeral=True)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        bot = self.bot
        if message.author.bot or bot.user is None:
            return
        if message.guild is None:
            await message.channel.send(DM_REPLY)
            return
        # `mentioned_in` is also true for @everyone; only a direct mention asks Milo.
        if not any(user.id == bot.user.id for user in message.mentions):
            return
        parsed = parse_mention(
            message.content,
            bot_id=bot.user.id,
            author_id=message.author.id,
            user_characters=bot.settings.user_characters,
            character_names=bot.character_names,
            max_chars=bot.settings.bot_max_text_chars,
        )
        if isinstance(parsed, MentionProblem):
            await message.reply(parsed.reply, mention_author=False)
            return
        body = {"text": parsed.text, "as": parsed.as_, "user": str(message.author.id)}
        await render_to(bot, ReplyTarget(message), body, scene=parsed.text, requester_id=message.author.id)


def help_text(bot: MiloBot) -> str:
    names = bot.character_names
    walls = "\n".join(f"- **{w.name}**: {w.title}" for w in WALLS.values())
    mapped = "" if bot.settings.user_characters else (
        "\n(No Discord accounts are linked to characters yet, so \"me\" is not resolved.)")
    return (
        "🦝 **Hi, I'm Milo**, the lab's AI handler. I draw the lab crew in whatever scene you like.\n\n"
        f"**Characters**: {', '.join(names.values())}. \"me\"/\"us\" means you, if your account "
        f"is linked to a character.{mapped}\n"
        f"**The four walls of the lab**:\n{walls}\n\n"
        "**Ask me**\n"
        "- `/cartoon scene: Milo debugging at 2 AM`\n"
        "- `/cartoon scene: James asleep on the exercise bike shirt: RTFM`\n"
        f"- {HELP_HINT}\n\n"
        "Under each picture: 🎲 **Reroll** (same scene, new seed), 👕 **New slogan** (a new saying "
        "on my shirt), 🗑️ **Delete** (whoever asked, or moderators). Every day I post a picture "
        "with the day's BOFH wisdom."
    )


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(CartoonCog(bot))
