"""Deterministic rules: who is in the scene, which wall, which slogan, what happens.

They decide every field when no LLM is configured, and each field the LLM got wrong.
Everything here is plain string work on pre-compiled patterns, so planning with the
rules alone costs well under a millisecond.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.walls import DEFAULT_PLATE, WALLS, PlateName
from characters.sheet import Character

# --- request phrasing that mentions nobody -----------------------------------------------
# "can you draw…", "I'd like…", "draw me a picture of…", "show me Milo": the speaker or the
# bot is addressed, not put in the picture. These spans are blanked before mentions are read.
_REQUEST_PHRASES = re.compile(
    r"\b(?:can|could|would|will|won't|wont)\s+(?:you|u)\b"
    r"|\bthank(?:s| you)\b"
    r"|\b(?:can|could|may)\s+i\b"
    r"|\bi\s*(?:'d|’d|would|want|wanna|need|wish|'m asking|am asking)\b"
    r"|\b(?:please|pls)\b"
    r"|\b(?:draw|make|show|give|send|get|paint|render|create)\s+me\b"
    r"(?=\s+(?:a|an|the|some|one|what|how|milo|james|you|us)\b)",
    re.IGNORECASE,
)
_EMPTY_LAB = re.compile(
    r"\b(?:nobody|no ?one|no-one|empty (?:lab|room|office)|no (?:people|characters|one)|"
    r"(?:just|only) the (?:lab|room|wall|background)|no characters)\b",
    re.IGNORECASE,
)
_NEGATION_BEFORE = re.compile(
    r"(?:\bwithout|\bbut not|\bnot|\bno|\bexcept(?: for)?|\bexcluding|\bminus|\bother than|"
    r"\bleave out|\bleaving out|\bskip)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_LIST_JOIN = re.compile(r"^\s*(?:,|and|or|nor|,\s*(?:and|or|nor))\s*(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[.;!?]|\bbut\b(?!\s+not)", re.IGNORECASE)

_SPEAKER_WORDS = r"me|myself|mine|my|i"
_GROUP_WORDS = r"both of us|the two of us|ourselves|ours|our|us|we"
_BOT_WORDS = r"yourself|your|you"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ids: tuple[str, ...]
    word: str
    negated: bool = False


@dataclass(frozen=True)
class Cast:
    """The characters known to the rules, with their mention patterns compiled once."""

    characters: tuple[Character, ...]
    name_pattern: re.Pattern[str]
    pronoun_pattern: re.Pattern[str]
    id_by_name: dict[str, str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.characters)

    @property
    def bot(self) -> Character | None:
        return next((c for c in self.characters if c.is_bot), None)

    def by_id(self, character_id: str) -> Character:
        return next(c for c in self.characters if c.id == character_id)

    def other_than(self, character_id: str) -> str | None:
        """The one 'us' adds to the speaker: the bot, or for the bot the first human."""
        bot = self.bot
        if bot and bot.id != character_id:
            return bot.id
        return next((c.id for c in self.characters if c.id != character_id), None)


def build_cast(characters: tuple[Character, ...]) -> Cast:
    id_by_name: dict[str, str] = {}
    for character in characters:
        for name in character.names():
            id_by_name.setdefault(name, character.id)
    # Longest names first so "the raccoon" wins over "raccoon"; whole words only, so a
    # name inside another word ("Jameson", "milord") is not a mention.
    names = sorted(id_by_name, key=len, reverse=True)
    name_alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    name_pattern = re.compile(rf"(?<![\w-])({name_alt})(?:'s|’s)?(?![\w-])", re.IGNORECASE)
    pronoun_pattern = re.compile(
        rf"(?<![\w'’-])({_GROUP_WORDS}|{_SPEAKER_WORDS}|{_BOT_WORDS})(?![\w-])", re.IGNORECASE
    )
    return Cast(characters, name_pattern, pronoun_pattern, id_by_name)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """Replace every match with spaces so positions stay the same."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def find_mentions(text: str, speaker: str | None, cast: Cast) -> list[Mention]:
    """Every mention of a character, by name or pronoun, in order, with negation marked."""
    scan = _blank(text, _REQUEST_PHRASES)
    found: list[Mention] = []
    for match in cast.name_pattern.finditer(scan):
        found.append(Mention(match.start(), match.end(), (cast.id_by_name[_norm(match.group(1))],), match.group(0)))
    for match in cast.pronoun_pattern.finditer(scan):
        word = match.group(1).lower()
        ids = _pronoun_ids(word, match.group(1), speaker, cast)
        if ids:
            found.append(Mention(match.start(), match.end(), ids, match.group(0)))
    found.sort(key=lambda m: m.start)
    return _mark_negations(scan, found)


def _norm(name: str) -> str:
    return " ".join(name.lower().split())


def _pronoun_ids(word: str, original: str, speaker: str | None, cast: Cast) -> tuple[str, ...]:
    if re.fullmatch(_SPEAKER_WORDS, word):
        # A lone lower-case "i" is rarely the pronoun in chat ("i" as in "Wi-Fi" is excluded by
        # the word boundary); accept both cases, since chat is often lower-case.
        return (speaker,) if speaker else ()
    if re.fullmatch(_GROUP_WORDS, word):
        if speaker:
            other = cast.other_than(speaker)
            return (speaker, other) if other else (speaker,)
        bot = cast.bot
        human = next((c.id for c in cast.characters if not c.is_bot), None)
        return tuple(i for i in (human, bot.id if bot else None) if i)
    bot = cast.bot
    return (bot.id,) if bot else ()


def _mark_negations(text: str, mentions: list[Mention]) -> list[Mention]:
    marked: list[Mention] = []
    previous: Mention | None = None
    for mention in mentions:
        before = text[previous.end if previous else 0 : mention.start]
        clause_breaks = list(_CLAUSE_START.finditer(before))
        if clause_breaks:
            before = before[clause_breaks[-1].end() :]
        negated = bool(_NEGATION_BEFORE.search(before)) or bool(
            previous and previous.negated and not clause_breaks and _LIST_JOIN.match(before)
        )
        mention = Mention(mention.start, mention.end, mention.ids, mention.word, negated)
        marked.append(mention)
        previous = mention
    return marked


def detect_characters(text: str, speaker: str | None, cast: Cast) -> list[str]:
    """Character ids in the picture, left to right in order of first mention.

    No mention at all means the mascot (the bot's character) alone; an explicit
    "nobody" or "empty lab" means no one.
    """
    mentions = find_mentions(text, speaker, cast)
    removed = {i for m in mentions if m.negated for i in m.ids}
    ordered: list[str] = []
    for mention in mentions:
        if mention.negated:
            continue
        for character_id in mention.ids:
            if character_id not in removed and character_id not in ordered:
                ordered.append(character_id)
    if ordered:
        return ordered
    if _EMPTY_LAB.search(text):
        return []
    bot = cast.bot
    default = [bot.id] if bot else list(cast.ids[:1])
    return [i for i in default if i not in removed]


# --- the wall ------------------------------------------------------------------------------
_WALL_PATTERNS: dict[PlateName, re.Pattern[str]] = {
    name: re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in sorted(wall.cues, key=len, reverse=True)) + r")(?![\w-])",
        re.IGNORECASE,
    )
    for name, wall in WALLS.items()
}


def pick_plate(text: str) -> PlateName:
    """The wall whose cues the text names most; ties go to the first named; no cue → desk."""
    best: tuple[int, int, PlateName] | None = None
    for name, pattern in _WALL_PATTERNS.items():
        hits = [m.start() for m in pattern.finditer(text)]
        if not hits:
            continue
        key = (-len(hits), hits[0], name)
        if best is None or key < best:
            best = key
    return best[2] if best else DEFAULT_PLATE


# --- the slogan ----------------------------------------------------------------------------
_OPEN_Q = "\"“'‘«"
_CLOSE_Q = "\"”'’»"
_QUOTED = rf"[{_OPEN_Q}](?P<q>[^{_CLOSE_Q}\n]{{1,80}})[{_CLOSE_Q}]"
_GARMENT = r"(?:t-?shirt|tee|shirt|chest panel|panel|chest)"
_UNQUOTED_END = r"(?=\s*(?:[.;!?,]|$|\s(?:while|at|in|on|next|beside|by|with|and then)\s))"
_SLOGAN_PATTERNS = (
    # his shirt says "RTFM" / shirt reading: PEBKAC / shirt that says Works On My Machine
    re.compile(
        rf"(?:(?:with|and|in)\s+)?(?:(?:his|a|the|her|their|milo's|milo’s)\s+)?{_GARMENT}\s+"
        rf"(?:that\s+|which\s+)?(?:says|saying|reads|reading|read|printed with|with the words)\s*:?\s*"
        rf"(?:{_QUOTED}|(?P<u>[^.;!?,\n]{{1,60}}?){_UNQUOTED_END})",
        re.IGNORECASE,
    ),
    # "RTFM" on his shirt
    re.compile(rf"{_QUOTED}\s+(?:written\s+)?on\s+(?:\w+(?:'s|’s)\s+|his\s+|the\s+|a\s+|her\s+)?{_GARMENT}", re.IGNORECASE),
    # wearing a "PEBKAC" shirt
    re.compile(rf"(?:wearing|in)\s+(?:a|an|the|his|her)\s+{_QUOTED}\s+{_GARMENT}", re.IGNORECASE),
    # slogan: "RTFM"
    re.compile(rf"\bslogan\s*(?:of|:|is|=)?\s*{_QUOTED}", re.IGNORECASE),
)


def explicit_slogan(text: str) -> tuple[str | None, str]:
    """A slogan the text asks for, and the text with that request taken out."""
    for pattern in _SLOGAN_PATTERNS:
        match = pattern.search(text)
        if match:
            slogan = (match.groupdict().get("q") or match.groupdict().get("u") or "").strip()
            if slogan:
                rest = (text[: match.start()] + " " + text[match.end() :]).strip()
                return slogan, " ".join(rest.split())
    return None, text


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
    r"(?:(?:draw|make|show|give|send|paint|render|create|generate|do)\s+(?:me\s+)?)?"
    r"(?:(?:a|an|one|another)\s+)?(?:(?:new|quick|little)\s+)?"
    r"(?:(?:picture|pic|cartoon|drawing|image|scene|comic|sketch|illustration)\s+(?:of\s+)?)?",
    re.IGNORECASE,
)


def describe_action(text: str, speaker: str | None, cast: Cast, slogan: str | None) -> str:
    """The scene in words for the prompt: the ask stripped, pronouns turned into names,
    and the slogan taken out (it is composited later, never prompted)."""
    mentions = find_mentions(text, speaker, cast)
    pieces: list[str] = []
    cursor = 0
    for mention in mentions:
        pieces.append(text[cursor : mention.start])
        pieces.append(_named(mention, cast))
        cursor = mention.end
    pieces.append(text[cursor:])
    action = "".join(pieces)
    if slogan:
        action = re.sub(re.escape(slogan), " ", action, flags=re.IGNORECASE)
    action = _LEADING_ASK.sub("", " ".join(action.split())).strip(" ,.")
    return action


def _named(mention: Mention, cast: Cast) -> str:
    word = mention.word.lower()
    if len(mention.ids) == 1 and not cast.pronoun_pattern.fullmatch(mention.word):
        return mention.word  # already a name
    names = " and ".join(cast.by_id(i).name for i in mention.ids)
    if word in {"my", "mine", "our", "ours", "your"}:
        return f"{names}'s" if len(mention.ids) == 1 else "their"
    return names
