"""🎲 Reroll and 🔀 Vary: a new picture from a finished one, for whoever clicks (the original
is untouched), in a new message that shows its progress and becomes the picture.

- Reroll: the same plan with a new seed, drawn from scratch (`POST /v1/jobs/{id}/reroll`).
- Vary: a subtle variation, the finished picture as the input (`POST /v1/jobs/{id}/vary`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.buttons import ID, JobButton, start_derived
from bot.safe_text import echo

if TYPE_CHECKING:
    from bot.client import MiloBot


class RedrawButton(JobButton, template=r"^$"):
    """A new picture for the clicker, made by the service from this one (`action`)."""

    verb = ""

    async def act(self, interaction: discord.Interaction[MiloBot]) -> None:
        job = await self.job_for_a_new_picture(interaction)
        if job is None:
            return
        scene = echo((job.plan or {}).get("text") or "the same scene")
        await start_derived(interaction, self.action, self.job_id, self.service, {"user": str(interaction.user.id)},
                            scene, lead=f"{self.emoji} {self.verb} *{scene}* for {interaction.user.mention}")


class RerollButton(RedrawButton, template=rf"^milo:reroll:{ID}$"):
    """Same plan, new seed: a new picture for the clicker, as a new message."""

    action, label, emoji, style = "reroll", "Reroll", "🎲", discord.ButtonStyle.primary
    verb = "Reroll of"


class VaryButton(RedrawButton, template=rf"^milo:vary:{ID}$"):
    """A subtle variation of this picture for the clicker, as a new message."""

    action, label, emoji = "vary", "Vary", "🔀"
    verb = "A variation of"
