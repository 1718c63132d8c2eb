""""@Milo draw ..." through dpytest: the same pipeline as /cartoon, answered as a reply,
against the real render service."""

from __future__ import annotations

import io

import discord.ext.test as dpytest
import pytest
from PIL import Image

from bot.client import MiloBot
from bot.cogs.cartoon import DM_REPLY
from tests.bot.helpers import ChannelLog, custom_ids, member

pytestmark = pytest.mark.asyncio


async def test_a_mention_is_drawn_and_answered_as_a_reply(bot: MiloBot, channel_log: ChannelLog) -> None:
    james = member(1)
    bot.settings.user_characters[str(james.id)] = "james"
    asked = await dpytest.message(f"<@{bot.user.id}> draw me and Milo at the whiteboard", member=james)

    assert len(channel_log.order) == 1  # one reply, edited from progress into the picture
    reply = channel_log.last()
    (name, png), = reply["files"].items()
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    job_id = custom_ids(reply)[0].split(":")[2]
    assert custom_ids(reply)[2] == f"milo:delete:{job_id}:{james.id}"
    job = await bot.render.job(job_id)
    # "me" is James (the user map, sent as `as`); "at the whiteboard" is the west wall.
    assert job.plan["speaker"] == "james" and set(job.plan["characters"]) == {"james", "milo"}
    assert job.plan["plate"] == "west" and job.user == str(james.id)
    sent = dpytest.get_message()
    assert int(bot.http.references[sent.id]["message_id"]) == asked.id  # a reply to the asker


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("<@{bot}>", "Tell me what to draw"),
        ("<@{bot}>    ", "Tell me what to draw"),
        ("<@{bot}> @everyone look at Milo at the rack", "@everyone"),
        ("<@{bot}> " + "Milo at the desk " * 40, "characters"),
    ],
)
async def test_bad_mentions_are_answered_before_anything_is_queued(
    bot: MiloBot, channel_log: ChannelLog, text: str, answer: str, api_only_service
) -> None:
    from bot.service_client import RenderClient
    from tests.bot.helpers import RENDER_TOKEN

    bot.render = RenderClient(api_only_service.url, RENDER_TOKEN)  # no worker: a queued job stays
    depth = (await bot.render.health())["queue_depth"]
    await dpytest.message(text.format(bot=bot.user.id), member=member(0))
    assert answer in dpytest.get_message().content
    assert (await bot.render.health())["queue_depth"] == depth
    await bot.render.aclose()


async def test_messages_that_do_not_mention_the_bot_are_ignored(bot: MiloBot) -> None:
    await dpytest.message("Milo at the desk, but nobody asked the bot", member=member(0))
    assert dpytest.verify().message().nothing()


async def test_a_dm_says_the_bot_works_in_servers(bot: MiloBot) -> None:
    dm = await member(0).create_dm()
    await dpytest.message("draw me at the rack", channel=dm, member=member(0))
    assert dpytest.verify().message().content(DM_REPLY)
