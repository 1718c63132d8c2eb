"""Blocked words (data/blocked_words.txt and CARTOON_BOT_BLOCKED_WORDS): how they match, and
that a scene or a slogan with one is refused politely before anything is queued, in a slash
command (privately) and in a mention (a reply), without repeating the word."""

from __future__ import annotations

import pytest

from bot.blocked import REFUSALS, BlockedWords
from bot.client import MiloBot
from bot.sayings import load_lines
from core.paths import DATA_DIR
from tests.bot.helpers import until
from tests.servers.discord_api import BOT_USER_ID, EPHEMERAL, DiscordApi

LIST = DATA_DIR / "blocked_words.txt"


@pytest.fixture(scope="module")
def words() -> BlockedWords:
    return BlockedWords.load(LIST, "frak*, gorram, two words")


@pytest.mark.parametrize(
    "text, found",
    [  # the text, the blocked word found (None: fine)
        ("Milo debugging at 2 AM", None),
        ("a nazi flag", "nazi"),
        ("NAZIS at the rack", "nazis"),  # a * entry takes longer words
        ("a N4z1 poster", "nazi"),  # look-alike digits
        ("Nazì", "nazi"),  # accents
        ("naked Milo", "naked"),
        ("Essex, Sussex and Middlesex", None),  # whole words only
        ("the cockpit of a plane", None),
        ("Scunthorpe United", None),
        ("frakking cables", "frakking"),  # the setting's words
        ("GORRAM printer", "gorram"),
        ("two   words apart", "two   words".replace("   ", " ")),  # a phrase, white space folded
        ("two-words", "two-words"),
        ("", None),
    ],
)
def test_what_matches(words: BlockedWords, text: str, found: str | None) -> None:
    assert words.find(text) == found


def test_the_sayings_and_daily_prompts_are_not_blocked(words: BlockedWords) -> None:
    for line in load_lines(DATA_DIR / "bofh.txt") + load_lines(DATA_DIR / "daily_prompts.txt"):
        assert words.find(line) is None, line


def test_the_refusal_never_repeats_the_word(words: BlockedWords) -> None:
    for kind in REFUSALS:
        text = words.refusal("a nazi flag", kind)
        assert text is not None
        assert "nazi" not in text.lower()
    assert words.refusal("Milo at the desk", "scene") is None


def test_a_missing_list_is_a_fault_that_says_what_to_do(tmp_path) -> None:
    from core.errors import FaultError

    with pytest.raises(FaultError, match="blocked words file not found"):
        BlockedWords.load(tmp_path / "missing.txt")


@pytest.mark.asyncio
@pytest.mark.parametrize("options", [{"scene": "Milo at a nazi rally"}, {"scene": "Milo at the rack", "shirt": "sexy beast"}])
async def test_a_slash_command_with_a_blocked_word_is_refused_privately(
    bot: MiloBot, discord_api: DiscordApi, options: dict
) -> None:
    alice = str(discord_api.member("alice").id)
    before = len(await bot.services.primary.jobs(alice, limit=100))
    token = await discord_api.slash("alice", "cartoon", **options)
    answer = await until(lambda: next((m for m in discord_api.messages.values() if m.get("_token") == token), None))
    assert answer["flags"] & EPHEMERAL
    assert answer["content"].startswith("I'd rather not")
    assert len(await bot.services.primary.jobs(alice, limit=100)) == before  # nothing queued


@pytest.mark.asyncio
async def test_a_mention_with_a_blocked_word_gets_a_polite_reply(bot: MiloBot, discord_api: DiscordApi) -> None:
    james = str(discord_api.member("james").id)
    before = len(await bot.services.primary.jobs(james, limit=100))
    asked = await discord_api.say("james", f"<@{BOT_USER_ID}> draw Milo naked at the desk")
    reply = await until(lambda: next((m for m in discord_api.in_channel("general")
                                      if (m.get("message_reference") or {}).get("message_id") == asked["id"]), None))
    assert reply["content"] == REFUSALS["scene"]
    assert len(await bot.services.primary.jobs(james, limit=100)) == before
