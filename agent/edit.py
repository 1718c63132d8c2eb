"""An edit in words of a finished picture: what it changes, and the plan after it.

"now at the rack", "same but Milo asleep", "add James", "without James", "make it night":
the edit is read with the planner's own rules (`agent.rules.read`: who is named and whether
they are in the picture or sent away, the slogan asked for), against the parent plan:

- **cast**: everyone the edit puts in the picture joins (left to right after those already
  there, or in the place of someone it sends away: "James instead of Milo"); everyone it
  sends away leaves ("without James", "remove James", "get rid of James", "James leaves");
  "only Milo" / "just James" keeps those; "nobody there" empties the lab.
- **wall**: changes only when the edit puts the scene at a wall's thing ("now at the rack",
  "move them to the whiteboard", "asleep on the couch"), not when it merely names one
  ("give Milo a coffee mug" stays where it is).
- **action**: the parent's action, without anyone no longer drawn, then the edit's words.

A change of cast or wall is a re-plan; anything else is an instruction edit. Either way the
result is a full `ScenePlan` of the edited scene (a reroll of it draws the edited scene from
scratch) and the instruction Kontext reads to edit the finished picture (`prompts.edit_prompt`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent import prompts, rules
from agent.mentions import Status, only_these, scene_is_empty
from agent.stage import wall_cues
from agent.state import MAX_SLOGAN_CHARS, MAX_TEXT_CHARS, ScenePlan, clean_text
from agent.walls import WALLS, PlateName
from core.errors import InputError

if TYPE_CHECKING:
    from agent.graph import Planner

MAX_EDIT_ACTION_CHARS = 600  # the action of a plan edited many times keeps its newest words
_FLAGS = re.IGNORECASE
# Words that open an edit and are not part of it: "same but …", "now …", "ok, …".
_LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|alright|and|also|then|please|now|same|the\s+same|same\s+(?:scene|picture|thing|one|again)|"
    r"like\s+(?:this|that)|but|except)\b[\s,:;.!-]*)+",
    _FLAGS,
)
# Sent away by an edit, beyond what the rules read as away: "get rid of James", "kick Milo out",
# "James leaves", "Milo is gone".
_AWAY_BEFORE = re.compile(
    r"(?<![\w])(?:get\s+rid\s+of|kick|throw|remove|delete|erase|ditch|lose|cut|minus|except(?:\s+for)?|"
    r"but\s+not|leave\s+out|no\s+more)\s+$",
    _FLAGS,
)
_AWAY_AFTER = re.compile(
    r"^\s*(?:leaves|left|goes(?:\s+(?:home|away|out))?|went\s+(?:home|away|out)|is\s+gone|gone|walks\s+(?:out|away|off)|"
    r"exits|is\s+out|out\s+of\s+(?:the\s+)?(?:picture|frame|scene|shot))\b",
    _FLAGS,
)
# Where a scene is put: "at the rack", "to the whiteboard", "on the couch", "by the window".
_PLACED = re.compile(
    r"(?<![\w])(?:at|to|by|on|in|near|into|onto|towards?|beside|behind|in\s+front\s+of|next\s+to)(?![\w])",
    _FLAGS,
)
_DETERMINER = re.compile(r"^\s*(?:(?:the|a|an|his|her|their|my|our|its|this|that)\s+)?(?:[\w-]+\s+)?$", _FLAGS)
_SIDE_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:is|stands?|standing|sits?|sitting|goes|moves?|on|to|at|in)\s+){0,2}(?:the\s+)?(left|right)\b", _FLAGS
)
# Words of an edit that only say who comes in.
_WHO_WORDS = frozenset({"add", "adds", "and", "with", "too", "also", "as", "well", "plus", "please", "bring", "in",
                        "him", "her", "them", "here", "join", "joins", "joining", "back", "the", "instead", "of"})
_DANGLING = re.compile(
    r"(?:\s+(?:and|&|with|plus)|,)\s+(?=(?:at|on|in|by|near|to|while|when|who|and|,|$)\b)|(?:\s+(?:and|&|with|plus))\s*$",
    _FLAGS,
)


@dataclass(frozen=True)
class PlanEdit:
    """The outcome of an edit: the edited scene's plan, whether it re-plans (cast or wall
    changed), what Kontext reads to edit the picture, and the edit's own words."""

    plan: ScenePlan
    replan: bool
    instruction: str
    words: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def edit_plan(
    planner: Planner, parent: ScenePlan, text: str, *, speaker: str | None = None, seed: int | None = None
) -> PlanEdit:
    """The plan after `text` edits the picture drawn from `parent`; `speaker` is who asks
    ("add me"), `seed` a new seed (None: the parent's, so only the edit changes).
    InputError for an empty or overlong edit, or an unknown speaker."""
    edit = clean_text(text)
    if not edit:
        raise InputError("the edit is empty; say what to change, e.g. 'now at the rack' or 'add James'")
    if len(edit) > MAX_TEXT_CHARS:
        raise InputError(f"the edit is {len(edit)} characters; keep it under {MAX_TEXT_CHARS}")
    if speaker is not None and speaker not in planner.characters:
        raise InputError(f"unknown speaker '{speaker}'; use one of: {', '.join(planner.characters)}")
    cast = planner.roster
    reading = rules.read(edit, speaker, cast)

    # 1. who is in the picture now
    present, away, departures = _named(reading)
    characters = _new_cast(parent.characters, present, away, only_these(reading.scan, reading.mentions),
                           empty=scene_is_empty(reading.scan) and not present)
    characters = _to_their_sides(characters, reading)
    added = tuple(c for c in characters if c not in parent.characters)
    removed = tuple(c for c in parent.characters if c not in characters)

    # 2. where: a wall the edit puts the scene at
    plate = _new_plate(edit, reading.scan, speaker, planner) or parent.plate

    # 3. the slogan: one the edit asks for, else the parent's while its wearer is drawn
    wearer = next((c for c in characters if planner.characters[c].wears_panel), None)
    asked = reading.slogan.text[:MAX_SLOGAN_CHARS] if reading.slogan else None
    slogan = None
    if wearer is not None:
        slogan = asked or parent.slogan
        if slogan is None and wearer not in parent.characters:  # the wearer came in: a saying
            slogan = rules.rotation_slogan(parent.seed, planner.sayings)
    outfits = {c: ("panel" if slogan and c == wearer else "default") for c in characters}
    notes = [] if asked is None or wearer is not None else [planner.note_absent_wearer(asked)]

    # 4. the words: the edit's own (the instruction), and the edited scene's action: the
    #    parent's, with newcomers in the place of those they replace and nobody no longer
    #    drawn, then what the edit adds beyond who is in it
    words = _LEAD_IN.sub("", rules.describe_action(edit, speaker, cast, asked, keep_ask=True))
    kept = _blanked(edit, departures)
    extra = _LEAD_IN.sub("", rules.describe_action(kept, speaker, cast, asked, shown=characters, keep_ask=True))
    if not _says_more_than_who(extra, planner):
        extra = ""
    before = _replaced(parent.action, removed, added, planner)
    if plate != parent.plate:
        before = _blanked(before, [(a, b) for a, b, wall in _placements(before) if wall != plate])
    before = _tidy(rules.describe_action(before, None, cast, None, shown=characters, keep_ask=True))
    action = ", ".join(part for part in (_first_words(before, MAX_EDIT_ACTION_CHARS - len(extra) - 2), extra) if part)

    sheets = [planner.characters[c] for c in characters]
    wall = WALLS[plate]
    plan = ScenePlan(
        characters=characters,
        plate=plate,
        slogan=slogan,
        prompt=prompts.kontext_prompt(sheets, outfits, wall, action, has_slogan=bool(slogan)),
        clip_prompt=prompts.clip_prompt(sheets, wall, action),
        source="rules",
        sources={**parent.sources, "characters": "rules", "plate": "rules", "slogan": "rules", "action": "rules"},
        action=action,
        outfits=outfits,
        seed=parent.seed if seed is None else seed,
        text=_joined(parent.text, edit),
        speaker=speaker if speaker is not None else parent.speaker,
        notes=notes,
    )
    instruction = prompts.edit_prompt(
        words,
        cast=sheets,
        outfits=outfits,
        added=added,
        removed=[planner.characters[c] for c in removed],
        wall=wall if plate != parent.plate else None,
        has_slogan=bool(slogan),
    )
    replan = characters != parent.characters or plate != parent.plate
    return PlanEdit(plan=plan, replan=replan, instruction=instruction, words=words, added=added, removed=removed)


def vary_plan(planner: Planner, parent: ScenePlan, seed: int) -> tuple[ScenePlan, str]:
    """A subtle variation: the same plan with a new seed, and what Kontext reads to vary the
    finished picture."""
    sheets = [planner.characters[c] for c in parent.characters if c in planner.characters]
    return parent.model_copy(update={"seed": seed}), prompts.vary_prompt(sheets, has_slogan=bool(parent.slogan))


def _named(reading: rules.Reading) -> tuple[list[str], set[str], list[tuple[int, int]]]:
    """Who the edit puts in the picture (in order), who it sends away, and the spans of the
    words that send them away ("without James", "get rid of James", "James leaves")."""
    present: list[str] = []
    away: set[str] = set()
    spans: list[tuple[int, int]] = []
    scan = reading.scan
    for mention in reading.mentions:
        before = _AWAY_BEFORE.search(scan[: mention.start]) if mention.status is Status.PRESENT else None
        after = _AWAY_AFTER.match(scan[mention.end :]) if mention.status is Status.PRESENT else None
        if mention.status is Status.ABSENT or before or after:
            away.update(mention.ids)
            start, end = mention.cue or (mention.start, mention.end)
            if before:
                start = before.start()
            if after:
                end = mention.end + after.end()
            spans.append((min(start, mention.start), max(end, mention.end)))
        elif mention.status is Status.PRESENT:
            present.extend(i for i in mention.ids if i not in present)
    return [i for i in present if i not in away], away, spans


def _new_cast(before: list[str], present: list[str], away: set[str], only: set[str] | None, *, empty: bool) -> list[str]:
    """The cast after the edit: those sent away leave (someone coming in takes the place of
    the first to leave), newcomers join on the right; "only X" keeps X; "nobody" empties it."""
    if empty:
        return []
    if only:
        kept = [c for c in before if c in only]
        return kept + [c for c in present if c in only and c not in kept]
    coming = [c for c in present if c not in before]
    after: list[str] = []
    for character in before:
        if character not in away:
            after.append(character)
        elif coming:
            after.append(coming.pop(0))
    return after + [c for c in coming if c not in after]


def _to_their_sides(characters: list[str], reading: rules.Reading) -> list[str]:
    """The cast with whoever the edit puts "on the left" first and "on the right" last."""
    sides: dict[str, int] = {}
    for mention in reading.mentions:
        side = _SIDE_AFTER.match(reading.scan[mention.end :])
        if side and mention.status is Status.PRESENT and len(mention.ids) == 1:
            sides.setdefault(mention.ids[0], -1 if side.group(1).lower() == "left" else 1)
    return sorted(characters, key=lambda c: sides.get(c, 0)) if sides else characters


def _placements(text: str) -> list[tuple[int, int, PlateName]]:
    """Where `text` puts someone at a wall's thing: the span from the preposition to the
    thing ("at the rack", "on the old couch") and that thing's wall."""
    found: list[tuple[int, int, PlateName]] = []
    cues = [(a, b, plate) for a, b, plate, action in wall_cues(text) if not action]
    for placed in _PLACED.finditer(text):
        for start, end, plate in cues:
            if start > placed.end() and _DETERMINER.match(text[placed.end() : start]):
                found.append((placed.start(), end, plate))
                break
    return found


def _new_plate(edit: str, scan: str, speaker: str | None, planner: Planner) -> PlateName | None:
    """The wall the edit moves the scene to, or None: it puts someone at a wall's thing, or
    has them do what is done at one ("now cycling"), and the rules' reading agrees."""
    walls = {wall for _, _, wall in _placements(scan)} | {w for _, _, w, action in wall_cues(scan) if action}
    if not walls:
        return None
    chosen = rules.pick_plate(edit, speaker, planner.roster)
    return chosen if chosen in walls else None


def _replaced(action: str, removed: tuple[str, ...], added: tuple[str, ...], planner: Planner) -> str:
    """`action` with each newcomer named where the one they replace was ("James instead of Milo")."""
    for gone, came in zip(removed, added, strict=False):
        new = planner.characters[came].name.split()[0]
        old = planner.characters[gone]
        for name in sorted({old.name, *old.aliases, old.name.split()[0]}, key=len, reverse=True):
            action = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", new, action, flags=_FLAGS)
    return action


def _blanked(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " * (end - start) + text[end:]
    return " ".join(text.split())


def _says_more_than_who(words: str, planner: Planner) -> bool:
    """Whether an edit's words say more than who joins ("add James", "with James too")."""
    names = {n.lower() for c in planner.characters.values() for n in (c.name, *c.name.split(), *c.aliases)}
    rest = [w for w in re.findall(r"[\w'-]+", words.lower()) if w not in names and w not in _WHO_WORDS]
    return bool(rest)


def _tidy(action: str) -> str:
    """Joints left behind where a name was taken out: "Milo and at the rack" → "Milo at the rack"."""
    action = _DANGLING.sub(" ", action)
    action = re.sub(r"\s*,(?:\s*,)+", ",", action)
    return " ".join(action.split()).strip(" ,.;")


def _first_words(text: str, limit: int) -> str:
    """The longest run of `text`'s first words within `limit` characters."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit) + 1].rsplit(" ", 1)[0].rstrip(" ,") if limit > 0 else ""


def _joined(before: str, edit: str) -> str:
    """The edited scene's text: the parent's, then the edit, cut at the front to the limit."""
    text = f"{before} → {edit}" if before else edit
    return text if len(text) <= MAX_TEXT_CHARS else "…" + text[-(MAX_TEXT_CHARS - 1) :]
