"""Fixtures for the bot tests: the `cartoon serve` processes, the local Discord (REST and
gateway) and a started `MiloBot`. The helpers they use live in tests/bot/helpers.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import yarl

from bot.client import MiloBot
from tests.bot.helpers import GATED, Gates, Service, bot_settings, may_ping, start_bot, stop_bot
from tests.servers.discord_api import DiscordApi


@pytest.fixture(scope="session")
def gate_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gates")


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory, gate_dir: Path) -> Iterator[dict[str, Service]]:
    """Three `cartoon serve` processes, started side by side (start-up is most of their cost):
    `render` draws (preview backend, one worker); `gated` draws the same pictures but holds a
    scene with a `gate-…` word until the test opens its gate (tests/bot/gated_backend.py);
    `api_only` has no worker and allows one queued job per user, so jobs stay queued and a
    user's second request gets 429."""
    started = {
        "render": Service(tmp_path_factory.mktemp("serve")),
        "gated": Service(tmp_path_factory.mktemp("serve-gated"), backend=GATED, CARTOON_SERVICE_WORKERS="2",
                         CARTOON_TEST_GATE_DIR=str(gate_dir)),
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
def gated_service(services: dict[str, Service]) -> Service:
    return services["gated"]


@pytest.fixture(scope="session")
def api_only_service(services: dict[str, Service]) -> Service:
    return services["api_only"]


@pytest.fixture
def gates(gate_dir: Path) -> Iterator[Gates]:
    """Gates for this test's held scenes; all opened at the end, so no job outlives the test."""
    made = Gates(gate_dir)
    try:
        yield made
    finally:
        made.open_all()


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
    # MiloBot moves discord.py's REST base to the local Discord (CARTOON_DISCORD_API_URL); put it
    # back afterwards. discord.py connects to its default gateway without asking the REST API
    # where it is, so that one is pointed at the local Discord here.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    async with DiscordApi() as api:
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(api.gateway_url))
        yield api
    # Whatever the test did: every message the bot sent or edited said whom it may ping.
    unguarded = [f"{c.method} {c.path}" for c in api.posts() if "anyone mentioned" in may_ping(c)]
    assert unguarded == [], "sent without allowed_mentions"


@pytest_asyncio.fixture
async def bot(tmp_path: Path, render_service: Service, discord_api: DiscordApi) -> AsyncIterator[MiloBot]:
    started = await start_bot(discord_api, bot_settings(tmp_path, discord_api), render_service.url)
    yield started
    await stop_bot(started)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.datetime], None]:
    """Set the daily post's clock."""
    from bot import daily as daily_state

    def set_to(instant: dt.datetime) -> None:
        monkeypatch.setattr(daily_state, "now", lambda: instant)

    return set_to


@pytest_asyncio.fixture
async def stopped() -> AsyncIterator[list[MiloBot]]:
    """Bots a test started; all stopped at its end."""
    bots: list[MiloBot] = []
    yield bots
    for bot in bots:
        await stop_bot(bot)
