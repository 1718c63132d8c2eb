"""Turn a message that mentions the bot into a scene request, or into the reason it is not one.

"@Milo draw me and James at the whiteboard" becomes `{"text": "draw me and James at the
whiteboard", "as": "james", "user": "<id>"}` when the author is mapped to James in
`CARTOON_USER_CHARACTERS`. Everything a message can get wrong (only a mention, empty or
overlong text, @everyone/@here inside) is caught here, before anything is queued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.state import clean_text

HELP_HINT = "Tell me what to draw, e.g. `@Milo draw me and James at the whiteboard`, or use `/cartoon`."
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_MASS_MENTION = re.compile(r"@(everyone|here)\b")


@dataclass(frozen=True)
class MentionRequest:
    text: str
    as_: str | None


@dataclass(frozen=True)
class MentionProblem:
    reply: str


def parse_mention(
    content: str,
    *,
    bot_id: int,
    author_id: int,
    user_characters: dict[str, str],
    character_names: dict[str, str],
    max_chars: int,
) -> MentionRequest | MentionProblem:
    """Parse `content` (raw Discord markup). `character_names` maps character id → display name."""
    if _MASS_MENTION.search(content):
        return MentionProblem("I don't draw for @everyone or @here. Ask me again without it.")

    def other_user(match: re.Match[str]) -> str:
        # A mention of the bot is dropped; a mapped person becomes their character's name.
        user_id = match[1]
        if int(user_id) == bot_id:
            return " "
        character = user_characters.get(user_id)
        return f" {character_names.get(character, character)} " if character else " "

    text = clean_text(_USER_MENTION.sub(other_user, content), keep_lines=True)
    if not text:
        return MentionProblem(f"Hi! {HELP_HINT}")
    if len(text) > max_chars:
        return MentionProblem(
            f"That's {len(text)} characters; describe the scene in under {max_chars}, please."
        )
    return MentionRequest(text=text, as_=user_characters.get(str(author_id)))
