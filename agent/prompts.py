"""Text the agent writes: the LLM's instructions and the Kontext prompt.

The slogan is never part of the Kontext prompt: FLUX misspells text, so Milo gets a
blank white chest panel and the compositor writes the words afterwards.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Sequence

from agent.walls import WALLS, Wall
from characters.sheet import Character

STYLE = "flat cartoon style illustration, clean bold outlines, flat colours, soft shading"
KEEP_IDENTITY = (
    "Keep each character's face, proportions and colours exactly as in the reference images, "
    "and keep the wall of the lab as in the input picture."
)
BLANK_PANEL = "The white chest panel is completely blank: no text, letters, numbers or logos."
EMPTY_LAB = "The lab is empty: no people and no animals."
MAX_T5_TOKENS = 512
MAX_CLIP_TOKENS = 77


def estimate_t5_tokens(text: str) -> int:
    """A safe over-estimate of T5 tokens (its vocabulary averages ~4 characters a token)."""
    return math.ceil(len(text) / 3) + 1


def estimate_clip_tokens(text: str) -> int:
    """A safe over-estimate of CLIP tokens (BPE, ~4 characters a token, plus start/end)."""
    return math.ceil(len(text) / 3) + 2


def kontext_prompt(
    characters: list[Character], outfits: dict[str, str], wall: Wall, action: str, has_slogan: bool
) -> str:
    """Style trigger + each character (left to right) + the wall + the action, ≤ 512 T5 tokens."""
    head = f"{STYLE}. A scene in a home AI lab, at {wall.title}: {wall.description}."
    cast_lines = []
    for index, character in enumerate(characters):
        where = _where(index, len(characters))
        outfit = character.outfits[outfits.get(character.id, "default")]
        cast_lines.append(f"{where}{character.trigger}, {character.description}, {outfit}.")
    tail_parts = [EMPTY_LAB] if not characters else []
    if has_slogan:
        tail_parts.append(BLANK_PANEL)
    if characters:
        tail_parts.append(KEEP_IDENTITY)
    fixed = " ".join([head, *cast_lines, *tail_parts])
    action = _leading_words_that_fit(action, lambda a: estimate_t5_tokens(f"{fixed} Action: {a}.") <= MAX_T5_TOKENS)
    scene = f"Action: {_sentence(action)}" if action else ""
    return " ".join(p for p in [head, *cast_lines, scene, *tail_parts] if p)


def clip_prompt(characters: list[Character], wall: Wall, action: str) -> str:
    """The short prompt for FLUX's CLIP encoder, which reads only 77 tokens (its pooled
    embedding sets the overall look; T5 reads the full prompt): style, who (trigger
    words, left to right), where and the action, cut to fit."""
    if characters:
        fixed = f"{STYLE}. {' and '.join(c.trigger for c in characters)} at {wall.title} of a home AI lab."
    else:
        fixed = f"{STYLE}. {wall.title.capitalize()} of an empty home AI lab."
    action = _leading_words_that_fit(action, lambda a: estimate_clip_tokens(f"{fixed} {a}.") <= MAX_CLIP_TOKENS)
    return f"{fixed} {_sentence(action)}" if action else fixed


# --- editing a finished picture (Kontext's own strength: the picture is the input) ---------
KEEP_REST = (
    "Keep everything else exactly as it is: the same characters with the same faces, proportions and colours, "
    "the same wall of the lab, the same style and framing."
)
VARY = (
    "A subtle variation of this picture: the same characters, wall, action and framing, with small changes "
    "in pose, expression and details."
)


def edit_prompt(
    instruction: str,
    *,
    cast: list[Character],
    outfits: dict[str, str],
    added: Collection[str] = (),
    removed: Sequence[Character] = (),
    wall: Wall | None = None,
    has_slogan: bool,
) -> str:
    """What Kontext reads to edit a finished picture (the picture is its input image): the
    people in it by trigger word (their LoRAs are on), the edit in the person's words, the
    changes of cast and wall spelled out (who comes in, in full), then "keep the rest" and
    the blank chest panel. The instruction is cut to fit the T5 budget, never the rest."""
    who = ", ".join(c.trigger for c in cast)
    head = f"{STYLE}. Edit this picture" + (f" of {who}" if who else " of the empty lab") + "."
    changes: list[str] = []
    if wall is not None:
        changes.append(f"Move the scene to {wall.title} of the lab: {wall.description}.")
    for character in removed:
        changes.append(f"Remove {character.name} from the picture.")
    for character in cast:
        if character.id in added:
            outfit = character.outfits[outfits.get(character.id, "default")]
            changes.append(f"Add {character.trigger}, {character.description}, {outfit}.")
    tail = [KEEP_REST] + ([BLANK_PANEL] if has_slogan else [])
    fixed = " ".join([head, *changes, *tail])
    words = _leading_words_that_fit(
        instruction.strip(" .,"), lambda w: estimate_t5_tokens(f"{fixed} The edit: {w}.") <= MAX_T5_TOKENS
    )
    edit = [f"The edit: {words}."] if words else []
    return " ".join([head, *edit, *changes, *tail])


def vary_prompt(cast: list[Character], has_slogan: bool) -> str:
    """What Kontext reads for a subtle variation of a finished picture (its input image)."""
    who = f" Keep {', '.join(c.trigger for c in cast)} as they are." if cast else ""
    return " ".join([f"{STYLE}. {VARY}{who}", KEEP_IDENTITY if cast else "", BLANK_PANEL if has_slogan else ""]).strip()


def _leading_words_that_fit(action: str, fits: Callable[[str], bool]) -> str:
    """The longest run of `action`'s first words for which `fits` holds ("" when none), cut
    where a phrase ends: at the last clause mark when that keeps most of it ("… the
    monitors. The" → "… the monitors"), else before small words left hanging ("while the",
    "dense with")."""
    words = action.split()
    total = len(words)
    while words and not fits(" ".join(words)):
        words.pop()
    if len(words) == total:
        return " ".join(words)
    marks = [i for i, w in enumerate(words) if w[-1:] in ",;:.!?—–"]
    if marks and marks[-1] + 1 >= 0.6 * len(words):
        words = words[: marks[-1] + 1]
    # a clause mark may follow a word that opens a phrase too ("at his desk, which, as …")
    while words and words[-1].lower().strip(",;:.!?—–\"'") in _HANGING:
        words.pop()
    cut = " ".join(words).rstrip(",;:—–- ")
    if cut.count('"') % 2 or cut.count("“") > cut.count("”"):  # a quote opened and cut: not its first words
        cut = cut[: max(cut.rfind('"'), cut.rfind("“"))].rstrip(",;:—–- ")
    return cut


def _sentence(text: str) -> str:
    """`text` ending as a sentence ends: its own mark, or a full stop."""
    return text if re.search(r"[.!?][\"”’')]*$", text) else f"{text}."


# Words a cut must not end on: they open a phrase whose rest was cut.
_HANGING = frozenset(
    ["the", "a", "an", "of", "with", "while", "and", "or", "to", "at", "on", "in", "for", "by", "from", "his", "her", "their", "my", "our", "its", "your", "that", "which", "who", "whose", "as", "into", "onto", "over", "under", "behind", "beside", "near", "is", "are", "was", "were", "be", "but", "so", "than", "then", "when", "where", "because", "very", "some", "this", "these", "those", "each", "every"]
)


def _where(index: int, count: int) -> str:
    if count == 1:
        return "In the centre, "
    if index == 0:
        return "On the left, "
    if index == count - 1:
        return "On the right, "
    return "In the middle, "


# --- the LLM's instructions --------------------------------------------------------------
def answer_schema(character_ids: list[str]) -> dict:
    """JSON schema for the structured answer (`response_format`)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["characters", "plate", "slogan", "action"],
        "properties": {
            "characters": {
                "type": "array",
                "items": {"type": "string", "enum": character_ids},
                "description": "who is in the picture, left to right",
            },
            "plate": {"type": "string", "enum": list(WALLS)},
            "slogan": {"type": ["string", "null"], "description": "only if the request asks for shirt text"},
            "action": {"type": "string", "description": "what happens, with pronouns replaced by names"},
        },
    }


def system_prompt(characters: list[Character]) -> str:
    """The instructions: the cast with aliases, the four walls with what is on them, the
    rules of reading a request, and how the answer is checked."""
    cast = "\n".join(
        f"- id `{c.id}`: {c.name} (also called {', '.join(c.aliases) or 'nothing else'})"
        f"{' — the bot; you speak as this character, and with nobody named it is the one drawn' if c.is_bot else ''}"
        f"{'; wears the white chest panel that carries the shirt slogan' if c.wears_panel else '; never wears a slogan'}"
        f": {c.description}"
        for c in characters
    )
    walls = "\n".join(
        f"- `{w.name}`: {w.title}: {w.description}. Cues: {', '.join(w.cues[:14])}; {', '.join(w.actions[:6])}"
        for w in WALLS.values()
    )
    return (
        "You plan cartoon scenes set in a home AI lab. Read one request and answer with one JSON object.\n"
        f"Characters:\n{cast}\n"
        f"Walls of the lab (the background plate):\n{walls}\n"
        "How to read a request (it may be in English, German, Spanish or French, with typos, emoji or chat markup):\n"
        "- characters: ids of everyone in the picture, in the order they are mentioned (left to right).\n"
        "  'me', 'I' mean the speaker; 'us', 'we' the speaker and the other one; 'you' the bot's character.\n"
        "  Someone said to be away is not in it: 'without X', 'skip X', 'X is off sick', 'X went home', 'X is at a\n"
        "  conference', 'X stays out of it', 'ohne', 'sin', 'sans', 'X n'est pas là', and by meaning: 'wishing X were\n"
        "  here', 'waiting for X', 'X got unplugged', 'X ought not to appear' (asides like 'X, regrettably, will be…'\n"
        "  still speak of X). 'X alone', 'X by himself' keep the picture to X. 'Milo left, James right' are positions.\n"
        "  A name that is not the person does not count: a namesake (King James, LeBron James, James Webb), a title\n"
        "  ('James and the Giant Peach'), what a thing is called or says ('a playlist called Milo', 'a mug that says\n"
        "  JAMES'), a product ('Milo cereal'), a toy, sticker, poster, photo or drawing of them, a raccoon on a\n"
        "  screen or in a show, a cup of Milo (the drink), an 'exception handler'.\n"
        "  Only their things ('James's headphones on the chair', 'my plants', 'my desk') do not put them in it.\n"
        "  Typos still count: 'Jmes', 'Mlio', 'Meadlok'. 🦝 is the raccoon; 🧔 or 👨‍💻 alone are nobody.\n"
        "  'nobody', 'not a soul', 'empty', 'everyone went home' mean []. With nobody named, the bot's character alone.\n"
        "- plate: the wall where the action happens. When two places are named, the one the characters are at or\n"
        "  acting on wins over one only talked about. With no cue, `east` (the desk).\n"
        "- slogan: the exact words asked for on the shirt (inside any quotes: \" “ ” ‘ ’ « » „ “; keep apostrophes\n"
        "  and commas inside), else null. Null when the shirt is someone else's or the panel wearer is not in the\n"
        "  picture. Words on a sign, mug or whiteboard are not a slogan.\n"
        "- action: one short English sentence of what happens, with names instead of pronouns, without the slogan;\n"
        "  keep namesakes, titles and objects as written, and leave out only what sends someone away.\n"
        "Your answer is checked field by field; a field that is not valid is decided by fixed rules instead."
    )


# Worked examples, one per kind of request the rules and the model must read right.
EXAMPLES: tuple[tuple[str | None, str, dict], ...] = (
    (None, "James is off sick today, draw the desk with Milo",
     {"characters": ["milo"], "plate": "east", "slogan": None, "action": "Milo alone at the desk"}),
    (None, "the couch, not a soul around",
     {"characters": [], "plate": "west", "slogan": None, "action": "the empty couch"}),
    (None, "James reading a King James Bible next to a stuffed raccoon on the sofa",
     {"characters": ["james"], "plate": "west", "slogan": None,
      "action": "James reading a King James Bible next to a stuffed raccoon on the sofa"}),
    (None, "Milo's hoodie hanging on the hook by the whiteboard",
     {"characters": [], "plate": "west", "slogan": None, "action": "Milo's hoodie hanging on a hook by the whiteboard"}),
    ("james", "Milo watering my plants while I'm at lunch",
     {"characters": ["milo"], "plate": "south", "slogan": None, "action": "Milo watering James Meadlock's plants"}),
    (None, "jmes n mlio at teh rack",
     {"characters": ["james", "milo"], "plate": "north", "slogan": None, "action": "James and Milo at the server rack"}),
    (None, "Milo at the rack in a 'Don't Panic, it's only prod' tee",
     {"characters": ["milo"], "plate": "north", "slogan": "Don't Panic, it's only prod", "action": "Milo at the server rack"}),
    (None, "James wearing a shirt that says \"PEBKAC\" at his keyboard",
     {"characters": ["james"], "plate": "east", "slogan": None, "action": "James typing at his keyboard"}),
    (None, "The rack was beeping all night. Draw Milo passed out on the couch.",
     {"characters": ["milo"], "plate": "west", "slogan": None, "action": "Milo passed out on the couch"}),
    (None, "🦝 on the 🚴 🔥",
     {"characters": ["milo"], "plate": "south", "slogan": None, "action": "Milo riding the exercise bike"}),
    (None, "Milo con una camiseta que dice «Todo bien» junto a la ventana, sin James",
     {"characters": ["milo"], "plate": "south", "slogan": "Todo bien", "action": "Milo by the window"}),
    (None, "**James** at the whiteboard ||with Milo|| ~~and the bike~~",
     {"characters": ["james", "milo"], "plate": "west", "slogan": None, "action": "James and Milo at the whiteboard"}),
)


def example_messages(characters: list[Character]) -> list[dict[str, str]]:
    """The worked examples as user/assistant turns (only for the characters this cast has)."""
    by_id = {c.id: c for c in characters}
    messages: list[dict[str, str]] = []
    for speaker, text, answer in EXAMPLES:
        if speaker and speaker not in by_id or any(c not in by_id for c in answer["characters"]):
            continue
        messages.append({"role": "user", "content": user_prompt(text, by_id.get(speaker) if speaker else None)})
        messages.append({"role": "assistant", "content": json.dumps(answer, ensure_ascii=False)})
    return messages


def user_prompt(text: str, speaker: Character | None) -> str:
    who = f"{speaker.name} (id `{speaker.id}`)" if speaker else "unknown"
    return json.dumps({"speaker": who, "request": text}, ensure_ascii=False)
