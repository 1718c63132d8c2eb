"""Edits in words of a finished picture (agent/edit.py), table-driven: what the edit changes
(cast, wall, slogan), whether that is a re-plan, and what Kontext is told."""

from __future__ import annotations

import pytest

from agent.graph import Planner
from agent.prompts import BLANK_PANEL, KEEP_REST
from agent.state import ScenePlan, SceneRequest
from core.errors import InputError

DESK = "Milo debugging at the desk"
RACK_BOTH = "Milo and James at the rack"
BIKE_JAMES = "James on the exercise bike"

# (parent request, edit, speaker, characters after (left to right), plate after, re-plan)
CASES = [
    # a wall
    (DESK, "now at the rack", None, ["milo"], "north", True),
    (DESK, "move them to the whiteboard", None, ["milo"], "west", True),
    (DESK, "same but Milo asleep on the couch", None, ["milo"], "west", True),
    (DESK, "put him by the window", None, ["milo"], "south", True),
    (DESK, "same scene, but at the server rack", None, ["milo"], "north", True),
    (BIKE_JAMES, "at the desk instead", None, ["james"], "east", True),
    (DESK, "at the desk", None, ["milo"], "east", False),  # already there
    # things of a wall, named in passing, move nothing
    (DESK, "give Milo a coffee mug", None, ["milo"], "east", False),
    (RACK_BOTH, "add a plant", None, ["milo", "james"], "north", False),
    (BIKE_JAMES, "James holding a keyboard", None, ["james"], "south", False),
    # the same scene, another moment
    (DESK, "same but Milo asleep", None, ["milo"], "east", False),
    (DESK, "make it night", None, ["milo"], "east", False),
    (RACK_BOTH, "ok, now they are laughing", None, ["milo", "james"], "north", False),
    (DESK, "make the shirt say PEBKAC", None, ["milo"], "east", False),
    # someone comes in
    (DESK, "add James", None, ["milo", "james"], "east", True),
    (DESK, "with James too", None, ["milo", "james"], "east", True),
    (DESK, "James joins him", None, ["milo", "james"], "east", True),
    (DESK, "add me", "james", ["milo", "james"], "east", True),
    (BIKE_JAMES, "add Milo", None, ["james", "milo"], "south", True),
    (DESK, "add James on the left", None, ["james", "milo"], "east", True),
    # someone leaves
    (RACK_BOTH, "without James", None, ["milo"], "north", True),
    (RACK_BOTH, "remove James", None, ["milo"], "north", True),
    (RACK_BOTH, "get rid of James", None, ["milo"], "north", True),
    (RACK_BOTH, "James leaves", None, ["milo"], "north", True),
    (RACK_BOTH, "no Milo", None, ["james"], "north", True),
    (RACK_BOTH, "ohne James", None, ["milo"], "north", True),
    (RACK_BOTH, "sin James", None, ["milo"], "north", True),
    (RACK_BOTH, "just Milo", None, ["milo"], "north", True),
    (RACK_BOTH, "Milo alone", None, ["milo"], "north", True),
    (RACK_BOTH, "nobody there", None, [], "north", True),
    # someone in another's place
    (DESK, "James instead of Milo", None, ["james"], "east", True),
    # both at once
    (RACK_BOTH, "without James, on the couch", None, ["milo"], "west", True),
    (DESK, "add James and move to the bike", None, ["milo", "james"], "south", True),
]


def parent_plan(planner: Planner, text: str, slogan: str | None = None) -> ScenePlan:
    return planner.plan(SceneRequest(text=text, seed=11, shirt=slogan))


@pytest.mark.parametrize("parent, edit, speaker, characters, plate, replan", CASES)
def test_what_an_edit_changes(
    planner: Planner, parent: str, edit: str, speaker: str | None, characters: list[str], plate: str, replan: bool
) -> None:
    before = parent_plan(planner, parent)
    result = planner.edit(before, edit, speaker=speaker)
    assert result.plan.characters == characters
    assert result.plan.plate == plate
    assert result.replan is replan


@pytest.mark.parametrize("parent, edit, speaker, characters, plate, replan", CASES)
def test_the_edited_plan_is_a_whole_scene(
    planner: Planner, parent: str, edit: str, speaker: str | None, characters: list[str], plate: str, replan: bool
) -> None:
    before = parent_plan(planner, parent)
    frozen = before.model_dump()
    plan = planner.edit(before, edit, speaker=speaker).plan
    assert before.model_dump() == frozen  # the parent's plan is untouched
    assert ScenePlan.model_validate(plan.model_dump()) == plan
    assert plan.seed == before.seed  # only the edit changes the picture
    for gone in set(before.characters) - set(plan.characters):  # nobody no longer drawn is named
        assert planner.characters[gone].name.split()[0] not in plan.action
    for cid in plan.characters:  # everyone drawn is in the full prompt, by trigger word
        assert planner.characters[cid].trigger in plan.prompt
    assert plan.text.startswith(before.text)
    assert plan.text.endswith(edit)


@pytest.mark.parametrize(
    "edit, said",
    [  # the edit, words Kontext must read in its instruction
        ("make it night", "make it night"),
        ("same but Milo asleep", "Milo asleep"),
        ("give Milo a coffee mug", "give Milo a coffee mug"),
        ("add me", "James Meadlock"),  # "me" is the speaker
        ("now at the rack", "the server rack wall"),
    ],
)
def test_the_instruction_carries_the_edit_in_words(planner: Planner, edit: str, said: str) -> None:
    result = planner.edit(parent_plan(planner, DESK), edit, speaker="james")
    assert said in result.instruction
    assert KEEP_REST in result.instruction


def test_a_newcomer_is_described_in_full_and_one_who_leaves_is_named(planner: Planner) -> None:
    james = planner.characters["james"]
    added = planner.edit(parent_plan(planner, DESK), "add James")
    assert f"Add {james.trigger}, {james.description}" in added.instruction
    assert added.added == ("james",)
    removed = planner.edit(parent_plan(planner, RACK_BOTH), "without James")
    assert f"Remove {james.name}" in removed.instruction
    assert removed.removed == ("james",)
    assert james.trigger not in removed.instruction


def test_the_slogan_stays_while_its_wearer_is_drawn(planner: Planner) -> None:
    before = parent_plan(planner, RACK_BOTH, slogan="RTFM")
    kept = planner.edit(before, "make it night")
    assert kept.plan.slogan == "RTFM"
    assert kept.plan.outfits["milo"] == "panel"
    assert BLANK_PANEL in kept.instruction  # the panel stays blank for the compositor
    assert "RTFM" not in kept.instruction
    gone = planner.edit(before, "without Milo")
    assert gone.plan.slogan is None
    assert BLANK_PANEL not in gone.instruction
    asked = planner.edit(before, "make the shirt say PEBKAC")
    assert asked.plan.slogan == "PEBKAC"
    assert "PEBKAC" not in asked.instruction
    assert "PEBKAC" not in asked.plan.prompt


def test_the_wearer_coming_in_brings_a_saying(planner: Planner) -> None:
    before = parent_plan(planner, BIKE_JAMES)
    assert before.slogan is None
    after = planner.edit(before, "add Milo").plan
    assert after.slogan in planner.sayings
    assert after.outfits["milo"] == "panel"


def test_a_new_seed_and_a_new_speaker(planner: Planner) -> None:
    before = parent_plan(planner, DESK)
    assert planner.edit(before, "make it night", seed=99).plan.seed == 99
    assert planner.edit(before, "add me", speaker="james").plan.speaker == "james"


def test_edits_chain(planner: Planner) -> None:
    plan = parent_plan(planner, DESK)
    for edit in ("add James", "now at the rack", "without Milo", "make it night"):
        plan = planner.edit(plan, edit).plan
    assert plan.characters == ["james"]
    assert plan.plate == "north"
    assert plan.slogan is None
    assert "Milo" not in plan.action
    assert plan.text == f"{DESK} → add James → now at the rack → without Milo → make it night"


def test_a_long_chain_of_edits_stays_within_the_limits(planner: Planner) -> None:
    plan = parent_plan(planner, DESK)
    for n in range(60):
        plan = planner.edit(plan, f"and add a {n}th rubber duck on the shelf behind them").plan
    assert len(plan.text) <= 1000
    assert len(plan.action) <= 600
    assert "59th rubber duck" in plan.action  # the newest edit is kept


@pytest.mark.parametrize("edit", ["", "   ", "\u200b", "x" * 1001])
def test_an_empty_or_overlong_edit_is_refused(planner: Planner, edit: str) -> None:
    with pytest.raises(InputError):
        planner.edit(parent_plan(planner, DESK), edit)


def test_an_unknown_speaker_is_refused(planner: Planner) -> None:
    with pytest.raises(InputError, match="unknown speaker"):
        planner.edit(parent_plan(planner, DESK), "add me", speaker="nobody")


def test_a_variation_is_the_same_plan_with_a_new_seed(planner: Planner) -> None:
    before = parent_plan(planner, RACK_BOTH, slogan="RTFM")
    plan, instruction = planner.vary(before, 1234)
    assert plan.model_dump() == {**before.model_dump(), "seed": 1234}
    assert "subtle variation" in instruction
    assert BLANK_PANEL in instruction
    assert planner.characters["milo"].trigger in instruction
