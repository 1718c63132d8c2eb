"""Alt text for a picture, written from its plan in plain English, for the blog's `<img alt>`.

    Milo, the raccoon in a tactical suit, asleep on the exercise bike in the lab's fitness
    corner; his chest panel reads “RTFM”.

The sentence is: who is in the picture (name and what they are, left to right), what they do
(the plan's `action`, without the names it starts with, since the sentence just gave them),
where (the wall, unless the action already names it), and what the chest panel reads (only
when the slogan was written: a skipped slogan leaves the panel blank). Pure: plain values in,
a string out; the caller escapes it for HTML or Markdown (`markdown_alt`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_ACTION_CHARS = 200  # an action longer than this is cut at a word and ends with "…"

# What each known character is, for a reader who cannot see the picture, and the pronoun
# for "his chest panel". A character not listed is named alone ("Ada").
ROLES: dict[str, tuple[str, str]] = {
    "milo": ("the raccoon in a tactical suit", "his"),
    "james": ("the man who runs the lab", "his"),
}
# Where each wall puts the scene, and the words in an action that already say so.
PLACES: dict[str, tuple[str, tuple[str, ...]]] = {
    "north": ("in front of the lab's server rack", ("server rack", "rack")),
    "east": ("at the lab's desk with its three monitors", ("desk",)),
    "south": ("in the lab's fitness corner", ("fitness corner",)),
    "west": ("by the lab's whiteboard wall", ("whiteboard",)),
}


@dataclass(frozen=True)
class Member:
    """A character as alt text names it."""

    name: str
    role: str | None = None
    pronoun: str = "their"
    aliases: tuple[str, ...] = ()
    wears_panel: bool = False


def members(sheets: Iterable[object]) -> dict[str, Member]:
    """The cast from character sheets (anything with `id`, `name`, `aliases`, `wears_panel`)."""
    cast = {}
    for sheet in sheets:
        cid = str(sheet.id)
        role, pronoun = ROLES.get(cid, (None, "their"))
        aliases = tuple(str(a) for a in getattr(sheet, "aliases", ()) or ())
        cast[cid] = Member(str(sheet.name), role, pronoun, aliases, bool(getattr(sheet, "wears_panel", False)))
    return cast


def alt_text(
    *,
    characters: Sequence[str],
    plate: str | None,
    action: str | None,
    slogan: str | None,
    written: bool,
    cast: Mapping[str, Member],
) -> str:
    """One or two clauses ending with a full stop; never empty."""
    people = [cast.get(cid) or Member(cid.replace("_", " ").title()) for cid in characters]
    deed = _tidy(action or "")
    place, place_words = PLACES.get(plate or "", ("in the lab", ()))
    if any(re.search(rf"\b{re.escape(w)}\b", deed, re.IGNORECASE) for w in place_words):
        place = ""
    if not people:
        sentence = f"A cartoon of the lab, {place}" if place else "A cartoon of the lab"
        sentence += f": {deed}" if deed else ""
    else:
        intro = _list([f"{p.name}, {p.role}," if p.role else p.name for p in people])
        rest, began = _without_leading_names(deed, people)
        if began:  # the action began with the cast: it continues the sentence
            sentence = " ".join(part for part in (intro, rest, place) if part)
        else:
            sentence = " ".join(part for part in (intro, place) if part)
            sentence = sentence.rstrip(",") + (f": {deed}" if deed else "")
    sentence = sentence.rstrip(",;: ")
    sentence += _panel(people, slogan, written)
    return sentence[:1].upper() + sentence[1:] + "."


def markdown_alt(text: str) -> str:
    """Alt text safe inside Markdown's `![...]`: backslashes and brackets escaped, one line."""
    return re.sub(r"([\\\[\]])", r"\\\1", " ".join(text.split()))


def _panel(people: list[Member], slogan: str | None, written: bool) -> str:
    wearer = next((p for p in people if p.wears_panel), None)
    slogan = " ".join((slogan or "").split())
    if wearer is None or not slogan:
        return ""
    whose = wearer.pronoun if len(people) == 1 else f"{wearer.name}'s"
    return f"; {whose} chest panel reads “{slogan}”" if written else f"; {whose} chest panel is blank"


def _list(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _tidy(action: str) -> str:
    """One line, no closing full stop, at most MAX_ACTION_CHARS (cut at a word)."""
    text = " ".join(action.split()).rstrip(" .!?;:,")
    if len(text) > MAX_ACTION_CHARS:
        text = text[:MAX_ACTION_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def _without_leading_names(action: str, people: list[Member]) -> tuple[str, bool]:
    """The action without the names of the cast it starts with ("James and Milo arguing" →
    "arguing"), and whether it started with them."""
    names = sorted({n for p in people for n in (p.name, p.name.split()[0], *p.aliases) if n}, key=len, reverse=True)
    one = "|".join(re.escape(n) for n in names)
    lead = re.match(rf"^(?:(?:{one})(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+))+", action + " ", re.IGNORECASE)
    if not names or lead is None:
        return action, False
    return (action + " ")[lead.end():].strip(), True
