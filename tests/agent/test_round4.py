"""Round 4's readings, one mechanism at a time, each with controls: characters described
rather than named, names slipped past the typo test, absence said by context, text that is
not the picture (conditions, what would happen, habits), shirt forms and a shirt asked
without text, names that are text, Portuguese and Italian, and an action and prompts that
say only the picture. The sentences are new (none is in a labelled set)."""

from __future__ import annotations

import re

import pytest

from agent import rules
from agent.graph import Planner
from agent.mentions import Status
from agent.moods import moods
from agent.state import SceneRequest


def _plan(planner: Planner, text: str, speaker: str | None = None):
    return planner.plan(SceneRequest(text=text, as_=speaker, seed=7))


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        # role nouns from the sheets, with any determiner and modifiers
        ("the lab's owner stretching by the window", ["james"]),
        ("our boss dozing on the sofa", ["james"]),
        ("the grumpy 🧔 boss at the rack", ["james"]),
        ("lab owner at the rack, swapping a fan", ["james"]),
        ("the proprietor of this lab at his monitors", ["james"]),
        # a word for anyone, singled out by a trait or a role word
        ("the fellow in glasses at the whiteboard", ["james"]),
        ("the chap who owns the place, alone on the bike", ["james"]),
        ("the masked one and the bearded one at the desk", ["milo", "james"]),
        ("our AI buddy re-cabling the switch", ["milo"]),
        # absence and only-ness apply to descriptions too
        ("the lab owner without the mascot, fixing the printer", ["james"]),
        ("the bearded guy is at the dentist; Milo at the rack", ["milo"]),
        # other languages' words for a role
        ("der Laborbesitzer am Fenster", ["james"]),
        ("o chefe e o guaxinim na mesa", ["james", "milo"]),
        # controls: nobody is singled out, or the noun is someone else's or a modifier
        ("the guy from the delivery company left a box by the rack, Milo opening it", ["milo"]),
        ("Milo's owner manual open on the desk", []),
        ("the boss fight on the TV, Milo gaming at the desk", ["milo"]),
        ("the human brain poster on the whiteboard, Milo pointing at it", ["milo"]),
    ],
)
def test_characters_described_not_named(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        # autocorrect and a neighbouring key, where a name stands
        ("Mile n James at the rack", ["milo", "james"]),
        ("James and Milk by the bike", ["james", "milo"]),
        ("Jamds and Milo on the sofa", ["james", "milo"]),
        ("Milk is watering the plants", ["milo"]),
        ("Kames at the whiteboard sketching", ["james"]),
        ("James at the desk, no Milk this time", ["james"]),
        # a surname written wrongly is the same person; another surname is someone else
        ("James Meadowlake at the rack", ["james"]),
        ("a James Bond poster above the desk, Milo saluting", ["milo"]),
        # controls: the common word in its common use
        ("James pouring milk into his tea at the desk", ["james"]),
        ("a glass of Milk on the desk, James typing", ["james"]),
        ("milk and cereal on the workbench, nobody around", []),
        ("James making jams at the workbench", ["james"]),
    ],
)
def test_names_slipped_past_the_typo_test(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "speaker", "characters"),
    [
        ("James on the couch, Milo benched for today", None, ["james"]),
        ("Milo at the rack (James not pictured)", None, ["milo"]),
        ("James at the desk, Milo: n/a", None, ["james"]),
        ("Milo on the bike while James is at his parents", None, ["milo"]),
        ("James at the whiteboard, Milo at choir rehearsal", None, ["james"]),
        ("keep Milo out of this one, James napping on the couch", None, ["james"]),
        ("give James the afternoon off; Milo at the rack", None, ["milo"]),
        ("Milo tidying the desk before James gets in", None, ["milo"]),
        ("Milo at the rack, unsure whether James will like the new cables", None, ["milo"]),
        ("James takes the bike today, all to himself", None, ["james"]),
        ("I haven't come in yet; Milo at my desk", "james", ["milo"]),
        # controls: giving something, arriving, wondering about a thing
        ("James gives Milo a coffee at the desk", None, ["james", "milo"]),
        ("Milo wondering what the dashboards mean, James beside him at the desk", None, ["milo", "james"]),
        ("James and Milo at the whiteboard, alone together", None, ["james", "milo"]),
    ],
)
def test_absence_said_by_context(planner: Planner, text: str, speaker: str | None, characters: list[str]) -> None:
    assert rules.detect_characters(text, speaker, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "speaker", "characters", "plate"),
    [
        # contrary to fact: here in the condition is away in the picture
        ("If Milo were around he'd be on the couch; he's not, so James alone at the rack", None, ["james"], "north"),
        ("Had I been in, I'd have been at the whiteboard. Milo at the desk instead.", "james", ["milo"], "east"),
        # a condition names no one into the picture; a pronoun after it takes them back
        ("If the printer breaks, James fixes it. Today though he's on the bike.", None, ["james"], "south"),
        ("Unless James objects, Milo on the couch", None, ["milo"], "west"),
        # what would follow, and a habit contrasted with this time
        ("Milo would normally be coding at the desk, but this morning he's watering the plants", None, ["milo"], "south"),
        ("James always naps on the couch after lunch; today he's at the rack instead", None, ["james"], "north"),
        ("Most days it's me at the whiteboard; today Milo has it", "james", ["milo"], "west"),
        ("Would Milo be on the bike? Nope, he's at the whiteboard", None, ["milo"], "west"),
        # controls: a wish is a request, a habit with no contrast is the scene
        ("It would be great to see James on the bike", None, ["james"], "south"),
        ("Milo always naps on the couch", None, ["milo"], "west"),
        ("If you can, put James at the rack", None, ["james"], "north"),
    ],
)
def test_text_that_is_not_the_picture(planner: Planner, text: str, speaker: str | None,
                                      characters: list[str], plate: str) -> None:
    plan = _plan(planner, text, speaker)
    assert (plan.characters, plan.plate) == (characters, plate)


def test_a_mood_is_left_out_of_the_action_for_the_clause_that_places_them(planner: Planner) -> None:
    plan = _plan(planner, "Milo would normally be coding at the desk, but this morning he's watering the plants")
    assert plan.action == "this morning Milo is watering the plants"
    plan = _plan(planner, "If James were here he'd be at the rack, but he isn't — just Milo on the couch")
    assert plan.action == "just Milo on the couch"
    # nothing places him elsewhere: the mood is what to draw and stays
    plan = _plan(planner, "If the raccoon had a longer reach he'd fix the printer himself; draw him trying")
    assert "printer" in plan.action


def test_moods_are_found_only_where_a_mood_is() -> None:
    kinds = [m.kind for m in moods("If James were here he'd be at the rack, but he isn't")]
    assert kinds == ["were", "would"]
    assert [m.kind for m in moods("Milo usually naps on the couch, but today he's at the rack")] == ["habit"]
    assert moods("Milo usually naps on the couch") == ()  # no contrast: the scene itself
    assert moods("Milo at the desk, wondering if the build passed") == ()


@pytest.mark.parametrize(
    ("text", "slogan"),
    [
        ("Milo at the desk; his tee, a bit wrinkled, reads 'Deploy Friday'", "Deploy Friday"),
        ("Milo's hoodie => \"Tabs > Spaces\", at the whiteboard", "Tabs > Spaces"),
        ("Milo on the bike, the shirt bearing the words 'Cardio Is My Cron'", "Cardio Is My Cron"),
        ("Milo at the rack with a shirt where is written \"It Was DNS\"", "It Was DNS"),
        ("Milo at the desk, tee: ||Ship It||", "Ship It"),
        ("Milo at the couch in a ||Nap Driven Development|| shirt", "Nap Driven Development"),
        ("Milo at the desk, shirt says www.raccoon.dev", "www.raccoon.dev"),
        ("Milo con una felpa con la scritta 'Riavvia Tutto' alla scrivania", "Riavvia Tutto"),
        ("Milo na mesa com uma camiseta escrito 'Funciona Aqui'", "Funciona Aqui"),
    ],
)
def test_shirt_forms(planner: Planner, text: str, slogan: str) -> None:
    plan = _plan(planner, text)
    assert plan.slogan == slogan
    assert plan.characters == ["milo"]
    for prompt in (plan.prompt, plan.clip_prompt, plan.action):
        assert slogan.lower() not in prompt.lower()


def test_a_shirt_said_in_passing_is_no_slogan(planner: Planner) -> None:
    plan = _plan(planner, "Milo holds up a shirt and says 'Look at this' at the desk")
    assert plan.slogan in planner.sayings


@pytest.mark.parametrize(
    "text",
    ["Milo at the desk without any slogan on his shirt", "Milo on the couch, blank panel today",
     "Milo minus the shirt text, at the rack"],
)
def test_a_shirt_asked_without_text_wears_the_blank_panel(planner: Planner, text: str) -> None:
    plan = _plan(planner, text)
    assert plan.slogan is None
    assert plan.outfits == {"milo": "panel"}
    assert plan.notes == ["No slogan on Milo's shirt: the request asks for a plain panel."]
    assert "completely blank" in plan.prompt
    assert "shirt text" not in plan.action
    assert "slogan" not in plan.action
    # --shirt still wins
    forced = planner.plan(SceneRequest(text=text, shirt="RTFM", seed=7))
    assert forced.slogan == "RTFM"


def test_shirt_text_never_reaches_the_prompt_even_when_it_is_not_read(planner: Planner) -> None:
    # a garment tied to quoted words by a form the reader does not know
    plan = _plan(planner, "Milo at the rack, his shirt has got 'Kernel Panic Club' on the front of it")
    assert "Kernel Panic Club" not in plan.prompt
    assert "Kernel Panic Club" not in plan.clip_prompt


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("the 'james' account on the dashboard is locked, Milo resetting it", ["milo"]),
        ("Milo pinging the `milo` host from the rack", ["milo"]),
        ('James tells the plush raccoon "you are fired" at the desk', ["james"]),
        ("a Vênus de Milo replica on the workbench, James dusting it", ["james"]),
        ("REQ: assignee jmeadlock, swap the UPS battery", ["james"]),
        ("Milo ACKing alerts at the desk", ["milo"]),
    ],
)
def test_names_that_are_text(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "speaker", "characters", "plate"),
    [
        ("Milo e James na academia, na esteira", None, ["milo", "james"], "south"),
        ("O James foi para casa; o guaxinim dorme no sofá", None, ["milo"], "west"),
        ("Ninguém na mesa, só os monitores", None, [], "east"),
        ("Eu e o Milo no quadro branco", "james", ["james", "milo"], "west"),
        ("Il procione in palestra sulla cyclette, senza James", None, ["milo"], "south"),
        ("James è in ferie, Milo alla lavagna", None, ["milo"], "west"),
        ("Nessuno vicino al rack, solo i cavi", None, [], "north"),
        ("Io e il capo alla scrivania", "milo", ["milo", "james"], "east"),
    ],
)
def test_portuguese_and_italian(planner: Planner, text: str, speaker: str | None,
                                characters: list[str], plate: str) -> None:
    plan = _plan(planner, text, speaker)
    assert (sorted(plan.characters), plan.plate) == (sorted(characters), plate)


def test_a_description_is_judged_like_a_name(planner: Planner) -> None:
    mentions = rules.read("the owner's laptop on the couch, nobody around", None, planner.roster).mentions
    assert [(m.kind, m.status) for m in mentions] == [("role", Status.BELONGS)]
    plan = _plan(planner, "the bearded guy is off sick, the raccoon at the rack")
    assert plan.characters == ["milo"]
    assert "bearded" not in plan.action


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("INC-4410 | switch down | milo checking cables", "switch down, milo checking cables"),
        ("REQ (urgent): james @ whiteboard. status: planning", "james @ whiteboard. planning"),
        ("James Meadowlake asleep at the desk", "James Meadlock asleep at the desk"),
        ("Give the raccoon the evening off and keep him out of frame; James at the bike", "James at the bike"),
        ("James at the rack, Milo is not here because he is at the vet", "James at the rack"),
    ],
)
def test_the_action_says_only_the_picture(planner: Planner, text: str, action: str) -> None:
    assert _plan(planner, text).action == action


_HANGING_END = re.compile(r"\b(?:the|a|an|of|with|while|and|to|at|on|in|for|by|from|his|her|their)\.$", re.IGNORECASE)


def test_clip_prompt_ends_where_a_phrase_ends(planner: Planner) -> None:
    text = ("It is late and raining. James pedals the stationary bike, watching the rain streak the glass while "
            "the television in the corner shows a loss curve that stubbornly refuses to fall, and Milo, curled on "
            "the couch beneath a whiteboard dense with equations, snores.")
    plan = _plan(planner, text)
    assert not _HANGING_END.search(plan.clip_prompt), plan.clip_prompt
    assert plan.clip_prompt.count('"') % 2 == 0
    assert not plan.clip_prompt.endswith("..")


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        # a thing's word after a name is the person's verb when an object follows it
        ("Milo sketches a cat at the desk", ["milo"]),
        ("James sketches the network on the whiteboard", ["james"]),
        ("Milo figures out the bug at his monitors", ["milo"]),
        ("Milo clips the cables to the rack", ["milo"]),
        ("James and Milo print a poster at the workbench", ["james", "milo"]),
        ("let Milo film the plants by the window", ["milo"]),
        # controls: the name modifies the noun
        ("Milo sketches pinned to the whiteboard, James admiring them", ["james"]),
        ("a Milo mug the intern bought on the desk, James typing", ["james"]),
        ("Milo stickers all over the desk, James at the monitors", ["james"]),
    ],
)
def test_a_things_word_can_be_the_persons_verb(planner: Planner, text: str, characters: list[str]) -> None:
    assert rules.detect_characters(text, None, planner.roster) == characters


@pytest.mark.parametrize(
    ("text", "speaker", "action"),
    [
        # what someone left out or a shirt's words took with them leaves no small word hanging
        ("Milo at the window with James off sick", None, "Milo at the window"),
        ("James at the rack, beside him: nobody, Milo is at the vet", None, "James at the rack, beside him: nobody"),
        ("Milo at the desk, on the front of his shirt: 'Segfault Club'", None, "Milo at the desk"),
        # a particle the request ends on stays
        ("Milo at the desk cheering me on", "james", "Milo at the desk cheering James Meadlock on"),
    ],
)
def test_a_removal_leaves_no_word_hanging(planner: Planner, text: str, speaker: str | None, action: str) -> None:
    assert _plan(planner, text, speaker).action == action


def test_clip_prompt_is_not_cut_after_a_clause_word(planner: Planner) -> None:
    text = ("I would be very pleased if you could draw the raccoon at his desk, which, I should say, is covered in "
            "empty mugs, tangled cables, sticky notes and half a sandwich from yesterday's lunch")
    clip = _plan(planner, text).clip_prompt
    assert not _HANGING_END.search(clip) and not clip.endswith(("which.", ", .")), clip
