"""Jobs in flight survive a restart: the bot is stopped mid-render (its follower torn down, or
the `cartoon bot` process killed with SIGKILL), a new one starts on the same
CARTOON_BOT_STATE_DIR, and the picture is delivered exactly once. The render service is a
real `cartoon serve` whose scenes with a `gate-…` word wait until the test opens the gate."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path

import discord
import pytest

from bot.pending import POSTING, PendingJob, PendingStore
from bot.wording import LOST
from core.settings import Settings
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    RENDER_TOKEN,
    ROOT,
    Gates,
    Service,
    bot_settings,
    job_of,
    may_ping,
    picture_done,
    pictures,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import BOT_USER_ID, DiscordApi, custom_ids

pytestmark = pytest.mark.asyncio
MILO = f"<@{BOT_USER_ID}>"


def drawing(api: DiscordApi, message_id: int | None) -> bool:
    """The progress message shows the held render's first step."""
    message = api.messages.get(message_id or 0)
    return bool(message and "step 1/2" in message["content"])


async def stopped_mid_render(api: DiscordApi, settings: Settings, url: str, scene: str, **options: str) -> str:
    """alice asks `/cartoon scene` (a held scene); the bot stops while it is drawn. Its token."""
    bot = await start_bot(api, settings, url)
    try:
        token = await api.slash("alice", "cartoon", scene=scene, **options)
        await until(lambda: drawing(api, api.interactions[token]["original"]))
    finally:
        await stop_bot(bot)  # mid-render: the job waits at its gate
    return token


async def test_a_slash_job_stopped_mid_render_is_delivered_by_the_next_start(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    gate = gates.word()
    token = await stopped_mid_render(discord_api, settings, gated_service.url, f"Milo at the rack {gate}", shirt="RTFM")

    (record,) = PendingStore(settings.bot_state_dir / "pending.sqlite").all()
    assert record.job_id is not None
    assert record.origin == "cartoon"
    gates.open(gate)
    second = await start_bot(discord_api, settings, gated_service.url)
    try:
        message = await until(lambda: picture_done(discord_api, token))
        assert job_of(message) == record.job_id
        assert "Shirt: **RTFM**" in message["content"]
        assert len(pictures(discord_api)) == 1  # the same message became the picture: once
        await until(lambda: second.pending.all() == [])
    finally:
        await stop_bot(second)


async def test_after_the_token_expired_the_next_start_posts_a_new_message_that_pings_only_the_asker(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    gate = gates.word()
    token = await stopped_mid_render(discord_api, settings, gated_service.url,
                                     f"Milo at the desk {gate} with <@830000000000000002>")
    discord_api.expire(token)  # the bot was down longer than Discord keeps the token

    gates.open(gate)
    second = await start_bot(discord_api, settings, gated_service.url)
    try:
        (picture,) = await until(lambda: pictures(discord_api))
        alice = discord_api.member("alice")
        assert picture["content"].startswith(alice.mention)
        (post,) = [c for c in discord_api.posts() if c.files and c.path.endswith("/messages")]
        assert may_ping(post) == {alice.id}
        assert "<@830000000000000002>" not in picture["content"]
        assert "new message below" in discord_api.original(token)["content"]
        await until(lambda: second.pending.all() == [])
        assert len(pictures(discord_api)) == 1
    finally:
        await stop_bot(second)


async def test_a_mention_stopped_mid_render_becomes_its_reply_after_the_restart(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    first = await start_bot(discord_api, settings, gated_service.url)
    gate = gates.word()
    asked = await discord_api.say("james", f"{MILO} Milo at the whiteboard {gate}")
    reply = await until(lambda: next((m for m in discord_api.in_channel("general")
                                      if m.get("message_reference") and "step 1/2" in m["content"]), None))
    await stop_bot(first)
    gates.open(gate)
    second = await start_bot(discord_api, settings, gated_service.url)
    try:
        (picture,) = await until(lambda: pictures(discord_api))
        assert picture["id"] == reply["id"]  # the progress reply became the picture
        assert int(picture["message_reference"]["message_id"]) == int(asked["id"])
        await until(lambda: second.pending.all() == [])
    finally:
        await stop_bot(second)


async def test_a_job_that_was_never_submitted_is_submitted_by_the_next_start(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    """The bot stopped after writing the record and before the service answered."""
    settings = bot_settings(tmp_path, discord_api)
    channel = discord_api.channel("general").id
    alice = discord_api.member("alice").id
    PendingStore(settings.bot_state_dir / "pending.sqlite").save(PendingJob(
        origin="mention", body={"text": "Milo at the rack", "user": str(alice)}, requester_id=alice,
        channel_id=channel, scene="Milo at the rack"))
    bot = await start_bot(discord_api, settings, render_service.url)
    try:
        (picture,) = await until(lambda: pictures(discord_api))
        assert (await bot.services.primary.job(job_of(picture))).user == str(alice)
        await until(lambda: bot.pending.all() == [])
    finally:
        await stop_bot(bot)


async def test_a_crash_right_after_posting_does_not_post_the_picture_twice(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    """Discord took the new message; the bot stopped before it heard back: the next start
    finds the message (it carries the job's buttons) instead of posting it again."""
    settings = bot_settings(tmp_path, discord_api)
    posted = discord_api.hold(lambda c: c.method == "POST" and c.path.endswith("/messages") and bool(c.files))
    bot = await start_bot(discord_api, settings, render_service.url)
    created = discord.utils.utcnow() - dt.timedelta(minutes=16)  # token expired: a new message
    await discord_api.slash("alice", "cartoon", scene="Milo at the rack", created=created)
    await asyncio.wait_for(posted.wait(), 60)
    await stop_bot(bot)  # before Discord's answer arrived
    (record,) = PendingStore(settings.bot_state_dir / "pending.sqlite").all()
    assert record.stage == POSTING
    assert len(pictures(discord_api)) == 1
    discord_api.release()

    again = await start_bot(discord_api, settings, render_service.url)
    try:
        await until(lambda: again.pending.all() == [])
        assert len(pictures(discord_api)) == 1
        assert len([c for c in discord_api.posts() if c.files and c.method == "POST"]) == 1
    finally:
        await stop_bot(again)


async def test_a_job_the_service_forgot_gets_a_short_apology_in_place(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    token = await stopped_mid_render(discord_api, settings, gated_service.url, f"Milo at the rack {gates.word()}")
    # While the bot was down the service lost the job (its results expired, or its store was
    # replaced): it now answers 404 for that id.
    store = PendingStore(settings.bot_state_dir / "pending.sqlite")
    (record,) = store.all()
    record.job_id = "forgotten-job-0000"
    store.save(record)

    second = await start_bot(discord_api, settings, gated_service.url)
    try:
        await until(lambda: second.pending.all() == [])
        assert discord_api.original(token)["content"] == LOST  # in place of "Drawing…"
        assert pictures(discord_api) == []
    finally:
        await stop_bot(second)


# --- the real process, killed -------------------------------------------------------------------
# `cartoon bot` as deployed; discord.py's gateway address is the only thing moved (it has no
# setting: discord.py connects to Discord's default gateway without asking the REST API).
LAUNCH = ("import os, sys, yarl, discord.gateway as g; "
          "g.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ['TEST_DISCORD_GATEWAY']); "
          "import cartoon; sys.exit(cartoon.main(['-v', 'bot', '--json']))")


async def cartoon_bot(api: DiscordApi, state: Path, render_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_") and k != "DISCORD_TOKEN"}
    env.update(PYTHONPATH=str(ROOT), DISCORD_TOKEN=api.bot_token, TEST_DISCORD_GATEWAY=api.gateway_url,
               CARTOON_DISCORD_API_URL=api.base, CARTOON_RENDER_URL=render_url, CARTOON_RENDER_TOKEN=RENDER_TOKEN,
               CARTOON_BOT_STATE_DIR=str(state), CARTOON_LLM_URL="", CARTOON_BOT_PROGRESS_INTERVAL_S="2")
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", LAUNCH, cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=log.open("ab"))
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 120)
    assert json.loads(line)["ready"] is True, log.read_text()[-2000:]
    return process


async def test_the_killed_bot_process_delivers_after_its_restart_exactly_once(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    state, log = tmp_path / "bot-state", tmp_path / "bot.log"
    first = await cartoon_bot(discord_api, state, gated_service.url, log)
    second = None
    try:
        gate = gates.word()
        token = await discord_api.slash("alice", "cartoon", scene=f"Milo and James at the desk {gate}", shirt="PEBKAC")
        await until(lambda: drawing(discord_api, discord_api.interactions[token]["original"]), timeout=120)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        gates.open(gate)

        second = await cartoon_bot(discord_api, state, gated_service.url, log)
        message = await until(lambda: picture_done(discord_api, token), timeout=120)
        assert "Shirt: **PEBKAC**" in message["content"]
        assert len(custom_ids(message)) == len(PICTURE_ACTIONS)
        await until(lambda: PendingStore(state / "pending.sqlite").all() == [], timeout=120)
        assert len(pictures(discord_api)) == 1
        assert "resuming job" in log.read_text()
    finally:
        for process in (first, second):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGKILL)
                await process.wait()
