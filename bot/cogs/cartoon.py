"""/cartoon, /cartoon-help and "@Milo draw ..." mentions: people asking for pictures.

Everything that can be refused is refused before anything is queued (so it costs no
render): @everyone/@here, overlong text, blocked words (in the scene or the slogan), a
channel the server's allow-list leaves out, and a channel where the bot could not post the
picture (the missing permissions are named). Then the request becomes a `PendingJob` and
the follower takes it from there (`bot.following`). `/cartoon shirt:` offers the BOFH
sayings as you type, and takes any text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agent.state import MAX_SLOGAN_CHARS
from agent.walls import WALLS
from bot import permissions
from bot.buttons import refuse_here
from bot.checks import checked_scene, checked_slogan
from bot.mentions import HELP_HINT, MentionHelp, MentionProblem, parse_mention
from bot.safe_text import NO_PINGS, echo
from bot.sayings import load_lines
from bot.targets import answer_privately, interaction_job, reply_job
from bot.wording import OOPS, missing_permissions

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
        shirt="A slogan for Milo's shirt: pick a BOFH saying as you type, or write your own",
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
        bot = self.bot
        text, problem = checked_scene(bot, scene)
        if problem is None:
            shirt, problem = checked_slogan(bot, shirt)
        if problem is not None or text is None:
            await answer_privately(interaction, problem or "")
            return
        if await refuse_here(interaction):
            return
        await interaction.response.defer(thinking=True)
        message = await interaction.original_response()
        body = {"text": text, "shirt": shirt, "seed": seed, "user": str(interaction.user.id),
                "as": bot.character_of(interaction.user.id)}
        await bot.follower.start(interaction_job(interaction, message.id, origin="cartoon", body=body, scene=echo(text)))

    @cartoon.autocomplete("shirt")
    async def shirt_choices(self, interaction: discord.Interaction[MiloBot], typed: str) -> list[app_commands.Choice[str]]:
        """The BOFH sayings that contain what was typed (any text may still be sent as it is)."""
        return slogan_choices(load_lines(self.bot.settings.data_dir / "bofh.txt"), typed)

    @app_commands.command(name="cartoon-help", description="What Milo can draw, and how to ask")
    async def cartoon_help(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.send_message(help_text(self.bot), ephemeral=True, allowed_mentions=NO_PINGS)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        try:
            await self._on_message(message)
        except Exception:  # answered like a command's error, never left to discord.py's log only
            log.exception("answering message %s from %s failed", message.id, message.author.id)
            await self._reply(message, OOPS)

    async def _on_message(self, message: discord.Message) -> None:
        bot = self.bot
        if message.guild is None:
            await message.channel.send(DM_REPLY, allowed_mentions=NO_PINGS)
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
        if isinstance(parsed, MentionHelp | MentionProblem):
            text = help_text(bot) if isinstance(parsed, MentionHelp) else parsed.reply
            await self._reply(message, text)
            return
        if not bot.allowed_channels.allows(message.guild.id, message.channel):
            await self._tell_privately(message, bot.allowed_channels.refusal(message.guild.id))
            return
        refusal = bot.blocked.refusal(parsed.text, "scene")
        if refusal is not None:
            await self._reply(message, refusal)
            return
        if not await self._may_post_in(message):
            return
        body = {"text": parsed.text, "as": parsed.as_, "user": str(message.author.id)}
        await bot.follower.start(reply_job(message, origin="mention", body=body, scene=echo(parsed.text)))

    async def _may_post_in(self, message: discord.Message) -> bool:
        """True when the bot can post the picture as a reply here; else the asker is told
        which permissions are missing (in the channel if the bot may write there, else by DM)."""
        assert message.guild is not None
        channel = message.channel
        lacking = permissions.missing(channel.permissions_for(message.guild.me),  # type: ignore[union-attr]
                                      in_thread=permissions.in_thread(channel), replying=True)
        if not lacking:
            return True
        where = f"#{getattr(channel, 'name', 'this channel')}"
        text = missing_permissions(lacking, where)
        log.info("mention by %s in %s refused: missing %s", message.author.id, channel.id, ", ".join(lacking))
        if lacking == ["Attach Files"]:  # a reply without a file still goes through
            await self._reply(message, text)
            return False
        await self._tell_privately(message, text)
        return False

    @staticmethod
    async def _tell_privately(message: discord.Message, text: str) -> None:
        """By DM: where the bot may not, or should not, answer in the channel."""
        try:
            await message.author.send(text, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("could not tell %s by DM either: %s", message.author.id, exc)

    @staticmethod
    async def _reply(message: discord.Message, text: str) -> None:
        try:
            await message.reply(text, mention_author=False, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("could not answer %s in %s: %s", message.author.id, message.channel.id, exc)


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
        "Under each picture: 🎲 **Reroll** (same scene, new seed), 🔀 **Vary** (a subtle variation), "
        "✏️ **Edit** (change it in words: “now at the rack”, “add James”, “make it night”), 👕 **New slogan** "
        "(pick a saying or write your own: yours changes in place, anyone else's gets a copy), 🗑️ **Delete** "
        "(whoever asked, or moderators). ✖️ **Cancel** stops a picture while it waits or is drawn.\n"
        "`/cartoon-edit` changes your last picture, `/cartoon-history` lists your last ten, "
        "`/cartoon-show` brings one back. Every day I post a picture with the day's BOFH wisdom."
    )


def slogan_choices(sayings: list[str], typed: str, limit: int = 25) -> list[app_commands.Choice[str]]:
    """Up to `limit` (Discord's 25) sayings containing `typed`, those starting with it first."""
    wanted = typed.casefold().strip()
    found = [s for s in sayings if wanted in s.casefold()]
    found.sort(key=lambda s: not s.casefold().startswith(wanted))
    return [app_commands.Choice(name=s, value=s) for s in found[:limit]]


async def setup(bot: MiloBot) -> None:
    await bot.add_cog(CartoonCog(bot))
