"""The daily mascot post: exactly one picture a day whatever stops the bot (before, during or
after the render), the saying used up only when its picture is posted, quiet retries with
one public notice while the render service is down, the schedule rewritten from the
settings at each start (time and zone), DST nights; /cartoon-daily status and now.

The daily post's clock (`bot.daily.now`) is moved to days in 2030, so the scheduler's
own jobs (real time) never fire during a test: the tests run what the scheduler would run
(`scheduled_post`, `retry_post`) at the moments they choose.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.client import MiloBot
from bot.cogs.daily import NOTICE, RETRY_ID, DailyCog
from bot.daily import DailyStore, daily_request, due_at
from bot.daily_schedule import retry_post, scheduled_post
from bot.safe_text import echo
from bot.sayings import load_lines
from bot.service_client import RenderClient
from bot.services import RenderServices
from core.paths import BOFH_FILE
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    RENDER_TOKEN,
    Gates,
    Service,
    at,
    daily_bot,
    pictures,
    stop_bot,
    stored_trigger,
    until,
)
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids

BERLIN = ZoneInfo("Europe/Berlin")
SAYINGS = load_lines(BOFH_FILE)


# --- the rotation and the day, apart from Discord ------------------------------------------------
def test_rotation_shows_all_36_sayings_before_a_repeat_across_restarts(tmp_path: Path) -> None:
    assert len(SAYINGS) == 36
    shown = [DailyStore(tmp_path / "daily.sqlite").next_saying(SAYINGS) for _ in range(20)]
    store = DailyStore(tmp_path / "daily.sqlite")  # a restart: a new store on the same file
    shown += [store.next_saying(SAYINGS) for _ in range(16)]
    assert sorted(shown) == sorted(SAYINGS)  # every saying once
    second_round = [store.next_saying(SAYINGS) for _ in range(36)]
    assert sorted(second_round) == sorted(SAYINGS)
    assert second_round[0] != shown[-1]
    assert store.peek_saying(SAYINGS)[1] == 36


def test_a_saying_is_used_up_once_when_its_day_is_posted(tmp_path: Path) -> None:
    store = DailyStore(tmp_path / "daily.sqlite")
    first, left = store.peek_saying(SAYINGS)
    assert store.peek_saying(SAYINGS) == (first, left)  # peeking uses nothing
    store.mark_posted(dt.date(2030, 6, 10), first, SAYINGS)
    store.mark_posted(dt.date(2030, 6, 10), first, SAYINGS)  # again, as after a crash: no second use
    second, left_after = store.peek_saying(SAYINGS)
    assert second != first
    assert left_after == left - 1
    assert store.last_posted() == dt.date(2030, 6, 10)


def test_daily_scene_cycles_prompts_and_brings_james_every_third_day() -> None:
    prompts = load_lines(Path(__file__).resolve().parents[2] / "data" / "daily_prompts.txt")
    days = [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(6)]
    scenes = [daily_request(day, prompts, "RTFM", james_every=3) for day in days]
    assert sum(s.with_james for s in scenes) == 2
    assert all(("James" in s.text) == s.with_james for s in scenes)
    assert all(s.text.startswith("Milo") for s in scenes)
    assert len({s.text.replace(" and James", "") for s in scenes}) == 6
    assert scenes[0].shirt == "RTFM"


# night → (daily time, local day, the instant it is due)
DST_NIGHTS = [
    ("02:30", dt.date(2030, 3, 31), at("2030-03-31T03:30+02:00")),  # clocks go forward: 02:30 does not exist
    ("02:30", dt.date(2030, 10, 27), at("2030-10-27T02:30", fold=0)),  # clocks go back: the first 02:30
    ("02:30", dt.date(2030, 6, 10), at("2030-06-10T02:30")),  # an ordinary night
    ("09:00", dt.date(2030, 3, 31), at("2030-03-31T09:00")),
]


@pytest.mark.parametrize(("hh_mm", "day", "instant"), DST_NIGHTS)
def test_the_daily_time_on_dst_nights(hh_mm: str, day: dt.date, instant: dt.datetime) -> None:
    assert due_at(day, hh_mm, BERLIN) == instant
    assert due_at(day, hh_mm, BERLIN).astimezone(BERLIN).date() == day


# --- the bot ---------------------------------------------------------------------------------------
def posts(api: DiscordApi) -> list[dict]:
    return api.in_channel("mascot")


def mascot_pictures(api: DiscordApi) -> list[dict]:
    return pictures(api, "mascot")


@pytest.mark.asyncio
async def test_a_day_whose_time_passed_while_the_bot_was_down_is_posted_once_at_start(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T14:00"))  # the bot was down at 09:00
    first = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(first)
    (picture,) = await until(lambda: mascot_pictures(discord_api))
    cog: DailyCog = first.get_cog("DailyCog")
    await until(lambda: cog.store.last_posted() == dt.date(2030, 6, 10))
    assert "**Daily Milo** for Monday, 10 June" in picture["content"]
    assert len(custom_ids(picture)) == len(PICTURE_ACTIONS)
    assert cog.store.peek_saying(SAYINGS)[1] == 35  # one saying used
    await stop_bot(first)

    clock(at("2030-06-10T18:00"))  # a restart the same evening: nothing more
    second = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(second)
    await scheduled_post()  # even if the scheduler ran the job again that day
    assert len(posts(discord_api)) == 1
    assert second.get_cog("DailyCog").store.peek_saying(SAYINGS)[1] == 35


@pytest.mark.asyncio
async def test_a_restart_during_the_render_posts_that_days_picture_once(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates, clock, stopped: list[MiloBot]
) -> None:
    gate = gates.word()
    prompts = tmp_path / "prompts.txt"
    prompts.write_text(f"{{who}} re-cabling the server rack {gate}\n")
    clock(at("2030-06-10T09:00:30"))
    first = await daily_bot(tmp_path, discord_api, gated_service.url, daily_prompts=prompts)
    stopped.append(first)
    progress = await until(lambda: next((m for m in posts(discord_api) if "step 1/2" in m["content"]), None))
    await stop_bot(first)  # mid-render
    store = DailyStore(tmp_path / "bot-state" / "daily.sqlite")
    assert store.last_posted() is None
    assert store.peek_saying(SAYINGS)[1] == 36  # nothing used up yet

    gates.open(gate)
    clock(at("2030-06-10T09:20"))
    second = await daily_bot(tmp_path, discord_api, gated_service.url, daily_prompts=prompts)
    stopped.append(second)
    (picture,) = await until(lambda: mascot_pictures(discord_api))
    assert picture["id"] == progress["id"]  # the progress message became the picture
    await until(lambda: store.last_posted() == dt.date(2030, 6, 10))
    assert store.peek_saying(SAYINGS)[1] == 35
    await stop_bot(second)

    third = await daily_bot(tmp_path, discord_api, gated_service.url, daily_prompts=prompts)
    stopped.append(third)
    await scheduled_post()
    assert len(posts(discord_api)) == 1


@pytest.mark.asyncio
async def test_a_restart_between_the_post_and_its_bookkeeping_posts_once_and_uses_one_saying(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    mascot = str(discord_api.channel("mascot").id)
    edited = discord_api.hold(lambda c: c.method == "PATCH" and f"/channels/{mascot}/" in c.path and bool(c.files))
    clock(at("2030-06-10T09:01"))
    first = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(first)
    await asyncio.wait_for(edited.wait(), 60)  # Discord shows the picture…
    await stop_bot(first)  # …and the bot stops before it hears so
    store = DailyStore(tmp_path / "bot-state" / "daily.sqlite")
    assert store.last_posted() is None
    assert len(mascot_pictures(discord_api)) == 1
    discord_api.release()

    second = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(second)
    await until(lambda: store.last_posted() == dt.date(2030, 6, 10))
    await until(lambda: second.pending.all() == [])
    assert len(posts(discord_api)) == 1
    assert store.peek_saying(SAYINGS)[1] == 35


@pytest.mark.asyncio
async def test_while_the_service_is_down_the_bot_retries_quietly_with_one_notice(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T09:00:10"))
    bot = await daily_bot(tmp_path, discord_api, "http://127.0.0.1:9")  # the render service is down
    stopped.append(bot)
    cog: DailyCog = bot.get_cog("DailyCog")
    (notice,) = await until(lambda: posts(discord_api))
    assert notice["content"] == NOTICE
    await until(lambda: bot.scheduler.get_job(RETRY_ID) is not None)
    retry = bot.scheduler.get_job(RETRY_ID)
    assert retry.next_run_time == at("2030-06-10T09:15:10")
    await until(lambda: bot.pending.all() == [])  # the failed try is over
    saying = cog.store.attempt().saying

    for minute in (15, 30, 45):  # what the scheduler runs every 15 minutes
        clock(at(f"2030-06-10T09:{minute}:10"))
        await retry_post()
    assert posts(discord_api) == [notice]  # still the one public message, nothing new
    assert discord_api.messages[int(notice["id"])]["content"] == NOTICE
    attempt = cog.store.attempt()
    assert attempt.tries == 4
    assert attempt.saying == saying
    assert cog.store.peek_saying(SAYINGS) == (saying, 36)  # not used up by the failures

    status = await discord_api.slash("boss", "cartoon-daily", subcommand="status", channel="general")
    answer = await until(lambda: next((m for m in discord_api.messages.values()
                                       if m.get("_token") == status and m["content"]), None))
    assert answer["flags"] & EPHEMERAL
    assert "late: 4 tries so far" in answer["content"]

    bot.services = RenderServices(RenderClient(render_service.url, RENDER_TOKEN))  # the service is back
    clock(at("2030-06-10T10:00:10"))
    await retry_post()
    (picture,) = await until(lambda: mascot_pictures(discord_api))
    assert picture["id"] == notice["id"]  # the notice became the day's picture
    assert len(posts(discord_api)) == 1
    assert cog.store.last_posted() == dt.date(2030, 6, 10)
    assert cog.store.peek_saying(SAYINGS)[1] == 35
    assert f"Shirt: **{echo(saying)}**" in picture["content"]  # the day's saying, kept through the tries


@pytest.mark.asyncio
async def test_the_night_clocks_go_back_fires_twice_and_posts_once(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-10-27T01:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url, daily_time="02:30")
    stopped.append(bot)
    clock(at("2030-10-27T02:30", fold=0))  # the first 02:30 (summer time)
    await scheduled_post()
    await until(lambda: mascot_pictures(discord_api))
    clock(at("2030-10-27T02:30", fold=1))  # an hour later it is 02:30 again (winter time)
    await scheduled_post()
    assert len(posts(discord_api)) == 1


@pytest.mark.asyncio
async def test_the_night_clocks_go_forward_still_has_its_post(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-03-31T03:29+02:00"))  # 02:30 never comes tonight; its post is due at 03:30
    bot = await daily_bot(tmp_path, discord_api, render_service.url, daily_time="02:30")
    stopped.append(bot)
    assert await bot.get_cog("DailyCog").catch_up() is None  # not due yet
    assert posts(discord_api) == []
    clock(at("2030-03-31T03:31+02:00"))
    await bot.get_cog("DailyCog").catch_up()
    (picture,) = await until(lambda: mascot_pictures(discord_api))
    assert "Sunday, 31 March" in picture["content"]


@pytest.mark.asyncio
async def test_a_new_time_or_zone_takes_effect_at_the_next_start(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))  # before the daily time: no catch-up post
    state = tmp_path / "bot-state"
    first = await daily_bot(tmp_path, discord_api, render_service.url, daily_time="09:00", daily_tz="Europe/Berlin")
    stopped.append(first)
    await stop_bot(first)
    zone, when = stored_trigger(state)
    assert zone == "Europe/Berlin"
    assert when.astimezone(BERLIN).time() == dt.time(9, 0)

    new_york = ZoneInfo("America/New_York")
    clock(at("2030-06-10T05:00", new_york))
    second = await daily_bot(tmp_path, discord_api, render_service.url, daily_time="07:30",
                             daily_tz="America/New_York")
    stopped.append(second)
    await stop_bot(second)
    zone, when = stored_trigger(state)
    assert zone == "America/New_York"
    assert when.astimezone(new_york).time() == dt.time(7, 30)
    assert posts(discord_api) == []


@pytest.mark.asyncio
async def test_a_daily_channel_the_bot_cannot_post_in_costs_no_render(
    tmp_path: Path, discord_api: DiscordApi, api_only_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T09:30"))
    async with RenderClient(api_only_service.url, RENDER_TOKEN) as service:
        depth = (await service.health())["queue_depth"]
    bot = await daily_bot(tmp_path, discord_api, api_only_service.url, daily_channel=discord_api.channel("quiet").id)
    stopped.append(bot)
    cog: DailyCog = bot.get_cog("DailyCog")
    await until(lambda: (attempt := cog.store.attempt()) is not None and attempt.next_try)
    assert (await bot.services.primary.health())["queue_depth"] == depth  # nothing queued
    assert bot.pending.all() == []
    assert "Send Messages" in cog.status_text()
    assert discord_api.in_channel("quiet") == []


@pytest.mark.asyncio
async def test_daily_now_and_status_for_admins(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url)
    stopped.append(bot)

    def answer(token: str) -> dict | None:
        return next((m for m in discord_api.messages.values()
                     if m.get("_token") == token and m["content"] and m["content"] != "🦝 …"), None)

    status = await discord_api.slash("boss", "cartoon-daily", subcommand="status")
    text = (await until(lambda: answer(status)))["content"]
    assert "09:00 (Europe/Berlin)" in text
    assert "Last posted: never" in text
    assert "36 left" in text

    now = await discord_api.slash("boss", "cartoon-daily", subcommand="now")
    posted = await until(lambda: answer(now))
    assert posted["flags"] & EPHEMERAL
    assert posted["content"].startswith("Posted: https://discord.com/channels/")
    assert len(mascot_pictures(discord_api)) == 1
    cog: DailyCog = bot.get_cog("DailyCog")
    assert cog.store.last_posted() == dt.date(2030, 6, 10)
    assert cog.store.peek_saying(SAYINGS)[1] == 35
    assert DailyCog.daily.default_permissions.manage_guild  # admins only, by default


@pytest.mark.asyncio
async def test_a_command_that_breaks_answers_in_plain_words(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service, clock, stopped: list[MiloBot]
) -> None:
    clock(at("2030-06-10T08:00"))
    bot = await daily_bot(tmp_path, discord_api, render_service.url, data_dir=tmp_path / "no-data")
    stopped.append(bot)
    token = await discord_api.slash("boss", "cartoon-daily", subcommand="status")  # bofh.txt is missing
    answer = await until(lambda: next((m for m in discord_api.messages.values()
                                       if m.get("_token") == token and m["flags"] & EPHEMERAL), None))
    assert answer["content"] == "Something went wrong on my side. Please try again in a moment."
    assert discord_api.original(token) is None or discord_api.original(token)["flags"] & EPHEMERAL
