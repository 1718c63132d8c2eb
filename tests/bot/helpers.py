"""Helpers for the bot tests (the fixtures live in conftest.py): a real `cartoon serve` (preview backend) on 127.0.0.1, a small real
Discord REST server for interactions (tests/servers/discord_api.py), and a `MiloBot` whose
guild, channel and members come from dpytest.

Interactions are discord.py's own `discord.Interaction` objects built from the payload
Discord would send; their responses travel over HTTP to the local Discord server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import discord
import discord.ext.test as dpytest

from bot.client import MiloBot
from bot.service_client import RenderClient
from core.settings import Settings
from tests.servers.discord_api import APPLICATION_ID
from tests.service.helpers import ServeProcess, service_env

ROOT = Path(__file__).resolve().parents[2]
RENDER_TOKEN = "test-render-token"
_SERIALS = itertools.count(1)


class Service(ServeProcess):
    """A `cartoon serve --backend preview` subprocess for the bot tests; `wait()` reads its
    JSON ready line (start several, then wait for each: they start in parallel)."""

    def __init__(self, tmp: Path, **env: str) -> None:
        # 1024 px (service_env's size): the compositor needs room for the slogan; preview renders it fast.
        environ = service_env(tmp / "service", CARTOON_RENDER_TOKEN=RENDER_TOKEN, **env)
        super().__init__(environ, "--backend", "preview", wait=False)

    def wait(self) -> Service:
        try:
            self.wait_ready()
        except RuntimeError:
            self.stop()
            raise
        return self










def bot_settings(tmp: Path, **overrides: Any) -> Settings:
    settings = Settings(_env_file=None, llm_url=None, bot_state_dir=tmp / "bot-state", daily_channel=None)
    # model_copy skips validation: tests use a shorter edit interval than the 2-3 s allowed.
    return settings.model_copy(update={"bot_progress_interval_s": 0.2, **overrides})




async def start_bot(settings: Settings, service_url: str, *,
                    before_setup: Callable[[MiloBot], Awaitable[None]] | None = None,
                    fallback_url: str | None = None) -> MiloBot:
    """A MiloBot on dpytest's fake gateway state, set up the way `login` would (setup_hook)."""
    fallback = RenderClient(fallback_url, RENDER_TOKEN) if fallback_url else None
    bot = MiloBot(settings, render=RenderClient(service_url, RENDER_TOKEN), render_fallback=fallback)
    await bot._async_setup_hook()
    # dpytest's fake guild keeps its members in discord.py's member cache, which needs the
    # members intent; the bot itself does not ask for it (interactions carry the member).
    bot._connection._intents.members = True
    bot._connection.member_cache_flags = discord.MemberCacheFlags.from_intents(bot._connection._intents)
    dpytest.configure(bot, members=["alice", "james", "mod"])
    _edits_with_files(bot)
    # Interaction responses go to the local Discord server through the HTTP session.
    bot.http._HTTPClient__session = aiohttp.ClientSession()  # type: ignore[attr-defined]
    if before_setup is not None:
        await before_setup(bot)
    await bot.setup_hook()
    return bot


def _edits_with_files(bot: MiloBot) -> None:
    """dpytest 0.7 edits messages from JSON payloads only; an edit that uploads a file comes
    as multipart. Turn it into the payload Discord would store (attachments with a size
    and URL) before dpytest's own edit runs; the files still reach the edit callback."""
    fake_edit = bot.http.edit_message

    async def edit_message(channel_id: int, message_id: int, *, params: Any) -> Any:
        self = bot._connection._get_message(message_id)  # noqa: F841 - dpytest reads the caller's `self`
        if params.payload is None:
            payload = json.loads(next(p["value"] for p in params.multipart if p["name"] == "payload_json"))
            payload["attachments"] = [
                {"id": str(i), "filename": f.filename, "size": len(f.fp.getvalue()),
                 "url": f"https://cdn.invalid/{f.filename}", "proxy_url": f"https://cdn.invalid/{f.filename}"}
                for i, f in enumerate(params.files)
            ]
            params = params._replace(payload=payload)
        return await fake_edit(channel_id, message_id, params=params)

    fake_send = bot.http.send_message
    references: dict[int, dict[str, Any]] = {}

    async def send_message(channel_id: int, *, params: Any) -> Any:
        # dpytest drops `message_reference` (what makes a reply); keep it for the tests.
        channel = bot.get_channel(channel_id) or bot._connection._get_private_channel(channel_id)  # noqa: F841 - read by dpytest
        data = await fake_send(channel_id, params=params)
        if params.payload and params.payload.get("message_reference"):
            references[int(data["id"])] = params.payload["message_reference"]
        return data

    bot.http.edit_message = edit_message  # type: ignore[method-assign]
    bot.http.send_message = send_message  # type: ignore[method-assign]
    bot.http.references = references  # type: ignore[attr-defined]


async def stop_bot(bot: MiloBot) -> None:
    session = bot.http._HTTPClient__session  # type: ignore[attr-defined]
    if session.closed:
        return  # stopped already (a test that restarts the bot)
    await dpytest.empty_queue()
    if bot.scheduler.running:
        bot.scheduler.shutdown(wait=False)
    for extension in list(bot.extensions):
        await bot.unload_extension(extension)
    await bot.render.aclose()
    if bot.render_fallback is not None:
        await bot.render_fallback.aclose()
    await session.close()


class ChannelLog:
    """What the bot sent and edited through the bot HTTP client (dpytest's FakeHttp):
    message id → {"content", "files" (name → bytes), "components", "reference"}."""

    def __init__(self) -> None:
        self.messages: dict[int, dict[str, Any]] = {}
        self.order: list[int] = []

    async def on_send(self, message: discord.Message) -> None:
        await dpytest.runner._message_callback(message)  # keep dpytest's own sent queue
        self.order.append(message.id)
        self.messages[message.id] = {"content": message.content, "files": {}, "components": [],
                                     "channel": message.channel.id}

    async def on_edit(self, channel: Any, message: discord.Message, fields: dict[str, Any]) -> None:
        params = fields["params"]
        entry = self.messages.setdefault(message.id, {"files": {}, "components": [], "channel": channel.id})
        payload = params.payload or {}
        if "content" in payload:
            entry["content"] = payload["content"]
        if "components" in payload:
            entry["components"] = payload["components"]
        if params.files:
            entry["files"] = {}
            for file in params.files:
                file.fp.seek(0)
                entry["files"][file.filename] = file.fp.read()

    def last(self) -> dict[str, Any]:
        return self.messages[self.order[-1]]






def interaction_payload(
    bot: MiloBot,
    *,
    member: discord.Member,
    channel: discord.TextChannel,
    kind: int = 2,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
    created: dt.datetime | None = None,
    size_limit: int = 10 * 1024 * 1024,
    permissions: discord.Permissions | None = None,
) -> dict[str, Any]:
    """The INTERACTION_CREATE payload Discord sends for a slash command (2) or button (3)."""
    # The creation time lives in a snowflake's top bits; the low 22 bits take a serial number,
    # so interactions made in the same millisecond still get different ids and tokens.
    serial = next(_SERIALS)
    snowflake = discord.utils.time_snowflake(created or discord.utils.utcnow()) + serial % (1 << 22)
    perms = permissions or discord.Permissions(  # an ordinary member: no Manage Messages
        view_channel=True, send_messages=True, read_message_history=True, use_application_commands=True)
    payload: dict[str, Any] = {
        "id": str(snowflake), "application_id": str(APPLICATION_ID), "type": kind,
        "token": f"interaction-token-{serial}", "version": 1,
        "guild_id": str(channel.guild.id), "channel_id": str(channel.id),
        "channel": {"id": str(channel.id), "type": 0, "guild_id": str(channel.guild.id), "name": channel.name,
                    "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None},
        "member": {
            "user": {"id": str(member.id), "username": member.name, "discriminator": "0",
                     "global_name": member.name, "avatar": None},
            "roles": [], "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False,
            "flags": 0, "permissions": str(perms.value),
        },
        "data": data, "locale": "en-US", "guild_locale": "en-US",
        "app_permissions": str(discord.Permissions.all().value), "entitlements": [],
        "authorizing_integration_owners": {"0": str(channel.guild.id)}, "context": 0,
        "attachment_size_limit": size_limit,
    }
    if message is not None:
        payload["message"] = {**message, "channel_id": str(channel.id)}
    return payload


def make_interaction(bot: MiloBot, **kwargs: Any) -> discord.Interaction:
    return discord.Interaction(data=interaction_payload(bot, **kwargs), state=bot._connection)


def command_data(name: str, **options: Any) -> dict[str, Any]:
    kinds = {str: 3, int: 4}
    return {"id": "1", "name": name, "type": 1,
            "options": [{"name": k, "type": kinds[type(v)], "value": v} for k, v in options.items()]}


def button_data(custom_id: str) -> dict[str, Any]:
    return {"custom_id": custom_id, "component_type": 2}


def member(index: int) -> discord.Member:
    return dpytest.get_config().members[index]


def text_channel() -> discord.TextChannel:
    return dpytest.get_config().channels[0]


async def until(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Wait (without blocking the loop) until `check()` is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {check}")


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row.get("components", [])]
