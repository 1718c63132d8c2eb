"""Turn a message that mentions the bot into a scene request, or into the reason it is not one.

"@Milo draw me and James at the whiteboard" becomes `{"text": "draw me and James at the
whiteboard", "as": "james", "user": "<id>"}` when the author is mapped to James in
`CARTOON_USER_CHARACTERS`. Everything a message can get wrong (only a mention, empty or
overlong text, @everyone/@here inside) is caught here, before anything is queued; "@Milo
help" asks for the help text. `scene_text` does the same mention clean-up for /cartoon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.state import clean_text

HELP_HINT = "Tell me what to draw, e.g. `@Milo draw me and James at the whiteboard`, or use `/cartoon`."
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_OTHER_MENTION = re.compile(r"<@&\d+>|<#\d+>")  # roles and channels: nothing to draw
_MASS_MENTION = re.compile(r"@(everyone|here)\b")
MASS_MENTION_REPLY = "I don't draw for @everyone or @here. Ask me again without it."


@dataclass(frozen=True)
class MentionRequest:
    text: str
    as_: str | None


@dataclass(frozen=True)
class MentionProblem:
    reply: str


@dataclass(frozen=True)
class MentionHelp:
    """"@Milo help": answer with the help text."""


HELP_WORDS = {"help", "help me", "hilfe", "commands", "what can you do", "how does this work", ""}


def scene_text(content: str, *, bot_id: int, user_characters: dict[str, str],
               character_names: dict[str, str]) -> str:
    """`content` with user mentions turned into words: the bot's own dropped, a person mapped
    to a character named as that character, anyone else dropped (the planner cannot draw them)."""

    def other_user(match: re.Match[str]) -> str:
        user_id = match[1]
        if int(user_id) == bot_id:
            return " "
        character = user_characters.get(user_id)
        return f" {character_names.get(character, character)} " if character else " "

    return clean_text(_OTHER_MENTION.sub(" ", _USER_MENTION.sub(other_user, content)), keep_lines=True)


def has_mass_mention(text: str) -> bool:
    return bool(_MASS_MENTION.search(text))


def parse_mention(
    content: str,
    *,
    bot_id: int,
    author_id: int,
    user_characters: dict[str, str],
    character_names: dict[str, str],
    max_chars: int,
) -> MentionRequest | MentionProblem | MentionHelp:
    """Parse `content` (raw Discord markup). `character_names` maps character id → display name."""
    if _MASS_MENTION.search(content):
        return MentionProblem(MASS_MENTION_REPLY)
    text = scene_text(content, bot_id=bot_id, user_characters=user_characters, character_names=character_names)
    if not text:
        return MentionProblem(f"Hi! {HELP_HINT}")
    if text.lower().strip(" .!?") in HELP_WORDS:
        return MentionHelp()
    if len(text) > max_chars:
        return MentionProblem(
            f"That's {len(text)} characters; describe the scene in under {max_chars}, please."
        )
    return MentionRequest(text=text, as_=user_characters.get(str(author_id)))
