"""Reroll, New slogan and Delete, through their callbacks and, after a restart, through
discord.py's own dispatch of the custom id; against the real render service."""

from __future__ import annotations

import io
from pathlib import Path

import discord
import pytest
from PIL import Image

from bot.client import MiloBot
from bot.views import DeleteButton, RerollButton, SloganButton
from tests.bot.helpers import (
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

pytestmark = pytest.mark.asyncio


async def picture(bot: MiloBot, api: DiscordApi, who: int = 0) -> tuple[str, dict]:
    """Ask for a picture with /cartoon; return its job id and the message Discord stored."""
    interaction = make_interaction(bot, member=member(who), channel=text_channel(),
                                   data=command_data("cartoon", scene="Milo at the rack", shirt="RTFM"))
    cog = bot.get_cog("CartoonCog")
    await cog.cartoon.callback(cog, interaction, scene="Milo at the rack", shirt="RTFM")
    message = api.original(interaction.token)
    return custom_ids(message)[0].split(":")[2], message


async def click(bot: MiloBot, api: DiscordApi, button_class, job_id: str, message: dict, *,
                who: int = 0, owner: int = 0, permissions: discord.Permissions | None = None) -> discord.Interaction:
    button = button_class(job_id, member(owner).id)
    interaction = make_interaction(bot, kind=3, member=member(who), channel=text_channel(),
                                   data=button_data(button.custom_id), message=message, permissions=permissions)
    api.messages[interaction.token] = message  # a component's @original is the message it is on
    if await button.interaction_check(interaction):
        await button.callback(interaction)
    return interaction


async def test_reroll_draws_the_same_plan_with_a_new_seed(bot: MiloBot, discord_api: DiscordApi) -> None:
    job_id, message = await picture(bot, discord_api)
    interaction = await click(bot, discord_api, RerollButton, job_id, message, who=1)
    rerolled = discord_api.original(interaction.token)
    assert "Reroll of *Milo at the rack*" in rerolled["content"]
    new_id = custom_ids(rerolled)[0].split(":")[2]
    old, new = await bot.render.job(job_id), await bot.render.job(new_id)
    assert new_id != job_id and new.state == "done"
    assert new.plan["seed"] != old.plan["seed"]
    assert {k: v for k, v in new.plan.items() if k != "seed"} == {k: v for k, v in old.plan.items() if k != "seed"}
    assert custom_ids(rerolled)[2] == f"milo:delete:{new_id}:{member(1).id}"  # the reroller owns it


async def test_new_slogan_edits_the_picture_in_place(bot: MiloBot, discord_api: DiscordApi) -> None:
    job_id, message = await picture(bot, discord_api)
    before = await bot.render.image(job_id)
    interaction = await click(bot, discord_api, SloganButton, job_id, message)
    calls = discord_api.calls_for(interaction.token)
    assert calls[0].payload["type"] == 6  # deferred update: no new message
    edited = discord_api.original(interaction.token)
    assert edited["id"] == message["id"] and "Shirt: **RTFM**" not in edited["content"]
    slogan = (await bot.render.job(job_id)).raw["result"]["plan"]["slogan"]
    (name, png), = discord_api.uploads[interaction.token].items()
    assert png != before and Image.open(io.BytesIO(png)).size == (1024, 1024)
    assert slogan is not None


async def test_delete_is_for_the_requester_or_moderators(bot: MiloBot, discord_api: DiscordApi) -> None:
    job_id, message = await picture(bot, discord_api, who=0)

    stranger = await click(bot, discord_api, DeleteButton, job_id, message, who=1)
    calls = discord_api.calls_for(stranger.token)
    assert [(c.method, c.path.rsplit("/", 1)[-1]) for c in calls] == [("POST", "callback")]  # no DELETE
    refusal = calls[0].payload
    assert refusal["type"] == 4  # a message of its own, not an update of the picture
    assert refusal["data"]["flags"] & 64  # ephemeral
    assert "Manage Messages" in refusal["data"]["content"]

    moderator = await click(bot, discord_api, DeleteButton, job_id, message, who=2,
                            permissions=discord.Permissions(manage_messages=True, send_messages=True))
    assert [c.method for c in discord_api.calls_for(moderator.token)] == ["POST", "DELETE"]
    assert discord_api.original(moderator.token) is None

    requester = await click(bot, discord_api, DeleteButton, job_id, message, who=0)
    assert [c.method for c in discord_api.calls_for(requester.token)] == ["POST", "DELETE"]
    assert discord_api.original(requester.token) is None
    assert len({stranger.token, moderator.token, requester.token}) == 3


async def test_buttons_work_after_a_restart(bot: MiloBot, discord_api: DiscordApi, tmp_path: Path, render_service) -> None:
    job_id, message = await picture(bot, discord_api)
    await stop_bot(bot)

    restarted = await start_bot(bot_settings(tmp_path), render_service.url)
    try:
        # Discord sends the click; discord.py matches the custom id against the registered
        # DynamicItems and runs the callback (no view was created in this process).
        raw = interaction_payload(restarted, kind=3, member=member(0), channel=text_channel(),
                                  data=button_data(custom_ids(message)[1]), message=message)
        discord_api.messages[raw["token"]] = message
        restarted._connection.parse_interaction_create(raw)
        uploaded = await until(lambda: discord_api.uploads.get(raw["token"]))
        assert list(uploaded)[0].startswith(f"milo-{job_id[:12]}")
        assert discord_api.original(raw["token"])["id"] == message["id"]
    finally:
        await stop_bot(restarted)
