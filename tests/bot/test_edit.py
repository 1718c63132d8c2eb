"""✏️ Edit and /cartoon-edit: a finished picture changed in words, as Discord delivers the click,
the modal and its submission; against a real render service (preview drawing). The edit is
always the clicker's new picture, posted as a reply to the original; the modal keeps working
across a restart."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from bot.client import MiloBot
from bot.edit_flow import FIELD, ON_IT, edit_words
from tests.bot.helpers import (
    PICTURE_ACTIONS,
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


async def picture(api: DiscordApi, who: str = "alice", scene: str = "Milo debugging at the desk") -> dict:
    token = await api.slash(who, "cartoon", scene=scene, shirt="RTFM")
    return copy.deepcopy(await until(lambda: picture_done(api, token)))


async def open_edit(api: DiscordApi, who: str, message: dict) -> tuple[str, dict]:
    """`who` clicks ✏️ Edit: the click's token and the modal Discord shows."""
    token = await api.click(who, int(message["id"]), button_id(message, "edit"))
    return token, await until(lambda: api.interactions[token].get("modal"))


def private(api: DiscordApi, token: str) -> dict | None:
    return next((m for m in api.messages.values() if m.get("_token") == token and m["flags"] & EPHEMERAL), None)


def reply_to(api: DiscordApi, message: dict) -> dict | None:
    """The bot's picture that replies to `message`, once it carries its buttons."""
    return next((m for m in api.in_channel(int(message["channel_id"]))
                 if (m.get("message_reference") or {}).get("message_id") == message["id"] and m.get("_files")
                 and m.get("components")), None)


@pytest.mark.parametrize(
    "typed, shown, sent",
    [  # what was typed into the modal, the scene it showed, the edit sent to the service
        ("Milo at the desk, now at the rack", "Milo at the desk", "now at the rack"),
        ("milo at the   desk. make it night", "Milo at the desk", "make it night"),
        ("Milo at the rack", "Milo at the desk", "Milo at the rack"),  # the scene rewritten
        ("add James", "Milo at the desk", "add James"),  # the scene replaced by the change
        ("Milo at the desk", "Milo at the desk", ""),  # nothing changed
        ("add James", "", "add James"),  # nothing was shown
    ],
)
def test_the_edit_is_what_was_added_to_the_scene_shown(typed: str, shown: str, sent: str) -> None:
    assert edit_words(typed, shown) == sent


async def test_the_edit_modal_is_prefilled_and_the_edit_is_a_reply_with_its_own_buttons(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    message = await picture(discord_api)
    token, modal = await open_edit(discord_api, "alice", message)
    (row,) = modal["components"]
    (field,) = row["components"]
    assert field["custom_id"] == FIELD
    assert field["value"] == "Milo debugging at the desk"  # pre-filled with the scene
    assert modal["custom_id"] == f"milo:editm:{job_of(message)}:{message['id']}"

    sent = await discord_api.submit_modal("alice", token, {FIELD: "Milo debugging at the desk, now at the rack"})
    assert ON_IT in (await until(lambda: private(discord_api, sent)))["content"]
    edited = await until(lambda: reply_to(discord_api, message))
    assert "an edit for" in edited["content"]
    assert "Shirt: **RTFM**" in edited["content"]  # the slogan, written again
    alice = discord_api.member("alice").id
    job = await bot.services.primary.job(job_of(edited))
    assert custom_ids(edited) == [f"milo:{a}:{job.id}:{alice}" for a in PICTURE_ACTIONS]
    assert job.raw["kind"] == "edit"
    assert job.raw["parent"] == job_of(message)
    assert job.plan["plate"] == "north"
    posts = [c for c in discord_api.posts() if c.payload.get("message_reference")]
    assert posts and all(may_ping(c) == set() for c in posts)  # a reply that pings nobody
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]


async def test_an_edit_of_someone_elses_picture_is_the_clickers_and_the_original_stays(
    bot: MiloBot, discord_api: DiscordApi
) -> None:
    message = await picture(discord_api, "alice", "Milo and James at the rack")
    token, _ = await open_edit(discord_api, "james", message)
    await discord_api.submit_modal("james", token, {FIELD: "without James"})
    edited = await until(lambda: reply_to(discord_api, message))
    james = discord_api.member("james").id
    job = await bot.services.primary.job(job_of(edited))
    assert job.user == str(james)
    assert job.plan["characters"] == ["milo"]
    assert button_id(edited, "delete").endswith(f":{james}")
    assert discord_api.messages[int(message["id"])]["content"] == message["content"]
    assert files_of(discord_api.messages[int(message["id"])]) == files_of(message)
    original = await bot.services.primary.job(job_of(message))
    assert original.plan["characters"] == ["milo", "james"]
    assert original.user == str(discord_api.member("alice").id)


@pytest.mark.parametrize(
    "typed, says",
    [  # what is typed into the modal, words of the private answer
        ("   ", "Tell me what to change"),
        ("Milo debugging at the desk", "Tell me what to change"),  # the pre-filled scene, unchanged
        ("x" * 501, "501 characters"),
        ("make it sexy", "I'd rather not make that change"),
        ("now at the rack @everyone", "@everyone"),
    ],
)
async def test_a_bad_edit_gets_one_private_line_and_costs_no_render(
    bot: MiloBot, discord_api: DiscordApi, typed: str, says: str
) -> None:
    message = await picture(discord_api)
    alice = str(discord_api.member("alice").id)
    jobs = len(await bot.services.primary.jobs(alice, limit=100))
    before = len(discord_api.messages)
    token, _ = await open_edit(discord_api, "alice", message)
    sent = await discord_api.submit_modal("alice", token, {FIELD: typed})
    answer = await until(lambda: private(discord_api, sent))
    assert says in answer["content"]
    assert "\n" not in answer["content"]
    assert len(discord_api.messages) == before + 1  # that answer, and nothing else
    assert len(await bot.services.primary.jobs(alice, limit=100)) == jobs  # nothing queued


async def test_an_edit_opened_before_a_restart_lands_after_it(
    tmp_path: Path, discord_api: DiscordApi, render_service: Service
) -> None:
    settings = bot_settings(tmp_path, discord_api)
    first = await start_bot(discord_api, settings, render_service.url)
    try:
        message = await picture(discord_api)
        token, _ = await open_edit(discord_api, "alice", message)
    finally:
        await stop_bot(first)
    second = await start_bot(discord_api, settings, render_service.url)
    try:
        await discord_api.submit_modal("alice", token, {FIELD: "make it night"})
        edited = await until(lambda: reply_to(discord_api, message))
        assert (await second.services.primary.job(job_of(edited))).raw["parent"] == job_of(message)
    finally:
        await stop_bot(second)


async def test_cartoon_edit_changes_your_last_picture(bot: MiloBot, discord_api: DiscordApi) -> None:
    older = await picture(discord_api, "james", "James at the whiteboard")
    newest = await picture(discord_api, "james", "James on the exercise bike")
    await picture(discord_api, "alice", "Milo at the rack")  # someone else's, newer still
    token = await discord_api.slash("james", "cartoon-edit", change="add Milo")
    edited = await until(lambda: picture_done(discord_api, token))
    job = await bot.services.primary.job(job_of(edited))
    assert job.raw["parent"] == job_of(newest)
    assert job.raw["parent"] != job_of(older)
    assert job.plan["characters"] == ["james", "milo"]
    assert job.user == str(discord_api.member("james").id)
    assert all(may_ping(c) == set() for c in discord_api.calls_for(token) if c.method in ("POST", "PATCH"))


async def test_cartoon_edit_without_a_picture_or_with_bad_words(bot: MiloBot, discord_api: DiscordApi) -> None:
    token = await discord_api.slash("boss", "cartoon-edit", change="make it night")  # boss draws nothing
    answer = await until(lambda: next((m for m in discord_api.followups(token) if m["flags"] & EPHEMERAL), None))
    assert "no pictures yet" in answer["content"]
    token = await discord_api.slash("boss", "cartoon-edit", change="add a swastika")
    answer = await until(lambda: private(discord_api, token))
    assert "I'd rather not make that change" in answer["content"]
