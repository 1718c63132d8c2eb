"""Round 2's readings, each on its own: what a clause says of its subject, "X's" as "X is"
or X's thing, pictures and namesakes, held-down and apostrophe-less names, slogans in other
shapes, the place of the action, and the action sent to the image model."""

from __future__ import annotations

import pytest

from agent import rules
from agent.clauses import says_away
from agent.graph import Planner
from agent.possessive import reads_as_is
from agent.state import SceneRequest


@pytest.mark.parametrize(
    "predicate",
    [
        " went to get more coffee", " is out for lunch", " has been banned from the lab until Friday",
        " popped out to grab a sandwich", " is off to the post office", " left hours ago", " quit for the day",
        " took the afternoon off", " got locked out of the lab", " hasn't come in yet", " isn't feeling well",
        " is at my sister's wedding", " is in Lisbon for a wedding", " is on a plane to Tokyo", " has gone fishing",
        " is out running errands", " ran off to chase a squirrel", " 'll be at the dentist", " is on a call elsewhere",
        " is at the gym downtown", " ist zum Mittagessen gegangen", " se fue a comer", " est parti déjeuner",
        " 🏖️ on holiday", "? nope",
    ],
)
def test_a_clause_that_sends_its_subject_away(predicate: str) -> None:
    assert says_away("James" + predicate, len("James"))


@pytest.mark.parametrize(
    "predicate",
    [
        " off to the whiteboard to explain the plan", " heading to the rack with a new cable", " went to fix the UPS",
        " is away from his desk, on the bike", " is out of coffee", " is out cold on the sofa", " out of breath",
        " passed out on the couch", " left his laptop at home", " back from lunch", " went for a nap on the couch",
        " went over to the rack", " is locked out of the admin panel", " se fue al escritorio", " is in his pyjamas",
        " working out by the window",
    ],
)
def test_a_clause_that_keeps_its_subject_here(predicate: str) -> None:
    assert not says_away("James" + predicate, len("James"))


@pytest.mark.parametrize(
    ("after", "is_"),
    [
        (" alone by the bike", True), (" asleep", True), (" exhausted after cycling", True), (" really proud", True),
        (" on the couch", True), (" a menace", True), (" sleeping", True), (" busy at the rack", True), (" 😴", True),
        (" been out since Tuesday", True), (" laptop on the couch", False), (" new hoodie", False),
        (" favourite mug", False), (" left paw", False), (" tiny laptop", False), (" snacks", False), ("", False),
    ],
)
def test_possessive_or_is_by_what_follows(after: str, is_: bool) -> None:
    assert reads_as_is(after) is is_


@pytest.mark.parametrize(
    ("text", "speaker", "characters"),
    [
        ("a watercolour of two sleepy raccoons above the bike, James pedalling", None, ["james"]),
        ("a mug with a raccoon printed on it, no one around", None, []),
        ("James in a hoodie with Milo on it at the desk", None, ["james"]),
        ("James II portrait over the rack, Milo dusting it", None, ["milo"]),
        ("a raccoon-shaped lamp on the desk", None, []),
        ("Milo listening to 'Sweet Baby James' on the bike", None, ["milo"]),
        ("Jaaaames at the rack", None, ["james"]),
        ("jims at the keyboard", None, ["james"]),
        ("jims laptop on the couch", None, ["milo"]),  # only his laptop: the mascot, as with "James's laptop"
        ("while I'm out getting lunch, Milo at my desk", "james", ["milo"]),
        ("I'll be at the dentist; Milo guarding my bike", "james", ["milo"]),
        ("Personne dans le labo", None, []),
        ("Une personne à côté de Milo", None, ["milo"]),
        ("El jefe y el mapache en el sofá", None, ["milo", "james"]),
        ("Der Chef am Serverschrank", None, ["james"]),
        ("Le patron au tableau blanc", None, ["james"]),
        ("both of them out for lunch, the desk empty", None, []),
        ("> James went to get pizza\nMilo alone at the rack", None, ["milo"]),
        ("Milo's away at the rack", None, ["milo"]),
        ("James went for coffee, Milo at the rack", None, ["milo"]),
    ],
)
def test_who_is_in_the_picture(planner: Planner, text: str, speaker: str | None, characters: list[str]) -> None:
    assert sorted(rules.detect_characters(text, speaker, planner.roster)) == sorted(characters)


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("James watching the loss go down on the big screen while he cycles", "south"),
        ("Milo waiting for a 3D print to finish", "west"),
        ("Milo rides the spin bike while a training job runs on the GPUs", "south"),
        ("Milo 3D printing spare bike pedals", "west"),
        ("Milo crimping an ethernet cable at his desk", "east"),
        ("James on the sofa, laptop on his knees, reviewing a pull request", "west"),
        ("While James is at the gym downtown, Milo tinkers at the workbench", "west"),
        ("Jaaames looking at the rakc", "north"),
        ("Milo et James à l'imprimante 3D", "west"),
        ("James running to the rack", "north"),
        ("James stepped away from the keyboard for a nap on the couch", "west"),
    ],
)
def test_the_place_of_the_action(planner: Planner, text: str, plate: str) -> None:
    assert planner.plan(SceneRequest(text=text, seed=1)).plate == plate


@pytest.mark.parametrize(
    ("text", "slogan", "characters"),
    [
        ('hoodie for milo: "Ctrl+Alt+Defeat", he is at the TV', "Ctrl+Alt+Defeat", ["milo"]),
        ("Milo with the words Not My Department on his chest, at the switch", "Not My Department", ["milo"]),
        ("Milo wearing the slogan Blame The Cache, at the monitors", "Blame The Cache", ["milo"]),
        ('put "Trust The Logs" on Milo\'s hoodie', "Trust The Logs", ["milo"]),
        ("make Milo's shirt say SUDO NAP and put him on the couch", "SUDO NAP", ["milo"]),
        ('Empty lab, but put "Have You Tried Rebooting?" on a shirt', None, []),
    ],
)
def test_slogans_in_other_shapes(planner: Planner, text: str, slogan: str | None, characters: list[str]) -> None:
    plan = planner.plan(SceneRequest(text=text, seed=4))
    assert plan.characters == characters
    assert plan.slogan == slogan
    if not characters:
        assert plan.notes
        assert "not in this picture" in plan.notes[0]


@pytest.mark.parametrize(
    ("text", "speaker", "action"),
    [
        ("Skip Milo this time, just James pedalling", None, "just James pedalling"),
        ("Milo sitting in my chair at the desk while I'm out getting lunch", "james", "Milo sitting in the chair at the desk"),
        ("Milo ohne James auf dem Sofa", None, "Milo auf dem Sofa"),
        ("James's headphones on the couch, nobody around", None, "the headphones on the couch, nobody around"),
        # A namesake or a picture keeps its words (round 3: "a mug of someone", "King I" were damage)
        ("a LeBron James bobblehead on the monitor, Milo flicking it", None,
         "a LeBron James bobblehead on the monitor, Milo flicking it"),
        ("James hanging a poster of a raccoon", None, "James hanging a poster of a raccoon"),
        ("Jmaes at the rack", None, "James at the rack"),
        ("Milo in a tee with 'Can't Stop' on it, pedalling", None, "Milo, pedalling"),
    ],
)
def test_the_action_names_only_who_is_drawn(planner: Planner, text: str, speaker: str | None, action: str) -> None:
    assert planner.plan(SceneRequest(text=text, as_=speaker, seed=2)).action == action


def test_a_models_action_is_rewritten_too(planner: Planner) -> None:
    cast = planner.roster
    assert rules.describe_action("James went home, Milo at the rack", None, cast, None, shown=["milo"]) == "Milo at the rack"
    assert rules.describe_action("James and Milo at the rack", None, cast, None, shown=["milo", "james"]) == (
        "James and Milo at the rack"
    )
