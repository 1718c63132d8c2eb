"""Helpers for the bot tests (the fixtures live in conftest.py).

A bot under test is a real `MiloBot` that logs in over REST to the local Discord
(tests/servers/discord_api.py) and connects to its gateway, so slash commands, buttons and
mentions arrive as Discord sends them and run through discord.py's own dispatch (the
command tree, its `on_error`, the DynamicItem buttons). Pictures come from real
`cartoon serve` processes on 127.0.0.1 (preview drawing).
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.client import MiloBot
from bot.service_client import RenderClient
from core.settings import Settings
from tests.servers.discord_api import Call, DiscordApi, custom_ids
from tests.service.helpers import ServeProcess, service_env

ROOT = Path(__file__).resolve().parents[2]
RENDER_TOKEN = "test-render-token"
GATED = "tests.bot.gated_backend:GatedBackend"


class Service(ServeProcess):
    """A `cartoon serve` subprocess for the bot tests (preview drawing unless `backend` says);
    `wait()` reads its JSON ready line (start several, then wait for each: they start in parallel)."""

    def __init__(self, tmp: Path, *, backend: str = "preview", port: int | None = None, **env: str) -> None:
        # 1024 px (service_env's size): the compositor needs room for the slogan; preview renders it fast.
        environ = service_env(tmp / "service", CARTOON_RENDER_TOKEN=RENDER_TOKEN, **env)
        # `port`: the same address again (a restart); argparse keeps the last --port given.
        super().__init__(environ, "--backend", backend, *(["--port", str(port)] if port else []), wait=False)
        if port:
            self.port, self.url = port, f"http://127.0.0.1:{port}"

    def wait(self) -> Service:
        try:
            self.wait_ready()
        except RuntimeError:
            self.stop()
            raise
        return self


class Gates:
    """Gates for the gated service's scenes: `word()` goes into a scene, `open(word)` lets it finish."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: list[str] = []

    def word(self) -> str:
        name = uuid.uuid4().hex[:12]
        self.made.append(name)
        return f"gate-{name}"

    def open(self, word: str) -> None:
        (self.folder / word.removeprefix("gate-")).touch()

    def open_all(self) -> None:
        for name in self.made:
            (self.folder / name).touch()


def bot_settings(tmp: Path, api: DiscordApi, **overrides: Any) -> Settings:
    settings = Settings(_env_file=None, llm_url=None, bot_state_dir=tmp / "bot-state", daily_channel=None,
                        discord_api_url=api.base, render_token=RENDER_TOKEN)
    # model_copy skips validation: tests use a shorter edit interval than the 2-3 s allowed.
    return settings.model_copy(update={"bot_progress_interval_s": 0.2, "bot_slogan_cooldown_s": 0.0, **overrides})


async def start_bot(api: DiscordApi, settings: Settings, service_url: str, *,
                    fallback_url: str | None = None) -> MiloBot:
    """A MiloBot logged in to the local Discord and connected to its gateway (ready)."""
    fallback = RenderClient(fallback_url, RENDER_TOKEN) if fallback_url else None
    bot = MiloBot(settings, render=RenderClient(service_url, RENDER_TOKEN), render_fallback=fallback,
                  guild_ready_timeout=0.05)
    await bot.login(api.bot_token)  # REST login, then setup_hook
    bot.loop.create_task(bot.connect(reconnect=False), name="gateway")
    await asyncio.wait_for(bot.wait_until_ready(), 60)
    return bot


async def stop_bot(bot: MiloBot) -> None:
    """Stop the bot as a shutdown would: jobs in flight stay on record for the next start."""
    if not bot.is_closed():
        await bot.close()


async def until(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    """Wait (without blocking the loop) until `check()` is truthy; return its value. The
    timeout only bounds a broken test: nothing is decided by how long things take."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {check}")


def may_ping(call: Call) -> set[int | str]:
    """Whom a message the bot sent or edited lets Discord notify: user ids, "any user", "roles",
    "everyone", "replied user", or "anyone mentioned" when the call carries no
    `allowed_mentions` (Discord's default then). An interaction callback that writes no
    message (a deferral, a modal) notifies nobody."""
    if call.path.endswith("/callback") and call.payload.get("type") not in (4, 7):
        return set()
    payload = call.payload.get("data", {}) if call.path.endswith("/callback") else call.payload
    allowed = payload.get("allowed_mentions")
    if allowed is None:
        return {"anyone mentioned"}
    who: set[int | str] = {int(u) for u in allowed.get("users", [])}
    parse = set(allowed.get("parse", []))
    who |= {f"any {kind[:-1]}" if kind == "users" else kind for kind in parse}
    if allowed.get("replied_user"):
        who.add("replied user")
    return who


PICTURE_ACTIONS = ("reroll", "vary", "edit", "slogan", "delete")  # the buttons under a picture, in order


def job_of(message: dict[str, Any]) -> str:
    """The job id a picture message's buttons carry."""
    return custom_ids(message)[0].split(":")[2]


def button_id(message: dict[str, Any], action: str) -> str:
    """The custom id of the `action` button ("reroll", "cancel", …) on `message`."""
    return next(c for c in custom_ids(message) if c.split(":")[1] == action)


def pictures(api: DiscordApi, channel: str = "general") -> list[dict[str, Any]]:
    """The messages in `channel` that carry a picture now."""
    return [m for m in api.in_channel(channel) if m.get("_files")]


def picture_done(api: DiscordApi, token: str) -> dict[str, Any] | None:
    """The interaction's response once it carries a picture with its buttons."""
    message = api.original(token)
    return message if message and message.get("_files") and message.get("components") else None


async def slogan_menu(api: DiscordApi, who: str, message: dict[str, Any]) -> dict[str, Any]:
    """`who` clicks 👕 New slogan on `message`: the private menu the bot answers with, as it was
    shown (a copy: once a slogan is applied, the bot takes the menu away)."""
    token = await api.click(who, int(message["id"]), button_id(message, "slogan"))
    return copy.deepcopy(await until(lambda: next((m for m in api.messages.values() if m.get("_token") == token
                                                   and m.get("components")), None)))


def menu_options(menu: dict[str, Any]) -> list[str]:
    """The values of the slogan menu's options, in order."""
    (row,) = menu["components"]
    (select,) = row["components"]
    return [option["value"] for option in select["options"]]


async def pick(api: DiscordApi, who: str, menu: dict[str, Any], value: str) -> str:
    """`who` picks `value` in the slogan menu; the token of that interaction."""
    return await api.choose(who, int(menu["id"]), custom_ids(menu)[0], [value])


# --- the daily post ----------------------------------------------------------------------------
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, tz: ZoneInfo = BERLIN, fold: int = 0) -> dt.datetime:
    """A local wall-clock time as a UTC instant (`fold=1`: the second of two equal times)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz, fold=fold).astimezone(dt.UTC)


async def daily_bot(tmp_path: Path, api: DiscordApi, url: str, **settings: Any) -> MiloBot:
    """A bot posting daily at 09:00 Berlin time into #mascot, unless `settings` say otherwise."""
    values = {"daily_time": "09:00", "daily_tz": "Europe/Berlin", "daily_channel": api.channel("mascot").id,
              **settings}
    return await start_bot(api, bot_settings(tmp_path, api, **values), url)


def stored_trigger(state: Path, job_id: str = "daily-post") -> tuple[str, dt.datetime | None]:
    """The daily job as the scheduler's SQLite job store holds it (read without the bot): its
    zone and next run (None while paused)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    store = SQLAlchemyJobStore(url=f"sqlite:///{state / 'scheduler.sqlite'}")
    store.start(None, "default")  # type: ignore[arg-type]
    try:
        job = store.lookup_job(job_id)
        return str(job.trigger.timezone), job.next_run_time
    finally:
        store.shutdown()
