"""Deterministic rules: who is in the scene, which wall, which slogan, what happens.

They decide every field when no LLM is configured, and each field the LLM got wrong.
Reading a request: `mentions.prepare` takes the chat markup away, `Cast.mentions` finds
every mention and what it means (in the picture, a namesake or look-alike, only their
things, or away), `stage.pick_plate` scores the walls, `slogans.SloganReader` finds the
shirt text. All plain string work on patterns compiled once per planner: well under a
millisecond a plan.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from weakref import WeakKeyDictionary

from agent.action import describe, ends_a_clause, hanging_start
from agent.chat import normalise
from agent.mentions import Cast, Mention, Status, only_these, prepare, scene_is_empty
from agent.moods import moods
from agent.slogans import SloganAsk, SloganReader, garment_text, plain_panel, slogan_request
from agent.stage import pick_plate as _score_walls
from agent.walls import PlateName
from characters.sheet import Character

__all__ = ["Cast", "SloganAsk", "asks_plain_panel", "build_cast", "describe_action", "detect_characters", "pick_plate",
           "requested_slogan", "rotation_slogan"]


_SLOGAN_READERS: WeakKeyDictionary[Cast, SloganReader] = WeakKeyDictionary()


def build_cast(characters: tuple[Character, ...]) -> Cast:
    cast = Cast(characters)
    _SLOGAN_READERS[cast] = SloganReader(cast)
    return cast


@dataclass(frozen=True)
class Reading:
    """One request read once: `plain` (chat markup gone), `scan` (also apostrophes made
    one kind and the words addressed to the bot blanked; same positions), the mentions,
    and the slogan asked for."""

    plain: str
    scan: str
    mentions: list[Mention]
    slogan: SloganAsk | None
    # Where the request asks for a shirt with no text ("just the plain panel").
    plain_panel: tuple[tuple[int, int], ...] = ()


def read(text: str, speaker: str | None, cast: Cast) -> Reading:
    """The request read (cached on the cast, so the graph's nodes read it once)."""
    return cast.remember((text, speaker), lambda: _read(text, speaker, cast))


def _read(text: str, speaker: str | None, cast: Cast) -> Reading:
    plain = normalise(text)
    scan = prepare(plain, cast, normalised=True)
    mentions = cast.mentions(scan, speaker)
    reader = _SLOGAN_READERS.get(cast) or _SLOGAN_READERS.setdefault(cast, SloganReader(cast))
    # Quotes are read in the text with its own apostrophes; positions match the scan's.
    asked = reader.find(plain, mentions, speaker, cast)
    if asked:
        mentions, asked = _dressed(scan, mentions, asked)
    return Reading(plain, scan, mentions, asked, tuple(plain_panel(plain)))


_BEFORE_GARMENT = re.compile(r"^\s*(?:(?:new|old|favourite|favorite|usual|lucky|black|white)\s+)?$", re.IGNORECASE)


def _dressed(scan: str, mentions: list[Mention], asked: SloganAsk) -> tuple[list[Mention], SloganAsk]:
    """The slogan's own words name no one ("Ask The Raccoon"), and the one whose garment
    carries it wears it: "put 'X' on Milo's hoodie", "Milo shirt 'X'" (not only his things)."""
    out = []
    for mention in mentions:
        if asked.words_at[0] <= mention.start < asked.words_at[1]:
            continue
        next_to_garment = mention.end <= asked.garment[0] and _BEFORE_GARMENT.match(scan[mention.end : asked.garment[0]])
        if (next_to_garment and mention.status in (Status.THING, Status.BELONGS) and mention.kind in ("name", "typo")
                and asked.owner in (None, mention.ids[0])):
            mention = replace(mention, status=Status.PRESENT)
            asked = replace(asked, owner=mention.ids[0])
        out.append(mention)
    return out, asked


def detect_characters(text: str, speaker: str | None, cast: Cast) -> list[str]:
    """Character ids in the picture, left to right in order of first mention.

    Nobody in the picture by name means the mascot (the bot's character) alone, unless the
    request empties the scene ("nobody", "not a soul", "everyone went home"), sends the
    mascot away, shows only its things ("Milo's hoodie on the hook") or a look-alike of it
    ("a mug with a raccoon on it"). A picture of someone asked for in an empty scene is a
    picture on the wall ("a drawing of a raccoon on the whiteboard, nobody in the room").
    """
    reading = read(text, speaker, cast)
    scan, mentions = reading.scan, reading.mentions
    absent = {i for m in mentions if m.status is Status.ABSENT for i in m.ids}
    only = only_these(scan, mentions)
    if only:
        absent |= set(cast.ids) - only
    empty = scene_is_empty(scan)
    ordered: list[str] = []
    sides: dict[str, int] = {}
    for mention in mentions:
        if mention.status is Status.PRESENT and not (empty and mention.kind == "framed"):
            ordered.extend(i for i in mention.ids if i not in absent and i not in ordered)
            side = _SIDE_AFTER.match(scan[mention.end :])
            if side and len(mention.ids) == 1:
                sides.setdefault(mention.ids[0], -1 if side.group("side").lower() == "left" else 1)
    if ordered:
        # "James on the right, Milo on the left": the prompt draws them left to right
        return sorted(ordered, key=lambda i: sides.get(i, 0)) if sides else ordered
    if empty:
        return []
    set_aside = absent | {i for m in mentions if m.status in (Status.BELONGS, Status.THING) for i in m.ids}
    bot = cast.bot
    default = [bot.id] if bot else list(cast.ids[:1])
    return [i for i in default if i not in set_aside]


# Where someone stands in the frame: "Milo left", "James on the right", "camera left", "right of frame".
_SIDE_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:is|stands?|standing|sits?|sitting|positioned|placed|on|to|at|in)\s+){0,2}(?:the\s+)?"
    r"(?:camera\s+|far\s+|frame\s+)?(?P<side>left|right)(?:\s+(?:side|of\s+(?:the\s+)?(?:frame|picture|image)))?"
    r"(?=\s*(?:$|[,;.!?)]|and\b|while\b|with\b|both\b))",
    re.IGNORECASE,
)


def pick_plate(text: str, speaker: str | None, cast: Cast) -> PlateName:
    """The wall where the action happens (see agent/stage.py); no cue → the desk."""
    reading = read(text, speaker, cast)
    scan, mentions, asked = reading.scan, reading.mentions, reading.slogan
    if asked:  # the slogan's words ("Works on my GPU") are not the scene's
        scan = scan[: asked.start] + " " * (asked.end - asked.start) + scan[asked.end :]
    # "while I'm out grabbing coffee", "James is at the gym downtown": not where the scene is
    present = [m.start for m in mentions if m.status is Status.PRESENT]
    present += [m.taken_up[0] for m in mentions if m.taken_up and m.status is Status.PRESENT]
    elsewhere = [(m.start, min([m.cue[1], *(p for p in present if p > m.start)]))
                 for m in mentions if m.status is Status.ABSENT and m.cue and m.cue[0] >= m.start]
    # "If James were here he'd be at the rack", "Milo usually naps on the couch, but …"
    imagined = [(m.start, m.end) for m in moods(reading.scan)]
    return _score_walls(scan, present, elsewhere, imagined)


def requested_slogan(text: str, speaker: str | None, cast: Cast) -> SloganAsk | None:
    """The shirt text the request asks for, with whose shirt it is (see agent/slogans.py)."""
    return read(text, speaker, cast).slogan


def asks_plain_panel(text: str, speaker: str | None, cast: Cast) -> bool:
    """Whether the request asks for a shirt with no text ("Milo minus the shirt text today")."""
    reading = read(text, speaker, cast)
    return bool(reading.plain_panel) and reading.slogan is None


def rotation_slogan(seed: int, sayings: tuple[str, ...], *, avoid: str | None = None) -> str | None:
    """The seed's saying from data/bofh.txt, so a rerun with the same seed matches.

    With `avoid` (the slogan already on the shirt), the first saying from the seed's on that
    differs from it, so a "new slogan" is never the old one.
    """
    unwanted = avoid.casefold() if avoid else None
    for offset in range(len(sayings)):
        saying = sayings[(seed + offset) % len(sayings)]
        if saying.casefold() != unwanted:
            return saying
    return None


# --- the action ----------------------------------------------------------------------------
_LEADING_ASK = re.compile(
    r"^(?:(?:hey|ok|okay|yo)\b[\s,]*)?(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?"
    r"(?:(?:draw|make|show|give|send|paint|render|create|generate|do|depict|illustrate|produce|sketch)\s+(?:me\s+|us\s+)?)?",
    re.IGNORECASE,
)
# A ticket's id and fields name no part of the scene: "INC-2231 |", "REQ from me:", "TICKET #4411:", "P2",
# "status: sleeping", "assignee: jmeadlock".
_TICKET = re.compile(
    r"^(?:(?:ticket|req|request|inc|incident|chg|change|tkt|sr|ritm|bug|task|p[0-4]|sev[0-4]?)(?:\s*[-#]?\s*\d+)?"
    r"(?:\s*\([^)]{0,20}\))?(?:\s+from\s+[^:|,.]{1,30}?)?\s*[:|,]\s*|(?:p[0-4]|sev[0-4]|req|ticket|[a-z]{2,4}-\d+)\s+)",
    re.IGNORECASE,
)
_FIELD_LABEL = re.compile(
    r"(?<![\w])(?:status|assignee|assigned\s+to|assign|priority|component|summary|description|desc|scene|note|notes)\s*:\s*",
    re.IGNORECASE,
)
_PICTURE_OF = re.compile(
    r"^(?:(?:a|an|one|another)\s+)?(?:(?:new|quick|little)\s+)?"
    r"(?:picture|pic|cartoon|drawing|image|scene|comic|sketch|illustration)\s+(?:of\s+)?",
    re.IGNORECASE,
)


def describe_action(text: str, speaker: str | None, cast: Cast, slogan: str | None,
                    shown: Collection[str] | None = None, *, keep_ask: bool = False) -> str:
    """The scene in words for the prompt: chat markup and the ask stripped, pronouns turned
    into names, and nobody named who is not in the picture (`shown`, the ids drawn; see
    agent/action.py). The words that ask for a slogan go: all of them when the slogan is
    worn (`slogan`; it is composited later, never prompted), only the slogan's words when
    it is not, so the garment stays in the scene ("a t-shirt folded on the chair").
    `keep_ask` keeps the leading verb ("make it night", "give Milo a mug"): an edit's words
    are an instruction, not a scene."""
    reading = read(text, speaker, cast)
    plain, scan, mentions = reading.plain, reading.scan, reading.mentions
    for a, b in reading.plain_panel:  # "minus the shirt text today, just the plain panel": said by the outfit
        plain = plain[:a] + " " * (b - a) + plain[b:]
        scan = scan[:a] + " " * (b - a) + scan[b:]
    if reading.slogan:
        a, b, instead = slogan_request(plain, reading.slogan, slogan is not None, mentions, cast)
        if not instead.strip() and ends_a_clause(plain, b):
            a = hanging_start(plain[:a])  # "Milo on the bike, on [his shirt is written …]"
        plain = plain[:a] + instead.ljust(b - a) + plain[b:]
        scan = scan[:a] + instead.ljust(b - a) + scan[b:]
        mentions = [m for m in mentions if not a <= m.start < b]
    action = describe(plain, scan, mentions, cast, shown)
    if slogan:  # with its quotes: "… in bold block letters: “Operator From Hell.”"
        action = re.sub(rf"[\"“”'‘«„`]?\s*{re.escape(slogan)}\s*[.!?,]?\s*[\"“”'’»`]?", " ", action, flags=re.IGNORECASE)
    for a, b in reversed(garment_text(action)):  # shirt text the reading missed never reaches the prompt
        action = action[:a] + " " + action[b:]
    action = _FIELD_LABEL.sub("", _TICKET.sub("", " ".join(action.split())))
    if keep_ask:
        return action.strip(" ,.")
    action = _LEADING_ASK.sub("", action)
    picture = _PICTURE_OF.match(action)
    if picture and _starts_with_someone_drawn(action[picture.end() :], cast, shown):
        action = action[picture.end() :]  # "a cartoon of Milo waving", not "a drawing of a raccoon on the board"
    return action.strip(" ,.")


def _starts_with_someone_drawn(text: str, cast: Cast, shown: Collection[str] | None) -> bool:
    first = cast.name_pattern.match(text)
    return bool(first) and (shown is None or cast.id_by_name.get(" ".join(first.group(1).lower().split())) in shown)
