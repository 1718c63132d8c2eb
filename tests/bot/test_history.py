"""/cartoon-history (private: the last ten pictures with links and seeds) and /cartoon-show (a
past picture brought back with live buttons, by job id or message link), against a real render
service; each test reads what Discord received."""

from __future__ import annotations

import copy

import pytest

from bot.client import MiloBot
from bot.cogs.creative import NO_PICTURES, NOT_A_PICTURE
from tests.bot.helpers import PICTURE_ACTIONS, button_id, job_of, may_ping, picture_done, until
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids, files_of

pytestmark = pytest.mark.asyncio


async def picture(api: DiscordApi, who: str, scene: str, seed: int) -> dict:
    token = await api.slash(who, "cartoon", scene=scene, seed=seed)
    return copy.deepcopy(await until(lambda: picture_done(api, token)))


def answer(api: DiscordApi, token: str) -> dict | None:
    """The private answer to an interaction (its @original once resolved, or a follow-up)."""
    found = [m for m in api.messages.values() if m.get("_token") == token and m["flags"] & EPHEMERAL and m["content"]]
    return found[-1] if found else None


async def test_history_lists_your_last_ten_pictures_newest_first_with_links_and_seeds(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    mine = [await picture(discord_api, "james", f"James at the whiteboard, take {n}", seed=100 + n) for n in range(12)]
    await picture(discord_api, "alice", "Milo at the rack", seed=1)  # someone else's
    token = await discord_api.slash("james", "cartoon-history")
    listed = await until(lambda: answer(discord_api, token))
    assert listed["flags"] & EPHEMERAL
    lines = [line for line in listed["content"].splitlines() if line[:1].isdigit()]
    assert len(lines) == 10
    for line, message in zip(lines, reversed(mine[2:]), strict=True):
        assert discord_api.jump_url(message) in line  # a jump link to where it was posted
        assert f"`{job_of(message)}`" in line
    assert "seed 111" in lines[0]
    assert "take 11" in lines[0]
    assert "Milo at the rack" not in listed["content"]
    assert all(may_ping(c) == set() for c in discord_api.calls_for(token) if c.method in ("POST", "PATCH"))


async def test_history_of_someone_without_pictures(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("boss", "cartoon-history")
    assert (await until(lambda: answer(discord_api, token)))["content"] == NO_PICTURES


@pytest.mark.parametrize("by", ["id", "link"])
async def test_show_brings_a_picture_back_with_live_buttons(bot: MiloBot, discord_api: DiscordApi, by: str) -> None:
    original = await picture(discord_api, "alice", "Milo at the desk", seed=9)
    job_id = job_of(original)
    given = job_id if by == "id" else discord_api.jump_url(original)
    token = await discord_api.slash("james", "cartoon-show", job=given)
    shown = await until(lambda: picture_done(discord_api, token))
    assert shown["id"] != original["id"]
    assert files_of(shown) == files_of(original)  # the same picture
    alice = discord_api.member("alice").id
    assert custom_ids(shown) == [f"milo:{a}:{job_id}:{alice}" for a in PICTURE_ACTIONS]  # still alice's
    assert "brought back by" in shown["content"]
    assert "seed 9" in shown["content"]
    assert all(may_ping(c) == set() for c in discord_api.calls_for(token) if c.method in ("POST", "PATCH"))
    # its buttons are live: a reroll from the shown message works
    rerolled = await discord_api.click("james", int(shown["id"]), button_id(shown, "reroll"))
    assert job_of(await until(lambda: picture_done(discord_api, rerolled))) != job_id


@pytest.mark.parametrize("given", ["not a job!", "0" * 32, "https://discord.com/channels/1/2/3"])
async def test_show_of_something_that_is_no_picture_is_one_private_line(
    bot: MiloBot, discord_api: DiscordApi, given: str
) -> None:
    token = await discord_api.slash("alice", "cartoon-show", job=given)
    said = await until(lambda: answer(discord_api, token))
    assert said["content"] in (NOT_A_PICTURE, "I don't have that picture any more (I keep them for a while only); "
                                              "ask me for a new one with /cartoon.")
    assert not [m for m in discord_api.in_channel("general") if m.get("_token") == token]  # nothing public left
