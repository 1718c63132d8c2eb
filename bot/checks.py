"""The checks on what people type before anything is queued: a scene (/cartoon), an edit
(the ✏️ modal, /cartoon-edit) or a slogan (/cartoon shirt:, "Write my own…"). Each refusal is
one polite line for a private answer; what passes is the text to send to the service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agent.state import MAX_SLOGAN_CHARS, clean_text
from bot.mentions import HELP_HINT, MASS_MENTION_REPLY, has_mass_mention, scene_text

if TYPE_CHECKING:
    from bot.client import MiloBot

EMPTY_EDIT = "Tell me what to change, e.g. “now at the rack”, “add James” or “make it night”."
EMPTY_SLOGAN = "That slogan is empty; give Milo a few words for his shirt."


def checked_scene(bot: MiloBot, raw: str, kind: str = "scene") -> tuple[str | None, str | None]:
    """`(text, None)` for a scene or an edit (`kind`) that may be drawn, mentions turned into
    names; `(None, why not)` otherwise."""
    if has_mass_mention(raw):
        return None, MASS_MENTION_REPLY
    text = scene_text(raw, bot_id=bot.user.id, user_characters=bot.settings.user_characters,
                      character_names=bot.character_names)
    if not text:
        return None, EMPTY_EDIT if kind == "edit" else f"That scene has nothing I can draw. {HELP_HINT}"
    limit = bot.settings.bot_max_text_chars
    if len(text) > limit:
        return None, f"That {kind} is {len(text)} characters; describe it in under {limit}, please."
    refusal = bot.blocked.refusal(text, kind)
    return (None, refusal) if refusal else (text, None)


def checked_slogan(bot: MiloBot, raw: str | None) -> tuple[str | None, str | None]:
    """`(slogan, None)` for a slogan Milo may wear (None asked: `(None, None)`); `(None, why not)`."""
    if raw is None:
        return None, None
    slogan = clean_text(raw)
    if not slogan:
        return None, EMPTY_SLOGAN
    if len(slogan) > MAX_SLOGAN_CHARS:
        return None, (f"That slogan is {len(slogan)} characters; Milo's chest panel holds {MAX_SLOGAN_CHARS}. "
                      "Please pick a shorter one.")
    refusal = bot.blocked.refusal(slogan, "slogan")
    return (None, refusal) if refusal else (slogan, None)
