"""Round 3's readings, one mechanism at a time: a name that is a thing's (called, titled,
printed, eaten, on a screen), absence said by meaning (missed, switched off, not to appear,
asides and relative clauses, a predicate carried on, a subject taken up by a pronoun),
"alone", stage directions and their left-to-right order, the speaker in other languages,
slogans with dots or a scene after a comma, where someone comes from, and the action kept
as the request wrote it."""

from __future__ import annotations

import pytest

from agent import rules
from agent.clauses import away_span, predicates, says_away
from agent.graph import Planner
from agent.state import SceneRequest


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        # a name given to a thing, and a person calling someone (the control)
        ("a playlist called Milo playing while James codes at his monitors", ["james"]),
        ("James feeding a cat named Milo by the window", ["james"]),
        ("James checking a server he named Milo in the rack", ["james"]),
        ("a mug that says JAMES on the desk, Milo sipping from it", ["milo"]),
        ("a sticky note that reads ask James stuck to the monitor, Milo at the desk", ["milo"]),
        ("James called Milo over to the rack", ["james", "milo"]),
        ("Milo says James is at the rack", ["milo", "james"]),
        # titles, labels in capitals, products
        ("Milo reading James and the Giant Peach on the couch", ["milo"]),
        ("James reading The Raccoon Who Loved Servers on the couch", ["james"]),
        ("a poster for the band Milo and the Hard Drives behind the rack, James crimping cables", ["james"]),
        ("a whiteboard heading that says MILO ROADMAP, James presenting it", ["james"]),
        ("a cake with MILO piped in blue icing on the desk, James cutting it", ["james"]),
        ("James with a Milo sachet at the desk", ["james"]),
        ("James eating Milo biscuits at his desk", ["james"]),
        ("dibuja a James regando las plantas", ["james"]),  # the Spanish "a" is not an article
        # a raccoon nobody named, shown by something
        ("the kids' show on the TV has a raccoon in it; James laughs from the exercise bike", ["james"]),
        ("the screensaver shows a dancing raccoon; James asleep at the keyboard", ["james"]),
        ("James reading a picture book with a raccoon on the cover", ["james"]),
        ("a video call on the big screen showing James, Milo waving at it from the desk", ["milo"]),
        ("the logo of the lab, a raccoon head, painted on the wall behind James", ["james"]),
    ],
)
def test_a_name_that_belongs_to_a_thing(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "speaker", "characters"),
    [
        ("James staring at the blinking rack, wishing Milo were there to help", None, ["james"]),
        ("James waiting for Milo at the rack, checking his watch", None, ["james"]),
        ("Milo on the couch, texting James, who is stuck in traffic", None, ["milo"]),
        ("if only Milo could see James finally fixing the rack", None, ["james"]),
        ("James alone in the server corner, since Milo got unplugged yesterday", None, ["james"]),
        ("the raccoon has been powered down for the night; James at his monitors", None, ["james"]),
        ("Milo unplugged the switch at the rack", None, ["milo"]),  # the control: he did the unplugging
        ("Draw Milo at the desk. James is not to appear in this one.", None, ["milo"]),
        ("James at the rack. The raccoon isn't part of this one.", None, ["james"]),
        ("Milo on my bike, I'm stuck at the office", "james", ["milo"]),
        ("James at the office desk with Milo", None, ["james", "milo"]),  # an office chair/desk is a thing here
        ("Milo at the keyboard, with James on a call in the other room", None, ["milo"]),
        ("Milo alone at his station while James sleeps in", None, ["milo"]),
        # alone, by himself, allein, seul
        ("James alone in the server corner with the hum of the fans", None, ["james"]),
        ("myself, solo, lifting weights by the window", "james", ["james"]),
        ("Milo allein am Whiteboard", None, ["milo"]),
        ("Milo and James alone in the lab", None, ["milo", "james"]),
    ],
)
def test_absence_said_by_meaning(planner: Planner, text: str, speaker: str | None, characters: list[str]) -> None:
    assert rules.detect_characters(text, speaker, planner.roster) == characters


@pytest.mark.parametrize(
    "text",
    [
        "James, regrettably, will be attending a wedding that day and ought therefore not to appear.",
        "James, who is away at a trade fair this week, is not to be drawn",
        "James, sadly, is in hospital",
        "James: he is, unfortunately, stuck abroad.",
        "James? At his cousin's wedding.",
        "James, however, should be left out entirely",
        "James having been sent home early",
        "James 🚫",
    ],
)
def test_asides_relative_clauses_and_carried_predicates_reach_the_subject(text: str) -> None:
    assert says_away(text, len("James"))


def test_a_relative_clause_and_the_predicate_after_it_are_both_said_of_the_subject() -> None:
    scan = "Milo, who has, I gather, been spending a lot of time at the workbench, seated instead at the desk"
    spans = [scan[a:b].strip() for a, b in predicates(scan, len("Milo"))]
    assert spans == ["has, I gather, been spending a lot of time at the workbench", "seated instead at the desk"]
    assert away_span(scan, len("Milo")) is None
    habit = "James, who usually works from home, at the desk"
    assert not says_away(habit, len("James"))  # a habit is not where he is now


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("Camera low, Milo left, James right, both looking up at the rack", ["milo", "james"]),
        ("James on the right, Milo on the left, both at the whiteboard", ["milo", "james"]),
        ("Medium shot, James right of frame, Milo left of frame", ["milo", "james"]),
        ("Milo left, James at the rack", ["james"]),  # no framing words: Milo left the room
    ],
)
def test_stage_directions_are_positions_and_give_the_order(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("ich schlafe auf dem Sofa, Milo deckt mich zu", ["james", "milo"]),
        ("Milo y yo arreglando el rack de servidores", ["milo", "james"]),
        ("moi et Milo au bureau", ["james", "milo"]),
        ("j'arrose les plantes avec Milo", ["james", "milo"]),
        ("nous deux devant la baie de serveurs", ["james", "milo"]),
        ("Milo an meinem Schreibtisch, ich bin im Urlaub", ["milo"]),
        ("Milo en mi escritorio mientras yo estoy de vacaciones", ["milo"]),
        ("yo, Milo at the rack", ["milo"]),  # the English greeting
    ],
)
def test_the_speaker_in_german_spanish_and_french(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, "james", planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "slogan", "plate"),
    [
        ("Milo at the desk, make his shirt say: There's No Place Like 127.0.0.1", "There's No Place Like 127.0.0.1", "east"),
        ("Milo on the bike, tee reads node.js or bust", "node.js or bust", "south"),
        ("give Milo a shirt with the words Works On My Machine, workbench scene", "Works On My Machine", "west"),
        ("Milo in a shirt saying Coffee First, watering the plants", "Coffee First", "south"),
        ("Milo at the whiteboard wearing a shirt saying Ask Me About Vim, pointing at a diagram", "Ask Me About Vim", "west"),
        ("slogan on Milo: Null Pointer, Full Heart. He's on the couch.", "Null Pointer, Full Heart", "west"),
        ("Milo at the whiteboard. Shirt: Trust me, I'm an engineer.", "Trust me, I'm an engineer", "west"),
        ("Milo vor dem Rack mit einem Shirt, auf dem 'Never touch a running system' steht", "Never touch a running system", "north"),
        ("Milo en la bici con una camiseta en la que pone 'Sin café no hay código'", "Sin café no hay código", "south"),
        ("Milo au bureau, en t-shirt sur lequel on lit « Ça marche chez moi »", "Ça marche chez moi", "east"),
    ],
)
def test_slogans_with_dots_or_a_scene_after_a_comma(planner: Planner, text: str, slogan: str, plate: str) -> None:
    plan = planner.plan(SceneRequest(text=text, seed=3))
    assert (plan.slogan, plan.plate) == (slogan, plate)


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("James walks from the desk over to the whiteboard and starts drawing", "west"),
        ("James gets up from the desk and walks to the window", "south"),
        ("James leaves the bike and heads to the rack to reboot it", "north"),
        ("Milo, fresh from a nap on the couch, now rebooting the switch", "north"),
        ("James, having finished at the rack, flops onto the sofa", "west"),
        ("James, who normally lives at his standing desk, is pedalling hard today", "south"),
        ("James laughs from the exercise bike", "south"),  # where he is, not where he comes from
        ("Milo goes over from the bike to the monitors to check the loss", "east"),
    ],
)
def test_where_someone_comes_from_is_not_the_scene(planner: Planner, text: str, plate: str) -> None:
    assert planner.plan(SceneRequest(text=text, seed=1)).plate == plate


@pytest.mark.parametrize(
    ("text", "speaker", "action"),
    [
        # namesakes, titles and products keep their words: no "someone", no "King I"
        ("James at his desk drinking a mug of Milo", None, "James at his desk drinking a mug of Milo"),
        ("Milo reading a biography of King James I on the couch", None, "Milo reading a biography of King James I on the couch"),
        ("Milo building a Lego model of St James's Palace", None, "Milo building a Lego model of St James's Palace"),
        ("James pinning a picture of Milo the cat onto the whiteboard", None,
         "James pinning a picture of Milo the cat onto the whiteboard"),
        ("a drawing of a raccoon on the whiteboard, James pointing at it", None,
         "a drawing of a raccoon on the whiteboard, James pointing at it"),
        # only what sends someone away goes, with what takes them up, tidily
        ("Milo riding the exercise bike. James isn't around, he flew to a conference in Berlin.", None,
         "Milo riding the exercise bike"),
        ("the whiteboard covered in equations, Milo napping on the couch (no James)", None,
         "the whiteboard covered in equations, Milo napping on the couch"),
        ("Milo at the desk, three monitors glowing. James? Not today, he's on paternity leave.", None,
         "Milo at the desk, three monitors glowing"),
        ("Further to our conversation, I should like a picture of Milo cleaning the whiteboard. James, regrettably, "
         "will be attending a wedding that day and ought therefore not to appear.", None,
         "Further to our conversation, a picture of Milo cleaning the whiteboard"),
        ("James waiting for Milo at the rack, checking his watch", None, "James at the rack, checking his watch"),
        ("Milo on the couch, texting James, who is stuck in traffic", None, "Milo on the couch"),
        ("James ✅ Milo ❌ at the whiteboard", None, "James ✅ at the whiteboard"),
        # objects stay: an unworn slogan leaves its t-shirt
        ("an empty desk, a t-shirt saying 'Root Is Not a Personality' folded on the chair", None,
         "an empty desk, a t-shirt folded on the chair"),
        ("Milo's shirt should read 'Don't Panic', he's at the whiteboard", None, "Milo, he's at the whiteboard"),
        # the speaker
        ("I'm asleep on the couch, Milo covering me with a blanket", "james",
         "James Meadlock is asleep on the couch, Milo covering James Meadlock with a blanket"),
        ("put me on the exercise bike, by myself", "james", "put James Meadlock on the exercise bike, alone"),
        ("Milo an meinem Schreibtisch, ich bin im Urlaub", "james", "Milo an meinem Schreibtisch"),
    ],
)
def test_the_action_keeps_the_request_and_drops_only_who_is_away(
    planner: Planner, text: str, speaker: str | None, action: str
) -> None:
    plan = planner.plan(SceneRequest(text=text, as_=speaker, seed=2))
    assert plan.action == action
    assert "someone" not in plan.prompt
