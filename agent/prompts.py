"""Text the agent writes: the LLM's instructions and the Kontext prompt.

The slogan is never part of the Kontext prompt: FLUX misspells text, so Milo gets a
blank white chest panel and the compositor writes the words afterwards.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

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
    scene = f"Action: {action}." if action else ""
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
    return f"{fixed} {action}." if action else fixed


def _leading_words_that_fit(action: str, fits: Callable[[str], bool]) -> str:
    """The longest run of `action`'s first words for which `fits` holds ("" when none)."""
    words = action.split()
    while words and not fits(" ".join(words)):
        words.pop()
    return " ".join(words)


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
    cast = "\n".join(
        f"- id `{c.id}`: {c.name} (also called {', '.join(c.aliases) or 'nothing else'})"
        f"{' — the bot; you speak as this character' if c.is_bot else ''}: {c.description}"
        for c in characters
    )
    walls = "\n".join(f"- `{w.name}`: {w.title}: {w.description}" for w in WALLS.values())
    return (
        "You plan cartoon scenes set in a home AI lab. Read the request and answer with JSON only.\n"
        f"Characters:\n{cast}\n"
        f"Walls of the lab (the background plate):\n{walls}\n"
        "Rules:\n"
        "- characters: ids of everyone in the picture, in the order they are mentioned (left to right).\n"
        "  'me', 'I', 'my' mean the speaker; 'us', 'we', 'both of us' mean the speaker and the other one;\n"
        "  'you' addressed to the bot means the bot's character. 'nobody' or 'empty lab' means [].\n"
        "  A negation ('without James', 'but not Milo') removes that character. If nobody is mentioned,\n"
        "  the bot's character alone.\n"
        "- plate: the wall the scene needs; with no cue, `east` (the desk).\n"
        "- slogan: the exact shirt text only when the request asks for words on the shirt, else null.\n"
        "- action: one short sentence of what happens, with names instead of pronouns, no shirt text."
    )


def user_prompt(text: str, speaker: Character | None) -> str:
    who = f"{speaker.name} (id `{speaker.id}`)" if speaker else "unknown"
    return json.dumps({"speaker": who, "request": text}, ensure_ascii=False)
