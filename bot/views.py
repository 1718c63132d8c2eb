"""The buttons under every picture: Reroll, New slogan, Delete.

Each is a `discord.ui.DynamicItem` whose custom id carries the job id and the requester's
user id (`milo:<action>:<job>:<user>`), so the buttons keep working after the bot
restarts: `MiloBot.setup_hook` registers the three classes with `add_dynamic_items`, and
discord.py rebuilds the item from the custom id of whatever message is clicked. A picture
drawn by the fallback render service ends its ids in `:f` (at most 99 characters, within
Discord's 100), so its buttons ask that service; ids without a tag are the primary's.

Who may do what:
- Reroll: anyone; the new picture (same plan, new seed) is the clicker's, in a new message.
- New slogan: the requester and moderators (Manage Messages) change the picture in place
  (the compositor on the kept clean render, no GPU); anyone else gets a picture of their
  own with another saying, through the queue like Reroll. One click per
  `CARTOON_BOT_SLOGAN_COOLDOWN_S` per person either way.
- Delete: the requester, or Manage Messages.
New pictures start with the same permission check as /cartoon.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from typing import TYPE_CHECKING, Any

import discord

from bot import permissions
from bot.captions import FALLBACK_CAPTION, picture_notes
from bot.imaging import fit_to_limit
from bot.progress import png_file
from bot.safe_text import NO_PINGS, echo
from bot.sayings import load_lines, other_saying
from bot.service_client import Job, ServiceError
from bot.targets import REFUSED_EDITS, answer_privately, interaction_job
from bot.wording import GONE, OOPS, in_about, missing_permissions, say
from core.settings import get_settings

if TYPE_CHECKING:
    from bot.client import MiloBot
    from bot.service_client import RenderClient

log = logging.getLogger(__name__)

_ID = r"(?P<job>[A-Za-z0-9_-]{1,64}):(?P<user>\d{1,20})(?::(?P<service>f))?"
NO_SHIRT = "There's no shirt in this picture to write a slogan on."


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
        return interaction.user.id == self.user_id or interaction.permissions.manage_messages

    async def finished_job(self, interaction: discord.Interaction[MiloBot]) -> Job | None:
        """This picture's job, or None after telling the clicker (ephemeral) why not."""
        client = self.client(interaction.client)
        if client is None:
            await answer_privately(interaction, GONE)
            return None
        try:
            job = await client.job(self.job_id)
        except ServiceError as exc:
            log.warning("job %s for a %s click: %s", self.job_id, self.action, exc)
            await answer_privately(interaction, say(exc))
            return None
        if job.plan is None:
            await answer_privately(interaction, GONE)
            return None
        return job


    async def job_for_a_new_picture(self, interaction: discord.Interaction[MiloBot]) -> Job | None:
        """Before a new picture for the clicker: the permissions check, the public "thinking…"
        that becomes the picture, and this picture's job; None after telling the clicker why not."""
        if await refuse_without_permissions(interaction):
            return None
        await interaction.response.defer(thinking=True)
        return await self.finished_job(interaction)


class RerollButton(_JobButton, template=rf"^milo:reroll:{_ID}$"):
    """Same plan, new seed: a new picture for the clicker, as a new message."""

    action, label, emoji, style = "reroll", "Reroll", "🎲", discord.ButtonStyle.primary

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        job = await self.job_for_a_new_picture(interaction)
        if job is None:
            return
        plan = dict(job.plan or {}, seed=random.randrange(2**32))
        scene = echo(plan.get("text") or "the same scene")
        await start_picture(interaction, "reroll", {"plan": plan, "user": str(interaction.user.id)}, scene,
                            lead=f"🎲 Reroll of *{scene}* for {interaction.user.mention}")


class SloganButton(_JobButton, template=rf"^milo:slogan:{_ID}$"):
    """A new saying: in place for the requester and moderators, a new picture for anyone else."""

    action, label, emoji = "slogan", "New slogan", "👕"

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        bot = interaction.client
        wait = bot.slogan_cooldown.retry_after(interaction.user.id)
        if wait is not None:
            await answer_privately(interaction, f"You changed a slogan a moment ago; the next one is ready {in_about(wait)}.")
            return
        if self.owns(interaction):
            await self._in_place(interaction)
        else:
            await self._for_the_clicker(interaction)

    async def _in_place(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer()  # an update of the clicked message, not a new one
        job = await self.finished_job(interaction)
        if job is None:
            return
        if not (job.plan or {}).get("slogan"):
            await answer_privately(interaction, NO_SHIRT)
            return
        bot = interaction.client
        client = self.client(bot)
        assert client is not None
        skipped = job.compositor.get("method") == "skipped"
        slogan = other_saying(sayings(bot), job.plan["slogan"], shorter=True) if skipped else None  # type: ignore[index]
        try:
            await client.reslogan(self.job_id, slogan)
            updated = await client.job(self.job_id)
            png = await client.image(self.job_id)
        except ServiceError as exc:
            log.warning("new slogan for job %s failed: %s", self.job_id, exc)
            await answer_privately(interaction, say(exc))
            return
        fitted = await asyncio.to_thread(fit_to_limit, png, interaction.filesize_limit, f"milo-{self.job_id[:12]}")
        old = interaction.message.content if interaction.message else ""
        lines = [_with_slogan(old.split("\n", 1)[0], (updated.plan or {}).get("slogan"))]
        notes = picture_notes(updated, None) + ([FALLBACK_CAPTION] if self.service else [])
        lines += [f"-# {note}" for note in notes + ([fitted.note] if fitted.note else [])]
        content = "\n".join(lines)
        try:
            await interaction.edit_original_response(
                content=content, attachments=[png_file(fitted.data, fitted.filename)], allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            if exc.code not in REFUSED_EDITS:
                raise
            # Discord will not change this message (deleted, or too many edits of an old one):
            # the new slogan comes as a new message with the picture's buttons.
            log.info("job %s: Discord refused the slogan edit (%s); posting it anew", self.job_id, exc.code)
            await interaction.followup.send(content, file=png_file(fitted.data, fitted.filename),
                                            view=picture_view(self.job_id, self.user_id, self.service),
                                            allowed_mentions=NO_PINGS)

    async def _for_the_clicker(self, interaction: discord.Interaction[MiloBot]) -> None:
        job = await self.job_for_a_new_picture(interaction)
        if job is None:
            return
        plan = dict(job.plan or {})
        if not plan.get("slogan"):
            await answer_privately(interaction, NO_SHIRT)
            return
        skipped = job.compositor.get("method") == "skipped"
        plan["slogan"] = other_saying(sayings(interaction.client), plan["slogan"], shorter=skipped) or plan["slogan"]
        scene = echo(plan.get("text") or "the same scene")
        await start_picture(interaction, "slogan", {"plan": plan, "user": str(interaction.user.id)}, scene,
                            lead=f"👕 *{scene}* with a new slogan for {interaction.user.mention}")


class DeleteButton(_JobButton, template=rf"^milo:delete:{_ID}$"):
    """Removes the picture: only the requester, or someone with Manage Messages."""

    action, label, emoji, style = "delete", "Delete", "🗑️", discord.ButtonStyle.danger

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.owns(interaction):
            return True
        await answer_privately(
            interaction, "Only the person who asked for this picture, or someone with Manage Messages, can delete it.")
        return False

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer()
        await interaction.delete_original_response()


def picture_view(job_id: str, requester_id: int, service: str = "", *, gallery_url: str | None = None) -> discord.ui.View:
    """The three buttons for one picture (persistent: no timeout); `service` is the tag of
    the service that drew it ("" primary, "f" fallback). With CARTOON_GALLERY_URL (or
    `gallery_url`), a link to the picture's gallery page too (the primary's pictures only)."""
    view = discord.ui.View(timeout=None)
    for button in (RerollButton, SloganButton, DeleteButton):
        view.add_item(button(job_id, requester_id, service))
    gallery = get_settings().gallery_url if gallery_url is None else gallery_url
    if gallery and not service:
        view.add_item(discord.ui.Button(label="Gallery", emoji="🖼", url=f"{gallery.rstrip('/')}/p/{job_id}"))
    return view


async def refuse_without_permissions(interaction: discord.Interaction) -> bool:
    """True (after an ephemeral answer naming them) when the bot lacks permissions here."""
    lacking = permissions.missing(interaction.app_permissions, in_thread=permissions.in_thread(interaction.channel),
                                  replying=False)
    if lacking:
        await answer_privately(interaction, missing_permissions(lacking, "this channel"))
    return bool(lacking)


async def start_picture(interaction: discord.Interaction[MiloBot], origin: str, body: dict[str, Any], scene: str,
                        *, lead: str | None = None) -> None:
    """Follow a new job in `interaction`'s (deferred) response until its picture is posted."""
    message = await interaction.original_response()
    pending = interaction_job(interaction, message.id, origin=origin, body=body, scene=scene, lead=lead)
    await interaction.client.follower.start(pending)


def sayings(bot: MiloBot) -> list[str]:
    return load_lines(bot.settings.data_dir / "bofh.txt")


_SHIRT = re.compile(r"Shirt: \*\*.*?\*\*")


def _with_slogan(line: str, slogan: str | None) -> str:
    """The caption's first line with its `Shirt:` part replaced by the new slogan."""
    if not slogan:
        return line
    new = f"Shirt: **{echo(slogan)}**"
    if _SHIRT.search(line):
        return _SHIRT.sub(lambda _: new, line, count=1)
    return f"{line} · {new}" if line else new
