"""The daily mascot post: the BOFH rotation, the scheduled job at a simulated time, restarts
that neither post twice nor skip the day, and /cartoon-daily; real render service."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import discord
import discord.ext.test as dpytest
import pytest

from bot.client import MiloBot
from bot.cogs.daily import JOB_ID, RETRY_ID, DailyCog
from bot.daily import DailyStore, daily_request, load_lines
from core.paths import BOFH_FILE
from tests.bot.helpers import (
    bot_settings,
    command_data,
    make_interaction,
    member,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import DiscordApi


def test_rotation_shows_all_36_sayings_before_a_repeat_across_restarts(tmp_path: Path) -> None:
    sayings = load_lines(BOFH_FILE)
    assert len(sayings) == 36
    shown = [DailyStore(tmp_path / "daily.sqlite").next_saying(sayings) for _ in range(20)]
    store = DailyStore(tmp_path / "daily.sqlite")  # a restart: a new store on the same file
    shown += [store.next_saying(sayings) for _ in range(16)]
    assert sorted(shown) == sorted(sayings)  # every saying once
    second_round = [store.next_saying(sayings) for _ in range(36)]
    assert sorted(second_round) == sorted(sayings) and second_round[0] != shown[-1]
    assert store.peek_saying(sayings) == (store.peek_saying(sayings)[0], 36)


def test_daily_scene_cycles_prompts_and_brings_james_every_third_day() -> None:
    prompts = load_lines(Path(__file__).resolve().parents[2] / "data" / "daily_prompts.txt")
    days = [dt.date(2026, 11, 23) + dt.timedelta(days=i) for i in range(6)]
    scenes = [daily_request(day, prompts, "RTFM", james_every=3) for day in days]
    assert sum(s.with_james for s in scenes) == 2
    assert all(("James" in s.text) == s.with_james and s.text.startswith("Milo") for s in scenes)
    assert len({s.text.replace(" and James", "") for s in scenes}) == 6 and scenes[0].shirt == "RTFM"


async def daily_bot(tmp_path: Path, url: str) -> MiloBot:
    async def configure(bot: MiloBot) -> None:
        bot.settings.daily_channel = dpytest.get_config().channels[0].id

    return await start_bot(bot_settings(tmp_path, daily_time="09:00", daily_tz="Europe/Berlin"), url,
                           before_setup=configure)


def posts() -> list[discord.Message]:
    sent = []
    while not dpytest.sent_queue.empty():
        sent.append(dpytest.sent_queue.get_nowait())
    return sent


def set_next_run(bot: MiloBot, when: dt.datetime) -> None:
    """Simulate the clock: the stored job is due at `when` (as if the bot had been down)."""
    bot.scheduler.modify_job(JOB_ID, next_run_time=when)


@pytest.mark.asyncio
async def test_daily_post_runs_once_across_restarts(tmp_path: Path, render_service, discord_api) -> None:
    past = discord.utils.utcnow() - dt.timedelta(minutes=5)

    # 09:00 passed while the bot was down: the stored job is overdue at the next start.
    first = await daily_bot(tmp_path, render_service.url)
    first.scheduler.pause()
    set_next_run(first, past)
    await stop_bot(first)

    second = await daily_bot(tmp_path, render_service.url)
    cog: DailyCog = second.get_cog("DailyCog")
    try:
        await until(lambda: cog.store.last_posted() == cog.today(), timeout=30)
        (post,) = posts()  # posted once, late (misfire grace), then edited into the picture
        job = second.scheduler.get_job(JOB_ID)
        assert job.next_run_time > discord.utils.utcnow()  # tomorrow's 09:00
        assert job.next_run_time.astimezone(cog.tz).time() == dt.time(9, 0)
    finally:
        await stop_bot(second)

    # A restart after the post: the job store says tomorrow, nothing is posted.
    third = await daily_bot(tmp_path, render_service.url)
    try:
        await asyncio.sleep(0.5)
        assert posts() == []
        # Even if the job runs again today (a crash before the store was updated), the
        # last posted date stops a second post.
        set_next_run(third, past)
        await until(lambda: third.scheduler.get_job(JOB_ID).next_run_time > discord.utils.utcnow())
        await asyncio.sleep(0.3)
        assert posts() == []
    finally:
        await stop_bot(third)


@pytest.mark.asyncio
async def test_daily_now_and_status_for_admins(tmp_path: Path, render_service, discord_api: DiscordApi) -> None:
    bot = await daily_bot(tmp_path, render_service.url)
    cog: DailyCog = bot.get_cog("DailyCog")
    channel = dpytest.get_config().channels[0]
    try:
        status = make_interaction(bot, member=member(2), channel=channel, data=command_data("cartoon-daily"))
        await cog.daily_status.callback(cog, status)
        text = discord_api.calls_for(status.token)[0].payload["data"]["content"]
        assert "09:00 (Europe/Berlin)" in text and "Last posted: never" in text and "36 left" in text

        now = make_interaction(bot, member=member(2), channel=channel, data=command_data("cartoon-daily"))
        await cog.daily_now.callback(cog, now)
        (answer,) = discord_api.followups[now.token]
        assert answer["flags"] & 64 and answer["content"].startswith("Posted: https://discord.com/channels/")
        assert len(posts()) == 1 and cog.store.last_posted() == cog.today()
        assert cog.store.peek_saying(load_lines(BOFH_FILE))[1] == 35
    finally:
        await stop_bot(bot)
    assert DailyCog.daily.default_permissions.manage_guild  # admins only, by default


@pytest.mark.asyncio
async def test_a_failed_daily_post_is_retried_later_the_same_day(tmp_path: Path, render_service, discord_api) -> None:
    from bot.service_client import RenderClient

    bot = await daily_bot(tmp_path, render_service.url)
    await bot.render.aclose()
    bot.render = RenderClient("http://127.0.0.1:9")  # the render service is down
    cog: DailyCog = bot.get_cog("DailyCog")
    try:
        assert await cog.post(reason="scheduled") is None
        assert cog.store.last_posted() is None
        retry = bot.scheduler.get_job(RETRY_ID)
        if discord.utils.utcnow().astimezone(cog.tz).time() < dt.time(23, 40):
            wait = retry.next_run_time - discord.utils.utcnow()
            assert dt.timedelta(minutes=14) < wait <= dt.timedelta(minutes=15)
        else:  # a retry would fall on tomorrow, whose own run posts
            assert retry is None
    finally:
        await stop_bot(bot)
