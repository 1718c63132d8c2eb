"""Fixtures for the bot: a real `cartoon serve` (preview backend) on 127.0.0.1, a small real
Discord REST server for interactions (tests/servers/discord_api.py), and a `MiloBot` whose
guild, channel and members come from dpytest.

Interactions are discord.py's own `discord.Interaction` objects built from the payload
Discord would send; their responses travel over HTTP to the local Discord server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import discord.ext.test as dpytest
import pytest
import pytest_asyncio

from bot.client import MiloBot
from bot.service_client import RenderClient
from core.settings import Settings
from tests.servers.discord_api import APPLICATION_ID, DiscordApi

ROOT = Path(__file__).resolve().parents[2]
RENDER_TOKEN = "test-render-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """A `cartoon serve` subprocess; `url` once it printed its JSON ready line."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
        environ.update({
            "PYTHONPATH": str(ROOT), "CARTOON_SERVICE_DIR": str(tmp / "service"),
            "CARTOON_SERVICE_WIDTH": "256", "CARTOON_SERVICE_HEIGHT": "256",
            "CARTOON_RENDER_TOKEN": RENDER_TOKEN, **env,
        })
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "cartoon.py", "serve", "--backend", "preview", "--port", str(self.port), "--json"],
                cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=log, text=True,
            )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError(f"cartoon serve did not start: {self.log.read_text()[-2000:]}")
        self.info = json.loads(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def render_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The render service every bot test talks to: preview backend, one worker, 256 px."""
    service = Service(tmp_path_factory.mktemp("serve"))
    yield service
    service.stop()


@pytest.fixture(scope="session")
def api_only_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A service with no render worker and one queued job per user: jobs stay queued, the
    second request of a user gets 429."""
    service = Service(tmp_path_factory.mktemp("serve-api"), CARTOON_SERVICE_WORKERS="0",
                      CARTOON_SERVICE_MAX_QUEUED_PER_USER="1")
    yield service
    service.stop()


def bot_settings(tmp: Path, **overrides: Any) -> Settings:
    settings = Settings(_env_file=None, llm_url=None, bot_state_dir=tmp / "bot-state", daily_channel=None)
    # model_copy skips validation: tests use a shorter edit interval than the 2-3 s allowed.
    return settings.model_copy(update={"bot_progress_interval_s": 0.2, **overrides})


@pytest_asyncio.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordApi]:
    async with DiscordApi() as api:
        monkeypatch.setattr(discord.http.Route, "BASE", api.base)
        yield api


async def start_bot(settings: Settings, service_url: str) -> MiloBot:
    """A MiloBot on dpytest's fake gateway state, set up the way `login` would (setup_hook)."""
    bot = MiloBot(settings, render=RenderClient(service_url, RENDER_TOKEN))
    await bot._async_setup_hook()
    # dpytest's fake guild keeps its members in discord.py's member cache, which needs the
    # members intent; the bot itself does not ask for it (interactions carry the member).
    bot._connection._intents.members = True
    bot._connection.member_cache_flags = discord.MemberCacheFlags.from_intents(bot._connection._intents)
    dpytest.configure(bot, members=["alice", "james", "mod"])
    # Interaction responses go to the local Discord server through the HTTP session.
    bot.http._HTTPClient__session = aiohttp.ClientSession()  # type: ignore[attr-defined]
    await bot.setup_hook()
    return bot


async def stop_bot(bot: MiloBot) -> None:
    await dpytest.empty_queue()
    session = bot.http._HTTPClient__session  # type: ignore[attr-defined]
    if bot.scheduler.running:
        bot.scheduler.shutdown(wait=False)
    for extension in list(bot.extensions):
        await bot.unload_extension(extension)
    await bot.render.aclose()
    await session.close()


@pytest_asyncio.fixture
async def bot(tmp_path: Path, render_service: Service, discord_api: DiscordApi,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MiloBot]:
    monkeypatch.chdir(tmp_path)  # dpytest writes attachment files into the working directory
    bot = await start_bot(bot_settings(tmp_path), render_service.url)
    yield bot
    await stop_bot(bot)


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
    snowflake = discord.utils.time_snowflake(created or discord.utils.utcnow())
    perms = permissions or discord.Permissions.text()
    payload: dict[str, Any] = {
        "id": str(snowflake), "application_id": str(APPLICATION_ID), "type": kind,
        "token": f"interaction-token-{snowflake}", "version": 1,
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
