"""Admin controls (Manage Server), as Discord delivers the commands: /cartoon-daily pause,
resume, skip, time and channel, kept in the bot's state and in step with the scheduler's job at
once and after a restart (the admins' choices win over the settings); /cartoon-admin channels,
the allow-list that slash commands, the picture buttons and mentions follow."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.client import MiloBot
from bot.cogs.daily import DailyCog
from bot.daily_schedule import scheduled_post
from tests.bot.helpers import (
    BERLIN,
    Service,
    at,
    bot_settings,
    button_id,
    daily_bot,
    pictures,
    start_bot,
    stop_bot,
    stored_trigger,
    until,
)
from tests.servers.discord_api import BOT_USER_ID, EPHEMERAL, DiscordApi, NotAllowed

pytestmark = pytest.mark.asyncio
LONDON = ZoneInfo("Europe/London")


async def admin(api: DiscordApi, command: str, subcommand: str, who: str = "boss", **options) -> str:
    """`who` runs an admin command; its private answer."""
    token = await api.slash(who, command, subcommand=subcommand, **options)
    message = await until(lambda: next((m for m in api.messages.values() if m.get("_token") == token
                                        and m["flags"] & EPHEMERAL and m["content"]), None))
    return message["content"]


# --- the daily post ------------------------------------------------------------------------------
async def test_pause_and_resume_are_kept_and_the_scheduler_follows(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))  # before the daily time
    state = tmp_path / "bot-state"
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    assert "paused" in await admin(discord_api, "cartoon-daily", "pause")
    assert stored_trigger(state)[1] is None  # the job is paused in the scheduler
    clock(at("2030-06-10T09:00"))
    await scheduled_post()  # fired anyway (a scheduler from before): no post
    assert "paused" in await admin(discord_api, "cartoon-daily", "status")
    await stop_bot(bot)

    restarted = await daily_bot(tmp_path, discord_api, render_service.url)  # the settings know nothing of it
    stopped.append(restarted)
    assert stored_trigger(state)[1] is None  # still paused after the restart
    await restarted.get_cog("DailyCog").catch_up()
    assert pictures(discord_api, "mascot") == []

    assert "on again" in await admin(discord_api, "cartoon-daily", "resume")
    assert stored_trigger(state)[1] is not None
    await scheduled_post()
    await until(lambda: pictures(discord_api, "mascot"))


async def test_a_new_time_and_zone_take_effect_at_once_and_win_over_the_settings(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T07:00"))
    state = tmp_path / "bot-state"
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    said = await admin(discord_api, "cartoon-daily", "time", hh_mm="7:45", zone="Europe/London")
    assert "07:45 (Europe/London)" in said
    zone, when = stored_trigger(state)
    assert zone == "Europe/London"
    assert when is not None
    assert when.astimezone(LONDON).time() == dt.time(7, 45)
    await stop_bot(bot)

    restarted = await daily_bot(tmp_path, discord_api, render_service.url, daily_time="12:00", daily_tz="Asia/Tokyo")
    stopped.append(restarted)
    zone, when = stored_trigger(state)
    assert zone == "Europe/London"  # the admin's choice, not the settings'
    assert when is not None
    assert when.astimezone(LONDON).time() == dt.time(7, 45)
    cog: DailyCog = restarted.get_cog("DailyCog")
    assert cog.config().time == "07:45"
    assert "07:45 (Europe/London)" in await admin(discord_api, "cartoon-daily", "status")


async def test_a_time_that_has_passed_today_posts_today_now(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))  # 09:00 has not come yet
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    said = await admin(discord_api, "cartoon-daily", "time", hh_mm="07:30")
    assert "goes out now" in said
    (picture,) = await until(lambda: pictures(discord_api, "mascot"))
    assert "Monday, 10 June" in picture["content"]


@pytest.mark.parametrize(
    "options, says",
    [({"hh_mm": "25:00"}, "isn't a time"), ({"hh_mm": "9h30"}, "isn't a time"),
     ({"hh_mm": "09:30", "zone": "Mars/Olympus"}, "don't know the time zone")],
)
async def test_a_bad_time_or_zone_is_one_private_line(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot], options, says
) -> None:
    clock(at("2030-06-10T08:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    assert says in await admin(discord_api, "cartoon-daily", "time", **options)
    assert bot.get_cog("DailyCog").config().time == "09:00"  # unchanged


async def test_skip_leaves_out_the_next_post_only(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    assert "Monday, 10 June" in await admin(discord_api, "cartoon-daily", "skip")
    clock(at("2030-06-10T09:00"))
    await scheduled_post()
    await bot.get_cog("DailyCog").catch_up()
    assert pictures(discord_api, "mascot") == []
    clock(at("2030-06-11T09:00"))  # the next day goes out as usual
    await scheduled_post()
    (picture,) = await until(lambda: pictures(discord_api, "mascot"))
    assert "Tuesday, 11 June" in picture["content"]


async def test_a_new_channel_takes_the_next_post_and_one_the_bot_cannot_post_in_is_refused(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))
    state = tmp_path / "bot-state"
    bot = await daily_bot(tmp_path, discord_api, render_service.url, daily_channel=None)
    stopped.append(bot)
    assert "choose its channel" in await admin(discord_api, "cartoon-daily", "status")
    refused = await admin(discord_api, "cartoon-daily", "channel", named={"channel": discord_api.channel("quiet")})
    assert "Send Messages" in refused
    said = await admin(discord_api, "cartoon-daily", "channel", named={"channel": discord_api.channel("art")})
    assert f"<#{discord_api.channel('art').id}>" in said
    assert stored_trigger(state)[1] is not None  # the daily job exists now, without a restart
    clock(at("2030-06-10T09:00"))
    await scheduled_post()
    (picture,) = await until(lambda: pictures(discord_api, "art"))
    assert picture["author"]["id"] == str(BOT_USER_ID)


async def test_daily_admin_commands_are_for_manage_server(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)
    for who in ("alice", "mod"):
        with pytest.raises(NotAllowed):
            await discord_api.slash(who, "cartoon-daily", subcommand="pause")
        with pytest.raises(NotAllowed):
            await discord_api.slash(who, "cartoon-admin", subcommand="channels", action="show")
    assert not bot.get_cog("DailyCog").config().paused
    assert bot.get_cog("DailyCog").config().zone == BERLIN


# --- where people may ask --------------------------------------------------------------------------
async def test_the_allow_list_is_followed_by_commands_buttons_and_mentions(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    bot = await start_bot(discord_api, settings, render_service.url)
    try:
        token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack")
        before = copy.deepcopy(await until(lambda: (m := discord_api.original(token)) and m.get("_files") and m))
        said = await admin(discord_api, "cartoon-admin", "channels", action="allow",
                           named={"channel": discord_api.channel("art")})
        assert f"<#{discord_api.channel('art').id}>" in said
    finally:
        await stop_bot(bot)
    bot = await start_bot(discord_api, settings, render_service.url)  # kept across a restart
    try:
        art = f"<#{discord_api.channel('art').id}>"
        token = await discord_api.slash("alice", "cartoon", scene="Milo at the desk")
        refused = await until(lambda: next((m for m in discord_api.messages.values() if m.get("_token") == token
                                            and m["flags"] & EPHEMERAL), None))
        assert art in refused["content"]
        click = await discord_api.click("james", int(before["id"]), button_id(before, "reroll"))
        assert art in (await until(lambda: next((m for m in discord_api.messages.values()
                                                 if m.get("_token") == click and m["flags"] & EPHEMERAL), None)))["content"]
        await discord_api.say("alice", f"<@{BOT_USER_ID}> draw Milo at the whiteboard")
        dm = await until(lambda: discord_api.in_channel(discord_api.dm_channel("alice")))
        assert art in dm[-1]["content"]
        assert len(pictures(discord_api, "general")) == 1  # nothing new in #general
        help_token = await discord_api.slash("alice", "cartoon-help")  # help works anywhere
        assert "Milo" in (await until(lambda: discord_api.original(help_token)))["content"]

        allowed = await discord_api.slash("alice", "cartoon", scene="Milo at the desk", channel="art")
        await until(lambda: (m := discord_api.original(allowed)) and m.get("_files"))
        said = await admin(discord_api, "cartoon-admin", "channels", action="everywhere")
        assert "every channel" in said
        again = await discord_api.slash("alice", "cartoon", scene="Milo at the desk")
        await until(lambda: (m := discord_api.original(again)) and m.get("_files"))
    finally:
        await stop_bot(bot)
