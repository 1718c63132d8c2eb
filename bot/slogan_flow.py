"""👕 New slogan: a choice of sayings, applied without a new render.

The button opens a private menu: five sayings from data/bofh.txt (shorter ones when the last
did not fit on the shirt) and "Write my own…" (a modal, at most 48 characters). The choice
goes on the kept clean render (the compositor only, no GPU):
- for the requester and moderators (Manage Messages), in the picture itself;
- for anyone else, on a copy of their own (`POST /v1/jobs/{id}/shirt` with their user: the
  service makes a new job of kind "reslogan"), posted as a reply to the original, which
  stays as it was.
One change per `CARTOON_BOT_SLOGAN_COOLDOWN_S` per person. The menu's and the modal's custom
ids carry the job, its requester and the picture's message, so both work across a restart.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.buttons import ID, JOB, SERVICE, USER, JobButton, custom_id, owns, refuse_here
from bot.captions import FALLBACK_CAPTION, caption, picture_notes
from bot.checks import checked_slogan
from bot.imaging import fit_to_limit
from bot.modals import open_modal, submitted, text_input
from bot.posted import Posted
from bot.progress import png_file
from bot.safe_text import NO_PINGS, echo
from bot.sayings import load_lines
from bot.service_client import Job, ServiceError
from bot.targets import REFUSED_EDITS, answer_privately
from bot.wording import GONE, in_about, say

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

NO_SHIRT = "There's no shirt in this picture to write a slogan on."
CHOICES = 5
OWN = "✍️ own"  # the menu value of "Write my own…" (no saying starts with it)
FIELD = "slogan"
MESSAGE = r"(?P<message>\d{1,20})"
MENU = rf"^milo:pick:{JOB}:{USER}:{MESSAGE}{SERVICE}$"
MODAL = rf"milo:own:{JOB}:{USER}:{MESSAGE}{SERVICE}"


def sayings(bot: MiloBot) -> list[str]:
    return load_lines(bot.settings.data_dir / "bofh.txt")


def five_sayings(all_sayings: list[str], current: str | None, *, shorter: bool, rng: random.Random) -> list[str]:
    """Five sayings other than `current`; with `shorter` (it did not fit), shorter ones first."""
    pool = [s for s in all_sayings if s != current]
    if shorter and current:
        pool = [s for s in pool if len(s) < len(current)] or sorted(pool, key=len)[:CHOICES]
    return rng.sample(pool, min(CHOICES, len(pool)))


class SloganButton(JobButton, template=rf"^milo:slogan:{ID}$"):
    """Opens the private menu of sayings for this picture."""

    action, label, emoji = "slogan", "New slogan", "👕"

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        job = await self.finished_job(interaction)
        if job is None:
            return
        current = (job.plan or {}).get("slogan")
        if not current:
            await answer_privately(interaction, NO_SHIRT)
            return
        skipped = job.compositor.get("method") == "skipped"
        choices = five_sayings(sayings(interaction.client), current, shorter=skipped, rng=random.Random())
        message_id = interaction.message.id if interaction.message else 0
        view = discord.ui.View(timeout=None)
        view.add_item(SloganMenu(self.job_id, self.user_id, message_id, self.service, choices))
        mine = "" if self.owns(interaction) else " You'll get a copy of your own; the original stays as it is."
        await interaction.followup.send(f"👕 Pick a new slogan for Milo's shirt.{mine}", view=view, ephemeral=True,
                                        allowed_mentions=NO_PINGS)


class SloganMenu(discord.ui.DynamicItem[discord.ui.Select], template=MENU):
    """The sayings to choose from, and "Write my own…"."""

    def __init__(self, job_id: str, user_id: int, message_id: int, service: str = "",
                 choices: list[str] | None = None) -> None:
        self.job_id, self.user_id, self.message_id, self.service = job_id, user_id, message_id, service
        options = [discord.SelectOption(label=s, value=s) for s in choices or []]
        options.append(discord.SelectOption(label="Write my own…", value=OWN, emoji="✍️"))
        super().__init__(discord.ui.Select(
            custom_id=custom_id("pick", job_id, user_id, message_id, service=service),
            placeholder="Choose a slogan", options=options))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> SloganMenu:
        return cls(match["job"], int(match["user"]), int(match["message"]), match["service"] or "")

    async def callback(self, interaction: discord.Interaction[MiloBot]) -> None:
        try:
            values = (interaction.data or {}).get("values") or []
            if not values:
                return
            if values[0] == OWN:
                await open_modal(interaction, own_slogan_modal(self.job_id, self.user_id, self.message_id, self.service))
                return
            await apply_slogan(interaction, self.job_id, self.user_id, self.message_id, self.service, str(values[0]))
        except Exception:
            log.exception("the slogan menu of job %s failed for %s", self.job_id, interaction.user.id)
            await answer_privately(interaction, "Something went wrong on my side. Please try again in a moment.")


def own_slogan_modal(job_id: str, user_id: int, message_id: int, service: str) -> discord.ui.Modal:
    from agent.state import MAX_SLOGAN_CHARS

    modal = discord.ui.Modal(title="A slogan for Milo's shirt",
                             custom_id=custom_id("own", job_id, user_id, message_id, service=service))
    modal.add_item(text_input(FIELD, "Your slogan", max_length=MAX_SLOGAN_CHARS, placeholder="e.g. It's Always DNS"))
    return modal


async def submit_own_slogan(interaction: discord.Interaction[MiloBot], match: re.Match[str]) -> None:
    await apply_slogan(interaction, match["job"], int(match["user"]), int(match["message"]), match["service"] or "",
                       submitted(interaction, FIELD))


async def apply_slogan(interaction: discord.Interaction[MiloBot], job_id: str, owner_id: int, message_id: int,
                       service: str, wanted: str) -> None:
    """Put `wanted` on the picture (its requester or a moderator) or on a copy for the clicker;
    the private menu then says what happened."""
    bot = interaction.client
    slogan, problem = checked_slogan(bot, wanted)
    if problem is not None or slogan is None:
        await answer_privately(interaction, problem or "")
        return
    wait = bot.slogan_cooldown.retry_after(interaction.user.id)
    if wait is not None:
        await answer_privately(interaction, f"You changed a slogan a moment ago; the next one is ready {in_about(wait)}.")
        return
    mine = owns(interaction, owner_id)
    if not mine and await refuse_here(interaction):  # a copy is a new picture in this channel
        return
    client = bot.services.get(service)
    if client is None:
        await answer_privately(interaction, GONE)
        return
    await interaction.response.defer()  # the menu's message is updated when it is done
    try:
        answer = await client.reslogan(job_id, slogan, user=None if mine else str(interaction.user.id))
        job = await client.job(str(answer["id"]))
        png = await client.image(job.id)
    except ServiceError as exc:
        log.warning("slogan %r on job %s for %s failed: %s", slogan, job_id, interaction.user.id, exc)
        await answer_privately(interaction, say(exc))
        return
    fitted = await asyncio.to_thread(fit_to_limit, png, interaction.filesize_limit, f"milo-{job.id[:12]}")
    channel = bot.get_partial_messageable(interaction.channel_id or 0, guild_id=interaction.guild_id)
    extra = ([FALLBACK_CAPTION] if service else []) + ([fitted.note] if fitted.note else [])
    if mine:
        where = await _in_place(bot, channel, message_id, job, slogan, extra, fitted, owner_id, service)
        done = f"👕 Done: the picture now says **{echo(slogan)}**."
    else:
        scene = echo((job.plan or {}).get("text") or "the same scene")
        text = caption(f"👕 *{scene}* with a new slogan for {interaction.user.mention}", job, notes=extra)
        message = await channel.send(text, file=png_file(fitted.data, fitted.filename),
                                     view=bot.picture_view(job.id, interaction.user.id, service),
                                     reference=discord.MessageReference(message_id=message_id, channel_id=channel.id,
                                                                        fail_if_not_exists=False),
                                     allowed_mentions=NO_PINGS)
        where = message.id
        done = f"👕 Done: your copy says **{echo(slogan)}**."
    await asyncio.to_thread(bot.posted.record, Posted(job.id, service, interaction.guild_id, channel.id, where,
                                                      owner_id if mine else interaction.user.id))
    await interaction.edit_original_response(content=done, view=None, allowed_mentions=NO_PINGS)


async def _in_place(bot: MiloBot, channel: discord.PartialMessageable, message_id: int, job: Job, slogan: str,
                    extra: list[str], fitted: Any, owner_id: int, service: str) -> int:
    """Edit the picture's message to carry the new slogan (its caption's first line kept, the
    shirt part changed); where Discord will not (deleted, too many edits of an old message),
    post it anew with the picture's buttons. Its message id."""
    try:
        old = await channel.fetch_message(message_id)
        lead = old.content.split("\n", 1)[0]
    except discord.HTTPException:
        old, lead = None, ""
    if lead:
        content = "\n".join([with_slogan(lead, slogan)] + [f"-# {n}" for n in picture_notes(job, None) + extra])
    else:
        content = caption(f"🦝 *{echo((job.plan or {}).get('text') or 'the same scene')}*", job, notes=extra)
    file = png_file(fitted.data, fitted.filename)
    if old is not None:
        try:
            await channel.get_partial_message(message_id).edit(content=content, attachments=[file],
                                                               allowed_mentions=NO_PINGS)
            return message_id
        except discord.HTTPException as exc:
            if exc.code not in REFUSED_EDITS and exc.status not in (403, 404):
                raise
            log.info("job %s: Discord refused the slogan edit (%s); posting it anew", job.id, exc.code)
            file.reset()
    message = await channel.send(content, file=file, view=bot.picture_view(job.id, owner_id, service),
                                 allowed_mentions=NO_PINGS)
    return message.id


_SHIRT = re.compile(r"Shirt: \*\*.*?\*\*")


def with_slogan(line: str, slogan: str | None) -> str:
    """The caption's first line with its `Shirt:` part replaced by the new slogan."""
    if not slogan:
        return line
    new = f"Shirt: **{echo(slogan)}**"
    if _SHIRT.search(line):
        return _SHIRT.sub(lambda _: new, line, count=1)
    return f"{line} · {new}" if line else new
