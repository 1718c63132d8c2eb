"""Checks at the door, before a request is queued: a number is a number (not a boolean or
text), every string a client sends is bounded, and stripped of invisible format characters (bidi controls such as U+202E, which can make a
slogan read backwards, and zero-width characters); a slogan must be drawable by the shirt
font, checked with the compositor's own check, as `POST /v1/jobs/{id}/shirt` does.

Limits: a plan's `prompt` fits the T5 budget the agent writes to (512 tokens, estimated as
the agent estimates them), `clip_prompt` CLIP's 77, `text` and `action` the request limit.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import BeforeValidator, Field

from agent.prompts import MAX_CLIP_TOKENS, MAX_T5_TOKENS
from agent.state import MAX_TEXT_CHARS
from core.errors import InputError

MAX_PROMPT_CHARS = (MAX_T5_TOKENS - 1) * 3  # estimate_t5_tokens(prompt) <= MAX_T5_TOKENS
MAX_CLIP_PROMPT_CHARS = (MAX_CLIP_TOKENS - 2) * 3  # estimate_clip_tokens(...) <= MAX_CLIP_TOKENS
MAX_ACTION_CHARS = MAX_TEXT_CHARS
MAX_NAME_CHARS = 64  # a character id, an outfit name, a user
MAX_CAST = 8  # characters in one plan
# Text that is more than white space, control and format characters (what the door strips);
# written out for the OpenAPI spec, which has no Unicode classes.
VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"


def whole_number(value: object) -> object:
    """A JSON number for an integer field, as JSON Schema reads one (7 and 7.0), never a
    boolean or text (pydantic's lax mode would take `true` as 1 and "7" as 7)."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("give a whole number (true/false and text are not numbers)")
    return value


# A seed as the API takes it: a whole number from 0 to 2**32 - 1.
Seed = Annotated[int, Field(ge=0, lt=2**32), BeforeValidator(whole_number)]  # constraints first: the spec states them


def strip_invisible(text: str) -> str:
    """`text` without format characters (Unicode category Cf: bidi controls, zero-width
    spaces and joiners, the byte-order mark, soft hyphens, tag characters)."""
    if text.isascii():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def visible(text: str, name: str) -> str:
    """`text` stripped; ValueError (a 422 naming the field) when nothing visible is left."""
    stripped = strip_invisible(text)
    if not stripped.strip():
        raise ValueError(f"{name} is empty (only spaces or invisible characters); give some words")
    return stripped


def drawable_slogan(slogan: str) -> str:
    """A slogan the shirt font can draw, stripped; ValueError naming what it cannot draw."""
    from agent.state import clean_text
    from render.compositor.text import check_glyphs

    # As the compositor reads it: control characters out, white space collapsed (its glyph
    # check is written for cleaned text; Pillow's layout fails on some controls).
    slogan = clean_text(visible(slogan, "the slogan"))
    if not slogan:
        raise ValueError("the slogan is empty (only spaces or control characters); give some words")
    try:
        check_glyphs(slogan)
    except InputError as exc:
        raise ValueError(str(exc)) from None
    return slogan
