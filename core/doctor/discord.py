"""Checks of the Discord side: the bot token's shape, and that the bot can post in the
daily channel (Discord REST API, the bot's own token, computed channel permissions)."""

from __future__ import annotations

import base64

from core.doctor import fetch
from core.doctor.result import CheckResult, fail, ok, warn
from core.errors import InputError
from core.settings import Settings

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
ATTACH_FILES = 1 << 15
NEEDED = {VIEW_CHANNEL: "View Channel", SEND_MESSAGES: "Send Messages", ATTACH_FILES: "Attach Files"}
TEXT_CHANNEL_TYPES = {0: "text", 5: "announcement"}


def usable_token(raw: str | None) -> tuple[str, str] | str:
    """(token as `cartoon bot` will send it, the bot's user id), or why the bot refuses it.

    The rules are the bot's own (`bot.token.check_token`), so the doctor never passes a
    token the bot rejects, nor fails one it accepts."""
    from bot.token import check_token as bot_check

    try:
        token = bot_check(raw)
    except InputError as exc:
        return str(exc)
    first = token.split(".")[0]
    return token, base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")


def check_token(settings: Settings) -> CheckResult:
    raw = settings.discord_token or ""
    usable = usable_token(raw)
    if isinstance(usable, str):
        token = raw.strip().removeprefix("Bot ").strip()
        if not token:
            return fail("token", "DISCORD_TOKEN is not set; copy the bot token from the Developer Portal (Bot → Reset Token) into .env")
        if token.strip("'\"") != token:
            return fail("token", "DISCORD_TOKEN has quotes in it; write it bare in .env (DISCORD_TOKEN=MTE…)")
        if token.isdigit():
            return fail("token", "DISCORD_TOKEN looks like an application or user ID, not a token; copy it from Bot → Reset Token")
        if "." not in token:
            return fail(
                "token",
                "DISCORD_TOKEN is not shaped like a bot token (three dot-separated parts, the first the bot's id); "
                "the client secret and public key are not the token: copy it from Bot → Reset Token",
            )
        return fail("token", usable)
    token, user_id = usable
    if token != raw:
        return warn("token", f"DISCORD_TOKEN works (bot user id {user_id}) but has spaces or a 'Bot ' prefix; write the token alone", bot_id=user_id)
    return ok("token", f"DISCORD_TOKEN is set and shaped like a bot token (bot user id {user_id})", bot_id=user_id)


def check_channel(settings: Settings) -> CheckResult:
    channel_id = settings.daily_channel
    if channel_id is None:
        return warn("channel", "CARTOON_DAILY_CHANNEL is not set: no daily mascot post; set it to a channel ID to get one")
    usable = usable_token(settings.discord_token)
    if isinstance(usable, str):
        return fail("channel", "cannot check the daily channel without a valid DISCORD_TOKEN (see the token check)")
    api = DiscordApi(settings, usable[0])

    me = api.get("/users/@me")
    if me.error or me.status != 200:
        return fail("channel", api.explain(me, "/users/@me"))
    bot_id = str(me.body["id"])

    channel = api.get(f"/channels/{channel_id}")
    if channel.status == 404:
        return fail(
            "channel",
            f"channel {channel_id} does not exist (Unknown Channel); copy its ID again "
            f"(Discord Developer Mode → right-click the channel → Copy Channel ID)",
        )
    if channel.status == 403:
        return fail(
            "channel",
            f"the bot cannot see channel {channel_id} (Missing Access); invite it to that server, or let its role View Channel there",
        )
    if channel.error or channel.status != 200:
        return fail("channel", api.explain(channel, f"/channels/{channel_id}"))
    body = channel.body
    name = f"#{body.get('name', channel_id)}"
    kind = TEXT_CHANNEL_TYPES.get(body.get("type"))
    if kind is None:
        return fail("channel", f"{name} is not a text channel (type {body.get('type')}); pick a text channel for the daily post")
    guild_id = body.get("guild_id")
    if not guild_id:
        return fail("channel", f"channel {channel_id} is not in a server; pick a server text channel")

    member = api.get(f"/guilds/{guild_id}/members/{bot_id}")
    roles = api.get(f"/guilds/{guild_id}/roles")
    for answer, path in ((member, "members"), (roles, "roles")):
        if answer.error or answer.status != 200:
            return fail("channel", api.explain(answer, f"/guilds/{guild_id}/{path}"))
    allowed = channel_permissions(
        guild_id=str(guild_id),
        member_id=bot_id,
        member_roles=[str(r) for r in member.body.get("roles", [])],
        guild_roles=roles.body,
        overwrites=body.get("permission_overwrites", []),
    )
    missing = [label for bit, label in NEEDED.items() if not allowed & bit]
    if missing:
        return fail(
            "channel",
            f"the bot lacks {', '.join(missing)} in {name}; grant them to its role in the channel's "
            f"permissions (Edit Channel → Permissions)",
            channel=name,
        )
    return ok("channel", f"the bot can post pictures in {name} ({kind} channel)", channel=name)


def channel_permissions(
    *, guild_id: str, member_id: str, member_roles: list[str], guild_roles: list[dict], overwrites: list[dict]
) -> int:
    """Discord's documented algorithm: base permissions from @everyone and the member's
    roles, then the channel's overwrites for @everyone, the roles, and the member."""
    by_id = {str(r["id"]): int(r.get("permissions", 0)) for r in guild_roles}
    allowed = by_id.get(guild_id, 0)  # @everyone's role id is the guild id
    for role in member_roles:
        allowed |= by_id.get(role, 0)
    if allowed & ADMINISTRATOR:
        return ~0
    ow = {str(o["id"]): (int(o.get("allow", 0)), int(o.get("deny", 0))) for o in overwrites}
    if guild_id in ow:
        allow, deny = ow[guild_id]
        allowed = (allowed & ~deny) | allow
    role_allow = role_deny = 0
    for role in member_roles:
        allow, deny = ow.get(role, (0, 0))
        role_allow |= allow
        role_deny |= deny
    allowed = (allowed & ~role_deny) | role_allow
    if member_id in ow:
        allow, deny = ow[member_id]
        allowed = (allowed & ~deny) | allow
    return allowed


class DiscordApi:
    """GETs against the Discord REST API with the bot's token."""

    def __init__(self, settings: Settings, token: str) -> None:
        self.base = settings.discord_api_url.rstrip("/")
        self.headers = {"Authorization": f"Bot {token}", "User-Agent": "DiscordBot (milo-cartoons doctor, 0.1)"}
        self.timeout_s = settings.doctor_timeout_s

    def get(self, path: str) -> fetch.Answer:
        return fetch.get(f"{self.base}{path}", timeout_s=self.timeout_s, headers=self.headers)

    def explain(self, answer: fetch.Answer, path: str) -> str:
        if answer.error:
            return f"Discord API at {self.base} is unreachable: {answer.error}; check the box's internet access"
        if answer.status == 401:
            return "Discord refused DISCORD_TOKEN (401 Unauthorized); reset the token in the Developer Portal and put the new one in .env"
        if answer.status == 429:
            retry = (answer.headers or {}).get("Retry-After", "a few")
            return f"Discord rate-limited the check; run cartoon doctor again in {retry} s"
        return f"Discord answered GET {path} with {fetch.error_text(answer)}; run cartoon doctor again later"
