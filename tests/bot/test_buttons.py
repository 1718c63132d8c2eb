"""🎲 Reroll, 🔀 Vary, 🗑️ Delete and ✖️ Cancel, clicked as Discord delivers clicks (discord.py's
own dispatch of the DynamicItem custom ids), also on pictures a previous bot process posted;
against real render services. Each test reads what Discord received."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bot.client import MiloBot
from bot.wording import CANCELLED
from tests.bot.helpers import (
    PICTURE_ACTIONS,
    Gates,
    Service,
    bot_settings,
    button_id,
    job_of,
    may_ping,
    picture_done,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import EPHEMERAL, DiscordApi, custom_ids, files_of

pytestmark = pytest.mark.asyncio


async def picture(api: DiscordApi, who: str = "alice", scene: str = "Milo at the rack", **options) -> dict:
    """Ask for a picture with /cartoon; return the message Discord stored, as it was then."""
    token = await api.slash(who, "cartoon", scene=scene, shirt="RTFM", **options)
    return copy.deepcopy(await until(lambda: picture_done(api, token)))


async def click(api: DiscordApi, who: str, message: dict, action: str) -> str:
    return await api.click(who, int(message["id"]), button_id(message, action))


def ephemeral_answer(api: DiscordApi, token: str) -> dict | None:
    return next((m for m in api.messages.values() if m.get("_token") == token and m["flags"] & EPHEMERAL), None)


def pings_nobody(api: DiscordApi, token: str) -> bool:
    return all(may_ping(call) == set() for call in api.calls_for(token) if call.method in ("POST", "PATCH"))


@pytest.mark.parametrize("action, kind", [("reroll", "reroll"), ("vary", "vary")])
async def test_reroll_and_vary_make_the_clicker_a_new_picture(
    bot: MiloBot, discord_api: DiscordApi, action: str, kind: str
) -> None:
    message = await picture(discord_api)
    token = await click(discord_api, "james", message, action)
    made = await until(lambda: picture_done(discord_api, token))
    assert made["id"] != message["id"]
    assert "Milo at the rack" in made["content"]
    assert f"<@{discord_api.member('james').id}>" in made["content"]  # named…
    assert pings_nobody(discord_api, token)  # …without a ping
    old, new = await bot.services.primary.job(job_of(message)), await bot.services.primary.job(job_of(made))
    assert new.raw["kind"] == kind
    assert new.raw["parent"] == old.id
    assert new.user == str(discord_api.member("james").id)
    assert new.plan["seed"] != old.plan["seed"]
    assert {**new.plan, "seed": 0} == {**old.plan, "seed": 0}  # the same plan
    james = discord_api.member("james").id
    assert custom_ids(made) == [f"milo:{a}:{new.id}:{james}" for a in PICTURE_ACTIONS]
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]  # alice's untouched
    assert files_of(discord_api.messages[int(message["id"])]) == files_of(message)


async def test_delete_is_for_the_requester_or_moderators(bot: MiloBot, discord_api: DiscordApi) -> None:
    for who, allowed in (("james", False), ("mod", True), ("alice", True)):
        message = await picture(discord_api, "alice")
        token = await click(discord_api, who, message, "delete")
        if allowed:
            await until(lambda m=message: int(m["id"]) in discord_api.deleted)
        else:
            answer = await until(lambda t=token: ephemeral_answer(discord_api, t))
            assert "Only the person who asked" in answer["content"]
            assert int(message["id"]) in discord_api.messages


async def test_cancel_while_queued(tmp_path: Path, discord_api: DiscordApi, api_only_service: Service) -> None:
    """The service has no worker: the picture waits in line, its progress message shows the
    place and a Cancel button, and no ETA (no render slot is up, so any time would be made
    up); the requester's click cancels it."""
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), api_only_service.url)
    try:
        token = await discord_api.slash("alice", "cartoon", scene="Milo at the desk, cancel me")
        waiting = await until(lambda: (m := discord_api.original(token)) and m.get("components") and m)
        assert "Queued" in waiting["content"] or "Next up" in waiting["content"]
        assert "Ready <t:" not in waiting["content"]
        (cancel,) = custom_ids(waiting)
        assert cancel.startswith("milo:cancel:")
        job_id = cancel.split(":")[2]
        refused = await discord_api.click("james", int(waiting["id"]), cancel)  # not james's picture
        assert "Only the person who asked" in (await until(lambda: ephemeral_answer(discord_api, refused)))["content"]
        assert (await bot.services.primary.job(job_id)).state == "queued"

        clicked = await discord_api.click("alice", int(waiting["id"]), cancel)
        assert "Cancelled" in (await until(lambda: ephemeral_answer(discord_api, clicked)))["content"]
        told = await until(lambda: next((m for m in discord_api.followups(token) if CANCELLED in m["content"]), None))
        assert told["flags"] & EPHEMERAL  # the requester hears it privately…
        await until(lambda: int(waiting["id"]) in discord_api.deleted)  # …and the progress message goes
        assert (await bot.services.primary.job(job_id)).state == "cancelled"
        assert pings_nobody(discord_api, clicked)
    finally:
        await stop_bot(bot)


async def test_cancel_while_drawing_by_a_moderator(
    tmp_path: Path, discord_api: DiscordApi, gated_service: Service, gates: Gates
) -> None:
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), gated_service.url)
    try:
        token = await discord_api.slash("alice", "cartoon", scene=f"Milo at the rack {gates.word()}")
        drawing = await until(lambda: (m := discord_api.original(token)) and "step 1/2" in m["content"] and m)
        # a second picture waits behind it: a render slot is up, so the wait has an ETA
        second = await discord_api.slash("james", "cartoon", scene=f"James at the desk {gates.word()}")
        waiting = await until(lambda: (m := discord_api.original(second)) and "Ready <t:" in m["content"] and m)
        assert ":R>" in waiting["content"]  # a relative time, in the reader's clock
        await discord_api.click("james", int(waiting["id"]), button_id(waiting, "cancel"))
        await until(lambda: int(waiting["id"]) in discord_api.deleted)
        cancel = button_id(drawing, "cancel")
        await discord_api.click("mod", int(drawing["id"]), cancel)
        await until(lambda: int(drawing["id"]) in discord_api.deleted)
        job = await bot.services.primary.job(cancel.split(":")[2])
        assert job.state == "cancelled"
        assert job.step < 2  # stopped mid-render
    finally:
        await stop_bot(bot)


async def test_every_picture_button_works_on_a_picture_from_before_a_restart(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    first = await start_bot(discord_api, settings, render_service.url)
    try:
        message = await picture(discord_api)
    finally:
        await stop_bot(first)
    second = await start_bot(discord_api, settings, render_service.url)
    try:
        for action in ("reroll", "vary"):
            token = await click(discord_api, "james", message, action)
            made = await until(lambda t=token: picture_done(discord_api, t))
            assert job_of(made) != job_of(message)
        token = await click(discord_api, "james", message, "slogan")
        menu = await until(lambda: ephemeral_answer(discord_api, token))
        assert any(c.startswith("milo:pick:") for c in custom_ids(menu))
        token = await click(discord_api, "james", message, "edit")
        assert (await until(lambda: discord_api.interactions[token].get("modal")))["custom_id"].startswith("milo:editm:")
        await click(discord_api, "alice", message, "delete")
        await until(lambda: int(message["id"]) in discord_api.deleted)
    finally:
        await stop_bot(second)


def test_every_custom_id_fits_discords_budget() -> None:
    from bot.buttons import CancelButton
    from bot.edit_flow import edit_modal
    from bot.slogan_flow import SloganMenu, own_slogan_modal
    from bot.views import PICTURE_BUTTONS

    job, user, message = "j" * 40, 10**19, 10**19
    longest = [button(job, user, "f").custom_id for button in (*PICTURE_BUTTONS, CancelButton)]
    longest.append(SloganMenu(job, user, message, "f", ["RTFM"]).custom_id)
    longest.append(edit_modal(job, message, "f", "scene", 500).custom_id)
    longest.append(own_slogan_modal(job, user, message, "f").custom_id)
    assert max(len(c) for c in longest) <= 100
