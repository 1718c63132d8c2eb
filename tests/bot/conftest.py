"""Fixtures for the bot tests: the `cartoon serve` processes, the local Discord REST server
and a started `MiloBot`. The helpers they use live in tests/bot/helpers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import discord.ext.test as dpytest
import pytest
import pytest_asyncio

from bot.client import MiloBot
from tests.bot.helpers import ChannelLog, Service, bot_settings, start_bot, stop_bot
from tests.servers.discord_api import DiscordApi


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Service]]:
    """Two `cartoon serve` processes, started side by side (start-up is most of their cost):
    `render` renders (preview backend, one worker); `api_only` has no worker and allows one
    queued job per user, so jobs stay queued and a user's second request gets 429."""
    started = {
        "render": Service(tmp_path_factory.mktemp("serve")),
        "api_only": Service(tmp_path_factory.mktemp("serve-api"), CARTOON_SERVICE_WORKERS="0",
                            CARTOON_SERVICE_MAX_QUEUED_PER_USER="1"),
    }
    try:
        yield {name: service.wait() for name, service in started.items()}
    finally:
        for service in started.values():
            service.stop()


@pytest.fixture(scope="session")
def render_service(services: dict[str, Service]) -> Service:
    return services["render"]


@pytest.fixture(scope="session")
def api_only_service(services: dict[str, Service]) -> Service:
    return services["api_only"]


@pytest.fixture(scope="session")
def failing_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A `cartoon serve` whose every job fails (a job time limit no render can meet): a real
    failed job, for the fallback. Started only by the tests that use it."""
    service = Service(tmp_path_factory.mktemp("serve-failing"), CARTOON_SERVICE_JOB_TIMEOUT_S="0.000001")
    try:
        yield service.wait()
    finally:
        service.stop()


@pytest_asyncio.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordApi]:
    async with DiscordApi() as api:
        monkeypatch.setattr(discord.http.Route, "BASE", api.base)
        yield api


@pytest_asyncio.fixture
async def bot(tmp_path: Path, render_service: Service, discord_api: DiscordApi,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MiloBot]:
    monkeypatch.chdir(tmp_path)  # dpytest writes attachment files into the working directory
    bot = await start_bot(bot_settings(tmp_path), render_service.url)
    yield bot
    await stop_bot(bot)


@pytest.fixture
def channel_log(bot: MiloBot) -> ChannelLog:
    log = ChannelLog()
    dpytest.callbacks.set_callback(log.on_send, "send_message")
    dpytest.callbacks.set_callback(log.on_edit, "edit_message")
    return log
