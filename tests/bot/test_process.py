"""The bot process: it starts without torch/diffusers/ultralytics, logs in and syncs its slash
commands over HTTP, and a missing or bad DISCORD_TOKEN is one line and exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.client import MiloBot
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
            await bot.setup_hook()  # cogs, scheduler, buttons; no gateway
            ready = sorted(bot.cogs), len(bot.tree.get_commands()), bot.scheduler.running
            fallback = bot.render_fallback.base_url
            await bot.close()
            return ready + (fallback,)

        cogs, commands, scheduler, fallback = asyncio.run(main())
        print(json.dumps({{"cogs": cogs, "commands": commands, "scheduler": scheduler, "fallback": fallback,
                          "heavy": [m for m in {HEAVY!r} if m in sys.modules]}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result == {"cogs": ["CartoonCog", "DailyCog"], "commands": 3, "scheduler": True,
                      "fallback": "http://127.0.0.1:9", "heavy": []}


@pytest.mark.parametrize(
    ("token", "says"),
    [(None, "DISCORD_TOKEN is not set"), ("not-a-token", "does not look like a bot token"),
     ("abc.def.ghi", "first part is not a user id")],
)
def test_a_missing_or_malformed_token_is_one_line_and_exit_2(token: str | None, says: str) -> None:
    out = run_cartoon("bot", env={"DISCORD_TOKEN": token} if token else {})
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and says in out.stderr and "developers/applications" in out.stderr


@pytest.mark.parametrize(
    ("setting", "says"),
    [({"CARTOON_DAILY_TZ": "Mars/Olympus"}, "daily_tz: unknown time zone 'Mars/Olympus'"),
     ({"CARTOON_USER_CHARACTERS": "{1234: james"}, 'takes JSON like {"1234": "james"}')],
)
def test_a_bad_setting_is_one_line_and_exit_2(setting: dict[str, str], says: str) -> None:
    out = run_cartoon("bot", env={"DISCORD_TOKEN": "MTIz.abc.def", **setting})
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and says in out.stderr


@pytest.mark.asyncio
async def test_login_syncs_the_slash_commands_to_the_dev_guild(tmp_path: Path, discord_api: DiscordApi) -> None:
    bot = MiloBot(bot_settings(tmp_path, dev_guild=1234))
    try:
        await bot.login(discord_api.bot_token)  # REST login, then setup_hook; no gateway
        names = sorted(c["name"] for c in discord_api.synced["1234"])
        assert names == ["cartoon", "cartoon-daily", "cartoon-help"]
        daily = next(c for c in discord_api.synced["1234"] if c["name"] == "cartoon-daily")
        assert sorted(o["name"] for o in daily["options"]) == ["now", "status"]
        assert int(daily["default_member_permissions"]) == 32  # Manage Server
    finally:
        await bot.close()


@pytest.mark.asyncio
async def test_a_token_discord_rejects_is_an_input_error(tmp_path: Path, discord_api: DiscordApi) -> None:
    settings = bot_settings(tmp_path, discord_token="MTIzNDU2Nzg5.wrong.token")
    with pytest.raises(InputError, match="DISCORD_TOKEN was rejected by Discord"):
        await run_bot(settings)
