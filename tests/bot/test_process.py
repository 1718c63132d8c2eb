"""The bot process: it starts without torch/diffusers/ultralytics (also by `-X importtime`),
logs in and syncs its slash commands only when their definitions changed, and a missing or
bad DISCORD_TOKEN is one line and exit code 2."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.client import MiloBot
from bot.command_sync import STATE_FILE
from bot.run import run_bot
from core.errors import InputError
from tests.bot.helpers import ROOT, bot_settings
from tests.servers.discord_api import DiscordApi

HEAVY = ("torch", "diffusers", "ultralytics", "transformers", "peft", "agent.graph", "langgraph")


def run_cartoon(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("CARTOON_")}
    return subprocess.run([sys.executable, "cartoon.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**environ, "PYTHONPATH": str(ROOT), **env}, timeout=60)


def test_starting_the_bot_never_imports_torch_diffusers_or_ultralytics(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, json, sys
        from core.settings import Settings
        from bot.client import MiloBot

        async def main():
            settings = Settings(_env_file=None, bot_state_dir={str(tmp_path)!r}, daily_channel=1,
                                render_fallback_url="http://127.0.0.1:9")
            bot = MiloBot(settings)
            await bot._async_setup_hook()
            await bot.setup_hook()  # cogs, scheduler, buttons, resumed jobs; no gateway
            ready = sorted(bot.cogs), len(bot.tree.get_commands()), bot.scheduler.running
            fallback = bot.services.fallback.base_url
            await bot.close()
            return ready + (fallback,)

        cogs, commands, scheduler, fallback = asyncio.run(main())
        print(json.dumps({{"cogs": cogs, "commands": commands, "scheduler": scheduler, "fallback": fallback,
                          "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
    """)
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    # /cartoon, -help, -edit, -history, -show, and the groups /cartoon-daily and /cartoon-admin
    assert result == {"cogs": ["AdminCog", "CartoonCog", "CreativeCog", "DailyCog"], "commands": 7, "scheduler": True,
                      "fallback": "http://127.0.0.1:9", "heavy": []}
    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", out.stderr, flags=re.MULTILINE)
    assert "discord" in imported  # the importtime listing is really there
    assert [m for m in imported if m.split(".")[0] in ("torch", "diffusers", "ultralytics", "transformers")] == []


@pytest.mark.parametrize(
    ("token", "says"),
    [(None, "DISCORD_TOKEN is not set"), ("not-a-token", "does not look like a bot token"),
     ("abc.def.ghi", "first part is not a user id")],
)
def test_a_missing_or_malformed_token_is_one_line_and_exit_2(token: str | None, says: str) -> None:
    out = run_cartoon("bot", env={"DISCORD_TOKEN": token} if token else {})
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert says in out.stderr
    assert "developers/applications" in out.stderr


@pytest.mark.parametrize(
    ("setting", "says"),
    [({"CARTOON_DAILY_TZ": "Mars/Olympus"}, "daily_tz: unknown time zone 'Mars/Olympus'"),
     ({"CARTOON_USER_CHARACTERS": "{1234: james"}, 'takes JSON like {"1234": "james"}')],
)
def test_a_bad_setting_is_one_line_and_exit_2(setting: dict[str, str], says: str) -> None:
    out = run_cartoon("bot", env={"DISCORD_TOKEN": "MTIz.abc.def", **setting})
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert says in out.stderr


async def login(api: DiscordApi, tmp_path: Path, **settings) -> None:
    bot = MiloBot(bot_settings(tmp_path, api, **settings))
    try:
        await bot.login(api.bot_token)  # REST login, then setup_hook; no gateway
    finally:
        await bot.close()


def syncs(api: DiscordApi) -> list[str]:
    return [c.path for c in api.calls if c.method == "PUT" and c.path.endswith("/commands")]


@pytest.mark.asyncio
async def test_slash_commands_are_synced_only_when_their_definitions_changed(tmp_path: Path, discord_api: DiscordApi) -> None:
    await login(discord_api, tmp_path, dev_guild=1234)
    assert len(syncs(discord_api)) == 1
    names = sorted(c["name"] for c in discord_api.synced["1234"])
    assert names == ["cartoon", "cartoon-admin", "cartoon-daily", "cartoon-edit", "cartoon-help", "cartoon-history",
                     "cartoon-show"]
    daily = next(c for c in discord_api.synced["1234"] if c["name"] == "cartoon-daily")
    assert sorted(o["name"] for o in daily["options"]) == ["channel", "now", "pause", "resume", "skip", "status", "time"]
    assert int(daily["default_member_permissions"]) == 32  # Manage Server
    admin = next(c for c in discord_api.synced["1234"] if c["name"] == "cartoon-admin")
    assert int(admin["default_member_permissions"]) == 32
    shirt = next(o for o in next(c for c in discord_api.synced["1234"] if c["name"] == "cartoon")["options"]
                 if o["name"] == "shirt")
    assert shirt["autocomplete"] is True

    await login(discord_api, tmp_path, dev_guild=1234)  # a restart, nothing changed
    assert len(syncs(discord_api)) == 1

    state = tmp_path / "bot-state" / STATE_FILE
    stored = json.loads(state.read_text())
    state.write_text(json.dumps({"1234": "0" * 64}))  # what an older version of the commands left
    await login(discord_api, tmp_path, dev_guild=1234)
    assert len(syncs(discord_api)) == 2
    assert json.loads(state.read_text()) == stored

    await login(discord_api, tmp_path)  # globally: another target, synced once
    assert syncs(discord_api)[-1].endswith("/applications/900000000000000001/commands")
    assert len(syncs(discord_api)) == 3


@pytest.mark.asyncio
async def test_a_token_discord_rejects_is_an_input_error(tmp_path: Path, discord_api: DiscordApi) -> None:
    settings = bot_settings(tmp_path, discord_api, discord_token="MTIzNDU2Nzg5.wrong.token")
    with pytest.raises(InputError, match="DISCORD_TOKEN was rejected by Discord"):
        await run_bot(settings)
