"""Reroll, New slogan and Delete, clicked as Discord delivers clicks (discord.py's own
dispatch of the DynamicItem custom ids), also after a restart; against the real render service."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.client import MiloBot
from bot.safe_text import echo
from tests.bot.helpers import bot_settings, job_of, picture_done, start_bot, stop_bot, until
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids, files_of

pytestmark = pytest.mark.asyncio
REROLL, SLOGAN, DELETE = 0, 1, 2


async def picture(api: DiscordApi, who: str = "alice") -> dict:
    """Ask for a picture with /cartoon; return the message Discord stored, as it was then."""
    token = await api.slash(who, "cartoon", scene="Milo at the rack", shirt="RTFM")
    return copy.deepcopy(await until(lambda: picture_done(api, token)))


async def click(api: DiscordApi, who: str, message: dict, button: int) -> str:
    return await api.click(who, int(message["id"]), custom_ids(message)[button])


def ephemeral_answer(api: DiscordApi, token: str) -> dict | None:
    return next((m for m in api.messages.values() if m.get("_token") == token and m["flags"] & EPHEMERAL), None)


async def test_reroll_draws_the_same_plan_with_a_new_seed_for_the_clicker(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api)
    token = await click(discord_api, "james", message, REROLL)
    rerolled = await until(lambda: picture_done(discord_api, token))
    assert rerolled["id"] != message["id"]
    assert "Reroll of *Milo at the rack*" in rerolled["content"]
    old, new = await bot.services.primary.job(job_of(message)), await bot.services.primary.job(job_of(rerolled))
    assert new.id != old.id
    assert new.plan["seed"] != old.plan["seed"]
    assert {k: v for k, v in new.plan.items() if k != "seed"} == {k: v for k, v in old.plan.items() if k != "seed"}
    assert custom_ids(rerolled)[DELETE] == f"milo:delete:{new.id}:{discord_api.member('james').id}"


@pytest.mark.parametrize("who", ["alice", "mod"])  # the requester, and a moderator
async def test_new_slogan_by_the_owner_or_a_moderator_edits_the_picture_in_place(
    bot: MiloBot, discord_api: DiscordApi, who: str
) -> None:
    message = await picture(discord_api)
    before = files_of(message)
    token = await click(discord_api, who, message, SLOGAN)
    assert (await until(lambda: discord_api.calls_for(token)))[0].payload["type"] == 6  # an update, no new message
    edited = await until(lambda: (m := discord_api.messages[int(message["id"])]) and files_of(m) != before and m)
    assert "Shirt: **RTFM**" not in edited["content"]
    job = await bot.services.primary.job(job_of(message))
    assert job.plan["slogan"] != "RTFM"
    assert f"Shirt: **{echo(job.plan['slogan'])}**" in edited["content"]
    (png,) = files_of(edited).values()
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    assert len([m for m in discord_api.in_channel("general") if files_of(m)]) == 1  # still one picture


async def test_new_slogan_on_a_picture_discord_will_not_edit_comes_as_a_new_message(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    message = await picture(discord_api)
    discord_api.refuse_edits[int(message["id"])] = 30046  # too many edits of a message older than an hour
    token = await click(discord_api, "alice", message, SLOGAN)
    again = await until(lambda: next((m for m in discord_api.in_channel("general")
                                      if m.get("_token") == token and files_of(m)), None))
    assert again["id"] != message["id"]
    assert "Shirt: **RTFM**" not in again["content"]
    assert custom_ids(again) == custom_ids(message)  # the same picture's buttons
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]


async def test_new_slogan_by_anyone_else_makes_them_a_picture_of_their_own(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api, "alice")
    image_before = await bot.services.primary.image(job_of(message))
    token = await click(discord_api, "james", message, SLOGAN)
    theirs = await until(lambda: picture_done(discord_api, token))

    assert theirs["id"] != message["id"]
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]  # alice's untouched
    assert files_of(discord_api.messages[int(message["id"])]) == files_of(message)
    assert await bot.services.primary.image(job_of(message)) == image_before
    old, new = await bot.services.primary.job(job_of(message)), await bot.services.primary.job(job_of(theirs))
    assert new.id != old.id
    assert new.user == str(discord_api.member("james").id)  # through the queue, as james
    assert new.plan["seed"] == old.plan["seed"]  # the same picture…
    assert new.plan["plate"] == old.plan["plate"]
    assert new.plan["slogan"] != old.plan["slogan"]  # …with another saying
    assert custom_ids(theirs)[DELETE].endswith(f":{discord_api.member('james').id}")


async def test_new_slogan_has_a_cooldown_per_person(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.slogan_cooldown.per_s = 3600.0
    message = await picture(discord_api)
    first = await click(discord_api, "alice", message, SLOGAN)
    await until(lambda: files_of(discord_api.messages[int(message["id"])]) != files_of(message))
    changed = discord_api.messages[int(message["id"])]["content"]
    second = await click(discord_api, "alice", message, SLOGAN)
    answer = await until(lambda: ephemeral_answer(discord_api, second))
    assert "a moment ago" in answer["content"]
    assert discord_api.messages[int(message["id"])]["content"] == changed
    assert first != second
    other = await click(discord_api, "mod", message, SLOGAN)  # someone else is not held up
    assert (await until(lambda: discord_api.calls_for(other)))[0].payload["type"] == 6


async def test_delete_is_for_the_requester_or_moderators(bot: MiloBot, discord_api: DiscordApi) -> None:
    for who, allowed in (("james", False), ("mod", True), ("alice", True)):
        message = await picture(discord_api, "alice")
        token = await click(discord_api, who, message, DELETE)
        if allowed:
            await until(lambda m=message: int(m["id"]) in discord_api.deleted)
            assert ephemeral_answer(discord_api, token) is None
        else:
            answer = await until(lambda t=token: ephemeral_answer(discord_api, t))
            assert "Manage Messages" in answer["content"]
            assert int(message["id"]) in discord_api.messages  # still there
            assert [c.method for c in discord_api.calls_for(token)] == ["POST"]  # the refusal only


async def test_buttons_work_after_a_restart(bot: MiloBot, discord_api: DiscordApi, tmp_path: Path, render_service) -> None:
    message = await picture(discord_api)
    await stop_bot(bot)

    restarted = await start_bot(discord_api, bot_settings(tmp_path, discord_api), render_service.url)
    try:
        # No view was created in this process: discord.py matches the custom id against the
        # registered DynamicItems and runs the button's callback.
        await click(discord_api, "alice", message, SLOGAN)
        edited = await until(lambda: (m := discord_api.messages[int(message["id"])]) and files_of(m) != files_of(message) and m)
        assert list(files_of(edited))[0].startswith(f"milo-{job_of(message)[:12]}")
    finally:
        await stop_bot(restarted)


async def test_a_button_that_breaks_answers_in_plain_words(bot: MiloBot, discord_api: DiscordApi, tmp_path: Path) -> None:
    message = await picture(discord_api, "alice")
    bot.settings = bot.settings.model_copy(update={"data_dir": tmp_path / "no-data"})  # no bofh.txt to pick from
    token = await click(discord_api, "james", message, SLOGAN)
    answer = await until(lambda: ephemeral_answer(discord_api, token))
    assert answer["content"] == "Something went wrong on my side. Please try again in a moment."
    await until(lambda: discord_api.original(token) is None)  # the public "thinking…" goes
