"""What every button of the bot shares: `JobButton`, bound by its custom id to one job, the
person it is for and the service that has the job; and the checks before a new picture.

A button is a `discord.ui.DynamicItem`: its custom id (`milo:<action>:<job>:<user>[:f]`, at
most 100 characters, Discord's budget) carries everything it needs, so it keeps working after
the bot restarts (`MiloBot.setup_hook` registers every class, and discord.py rebuilds the item
from the custom id of whatever message is clicked). `:f` marks a picture drawn by the
fallback render service, whose buttons ask that service; ids without it are the primary's.

Here too: Delete (the requester or Manage Messages) and Cancel (on a progress message: the
requester or Manage Messages), and `start_derived`, which follows a new picture made from a
finished one (reroll, vary, edit) like any other job.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import permissions
from bot.service_client import Job, ServiceError
from bot.targets import answer_privately, interaction_job
from bot.wording import GONE, OOPS, missing_permissions, say

if TYPE_CHECKING:
    from bot.client import MiloBot
    from bot.service_client import RenderClient

log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100  # Discord's budget for a component's (or a modal's) custom id
JOB = r"(?P<job>[A-Za-z0-9_-]{1,40})"
USER = r"(?P<user>\d{1,20})"
SERVICE = r"(?::(?P<service>f))?"
ID = rf"{JOB}:{USER}{SERVICE}"


def custom_id(*parts: object, service: str = "") -> str:
    """`milo:<parts…>[:f]`, checked against Discord's 100-character budget."""
    made = ":".join(["milo", *(str(p) for p in parts)]) + (f":{service}" if service else "")
    if len(made) > CUSTOM_ID_LIMIT:
        raise ValueError(f"custom id {made[:40]}… is {len(made)} characters; Discord allows {CUSTOM_ID_LIMIT}")
    return made


class JobButton(discord.ui.DynamicItem[discord.ui.Button], template=r"^$"):
    """A button bound to one job and the user who asked for it."""

    action = ""
    label = ""
    emoji = ""
    style = discord.ButtonStyle.secondary
    owners_only = False  # only the requester or a moderator may click it (Delete, Cancel)

    def __init__(self, job_id: str, user_id: int, service: str = "") -> None:
        self.job_id = job_id
        self.user_id = user_id
        self.service = service
        super().__init__(
            discord.ui.Button(label=self.label, emoji=self.emoji, style=self.style,
                              custom_id=custom_id(self.action, job_id, user_id, service=service))
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> JobButton:
        return cls(match["job"], int(match["user"]), match["service"] or "")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if not self.owners_only or self.owns(interaction):
            return True
        await answer_privately(interaction, "Only the person who asked for this picture, or someone with Manage "
                                            f"Messages, can {self.action} it.")
        return False

    async def callback(self, interaction: discord.Interaction[MiloBot]) -> None:
        """Run the button's action; an unexpected error is answered in plain words, like a command's."""
        try:
            await self.act(interaction)
        except Exception:
            log.exception("the %s button on job %s failed for %s", self.action, self.job_id, interaction.user.id)
            try:
                await answer_privately(interaction, OOPS)
            except discord.HTTPException as exc:
                log.warning("could not tell %s that the button failed: %s", interaction.user.id, exc)

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        raise NotImplementedError

    def client(self, bot: MiloBot) -> RenderClient | None:
        """The service that drew this picture; None when it is no longer configured."""
        return bot.services.get(self.service)

    def owns(self, interaction: discord.Interaction) -> bool:
        """The requester, or a moderator (Manage Messages in this channel)."""
        return owns(interaction, self.user_id)

    async def finished_job(self, interaction: discord.Interaction[MiloBot]) -> Job | None:
        """This picture's job, or None after telling the clicker (ephemeral) why not."""
        return await finished_job(interaction, self.client(interaction.client), self.job_id)

    async def job_for_a_new_picture(self, interaction: discord.Interaction[MiloBot]) -> Job | None:
        """Before a new picture for the clicker: the channel checks, the public "thinking…"
        that becomes the picture, and this picture's job; None after telling the clicker why not."""
        if await refuse_here(interaction):
            return None
        await interaction.response.defer(thinking=True)
        return await self.finished_job(interaction)


def owns(interaction: discord.Interaction, user_id: int) -> bool:
    """`user_id` is the clicker, or the clicker moderates this channel (Manage Messages)."""
    return interaction.user.id == user_id or interaction.permissions.manage_messages


async def finished_job(interaction: discord.Interaction[MiloBot], client: RenderClient | None, job_id: str) -> Job | None:
    """The finished job `job_id`, or None after telling the person (ephemeral) why not."""
    if client is None:
        await answer_privately(interaction, GONE)
        return None
    try:
        job = await client.job(job_id)
    except ServiceError as exc:
        log.warning("job %s for %s: %s", job_id, interaction.user.id, exc)
        await answer_privately(interaction, say(exc))
        return None
    if job.plan is None:
        await answer_privately(interaction, GONE)
        return None
    return job


async def refuse_here(interaction: discord.Interaction[MiloBot], *, replying: bool = False) -> bool:
    """True (after an ephemeral answer) when no new picture may be posted here: the channel is
    not on the server's allow-list, or the bot lacks a permission it needs (named)."""
    bot = interaction.client
    if not bot.allowed_channels.allows(interaction.guild_id, interaction.channel):
        await answer_privately(interaction, bot.allowed_channels.refusal(interaction.guild_id))
        return True
    lacking = permissions.missing(interaction.app_permissions, in_thread=permissions.in_thread(interaction.channel),
                                  replying=replying)
    if lacking:
        await answer_privately(interaction, missing_permissions(lacking, "this channel"))
    return bool(lacking)


async def start_derived(interaction: discord.Interaction[MiloBot], action: str, parent: str, service: str,
                        body: dict[str, Any], scene: str, *, lead: str) -> None:
    """Follow a new picture made from the finished job `parent` on `service` (reroll, vary,
    edit), in `interaction`'s (deferred) response, until it is posted."""
    message = await interaction.original_response()
    pending = interaction_job(interaction, message.id, origin=action, body=body, scene=scene, lead=lead,
                              action=action, parent=parent, service=service)
    await interaction.client.follower.start(pending)


class DeleteButton(JobButton, template=rf"^milo:delete:{ID}$"):
    """Removes the picture: only the requester, or someone with Manage Messages."""

    action, label, emoji, style = "delete", "Delete", "🗑️", discord.ButtonStyle.danger
    owners_only = True

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer()
        await interaction.delete_original_response()


CANCELLED_BY_CLICK = "Cancelled: I won't draw that one."


class CancelButton(JobButton, template=rf"^milo:cancel:{ID}$"):
    """On a picture being drawn: stops it (queued, or at the next step of the drawing). For the
    requester, or someone with Manage Messages; the follower then says it was cancelled."""

    action, label, emoji, style = "cancel", "Cancel", "✖️", discord.ButtonStyle.secondary
    owners_only = True

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        client = self.client(interaction.client)
        if client is None:
            await answer_privately(interaction, GONE)
            return
        try:
            job = await client.cancel(self.job_id)
        except ServiceError as exc:
            log.warning("cancelling job %s for %s: %s", self.job_id, interaction.user.id, exc)
            await answer_privately(interaction, say(exc))
            return
        log.info("job %s cancelled by %s (now %s)", self.job_id, interaction.user.id, job.state)
        if job.state == "done":
            await answer_privately(interaction, "Too late to cancel: that picture is already finished.")
            return
        await answer_privately(interaction, CANCELLED_BY_CLICK)

