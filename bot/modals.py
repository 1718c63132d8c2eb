"""Modals that keep working after a restart. discord.py keeps a sent modal in memory and drops
its submission when the process that sent it is gone; these are sent without being kept
(`open_modal`), and every submission is routed by its custom id (`ModalRoutes`, from the
bot's `on_interaction`), which carries what the handler needs, like a button's."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.targets import answer_privately
from bot.wording import OOPS

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)
Handler = Callable[["discord.Interaction[MiloBot]", re.Match[str]], Awaitable[None]]


async def open_modal(interaction: discord.Interaction, modal: discord.ui.Modal) -> None:
    """Answer with `modal`, not kept in discord.py's store: its submission goes to `ModalRoutes`."""
    modal.stop()
    await interaction.response.send_modal(modal)


def text_input(custom_id: str, label: str, *, default: str = "", placeholder: str | None = None,
               max_length: int = 1000, long: bool = False) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(custom_id=custom_id, label=label, default=default[:max_length] or None,
                                placeholder=placeholder, max_length=max_length, required=True,
                                style=discord.TextStyle.paragraph if long else discord.TextStyle.short)


def submitted(interaction: discord.Interaction, custom_id: str) -> str:
    """What the person typed into the text input `custom_id` of a submitted modal ("" if absent)."""
    for row in (interaction.data or {}).get("components", []):
        inner = [row["component"]] if "component" in row else row.get("components", [])
        for item in inner:
            if item.get("custom_id") == custom_id:
                return str(item.get("value") or "")
    return ""


class ModalRoutes:
    """Submitted modals by custom id pattern → their handler."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], Handler]] = []

    def add(self, pattern: str, handler: Handler) -> None:
        self._routes.append((re.compile(pattern), handler))

    async def dispatch(self, interaction: discord.Interaction[MiloBot]) -> bool:
        """Run the handler of a submitted modal; False when no route takes it."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        for pattern, handler in self._routes:
            match = pattern.fullmatch(custom_id)
            if match is None:
                continue
            try:
                await handler(interaction, match)
            except Exception:
                log.exception("modal %s failed for %s", custom_id, interaction.user.id)
                try:
                    await answer_privately(interaction, OOPS)
                except discord.HTTPException as exc:
                    log.warning("could not tell %s that the modal failed: %s", interaction.user.id, exc)
            return True
        log.info("a modal with the unknown custom id %r was submitted", custom_id[:100])
        return False
