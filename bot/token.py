"""Check DISCORD_TOKEN before anything heavy is imported: a missing or malformed token is
one line and exit code 2 (`InputError`), without loading discord.py."""

from __future__ import annotations

import base64

from core.errors import InputError

TOKEN_HELP = "copy the bot token from https://discord.com/developers/applications (Bot → Reset Token)"


def check_token(token: str | None) -> str:
    """The token, stripped; `InputError` when it is missing or cannot be a bot token."""
    token = (token or "").strip().removeprefix("Bot ").strip()
    if not token:
        raise InputError(f"DISCORD_TOKEN is not set; {TOKEN_HELP} and set DISCORD_TOKEN (or put it in .env)")
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        raise InputError(f"DISCORD_TOKEN does not look like a bot token (three dot-separated parts); {TOKEN_HELP}")
    try:
        user_id = base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        user_id = ""
    if not user_id.isdigit():
        raise InputError(f"DISCORD_TOKEN does not look like a bot token (its first part is not a user id); {TOKEN_HELP}")
    return token
