"""/cartoon and /cartoon-help, driven through their callbacks with discord.py Interactions;
the render is real (`cartoon serve`, preview backend), responses go over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import discord
import pytest
from PIL import Image

from bot.client import MiloBot
from bot.service_client import RenderClient
from tests.bot.helpers import (
    RENDER_TOKEN,
    ChannelLog,
    command_data,
    custom_ids,
    make_interaction,
    member,
    text_channel,
)
from tests.servers.discord_api import DiscordApi

pytestmark = pytest.mark.asyncio


def cartoon_cog(bot: MiloBot):
    return bot.get_cog("CartoonCog")


async def run_cartoon(bot: MiloBot, who: int = 0, **kwargs) -> discord.Interaction:
    options = {k: v for k, v in kwargs.items() if k in ("scene", "shirt", "seed")}
    interaction = make_interaction(
        bot, member=member(who), channel=text_channel(), data=command_data("cartoon", **options),
        **{k: v for k, v in kwargs.items() if k not in options},
    )
    cog = cartoon_cog(bot)
    await cog.cartoon.callback(cog, interaction, **options)
    return interaction


async def test_cartoon_defers_shows_progress_and_becomes_the_picture(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.settings = bot.settings.model_copy(update={"bot_progress_interval_s": 2.0})
    interaction = await run_cartoon(bot, scene="Milo debugging at 2 AM", shirt="RTFM", seed=7)

    calls = discord_api.calls_for(interaction.token)
    assert calls[0].path.endswith("/callback") and calls[0].payload["type"] == 5  # deferred at once
    edits = [c for c in calls if c.method == "PATCH"]
    progress, final = edits[:-1], edits[-1]
    assert final.files  # the picture is uploaded in the last edit
    assert progress and "Milo debugging at 2 AM" in progress[0].payload["content"]
    gaps = [b.at - a.at for a, b in zip(edits, edits[1:], strict=False)]
    assert all(gap >= 1.95 for gap in gaps), gaps  # at most one edit every 2 s

    message = discord_api.original(interaction.token)
    assert "Shirt: **RTFM**" in message["content"] and "seed 7" in message["content"]
    (name, png), = discord_api.uploads[interaction.token].items()
    assert name.endswith(".png") and Image.open(io.BytesIO(png)).size == (1024, 1024)
    job_id = custom_ids(message)[0].split(":")[2]
    assert custom_ids(message) == [f"milo:{a}:{job_id}:{member(0).id}" for a in ("reroll", "slogan", "delete")]
    job = await bot.render.job(job_id)
    assert job.state == "done" and job.user == str(member(0).id) and job.plan["slogan"] == "RTFM"


async def test_cartoon_resolves_me_through_the_user_map(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.settings.user_characters[str(member(1).id)] = "james"
    interaction = await run_cartoon(bot, who=1, scene="me at the whiteboard without Milo")
    message = discord_api.original(interaction.token)
    job = await bot.render.job(custom_ids(message)[0].split(":")[2])
    assert job.plan["speaker"] == "james" and job.plan["characters"] == ["james"]
    assert job.plan["plate"] == "west"


async def test_big_pictures_are_reencoded_to_fit_the_upload_limit(bot: MiloBot, discord_api: DiscordApi) -> None:
    interaction = await run_cartoon(bot, scene="James asleep on the exercise bike", size_limit=6000)
    (name, data), = discord_api.uploads[interaction.token].items()
    assert name.endswith(".jpg") and len(data) <= 6000
    assert "to fit Discord's upload limit" in discord_api.original(interaction.token)["content"]


async def test_a_job_that_outlives_the_token_is_posted_to_the_channel(
    bot: MiloBot, discord_api: DiscordApi, channel_log: ChannelLog
) -> None:
    created = discord.utils.utcnow() - dt.timedelta(minutes=16)
    interaction = await run_cartoon(bot, scene="Milo at the rack", shirt="RTFM", created=created)
    assert not [c for c in discord_api.calls_for(interaction.token) if c.method == "PATCH"]
    assert len(channel_log.order) == 1  # one channel message: progress, then the picture
    final = channel_log.last()
    assert final["content"].startswith(member(0).mention)
    assert "longer than Discord keeps a reply open" in final["content"]
    assert [name.endswith(".png") for name in final["files"]] == [True]
    assert len(custom_ids(final)) == 3


async def test_an_expired_token_mid_job_moves_to_the_channel(
    bot: MiloBot, discord_api: DiscordApi, channel_log: ChannelLog
) -> None:
    interaction = make_interaction(bot, member=member(0), channel=text_channel(),
                                   data=command_data("cartoon", scene="Milo at the desk", shirt="RTFM"))
    discord_api.expired.add(interaction.token)  # Discord answers 50027 Invalid Webhook Token
    cog = cartoon_cog(bot)
    await cog.cartoon.callback(cog, interaction, scene="Milo at the desk", shirt="RTFM")
    assert [c.method for c in discord_api.calls_for(interaction.token)][:2] == ["POST", "PATCH"]
    final = channel_log.last()
    assert final["content"].startswith(member(0).mention) and final["files"]


async def test_rate_limit_answers_ephemerally_with_when_to_retry(
    bot: MiloBot, discord_api: DiscordApi, api_only_service
) -> None:
    bot.render = RenderClient(api_only_service.url, RENDER_TOKEN)
    await bot.render.submit({"text": "Milo at the desk", "user": str(member(2).id)})
    interaction = await run_cartoon(bot, who=2, scene="Milo at the rack")
    (followup,) = discord_api.followups[interaction.token]
    assert followup["flags"] & 64 and "Try again in" in followup["content"]
    assert discord_api.original(interaction.token) is None  # the public "thinking" is gone


async def test_service_down_is_a_human_ephemeral_message(bot: MiloBot, discord_api: DiscordApi, caplog) -> None:
    await bot.render.aclose()
    bot.render = RenderClient("http://127.0.0.1:9", RENDER_TOKEN)
    interaction = await run_cartoon(bot, scene="Milo at the rack")
    (followup,) = discord_api.followups[interaction.token]
    assert followup["flags"] & 64 and "render service" in followup["content"] and "try again" in followup["content"]
    assert "ServiceDown" in caplog.text  # the cause is logged; nothing raised


async def test_mass_mentions_and_overlong_scenes_are_refused_before_queueing(
    bot: MiloBot, discord_api: DiscordApi, api_only_service
) -> None:
    bot.render = RenderClient(api_only_service.url, RENDER_TOKEN)  # no worker: queued jobs stay
    depth = (await bot.render.health())["queue_depth"]
    for scene, why in (("@everyone look at Milo", "@everyone"), ("Milo at the desk " * 40, "characters")):
        interaction = await run_cartoon(bot, scene=scene)
        (followup,) = discord_api.followups[interaction.token]
        assert followup["flags"] & 64 and why in followup["content"]
    assert (await bot.render.health())["queue_depth"] == depth


async def test_help_lists_characters_walls_and_examples(bot: MiloBot, discord_api: DiscordApi) -> None:
    interaction = make_interaction(bot, member=member(0), channel=text_channel(), data=command_data("cartoon-help"))
    cog = cartoon_cog(bot)
    await cog.cartoon_help.callback(cog, interaction)
    (call,) = discord_api.calls_for(interaction.token)
    content = call.payload["data"]["content"]
    assert call.payload["data"]["flags"] & 64
    for word in ("Milo", "James Meadlock", "whiteboard", "server rack", "/cartoon scene:", "Reroll"):
        assert word in content


async def test_progress_keeps_a_too_early_update_for_a_trailing_edit(bot: MiloBot, channel_log: ChannelLog) -> None:
    from bot.progress import ChannelTarget, Progress
    from bot.service_client import Job

    progress = Progress(ChannelTarget(text_channel()), "Milo at the rack", interval_s=0.4)
    await progress.update(Job(id="j", state="queued", position=2))
    await progress.update(Job(id="j", state="running", step=1, total=4))  # too soon: kept
    assert "2 pictures ahead" in channel_log.last()["content"]
    await asyncio.sleep(0.6)
    assert "step 1/4" in channel_log.last()["content"]  # shown once the interval was up
    await progress.update(Job(id="j", state="running", step=2, total=4))
    await progress.wait_turn()  # the final edit's turn: the pending step is dropped
    assert "step 1/4" in channel_log.last()["content"] and len(channel_log.order) == 1
