"""✏️ Edit: a finished picture changed in words ("now at the rack", "add James", "make it
night"). The button opens a modal pre-filled with the scene; the edit is a new job made from
the picture (`POST /v1/jobs/{id}/edit`: the agent decides what changed) and is posted as a
reply to the original, with its own buttons. It is always the clicker's new picture: the
original, whoever's it is, stays as it was. /cartoon-edit does the same on the person's last
picture (bot/cogs/creative.py).

The modal's custom id (`milo:editm:<job>:<message>[:f]`) carries the picture and the message
to reply to, so an edit submitted across a restart still lands.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.buttons import ID, JOB, SERVICE, JobButton, custom_id, finished_job, refuse_here
from bot.checks import EMPTY_EDIT, checked_scene
from bot.modals import open_modal, submitted, text_input
from bot.pending import PendingJob
from bot.safe_text import echo
from bot.service_client import Job, ServiceError
from bot.targets import answer_privately

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

MODAL = rf"milo:editm:{JOB}:(?P<message>\d{{1,20}}){SERVICE}"
FIELD = "edit"
PREFILL_WAIT_S = 2.0  # Discord wants the modal within 3 s of the click
ON_IT = "✏️ On it: your edit comes as a reply to the picture."


def scene_of(job: Job | None) -> str:
    """The words of a picture's scene, to start an edit from: what was asked, or for a picture
    already edited, the scene as the planner put it."""
    plan = (job.plan if job is not None else None) or {}
    text = str(plan.get("text") or "")
    return str(plan.get("action") or text) if "→" in text else text


def edit_words(typed: str, shown: str) -> str:
    """What an edit asks beyond the scene the modal showed: the scene kept as shown with words
    after it ("…at the desk, now at the rack") is an edit of those words alone, so the planner
    reads the change, not the old scene again; anything else is the edit as typed."""
    typed, shown = " ".join(typed.split()), " ".join(shown.split())
    if shown and typed.casefold().startswith(shown.casefold()):
        return typed[len(shown):].lstrip(" ,;:.-–—").strip()
    return typed


def edit_lead(text: str, who: discord.abc.User) -> str:
    return f"✏️ *{echo(text)}*, an edit for {who.mention}"


class EditButton(JobButton, template=rf"^milo:edit:{ID}$"):
    """Opens the edit modal, pre-filled with the scene."""

    action, label, emoji = "edit", "Edit", "✏️"

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        if await refuse_here(interaction, replying=True):
            return
        scene = ""
        client = self.client(interaction.client)
        if client is not None:
            try:
                scene = scene_of(await asyncio.wait_for(client.job(self.job_id), PREFILL_WAIT_S))
            except (ServiceError, TimeoutError) as exc:  # the modal opens anyway, empty
                log.info("no scene to pre-fill the edit of job %s: %s", self.job_id, exc)
        message_id = interaction.message.id if interaction.message else 0
        await open_modal(interaction, edit_modal(self.job_id, message_id, self.service, scene,
                                                 interaction.client.settings.bot_max_text_chars))


def edit_modal(job_id: str, message_id: int, service: str, scene: str, max_chars: int) -> discord.ui.Modal:
    modal = discord.ui.Modal(title="Edit this picture", custom_id=custom_id("editm", job_id, message_id, service=service))
    modal.add_item(text_input(FIELD, "What should change?", default=scene, long=True, max_length=max_chars,
                              placeholder="e.g. now at the rack · add James · make it night"))
    return modal


async def submit_edit(interaction: discord.Interaction[MiloBot], match: re.Match[str]) -> None:
    """The edit modal was sent: check the words and the channel, then follow the edit to its
    picture, a reply to the original message."""
    bot = interaction.client
    text, problem = checked_scene(bot, submitted(interaction, FIELD), "edit")
    if problem is not None or text is None:
        await answer_privately(interaction, problem or "")
        return
    if await refuse_here(interaction, replying=True):
        return
    service = match["service"] or ""
    parent = await finished_job(interaction, bot.services.get(service), match["job"])
    if parent is None:
        return
    text = edit_words(text, scene_of(parent))
    if not text:  # the scene sent back as it was shown
        await answer_privately(interaction, EMPTY_EDIT)
        return
    await interaction.response.send_message(ON_IT, ephemeral=True)
    user = interaction.user
    pending = PendingJob(
        origin="edit", action="edit", parent=parent.id, service=service,
        body={"text": text, "user": str(user.id), "as": bot.character_of(user.id)},
        requester_id=user.id, channel_id=interaction.channel_id or 0, guild_id=interaction.guild_id,
        reply_to=int(match["message"]) or None, scene=echo(text), lead=edit_lead(text, user),
        filesize_limit=interaction.filesize_limit,
    )
    await bot.follower.start(pending)
