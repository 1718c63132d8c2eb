"""The buttons under every picture: Reroll, New slogan, Delete.

Each is a `discord.ui.DynamicItem` whose custom id carries the job id and the requester's
user id (`milo:<action>:<job>:<user>`), so the buttons keep working after the bot
restarts: `MiloBot.setup_hook` registers the three classes with `add_dynamic_items`, and
discord.py rebuilds the item from the custom id of whatever message is clicked. A picture
drawn by the fallback render service ends its ids in `:f` (at most 99 characters, within
Discord's 100), so its buttons ask that service; ids without a tag are the primary's.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.imaging import fit_to_limit
from bot.jobs import human_error, render_to
from bot.progress import InteractionTarget, png_file
from bot.service_client import ServiceDown, ServiceError

if TYPE_CHECKING:
    from bot.client import MiloBot
    from bot.service_client import RenderClient

log = logging.getLogger(__name__)

_ID = r"(?P<job>[A-Za-z0-9_-]{1,64}):(?P<user>\d{1,20})(?::(?P<service>f))?"


class _JobButton(discord.ui.DynamicItem[discord.ui.Button], template=r"^$"):
    """A button bound to one job and the user who asked for it."""

    action = ""
    label = ""
    emoji = ""
    style = discord.ButtonStyle.secondary

    def __init__(self, job_id: str, user_id: int, service: str = "") -> None:
        self.job_id = job_id
        self.user_id = user_id
        self.service = service
        tag = f":{service}" if service else ""
        super().__init__(
            discord.ui.Button(
                label=self.label, emoji=self.emoji, style=self.style,
                custom_id=f"milo:{self.action}:{job_id}:{user_id}{tag}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> _JobButton:
        return cls(match["job"], int(match["user"]), match["service"] or "")

    def client(self, bot: MiloBot) -> RenderClient:
        """The service that drew this picture; ServiceDown when it is no longer configured."""
        client = bot.service(self.service)
        if client is None:
            raise ServiceDown("this picture came from the fallback render service, which is no longer "
                              "configured (CARTOON_RENDER_FALLBACK_URL)")
        return client


class RerollButton(_JobButton, template=rf"^milo:reroll:{_ID}$"):
    """Same plan, new seed: a new picture as a new message."""

    action, label, emoji, style = "reroll", "Reroll", "🎲", discord.ButtonStyle.primary

    async def callback(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer(thinking=True)
        bot = interaction.client
        try:
            job = await self.client(bot).job(self.job_id)
        except ServiceError as exc:
            await InteractionTarget(interaction).fail(human_error(exc))
            return
        if job.plan is None:
            await InteractionTarget(interaction).fail(
                "I no longer have the plan for that picture; ask me for a new one with /cartoon."
            )
            return
        plan = dict(job.plan, seed=random.randrange(2**32))
        scene = plan.get("text") or "the same scene"
        await render_to(
            bot, InteractionTarget(interaction), {"plan": plan, "user": str(interaction.user.id)},
            scene=scene, requester_id=interaction.user.id,
            lead=f"🎲 Reroll of *{discord.utils.escape_markdown(scene)}* for {interaction.user.mention}",
        )


class SloganButton(_JobButton, template=rf"^milo:slogan:{_ID}$"):
    """A new saying on the kept clean render; edits the picture in place (no GPU)."""

    action, label, emoji = "slogan", "New slogan", "👕"

    async def callback(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer()
        bot = interaction.client
        try:
            client = self.client(bot)
            answer = await client.reslogan(self.job_id)
            url = answer.get("image_url") or f"/v1/jobs/{self.job_id}/image"
            png = await client.fetch_url(url)
        except ServiceError as exc:
            log.warning("new slogan for job %s failed: %s", self.job_id, exc)
            await interaction.followup.send(human_error(exc), ephemeral=True)
            return
        limit = interaction.filesize_limit
        fitted = await asyncio.to_thread(fit_to_limit, png, limit, f"milo-{self.job_id[:12]}")
        content = _with_slogan(interaction.message.content if interaction.message else "", answer.get("slogan"))
        await interaction.edit_original_response(
            content=content, attachments=[png_file(fitted.data, fitted.filename)]
        )


class DeleteButton(_JobButton, template=rf"^milo:delete:{_ID}$"):
    """Removes the picture: only the requester, or someone with Manage Messages."""

    action, label, emoji, style = "delete", "Delete", "🗑️", discord.ButtonStyle.danger

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.user_id or interaction.permissions.manage_messages:
            return True
        await interaction.response.send_message(
            "Only the person who asked for this picture, or someone with Manage Messages, can delete it.",
            ephemeral=True,
        )
        return False

    async def callback(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer()
        await interaction.delete_original_response()


def picture_view(job_id: str, requester_id: int, service: str = "") -> discord.ui.View:
    """The three buttons for one picture (persistent: no timeout); `service` is the tag of
    the service that drew it ("" primary, "f" fallback)."""
    view = discord.ui.View(timeout=None)
    for button in (RerollButton, SloganButton, DeleteButton):
        view.add_item(button(job_id, requester_id, service))
    return view


_SHIRT = re.compile(r"Shirt: \*\*.*?\*\*")


def _with_slogan(content: str, slogan: str | None) -> str:
    """The caption with its `Shirt:` part replaced by the new slogan."""
    if not slogan:
        return content
    new = f"Shirt: **{discord.utils.escape_markdown(slogan)}**"
    if _SHIRT.search(content):
        return _SHIRT.sub(lambda _: new, content, count=1)
    return f"{content} · {new}" if content else new
