"""Choosing the slogan: `/cartoon shirt:` offers the BOFH sayings as you type; 👕 New slogan opens
a private menu of five sayings and "Write my own…" (a modal), applied without a new render: in
place for the requester and moderators, as a copy of their own for anyone else. Against a real
render service; each test reads what Discord received."""

from __future__ import annotations

import copy
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.client import MiloBot
from bot.safe_text import echo
from bot.sayings import load_lines
from bot.slogan_flow import FIELD, OWN
from core.paths import DATA_DIR
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    Service,
    bot_settings,
    job_of,
    may_ping,
    menu_options,
    pick,
    picture_done,
    slogan_menu,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids, files_of

pytestmark = pytest.mark.asyncio
SAYINGS = load_lines(DATA_DIR / "bofh.txt")


async def picture(api: DiscordApi, who: str = "alice", shirt: str = "RTFM") -> dict:
    token = await api.slash(who, "cartoon", scene="Milo at the rack", shirt=shirt)
    return copy.deepcopy(await until(lambda: picture_done(api, token)))


def private(api: DiscordApi, token: str) -> dict | None:
    return next((m for m in api.messages.values() if m.get("_token") == token and m["flags"] & EPHEMERAL), None)


def changed(api: DiscordApi, message: dict) -> dict | None:
    now = api.messages.get(int(message["id"]))
    return now if now and files_of(now) != files_of(message) else None


async def test_shirt_autocompletes_from_the_sayings(bot: MiloBot, discord_api: DiscordApi) -> None:
    offered = await discord_api.autocomplete("alice", "cartoon", "shirt", "dns", scene="Milo at the rack")
    assert [c["value"] for c in offered] == ["It's Always DNS"]
    everything = await discord_api.autocomplete("alice", "cartoon", "shirt", "", scene="Milo at the rack")
    assert len(everything) == 25  # Discord's most
    assert all(c["name"] in SAYINGS for c in everything)
    starts = await discord_api.autocomplete("alice", "cartoon", "shirt", "ha", scene="x")
    assert starts[0]["value"].lower().startswith("ha")  # those that start with it first


async def test_free_text_is_taken_and_blocked_words_and_long_slogans_are_not(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api, shirt="Ship It Friday")
    assert "Shirt: **Ship It Friday**" in message["content"]
    for shirt, says in (("Nazi Ops", "rather not put that on Milo's shirt"),):
        token = await discord_api.slash("alice", "cartoon", scene="Milo at the rack", shirt=shirt)
        answer = await until(lambda t=token: private(discord_api, t))
        assert says in answer["content"]


async def test_the_requester_picks_a_saying_and_the_picture_changes_in_place(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    message = await picture(discord_api)
    menu = await slogan_menu(discord_api, "alice", message)
    assert menu["flags"] & EPHEMERAL
    options = menu_options(menu)
    assert len(options) == 6
    assert options[-1] == OWN
    assert "RTFM" not in options
    assert all(o in SAYINGS for o in options[:5])
    chosen = options[2]
    token = await pick(discord_api, "alice", menu, chosen)
    edited = await until(lambda: changed(discord_api, message))
    assert f"Shirt: **{echo(chosen)}**" in edited["content"]
    assert edited["content"].split(" · ")[0] == message["content"].split(" · ")[0]  # the lead kept
    assert custom_ids(edited) == custom_ids(message)
    job = await bot.services.primary.job(job_of(message))
    assert job.plan["slogan"] == chosen
    assert job.step == job.total  # no new render: the same job, done
    (png,) = files_of(edited).values()
    assert Image.open(io.BytesIO(png)).size == (1024, 1024)
    done = await until(lambda: (m := discord_api.messages[int(menu["id"])]) and "Done" in m["content"] and m)
    assert not done["components"]  # the menu is closed
    assert all(may_ping(c) == set() for c in discord_api.calls_for(token))
    assert len([m for m in discord_api.in_channel("general") if files_of(m)]) == 1  # still one picture


async def test_a_moderator_changes_it_in_place_too(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api)
    menu = await slogan_menu(discord_api, "mod", message)
    await pick(discord_api, "mod", menu, menu_options(menu)[0])
    await until(lambda: changed(discord_api, message))


async def test_anyone_else_gets_a_copy_as_a_reply_and_the_original_stays(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api, "alice")
    image_before = await bot.services.primary.image(job_of(message))
    menu = await slogan_menu(discord_api, "james", message)
    assert "copy of your own" in menu["content"]
    chosen = menu_options(menu)[0]
    await pick(discord_api, "james", menu, chosen)
    copy_message = await until(lambda: next(
        (m for m in discord_api.in_channel("general")
         if (m.get("message_reference") or {}).get("message_id") == message["id"] and files_of(m)), None))
    james = discord_api.member("james").id
    copied = await bot.services.primary.job(job_of(copy_message))
    assert copied.raw["kind"] == "reslogan"
    assert copied.raw["parent"] == job_of(message)
    assert copied.user == str(james)
    assert copied.plan["slogan"] == chosen
    assert custom_ids(copy_message) == [f"milo:{a}:{copied.id}:{james}" for a in PICTURE_ACTIONS]
    assert f"<@{james}>" in copy_message["content"]
    assert all(may_ping(c) == set() for c in discord_api.posts() if c.payload.get("message_reference"))
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]  # alice's untouched
    assert files_of(discord_api.messages[int(message["id"])]) == files_of(message)
    assert await bot.services.primary.image(job_of(message)) == image_before


async def test_write_my_own_opens_a_modal(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api)
    menu = await slogan_menu(discord_api, "alice", message)
    opened = await pick(discord_api, "alice", menu, OWN)
    modal = await until(lambda: discord_api.interactions[opened].get("modal"))
    (row,) = modal["components"]
    assert row["components"][0]["max_length"] == 48
    await discord_api.submit_modal("alice", opened, {FIELD: "Deploy On Friday"})
    edited = await until(lambda: changed(discord_api, message))
    assert "Shirt: **Deploy On Friday**" in edited["content"]


@pytest.mark.parametrize(
    "typed, says",
    [  # what is typed into "Write my own…", words of the private answer
        ("S" * 49, "49 characters"),
        ("   ", "slogan is empty"),
        ("sexy raccoon", "rather not put that on Milo's shirt"),
        ("DEPLOY \U0001f680", "won't fit"),  # the shirt font cannot draw it: the service's 422
    ],
)
async def test_a_bad_own_slogan_gets_one_private_line(bot: MiloBot, discord_api: DiscordApi, typed: str, says: str) -> None:
    message = await picture(discord_api)
    menu = await slogan_menu(discord_api, "alice", message)
    opened = await pick(discord_api, "alice", menu, OWN)
    await until(lambda: discord_api.interactions[opened].get("modal"))
    sent = await discord_api.submit_modal("alice", opened, {FIELD: typed})
    answer = await until(lambda: private(discord_api, sent) or next(
        (m for m in discord_api.followups(sent) if m["flags"] & EPHEMERAL), None))
    assert says in answer["content"]
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]


async def test_one_change_per_cooldown_per_person(bot: MiloBot, discord_api: DiscordApi) -> None:
    bot.slogan_cooldown.per_s = 3600.0
    message = await picture(discord_api)
    menu = await slogan_menu(discord_api, "alice", message)
    await pick(discord_api, "alice", menu, menu_options(menu)[0])
    first = copy.deepcopy(await until(lambda: changed(discord_api, message)))  # the live message changes
    again = await slogan_menu(discord_api, "alice", message)
    token = await pick(discord_api, "alice", again, menu_options(again)[0])
    assert "a moment ago" in (await until(lambda: private(discord_api, token)))["content"]
    assert discord_api.messages[int(message["id"])]["content"] == first["content"]
    other = await slogan_menu(discord_api, "mod", message)  # someone else is not held up
    await pick(discord_api, "mod", other, menu_options(other)[0])
    await until(lambda: discord_api.messages[int(message["id"])]["content"] != first["content"])


async def test_a_picture_discord_will_not_edit_gets_the_slogan_as_a_new_message(bot: MiloBot, discord_api: DiscordApi) -> None:
    message = await picture(discord_api)
    discord_api.refuse_edits[int(message["id"])] = 30046  # too many edits of a message older than an hour
    menu = await slogan_menu(discord_api, "alice", message)
    chosen = menu_options(menu)[1]
    await pick(discord_api, "alice", menu, chosen)
    again = await until(lambda: next((m for m in discord_api.in_channel("general")
                                      if m["id"] != message["id"] and files_of(m) and echo(chosen) in m["content"]), None))
    assert custom_ids(again) == custom_ids(message)  # the same picture's buttons
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]


async def test_the_menu_and_the_modal_work_across_a_restart(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    first = await start_bot(discord_api, settings, render_service.url)
    try:
        message = await picture(discord_api)
        menu = await slogan_menu(discord_api, "alice", message)
        later = await slogan_menu(discord_api, "alice", message)  # a second menu, picked from after the restart
        opened = await pick(discord_api, "alice", menu, OWN)
        await until(lambda: discord_api.interactions[opened].get("modal"))
    finally:
        await stop_bot(first)
    second = await start_bot(discord_api, settings, render_service.url)
    try:
        await discord_api.submit_modal("alice", opened, {FIELD: "Uptime Is A Lifestyle"})
        edited = await until(lambda: changed(discord_api, message))
        assert "Shirt: **Uptime Is A Lifestyle**" in edited["content"]
        saying = next(o for o in menu_options(later) if o != OWN and "Uptime" not in o)
        await pick(discord_api, "alice", later, saying)  # a menu from before the restart too
        await until(lambda: "Uptime" not in discord_api.messages[int(message["id"])]["content"])
    finally:
        await stop_bot(second)


async def test_no_shirt_no_menu(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("alice", "cartoon", scene="James at the whiteboard")
    message = await until(lambda: picture_done(discord_api, token))
    click = await discord_api.click("alice", int(message["id"]), next(c for c in custom_ids(message) if ":slogan:" in c))
    answer = await until(lambda: next((m for m in discord_api.messages.values() if m.get("_token") == click
                                       and "no shirt" in m["content"]), None))
    assert answer["flags"] & EPHEMERAL
