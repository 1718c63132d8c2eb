""""@Milo draw ..." as Discord delivers it (MESSAGE_CREATE over the gateway): the same path as
/cartoon, answered as a reply, against the real render service."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from bot.client import MiloBot
from bot.cogs.cartoon import DM_REPLY
from bot.service_client import RenderClient
from bot.services import RenderServices
from tests.bot.helpers import (
    RENDER_TOKEN,
    Gates,
    Service,
    bot_settings,
    button_id,
    job_of,
    may_ping,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import BOT_USER_ID, DiscordApi, files_of

pytestmark = pytest.mark.asyncio
MILO = f"<@{BOT_USER_ID}>"


def replies(api: DiscordApi, channel: str = "general") -> list[dict]:
    return [m for m in api.in_channel(channel) if int(m["author"]["id"]) == BOT_USER_ID]


async def test_a_mention_is_drawn_and_answered_as_one_reply(bot: MiloBot, discord_api: DiscordApi) -> None:
    james = discord_api.member("james")
    bot.settings.user_characters[str(james.id)] = "james"
    asked = await discord_api.say("james", f"{MILO} draw me and Milo at the whiteboard")

    reply = await until(lambda: next((m for m in replies(discord_api) if files_of(m)), None))
    assert len(replies(discord_api)) == 1  # one reply, edited from progress into the picture
    assert int(reply["message_reference"]["message_id"]) == int(asked["id"])
    (png,) = files_of(reply).values()
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    job_id = job_of(reply)
    assert button_id(reply, "delete") == f"milo:delete:{job_id}:{james.id}"
    job = await bot.services.primary.job(job_id)
    # "me" is James (the user map, sent as `as`); "at the whiteboard" is the west wall.
    assert job.plan["speaker"] == "james"
    assert set(job.plan["characters"]) == {"james", "milo"}
    assert job.plan["plate"] == "west"
    assert job.user == str(james.id)
    assert {frozenset(may_ping(c)) for c in discord_api.posts()} == {frozenset()}  # nobody pinged


async def test_the_scene_is_echoed_without_mentions_or_markdown(bot: MiloBot, discord_api: DiscordApi) -> None:
    alice = discord_api.member("alice")
    await discord_api.say("james", f"{MILO} Milo and {alice.mention} at the rack, **loud** [prize](https://x.example)")
    reply = await until(lambda: next((m for m in replies(discord_api) if files_of(m)), None))
    shown = [c.payload.get("content", "") for c in discord_api.posts()]
    assert shown
    assert all("<@" not in text for text in shown)
    assert all("**loud**" not in text for text in shown)
    assert "\\*\\*loud\\*\\*" in reply["content"]  # shown as typed, not bold
    assert "\\[prize]" in reply["content"]  # no masked link
    assert [may_ping(c) for c in discord_api.posts()] == [set()] * len(shown)


@pytest.mark.parametrize("refusal", ["deleted", 30046])  # the progress reply was deleted / edited too often
async def test_a_reply_discord_will_not_edit_becomes_a_new_message_that_pings_the_asker(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates, refusal: str | int
) -> None:
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), gated_service.url)
    try:
        gate = gates.word()
        await discord_api.say("james", f"{MILO} Milo at the rack {gate}")
        progress = await until(lambda: next((m for m in replies(discord_api) if "step 1/2" in m["content"]), None))
        if refusal == "deleted":
            discord_api.delete(int(progress["id"]))
        else:
            discord_api.refuse_edits[int(progress["id"])] = int(refusal)
        gates.open(gate)
        picture = await until(lambda: next((m for m in replies(discord_api) if files_of(m)), None))
        james = discord_api.member("james")
        assert picture["id"] != progress["id"]
        assert picture["content"].startswith(james.mention)
        (post,) = [c for c in discord_api.posts() if c.files and c.method == "POST"]
        assert may_ping(post) == {james.id}
        await until(lambda: int(progress["id"]) in discord_api.deleted)  # the stale progress reply goes
        await until(lambda: bot.pending.all() == [])
        assert len([m for m in replies(discord_api) if files_of(m)]) == 1
    finally:
        await stop_bot(bot)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("{milo}", "Tell me what to draw"),
        ("{milo}    ", "Tell me what to draw"),
        ("{milo} @everyone look at Milo at the rack", "@everyone"),
        ("{milo} " + "Milo at the desk " * 40, "characters"),
        ("{milo} help", "The four walls of the lab"),
        ("{milo} help?", "Reroll"),
    ],
)
async def test_bad_mentions_and_help_are_answered_before_anything_is_queued(
    bot: MiloBot, discord_api: DiscordApi, api_only_service, text: str, answer: str
) -> None:
    bot.services = RenderServices(RenderClient(api_only_service.url, RENDER_TOKEN))  # no worker: jobs stay
    depth = (await bot.services.primary.health())["queue_depth"]
    await discord_api.say("alice", text.format(milo=MILO))
    (reply,) = await until(lambda: replies(discord_api))
    assert answer in reply["content"]
    assert (await bot.services.primary.health())["queue_depth"] == depth


async def test_a_channel_without_attach_files_is_named_before_queueing(
    bot: MiloBot, discord_api: DiscordApi, api_only_service
) -> None:
    bot.services = RenderServices(RenderClient(api_only_service.url, RENDER_TOKEN))
    depth = (await bot.services.primary.health())["queue_depth"]
    await discord_api.say("alice", f"{MILO} Milo at the rack", channel="no-files")
    (reply,) = await until(lambda: replies(discord_api, "no-files"))
    assert "missing the Attach Files permission in #no-files" in reply["content"]
    assert (await bot.services.primary.health())["queue_depth"] == depth


async def test_a_channel_where_the_bot_cannot_write_is_explained_by_dm(bot: MiloBot, discord_api: DiscordApi) -> None:
    await discord_api.say("alice", f"{MILO} Milo at the rack", channel="quiet")
    (dm,) = await until(lambda: discord_api.in_channel(discord_api.dm_channel("alice")))
    assert "Send Messages" in dm["content"]
    assert "#quiet" in dm["content"]
    assert replies(discord_api, "quiet") == []


async def test_a_mention_that_breaks_is_answered_in_plain_words(bot: MiloBot, discord_api: DiscordApi, tmp_path: Path) -> None:
    bot.settings = bot.settings.model_copy(update={"characters_dir": tmp_path / "no-characters"})
    bot.__dict__.pop("character_names", None)  # read again, from the missing folder
    await discord_api.say("alice", f"{MILO} Milo at the rack")
    (reply,) = await until(lambda: replies(discord_api))
    assert reply["content"] == "Something went wrong on my side. Please try again in a moment."


async def test_messages_that_do_not_mention_the_bot_are_ignored(bot: MiloBot, discord_api: DiscordApi) -> None:
    await discord_api.say("alice", "Milo at the desk, but nobody asked the bot")
    await discord_api.say("alice", f"{MILO} help")  # a message the bot does answer, after it
    await until(lambda: replies(discord_api))
    assert len(replies(discord_api)) == 1  # only the second


async def test_a_dm_says_the_bot_works_in_servers(bot: MiloBot, discord_api: DiscordApi) -> None:
    await discord_api.direct_message("alice", "draw me at the rack")
    (answer,) = await until(lambda: [m for m in discord_api.in_channel(discord_api.dm_channel("alice"))
                                     if int(m["author"]["id"]) == BOT_USER_ID])
    assert answer["content"] == DM_REPLY
