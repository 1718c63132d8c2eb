"""The deterministic rules, table-driven: who, which wall, which slogan."""

from __future__ import annotations

import pytest

from agent.graph import Planner
from agent.state import SceneRequest

ROTATION = object()  # the slogan comes from data/bofh.txt, picked by seed

# (text, speaker, characters left to right, plate, slogan)
CASES = [
    ("Milo debugging at 2 AM", None, ["milo"], "east", ROTATION),
    ("James asleep on the exercise bike while the GPU trains", None, ["james"], "south", None),
    ("draw us at the whiteboard", "james", ["james", "milo"], "west", ROTATION),
    ("draw us at the whiteboard", "milo", ["milo", "james"], "west", ROTATION),
    ("draw me at the server rack", "james", ["james"], "north", None),
    ("draw me at the server rack", "milo", ["milo"], "north", ROTATION),
    ("me and Milo fixing cables", "james", ["james", "milo"], "north", ROTATION),
    ("Milo and me fixing cables", "james", ["milo", "james"], "north", ROTATION),
    ("you and James brainstorming at the whiteboard", "james", ["milo", "james"], "west", ROTATION),
    ("can you draw James at his desk", "james", ["james"], "east", None),
    ("could you draw Meadlock napping on the couch", None, ["james"], "west", None),
    ("an empty lab at night", None, [], "east", None),
    ("nobody at the server rack, just blinking LEDs", None, [], "north", None),
    ("the empty room with the exercise bike", None, [], "south", None),
    ("both of us on the couch", "james", ["james", "milo"], "west", ROTATION),
    ("we celebrate a green build", "james", ["james", "milo"], "east", ROTATION),
    ("draw us but without James", "james", ["milo"], "east", ROTATION),
    ("James at the desk, but not Milo", None, ["james"], "east", None),
    ("the whiteboard without Milo or James", None, [], "west", None),
    ("the raccoon soldering at the workbench", None, ["milo"], "west", ROTATION),
    ("the handler watching loss curves on the TV", None, ["milo"], "south", ROTATION),
    ("the human riding the bike", None, ["james"], "south", None),
    ("Jameson whiskey on the desk", None, ["milo"], "east", ROTATION),
    ("a milord bowing at the window", None, ["milo"], "south", ROTATION),
    ("Milo with a shirt that says RTFM at the rack", None, ["milo"], "north", "RTFM"),
    ('Milo wearing a "Works On My Machine" shirt at the desk', None, ["milo"], "east", "Works On My Machine"),
    ('"PEBKAC" on his shirt, Milo pointing at James', None, ["milo", "james"], "east", "PEBKAC"),
    ("his shirt reads: It's Always DNS. Milo at the switch", None, ["milo"], "north", "It's Always DNS"),
    ("James with a shirt that says RTFM", None, ["james"], "east", None),
    ("Milo explaining diagrams to James", None, ["milo", "james"], "west", ROTATION),
    ("James and Milo drinking coffee", None, ["james", "milo"], "east", ROTATION),
    ("Milo on the exercise bike, sweating", None, ["milo"], "south", ROTATION),
    ("Milo staring at three monitors", None, ["milo"], "east", ROTATION),
    ("Milo next to the DGX Spark nodes", None, ["milo"], "north", ROTATION),
    ("Milo 3D printing a tiny raccoon", None, ["milo"], "west", ROTATION),
    ("a dance party", None, ["milo"], "east", ROTATION),
    ("draw me a picture of Milo on the couch", "james", ["milo"], "west", ROTATION),
    ("show me Milo watering the plants", "james", ["milo"], "south", ROTATION),
    ("I'd like James at the whiteboard", "james", ["james"], "west", None),
    ("my desk with Milo asleep on it", "james", ["milo"], "east", ROTATION),  # "my" alone: not in it
    ("draw yourself at the rack", "james", ["milo"], "north", ROTATION),
    ("MILO AND JAMES AT THE WHITEBOARD", None, ["milo", "james"], "west", ROTATION),
    ("Milo at the north wall", None, ["milo"], "north", ROTATION),
    ("james,milo; the bike", None, ["james", "milo"], "south", ROTATION),
    ("everyone except James at the desk", None, ["milo"], "east", ROTATION),
]


@pytest.mark.parametrize(("text", "speaker", "characters", "plate", "slogan"), CASES)
def test_rules(planner: Planner, text, speaker, characters, plate, slogan) -> None:
    plan = planner.plan(SceneRequest(text=text, as_=speaker, seed=7))
    assert plan.source == "rules"
    assert plan.characters == characters
    assert plan.plate == plate
    if slogan is ROTATION:
        assert plan.slogan == planner.sayings[7 % len(planner.sayings)]
    else:
        assert plan.slogan == slogan
    if plan.slogan:
        assert plan.slogan.lower() not in plan.prompt.lower()
        assert plan.outfits["milo"] == "panel"
    if "james" in plan.characters:
        assert plan.outfits["james"] == "default"


def test_there_are_at_least_40_phrasings() -> None:
    assert len(CASES) >= 40


def test_explicit_shirt_wins_over_rotation_and_text(planner: Planner) -> None:
    plan = planner.plan(SceneRequest(text="Milo with a shirt that says RTFM", shirt="PEBKAC", seed=1))
    assert plan.slogan == "PEBKAC"
    assert "PEBKAC" not in plan.prompt
    assert "RTFM" not in plan.prompt


def test_slogan_is_reproducible_by_seed_and_varies_across_seeds(planner: Planner) -> None:
    first = planner.plan(SceneRequest(text="Milo at the desk", seed=3)).slogan
    again = planner.plan(SceneRequest(text="Milo at the desk", seed=3)).slogan
    others = {planner.plan(SceneRequest(text="Milo at the desk", seed=s)).slogan for s in range(36)}
    assert first == again
    assert len(others) == 36


def test_pronouns_become_names_in_the_action(planner: Planner) -> None:
    plan = planner.plan(SceneRequest(text="draw us at the whiteboard", as_="james", seed=0))
    assert plan.action == "James Meadlock and Milo at the whiteboard"
    assert "James Meadlock and Milo" in plan.prompt


def test_prompt_has_style_characters_wall_and_fits_t5(planner: Planner) -> None:
    from agent.prompts import MAX_T5_TOKENS, estimate_t5_tokens

    plan = planner.plan(SceneRequest(text="Milo and James at the rack " + "very " * 180 + "busy", seed=0))
    assert plan.prompt.startswith("flat cartoon style")
    assert "m1l0 raccoon" in plan.prompt
    assert "j4m3s man" in plan.prompt
    assert "server rack" in plan.prompt
    assert plan.prompt.index("On the left, m1l0") < plan.prompt.index("On the right, j4m3s")
    assert estimate_t5_tokens(plan.prompt) <= MAX_T5_TOKENS


@pytest.mark.parametrize("text", [case[0] for case in CASES] + ["Milo and James at the rack " + "very " * 180])
def test_clip_prompt_names_the_cast_and_fits_77_tokens(planner: Planner, text: str) -> None:
    from agent.prompts import MAX_CLIP_TOKENS, STYLE, estimate_clip_tokens

    plan = planner.plan(SceneRequest(text=text, as_="james", seed=3))
    assert plan.clip_prompt is not None
    assert plan.clip_prompt.startswith(STYLE)
    assert estimate_clip_tokens(plan.clip_prompt) <= MAX_CLIP_TOKENS
    triggers = [planner.characters[c].trigger for c in plan.characters]
    positions = [plan.clip_prompt.index(t) for t in triggers]
    assert positions == sorted(positions)  # left to right, as in the picture
    assert ("empty" in plan.clip_prompt) == (not plan.characters)
    if plan.slogan:
        assert plan.slogan.lower() not in plan.clip_prompt.lower()


def test_position_of(planner: Planner) -> None:
    plan = planner.plan(SceneRequest(text="James and Milo", seed=0))
    assert plan.position_of("milo") == "right"
    assert plan.position_of("james") == "left"
    assert planner.plan(SceneRequest(text="Milo", seed=0)).position_of("milo") == "center"


def test_rotation_skips_the_slogan_to_avoid(planner: Planner) -> None:
    from agent.rules import rotation_slogan

    sayings = planner.sayings
    for seed in range(len(sayings)):
        assert rotation_slogan(seed, sayings) == sayings[seed]
        assert rotation_slogan(seed, sayings, avoid=sayings[seed].upper()) == sayings[(seed + 1) % len(sayings)]
    assert rotation_slogan(0, ("RTFM",), avoid="rtfm") is None
    assert rotation_slogan(0, ()) is None
