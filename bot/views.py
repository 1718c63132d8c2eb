"""The buttons under a picture and under a picture being drawn, and every component class the
bot registers so they keep working after a restart (`DYNAMIC_ITEMS`).

Under a picture, one row: 🎲 Reroll, 🔀 Vary, ✏️ Edit, 👕 New slogan, 🗑️ Delete (Discord
allows five a row; more go on a second row). Under a picture being drawn: ✖️ Cancel. Each
button's custom id carries the job, its requester and the service that drew it
(`milo:<action>:<job>:<user>[:f]`, at most 100 characters; see bot/buttons.py).

Who may do what:
- Reroll, Vary, Edit: anyone; the new picture is the clicker's (the original is untouched).
- New slogan: a menu of sayings; the requester and moderators (Manage Messages) change the
  picture in place, anyone else gets a copy of their own (bot/slogan_flow.py).
- Delete and Cancel: the requester, or Manage Messages.
"""

from __future__ import annotations

import discord

from bot.buttons import CancelButton, DeleteButton
from bot.edit_flow import EditButton
from bot.redraw_buttons import RerollButton, VaryButton
from bot.slogan_flow import SloganButton, SloganMenu
from core.settings import get_settings

PICTURE_BUTTONS = (RerollButton, VaryButton, EditButton, SloganButton, DeleteButton)
DYNAMIC_ITEMS = (*PICTURE_BUTTONS, CancelButton, SloganMenu)


def picture_view(job_id: str, requester_id: int, service: str = "", *, gallery_url: str | None = None) -> discord.ui.View:
    """The buttons of one picture (persistent: no timeout); `service` is the tag of the service
    that drew it ("" primary, "f" fallback). The one place a picture's view is built. With
    CARTOON_GALLERY_URL (or `gallery_url`), a link to the picture's gallery page too, on the
    second row (the primary's pictures only: the fallback's jobs are not in that gallery)."""
    view = discord.ui.View(timeout=None)
    for button in PICTURE_BUTTONS:
        view.add_item(button(job_id, requester_id, service))
    gallery = get_settings().gallery_url if gallery_url is None else gallery_url
    if gallery and not service:
        view.add_item(discord.ui.Button(label="Gallery", emoji="🖼", url=f"{gallery.rstrip('/')}/p/{job_id}", row=1))
    return view


def progress_view(job_id: str, requester_id: int, service: str = "") -> discord.ui.View:
    """The button of a picture being drawn: Cancel."""
    view = discord.ui.View(timeout=None)
    view.add_item(CancelButton(job_id, requester_id, service))
    return view
