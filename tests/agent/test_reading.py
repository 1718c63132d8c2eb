"""The pieces the rules are built from, each on its own: quotes, chat markup, typos that must
never match common words, the shirt's owner and the notes, the scored wall, the lexicons."""

from __future__ import annotations

import pytest

from agent import rules
from agent.chat import normalise
from agent.graph import Planner
from agent.lexicon import LEXICONS
from agent.quotes import find_quotes
from agent.state import SceneRequest
from agent.walls import PLATES


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("shirt says 'Don't Panic' today", ["Don't Panic"]),
        ('a "Yes, it\'s prod" tee', ["Yes, it's prod"]),
        ("“curly” and ‘single’", ["curly", "single"]),
        ("«Ceci n'est pas» and » reversed «", ["Ceci n'est pas", "reversed"]),
        ("T-Shirt „Alles gut“ am Rack, ‚klein‘", ["Alles gut", "klein"]),
        ("`sudo rm -rf /` on it", ["sudo rm -rf /"]),
        ("James' desk and Milo's mug, it's fine", []),
        ("back in the '90s and the 80's", []),
        ('an unclosed "quote', []),
    ],
)
def test_quote_tokeniser_never_ends_a_quote_at_an_apostrophe(text: str, quoted: list[str]) -> None:
    assert [q.text for q in find_quotes(text)] == quoted


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("**Milo** at the __desk__", "Milo at the desk"),
        ("~~James~~ Milo", "Milo"),
        ("||spoiler|| text", "spoiler text"),
        ("see [the rack](https://example.com/x) now", "see the rack now"),
        ("look https://x.io/james-at-the-bike.png", "look"),
        ("<:raccoon:12345> hi", ":raccoon: hi"),
        ("Milo at the desk -# sent from phone", "Milo at the desk sent from phone"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_chat_markup_becomes_plain_words(raw: str, plain: str) -> None:
    assert normalise(raw) == plain


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("James with a glass of milk at the desk", ["james"]),
        ("Milo untangling a deadlock on the monitors", ["milo"]),
        ("Milo playing games on the TV", ["milo"]),
        ("James fixing the door handle", ["james"]),
        ("James tasting the mild salsa", ["james"]),
        ("Milo jams on a guitar", ["milo"]),
        ("Miko and Jamez at the rack", ["milo", "james"]),  # typos still count
        ("MEADLCOK AT THE BIKE", ["james"]),
    ],
)
def test_typo_names_never_match_common_words(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


def test_a_shirt_on_james_or_without_milo_gives_no_slogan_and_a_note(planner: Planner) -> None:
    on_james = planner.plan(SceneRequest(text="James at the rack in a 'Root' shirt, Milo beside him", seed=2))
    assert on_james.characters == ["james", "milo"]
    assert on_james.slogan is None
    assert on_james.outfits["milo"] == "default"
    assert on_james.notes
    assert "James" in on_james.notes[0]
    assert '"Root"' in on_james.notes[0]

    nobody = planner.plan(SceneRequest(text="the empty lab, shirt says RTFM", seed=2))
    assert nobody.characters == []
    assert nobody.slogan is None
    assert nobody.notes == ['Milo is not in this picture, so there is no shirt slogan ("RTFM" is left out).']

    flag = planner.plan(SceneRequest(text="James on the bike", shirt="PEBKAC", seed=2))
    assert flag.slogan is None
    assert "Milo is not in this picture" in flag.notes[0]

    worn = planner.plan(SceneRequest(text="Milo at the rack, his shirt reads: ssh is love", seed=2))
    assert worn.slogan == "ssh is love"
    assert worn.notes == []
    assert "ssh is love" not in worn.prompt
    assert "reads" not in worn.action


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("Milo on the couch complaining about the rack", "west"),
        ("The bike squeaks. Milo oiling the rack fans.", "north"),
        ("James at his keyboard, the bike in the background", "east"),
        ("Milo dreaming about a new treadmill, asleep at the desk", "east"),
        ("Milo with a shirt saying Works on my bike at the whiteboard", "west"),  # slogan words are not the scene
        ("Milo at the whitebaord", "west"),  # a slip of the finger in a thing's name
        ("Milo pointing at the desk", "east"),  # "pointing" is not a misspelt "printing"
    ],
)
def test_the_actions_place_outweighs_a_mention(planner: Planner, text: str, plate: str) -> None:
    assert planner.plan(SceneRequest(text=text, seed=1)).plate == plate


@pytest.mark.parametrize("lexicon", LEXICONS, ids=lambda lex: lex.language)
def test_each_language_has_names_for_every_wall_and_for_and_without(lexicon) -> None:
    assert lexicon.and_words
    assert lexicon.without
    assert lexicon.empty_scene
    assert lexicon.garments
    if lexicon.language != "en":  # English wall words live beside the walls in agent/walls.py
        assert set(lexicon.walls) == set(PLATES)
