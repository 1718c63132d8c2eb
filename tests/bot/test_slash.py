"""/cartoon and /cartoon-help as Discord delivers them (INTERACTION_CREATE over the gateway),
against a real `cartoon serve` (preview drawing); every assertion reads what the local
Discord received."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import discord
import pytest
from PIL import Image

from bot.client import MiloBot
from bot.service_client import RenderClient
from bot.services import RenderServices
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    RENDER_TOKEN,
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
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids, files_of

pytestmark = pytest.mark.asyncio


def use_service(bot: MiloBot, url: str) -> None:
    bot.services = RenderServices(RenderClient(url, RENDER_TOKEN))


async def answered_privately(api: DiscordApi, token: str) -> dict:
    """The one ephemeral answer an interaction got (and nothing public left behind)."""
    answers = await until(lambda: [m for m in api.messages.values()
                                   if m.get("_token") == token and m["flags"] & EPHEMERAL])
    assert len(answers) == 1
    await until(lambda: api.original(token) is None or api.original(token)["flags"] & EPHEMERAL)
    return answers[0]


async def test_cartoon_defers_shows_progress_and_becomes_the_picture(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.settings = bot.settings.model_copy(update={"bot_progress_interval_s": 2.0})
    token = await discord_api.slash("alice", "cartoon", scene="Milo debugging at 2 AM", shirt="RTFM", seed=7)
    message = await until(lambda: picture_done(discord_api, token))

    calls = discord_api.calls_for(token)
    assert calls[0].path.endswith("/callback")
    assert calls[0].payload["type"] == 5  # deferred at once ("thinking…")
    edits = [c for c in calls if c.method == "PATCH"]
    progress, final = edits[:-1], edits[-1]
    assert final.files  # the picture is uploaded in the last edit
    assert progress
    assert "Milo debugging at 2 AM" in progress[0].payload["content"]
    gaps = [b.at - a.at for a, b in zip(edits, edits[1:], strict=False)]
    assert all(gap >= 1.95 for gap in gaps), gaps  # at most one edit every 2 s

    assert "Shirt: **RTFM**" in message["content"]
    assert "seed 7" in message["content"]
    (name, png), = files_of(message).items()
    assert name.endswith(".png")
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    job_id = job_of(message)
    alice = discord_api.member("alice").id
    assert custom_ids(message) == [f"milo:{a}:{job_id}:{alice}" for a in PICTURE_ACTIONS]
    job = await bot.services.primary.job(job_id)
    assert job.state == "done"
    assert job.user == str(alice)
    assert job.plan["slogan"] == "RTFM"
    await until(lambda: bot.pending.all() == [])  # delivered: nothing left on record


async def test_cartoon_resolves_me_through_the_user_map(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.settings.user_characters[str(discord_api.member("james").id)] = "james"
    token = await discord_api.slash("james", "cartoon", scene="me at the whiteboard without Milo")
    message = await until(lambda: picture_done(discord_api, token))
    job = await bot.services.primary.job(job_of(message))
    assert job.plan["speaker"] == "james"
    assert job.plan["characters"] == ["james"]
    assert job.plan["plate"] == "west"


async def test_a_shirt_without_milo_in_the_scene_is_mentioned_in_the_caption(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("alice", "cartoon", scene="James alone at the whiteboard without Milo",
                                    shirt="<@830000000000000002> RTFM")
    message = await until(lambda: picture_done(discord_api, token))
    plan = (await bot.services.primary.job(job_of(message))).plan
    assert "milo" not in plan["characters"]
    assert plan["slogan"] is None
    # The planner says why in plan.notes; the caption carries each note, mention-free.
    assert plan["notes"], "the planner gave no note for the dropped shirt"
    for note in plan["notes"]:
        assert note in message["content"]
    assert "RTFM" in message["content"]
    assert "<@" not in message["content"]  # the echoed slogan lost its mention


async def test_big_pictures_are_reencoded_to_fit_the_upload_limit(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("alice", "cartoon", scene="James asleep on the exercise bike", size_limit=6000)
    message = await until(lambda: picture_done(discord_api, token))
    (name, data), = files_of(message).items()
    assert name.endswith(".jpg")
    assert len(data) <= 6000
    assert "to fit Discord's upload limit" in message["content"]


async def test_a_job_that_outlives_the_token_pings_the_asker_once_in_a_new_message(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    created = discord.utils.utcnow() - dt.timedelta(minutes=16)
    token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack", shirt="RTFM", created=created)
    posted = await until(lambda: [m for m in discord_api.in_channel("general") if files_of(m)])
    alice = discord_api.member("alice")

    (picture,) = posted
    assert picture["content"].startswith(alice.mention)
    assert len(custom_ids(picture)) == len(PICTURE_ACTIONS)
    (post,) = [c for c in discord_api.posts() if c.path.endswith("/messages") and c.files]
    assert may_ping(post) == {alice.id}  # the asker, and nobody else
    # No webhook edit was tried after expiry; the old response says where the picture went.
    assert not [c for c in discord_api.calls_for(token) if c.method == "PATCH"]
    assert "new message below" in discord_api.original(token)["content"]
    others = [c for c in discord_api.posts() if c is not post]
    assert others
    assert [may_ping(c) for c in others] == [set()] * len(others)


async def test_a_token_that_dies_mid_job_moves_the_picture_to_the_channel(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), gated_service.url)
    try:
        gate = gates.word()
        token = await discord_api.slash("alice", "cartoon", scene=f"Milo at the desk {gate}", shirt="RTFM")
        await until(lambda: "step 1/2" in (discord_api.original(token) or {}).get("content", ""))
        discord_api.expire(token)  # Discord now answers 50027 Invalid Webhook Token
        gates.open(gate)
        (picture,) = await until(lambda: [m for m in pictures(discord_api) if m.get("_token") != token])
        assert picture["content"].startswith(discord_api.member("alice").mention)
        assert not files_of(discord_api.original(token))  # the old response carries no picture
        await until(lambda: bot.pending.all() == [])
        assert len(pictures(discord_api)) == 1
    finally:
        await stop_bot(bot)


async def test_queue_limit_says_how_many_are_waiting_and_when(bot: MiloBot, discord_api: DiscordApi, api_only_service) -> None:
    use_service(bot, api_only_service.url)
    mod = discord_api.member("mod")
    await bot.services.primary.submit({"text": "Milo at the desk", "user": str(mod.id)})
    token = await discord_api.slash("mod", "cartoon", scene="Milo at the rack")
    answer = await answered_privately(discord_api, token)
    assert "slot frees in about" in answer["content"]
    assert "<t:" in answer["content"]
    assert "CARTOON_" not in answer["content"]
    assert str(mod.id) not in answer["content"]


async def test_service_down_is_one_plain_private_sentence(bot: MiloBot, discord_api: DiscordApi, caplog) -> None:
    use_service(bot, "http://127.0.0.1:9")
    token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack")
    answer = await answered_privately(discord_api, token)
    assert "drawing desk isn't answering" in answer["content"]
    assert answer["content"].lower().count("try again") == 1
    assert "127.0.0.1" in caplog.text  # the cause is logged; nothing raised
    await until(lambda: bot.pending.all() == [])


@pytest.mark.parametrize(
    ("scene", "why"),
    [("@everyone look at Milo", "@everyone"), ("Milo at the desk " * 40, "characters"), ("<@830000000000000002>", "nothing I can draw")],
)
async def test_bad_scenes_are_refused_before_queueing(
    bot: MiloBot, discord_api: DiscordApi, api_only_service, scene: str, why: str
) -> None:
    use_service(bot, api_only_service.url)  # no worker: a queued job would stay
    depth = (await bot.services.primary.health())["queue_depth"]
    token = await discord_api.slash("alice", "cartoon", scene=scene)
    answer = await answered_privately(discord_api, token)
    assert why in answer["content"]
    assert (await bot.services.primary.health())["queue_depth"] == depth


@pytest.mark.parametrize(("channel", "missing"), [("no-files", "Attach Files"), ("quiet", "Send Messages")])
async def test_missing_permissions_are_named_before_queueing(
    bot: MiloBot, discord_api: DiscordApi, api_only_service, channel: str, missing: str
) -> None:
    use_service(bot, api_only_service.url)
    depth = (await bot.services.primary.health())["queue_depth"]
    token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack", channel=channel)
    answer = await answered_privately(discord_api, token)
    assert f"missing the {missing} permission" in answer["content"]
    assert (await bot.services.primary.health())["queue_depth"] == depth


async def test_help_lists_characters_walls_and_examples(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("alice", "cartoon-help")
    answer = await answered_privately(discord_api, token)
    for word in ("Milo", "James Meadlock", "whiteboard", "server rack", "/cartoon scene:", "Reroll"):
        assert word in answer["content"]
