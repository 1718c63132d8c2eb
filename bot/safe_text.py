"""Text people typed, made safe to echo, and who a message may ping.

Anything a person wrote (a scene, a slogan, a plan's notes) is shown back in Discord
through `echo`: mentions become plain words (`<@id>` → "@someone", `@everyone` →
"everyone"), markdown is escaped (so `**`, masked links `[text](url)` and `# headings`
show as typed) and line breaks become spaces. Every message the bot sends or edits passes
`allowed_mentions` explicitly: `NO_PINGS`, or `ping(requester)` for the one new message
that carries a finished picture to someone who is no longer looking at the reply.
"""

from __future__ import annotations

import re

import discord

ECHO_CHARS = 200  # the longest echo of a person's text in one message

_MENTION_WORDS = (
    (re.compile(r"<@&\d+>"), "@role"),
    (re.compile(r"<@!?\d+>"), "@someone"),
    (re.compile(r"<#\d+>"), "#channel"),
    (re.compile(r"@(everyone|here)\b"), r"\1"),
)

NO_PINGS = discord.AllowedMentions.none()


def ping(user_id: int) -> discord.AllowedMentions:
    """Mentions in the message notify this user only: no roles, no @everyone, nobody else."""
    return discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(user_id)],
                                   replied_user=False)


def echo(text: str, *, limit: int = ECHO_CHARS) -> str:
    """`text` as it may appear inside a bot message: no mentions, markdown escaped, one line,
    at most `limit` characters (cut with "…")."""
    for pattern, word in _MENTION_WORDS:
        text = pattern.sub(word, text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return discord.utils.escape_markdown(text)
