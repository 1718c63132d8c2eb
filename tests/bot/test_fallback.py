"""The fallback render service (CARTOON_RENDER_FALLBACK_URL): when the render service is
down or a job fails there, /cartoon and mentions are drawn by the fallback, and the
picture's buttons (tagged `:f`) keep asking the fallback, also after a restart. Every
service here is a real `cartoon serve` (preview backend) on 127.0.0.1; the primary that is
"down" is a port nothing listens on."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import discord.ext.test as dpytest
import pytest
import pytest_asyncio

from bot.client import MiloBot
from bot.jobs import FALLBACK_CAPTION, FALLBACK_NOTE
from bot.views import RerollButton, SloganButton
from tests.bot.helpers import (
    ChannelLog,
    Service,
    bot_settings,
    button_data,
    command_data,
    custom_ids,
    interaction_payload,
    make_interaction,
    member,
    start_bot,
    stop_bot,
    text_channel,
    until,
)
from tests.servers.discord_api import DiscordApi
from tests.service.helpers import free_port

pytestmark = pytest.mark.asyncio


@pytest.fixture
def down_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


@pytest_asyncio.fixture
async def fallback_bot(tmp_path: Path, render_service: Service, discord_api: DiscordApi, down_url: str,
                       monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[MiloBot]:
    monkeypatch.chdir(tmp_path)  # dpytest writes attachment files into the working directory
    bot = await start_bot(bot_settings(tmp_path), down_url, fallback_url=render_service.url)
    yield bot
    await stop_bot(bot)


async def slash(bot: MiloBot, scene: str, who: int = 0):
    interaction = make_interaction(bot, member=member(who), channel=text_channel(),
                                   data=command_data("cartoon", scene=scene, shirt="RTFM"))
    cog = bot.get_cog("CartoonCog")
    await cog.cartoon.callback(cog, interaction, scene=scene, shirt="RTFM")
    return interaction


async def test_slash_command_is_drawn_by_the_fallback_and_its_buttons_survive_a_restart(
    fallback_bot: MiloBot, discord_api: DiscordApi, render_service: Service, down_url: str,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    interaction = await slash(fallback_bot, "Milo at the rack")
    calls = discord_api.calls_for(interaction.token)
    assert any(FALLBACK_NOTE in (c.payload or {}).get("content", "") for c in calls if c.method == "PATCH")
    message = discord_api.original(interaction.token)
    assert FALLBACK_CAPTION in message["content"] and "Shirt: **RTFM**" in message["content"]
    ids = custom_ids(message)
    job_id = ids[0].split(":")[2]
    assert ids == [f"milo:{a}:{job_id}:{member(0).id}:f" for a in ("reroll", "slogan", "delete")]
    assert (await fallback_bot.render_fallback.job(job_id)).state == "done"
    assert down_url in caplog.text and "ServiceDown" in caplog.text  # the cause is logged
    await stop_bot(fallback_bot)

    # A new process, same configuration: discord.py rebuilds the button from its custom id,
    # and the `:f` sends "New slogan" to the fallback (the primary is still down).
    restarted = await start_bot(bot_settings(tmp_path), down_url, fallback_url=render_service.url)
    try:
        raw = interaction_payload(restarted, kind=3, member=member(0), channel=text_channel(),
                                  data=button_data(ids[1]), message=message)
        discord_api.messages[raw["token"]] = message
        restarted._connection.parse_interaction_create(raw)
        uploaded = await until(lambda: discord_api.uploads.get(raw["token"]))
        assert list(uploaded)[0].startswith(f"milo-{job_id[:12]}")
        edited = discord_api.original(raw["token"])
        assert edited["id"] == message["id"] and "Shirt: **RTFM**" not in edited["content"]
    finally:
        await stop_bot(restarted)


async def test_a_mention_is_drawn_by_the_fallback_and_reroll_asks_it_for_the_plan(
    fallback_bot: MiloBot, discord_api: DiscordApi,
) -> None:
    log = ChannelLog()
    dpytest.callbacks.set_callback(log.on_send, "send_message")
    dpytest.callbacks.set_callback(log.on_edit, "edit_message")
    await dpytest.message(f"<@{fallback_bot.user.id}> draw Milo at the whiteboard", member=member(1))
    reply = log.last()
    assert reply["files"] and FALLBACK_CAPTION in reply["content"]
    ids = custom_ids(reply)
    assert all(i.endswith(":f") for i in ids)
    job_id = ids[0].split(":")[2]

    # Reroll reads the plan from the service the picture came from, and draws it anew.
    button = RerollButton(job_id, member(1).id, "f")
    interaction = make_interaction(fallback_bot, kind=3, member=member(1), channel=text_channel(),
                                   data=button_data(button.custom_id), message=None)
    await button.callback(interaction)
    rerolled = discord_api.original(interaction.token)
    assert "Reroll of *draw Milo at the whiteboard*" in rerolled["content"]
    new = await fallback_bot.render_fallback.job(custom_ids(rerolled)[0].split(":")[2])
    old = await fallback_bot.render_fallback.job(job_id)
    assert new.state == "done" and new.plan["plate"] == old.plan["plate"] and new.plan["seed"] != old.plan["seed"]


async def test_a_job_that_fails_on_the_service_is_redrawn_by_the_fallback(
    tmp_path: Path, render_service: Service, failing_service: Service, discord_api: DiscordApi,
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.chdir(tmp_path)
    bot = await start_bot(bot_settings(tmp_path), failing_service.url, fallback_url=render_service.url)
    try:
        interaction = await slash(bot, "James asleep on the exercise bike")
        message = discord_api.original(interaction.token)
        assert FALLBACK_CAPTION in message["content"] and custom_ids(message)[0].endswith(":f")
        assert "JobFailed" in caplog.text and failing_service.url in caplog.text
    finally:
        await stop_bot(bot)


async def test_tagged_ids_fit_discord_and_untagged_ids_still_mean_the_primary() -> None:
    longest = SloganButton("j" * 64, 10**19, "f").custom_id
    assert len(longest) <= 100
    assert re.match(SloganButton.__discord_ui_compiled_template__, longest)["service"] == "f"
    old = re.match(SloganButton.__discord_ui_compiled_template__, "milo:slogan:abc123:42")
    assert old is not None and old["service"] is None
