"""Alt text from a plan: every cast × wall reads as one plain sentence that names who is in
the picture, where, and what the chest panel says; quotes and non-ASCII slogans survive;
Markdown escaping keeps the `![...]` intact."""

from __future__ import annotations

import itertools
import re

import pytest

from agent.walls import PLATES
from characters.sheet import load_characters
from core.settings import Settings
from render.service.gallery.alt_text import (
    MAX_ACTION_CHARS,
    Member,
    alt_text,
    markdown_alt,
    members,
)

CAST = members(load_characters(Settings(_env_file=None).characters_dir).values())
CASTS = [[], ["milo"], ["james"], ["milo", "james"], ["james", "milo"]]
# a phrase each wall adds when the action does not already say where
PLACES = {"north": "server rack", "east": "desk", "south": "fitness corner", "west": "whiteboard"}


@pytest.mark.parametrize(("cast", "plate"), list(itertools.product(CASTS, PLATES)))
def test_every_cast_and_wall_gives_one_sentence(cast: list[str], plate: str) -> None:
    text = alt_text(characters=cast, plate=plate, action="drinking coffee", slogan="RTFM", written=True, cast=CAST)
    assert text.endswith(".")
    assert text[0].isupper()
    assert "drinking coffee" in text
    assert PLACES[plate] in text
    for cid in cast:
        assert CAST[cid].name in text
        assert CAST[cid].role in text  # what they are, for a reader who cannot see them
    if "milo" in cast:
        assert "chest panel reads “RTFM”" in text
    else:
        assert "RTFM" not in text  # nobody wears the panel: no slogan is claimed
    if not cast:
        assert text.startswith("A cartoon of the lab")


def test_the_issue_example() -> None:
    text = alt_text(characters=["milo"], plate="south", action="Milo asleep on the exercise bike",
                    slogan="RTFM", written=True, cast=CAST)
    assert text == ("Milo, the raccoon in a tactical suit, asleep on the exercise bike in the lab's "
                    "fitness corner; his chest panel reads “RTFM”.")


@pytest.mark.parametrize(
    ("cast", "action", "starts"),
    [
        # columns: cast, the plan's action, how the sentence continues after the intro
        (["james", "milo"], "James and Milo arguing about tabs", "arguing about tabs"),
        (["milo", "james"], "Milo & James debugging", "debugging"),
        (["james"], "the admin rebooting the DGX", "rebooting the DGX"),  # an alias
        (["milo"], "Milo says \"no\"", 'says "no"'),
    ],
)
def test_names_the_action_starts_with_are_not_repeated(cast: list[str], action: str, starts: str) -> None:
    text = alt_text(characters=cast, plate="east", action=action, slogan=None, written=True, cast=CAST)
    intro = " and ".join(f"{CAST[c].name}, {CAST[c].role}," for c in cast)
    assert text.startswith(f"{intro} {starts}")


def test_an_action_without_the_cast_follows_a_colon() -> None:
    text = alt_text(characters=["milo"], plate="north", action="the switch on fire", slogan=None, written=True, cast=CAST)
    assert text == "Milo, the raccoon in a tactical suit, in front of the lab's server rack: the switch on fire."


def test_the_wall_is_not_said_twice() -> None:
    text = alt_text(characters=["james"], plate="west", action="James at the whiteboard", slogan=None, written=True, cast=CAST)
    assert text.count("whiteboard") == 1


@pytest.mark.parametrize(
    "slogan",
    ['Say "no"', "It's Not a Bug", "Ça marche — ¿por qué?", "日本語 OK", "“Quoted” already", "a <b> & c"],
)
def test_slogans_with_quotes_and_non_ascii_are_kept_as_written(slogan: str) -> None:
    text = alt_text(characters=["milo"], plate="east", action="Milo typing", slogan=slogan, written=True, cast=CAST)
    assert f"his chest panel reads “{slogan}”." in text


def test_a_skipped_slogan_leaves_the_panel_blank() -> None:
    text = alt_text(characters=["milo", "james"], plate="east", action="", slogan="Too long to fit", written=False, cast=CAST)
    assert "Too long" not in text
    assert text.endswith("Milo's chest panel is blank.")


def test_a_long_action_is_cut_at_a_word() -> None:
    action = "Milo " + " ".join(["juggling"] * 100)
    text = alt_text(characters=["milo"], plate="east", action=action, slogan=None, written=True, cast=CAST)
    assert "…" in text
    assert len(text) < MAX_ACTION_CHARS + 150
    assert "juggl…" not in text  # whole words only


def test_empty_and_white_space_actions_still_say_who_and_where() -> None:
    for action in ("", "   ", "\n\t", None):
        text = alt_text(characters=["james"], plate="south", action=action, slogan=None, written=True, cast=CAST)
        assert text == "James Meadlock, the man who runs the lab, in the lab's fitness corner."


def test_an_unknown_character_and_wall_are_named_plainly() -> None:
    cast = {**CAST, "ada": Member("Ada")}
    text = alt_text(characters=["ada", "zed_bot"], plate="attic", action="dancing", slogan="X", written=True, cast=cast)
    assert text.startswith("Ada and Zed Bot in the lab: dancing")
    assert "chest panel" not in text  # neither wears one


def test_line_breaks_never_reach_the_alt_text() -> None:
    text = alt_text(characters=["milo"], plate="east", action="Milo\ncoding\r\nfast", slogan="A\nB", written=True, cast=CAST)
    assert not re.search(r"[\r\n\t]", text)


@pytest.mark.parametrize(
    ("alt", "escaped"),
    [("a [b] c", r"a \[b\] c"), ("back\\slash", r"back\\slash"), ("two\nlines", "two lines"), ("plain", "plain")],
)
def test_markdown_alt_escapes_what_would_end_the_brackets(alt: str, escaped: str) -> None:
    assert markdown_alt(alt) == escaped
