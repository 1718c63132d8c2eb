"""The fallback render service (CARTOON_RENDER_FALLBACK_URL): when the render service is
down or a job fails there, /cartoon and mentions are drawn by the fallback, and the
picture's buttons (tagged `:f`) keep asking the fallback, also after a restart. Every
service here is a real `cartoon serve` (preview backend) on 127.0.0.1; the primary that is
"down" is a port nothing listens on."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.captions import FALLBACK_CAPTION, FALLBACK_NOTE
from bot.client import MiloBot
from bot.slogan_flow import SloganButton
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    Service,
    bot_settings,
    button_id,
    job_of,
    menu_options,
    pick,
    picture_done,
    slogan_menu,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import BOT_USER_ID, DiscordApi, custom_ids, files_of
from tests.service.helpers import free_port


@pytest.fixture
def down_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


@pytest_asyncio.fixture
async def fallback_bot(tmp_path: Path, render_service: Service, discord_api: DiscordApi,
                       down_url: str) -> AsyncIterator[MiloBot]:
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), down_url, fallback_url=render_service.url)
    yield bot
    await stop_bot(bot)


@pytest.mark.asyncio
async def test_slash_command_is_drawn_by_the_fallback_and_its_buttons_survive_a_restart(
    fallback_bot: MiloBot, discord_api: DiscordApi, render_service: Service, down_url: str,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack", shirt="RTFM")
    message = dict(await until(lambda: picture_done(discord_api, token)))
    edits = [c.payload.get("content", "") for c in discord_api.calls_for(token) if c.method == "PATCH"]
    assert any(FALLBACK_NOTE in text for text in edits)
    assert FALLBACK_CAPTION in message["content"]
    assert "Shirt: **RTFM**" in message["content"]
    ids = custom_ids(message)
    job_id = job_of(message)
    alice = discord_api.member("alice").id
    assert ids == [f"milo:{a}:{job_id}:{alice}:f" for a in PICTURE_ACTIONS]
    assert (await fallback_bot.services.fallback.job(job_id)).state == "done"
    assert down_url in caplog.text  # the cause is logged
    await stop_bot(fallback_bot)

    # A new process, same configuration: discord.py rebuilds the button and the slogan menu
    # from their custom ids, and the `:f` sends the new slogan to the fallback (the primary is
    # still down).
    restarted = await start_bot(discord_api, bot_settings(tmp_path, discord_api), down_url,
                                fallback_url=render_service.url)
    try:
        before = files_of(message)
        menu = await slogan_menu(discord_api, "alice", message)
        await pick(discord_api, "alice", menu, menu_options(menu)[0])
        edited = await until(lambda: (m := discord_api.messages[int(message["id"])]) and files_of(m) != before and m)
        assert list(files_of(edited))[0].startswith(f"milo-{job_id[:12]}")
        assert "Shirt: **RTFM**" not in edited["content"]
        assert FALLBACK_CAPTION in edited["content"]
    finally:
        await stop_bot(restarted)


@pytest.mark.asyncio
async def test_a_mention_is_drawn_by_the_fallback_and_reroll_asks_it_for_the_plan(
    fallback_bot: MiloBot, discord_api: DiscordApi,
) -> None:
    await discord_api.say("james", f"<@{BOT_USER_ID}> draw Milo at the whiteboard")
    reply = await until(lambda: next((m for m in discord_api.in_channel("general")
                                      if files_of(m) and m.get("message_reference")), None))
    assert FALLBACK_CAPTION in reply["content"]
    ids = custom_ids(reply)
    assert all(i.endswith(":f") for i in ids)

    # Reroll reads the plan from the service the picture came from, and draws it anew.
    token = await discord_api.click("james", int(reply["id"]), button_id(reply, "reroll"))
    rerolled = await until(lambda: picture_done(discord_api, token))
    assert "Reroll of *draw Milo at the whiteboard*" in rerolled["content"]
    new = await fallback_bot.services.fallback.job(job_of(rerolled))
    old = await fallback_bot.services.fallback.job(job_of(reply))
    assert new.state == "done"
    assert new.plan["plate"] == old.plan["plate"]
    assert new.plan["seed"] != old.plan["seed"]


@pytest.mark.asyncio
async def test_a_job_that_fails_on_the_service_is_redrawn_by_the_fallback(
    tmp_path: Path, render_service: Service, failing_service: Service, discord_api: DiscordApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), failing_service.url,
                          fallback_url=render_service.url)
    try:
        token = await discord_api.slash("alice", "cartoon", scene="James asleep on the exercise bike")
        message = await until(lambda: picture_done(discord_api, token))
        assert FALLBACK_CAPTION in message["content"]
        assert custom_ids(message)[0].endswith(":f")
        assert failing_service.url in caplog.text
        assert "drawing it at the fallback" in caplog.text
    finally:
        await stop_bot(bot)


def test_tagged_ids_fit_discord_and_untagged_ids_still_mean_the_primary() -> None:
    longest = SloganButton("j" * 40, 10**19, "f").custom_id  # job ids are 32 characters; 40 allowed
    assert len(longest) <= 100
    assert re.match(SloganButton.__discord_ui_compiled_template__, longest)["service"] == "f"
    old = re.match(SloganButton.__discord_ui_compiled_template__, "milo:slogan:abc123:42")
    assert old is not None
    assert old["service"] is None
