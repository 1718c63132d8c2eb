"""Names slipped past the strict typo test, read as a name only where a name stands.

The strict test (`agent.mentions`) takes one edit with the same first letter and never a
common word. Phones and hurried fingers do worse: autocorrect turns "Milo" into "Milk",
"Mila" or "Mile" and "James" into "Jams"; a neighbouring key starts "Hames" or "Kames";
"Jame's" is a typo with an apostrophe. Such a word is a name only in a place where a
character stands, never in its common use ("a glass of milk", "drinking milk"):

- joined by "and", "n", "&", "+" to another character ("Milk n jamess", "Mila and James",
  "Jame's and milo", "Milo and Hames");
- opening a clause, or asked for ("make milk on the bike"), and followed by where it is or
  what it does ("Kames at the rack", "Milk is napping on the couch");
- capitalised in mid-sentence, as a name is, where someone is left out ("no Milk this time").

A surname written wrongly after the first name is the same person, not a namesake: "James
Meadowlark", "James Meadowbrook" (the first four letters of the surname, or a typo of it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from agent.lexicon import MERGED, phrase_re
from agent.mention import Mention

if TYPE_CHECKING:
    from agent.mentions import Cast

_FLAGS = re.IGNORECASE
# Keys around each key of a QWERTY keyboard: a name's first letter may slip to one of them.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, frozenset[str]] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _key in enumerate(_row):
        _near = {_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)}
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                _near |= {_ROWS[_other][i] for i in (_c - 1, _c, _c + 1) if 0 <= i < len(_ROWS[_other])}
        _NEIGHBOURS[_key] = frozenset(_near)

_WORD = re.compile(r"(?<![\w'])[^\W\d_][\w']{2,8}(?![\w])")
_CLAUSE_OPEN = re.compile(r"(?:^|[:;,.!?|\n(—–]|\s-\s)\s*$")
_AND = phrase_re(MERGED.and_words)
_JOINED = re.compile(rf"^\s*,?\s*(?:{_AND})\s*$", _FLAGS)
_PLACES = phrase_re(tuple(p for p in MERGED.places if p.isalpha() or " " in p))
# Where a subject stands or what it does: "at the rack", "is napping", "napping on", "sits".
_ACTING_AFTER = re.compile(
    rf"^\s+(?:(?:is|was|'s|will\s+be|keeps)\s+)?(?:(?:{_PLACES})\s+(?:the|a|his|her|my|our|their)\s|[a-z]+ing\s|"
    rf"(?:sits|stands|sleeps|naps|works|types|plays|fixes|waters|rides|pedals|reads|codes|debugs|cleans|hides)\b)",
    _FLAGS,
)
# "can you make milk on the exercise bike": the one asked for ("do", "draw", "make" with "can you" blanked)
_ASKED_FOR = re.compile(r"(?:^|[,.!?]|\s{2})\s*(?:draw|make|do|show|paint|render|sketch|put)\s+(?:me\s+|us\s+)?$", _FLAGS)
# A capital in mid-sentence marks a name where a name is left out ("no Milk this time").
_NEGATED_BEFORE = re.compile(r"(?<![\w'])(?:no|not|without|skip|minus|except|sans|sin|ohne|senza|sem)\s+$", _FLAGS)
_SENTENCE_OPEN = re.compile(r"(?:^|[.!?:;\n\"“(]|\s[-—–])\s*$")
_SURNAME_PREFIX = 4


def slipped_names(scan: str, found: list[Mention], cast: Cast) -> list[Mention]:
    """Mentions for words that are a name only where they stand (see the module)."""
    from rapidfuzz.distance import OSA

    out: list[Mention] = []
    for match in _WORD.finditer(scan):
        if any(m.start < match.end() and match.start() < m.end for m in found):
            continue
        word = match.group(0)
        token = word.lower()
        bare = token.removesuffix("'s").removesuffix("'")
        if bare in cast.id_by_name or len(bare) < 3 or bare[0] not in _initials(cast.typo_targets):
            continue
        name = _slip_of(bare, cast.typo_targets, OSA.distance)
        if name is None:
            continue
        who = cast.id_by_name[name]
        acting = _ACTING_AFTER.match(scan[match.end() :])
        opens = _CLAUSE_OPEN.search(scan[: match.start()]) or _ASKED_FOR.search(scan[: match.start()])
        capitalised = word[0].isupper() and not word.isupper() and not _SENTENCE_OPEN.search(scan[: match.start()])
        if _beside_another(scan, match.start(), match.end(), who, found) or (acting and opens) or (
            capitalised and any(c.islower() for c in scan) and _NEGATED_BEFORE.search(scan[: match.start()])
        ):
            out.append(Mention(match.start(), match.end(), (who,), name.capitalize(), "typo"))
    return out


# Worked out once per word and per set of names (words repeat across requests).
_SLIPS: dict[tuple[tuple[str, ...], str], str | None] = {}
_INITIALS: dict[tuple[str, ...], frozenset[str]] = {}


def _initials(names: tuple[str, ...]) -> frozenset[str]:
    """The first letters a slip of one of `names` can start with."""
    if names not in _INITIALS:
        _INITIALS[names] = frozenset(
            {n[0] for n in names} | {k for n in names if len(n) >= 5 for k in _NEIGHBOURS.get(n[0], ())}
        )
    return _INITIALS[names]


def _slip_of(bare: str, names: tuple[str, ...], distance) -> str | None:
    key = (names, bare)
    if key not in _SLIPS:
        if len(_SLIPS) > 8192:
            _SLIPS.clear()
        _SLIPS[key] = _first_slip_of(bare, names, distance)
    return _SLIPS[key]


def _first_slip_of(bare: str, names: tuple[str, ...], distance) -> str | None:
    for name in names:
        if abs(len(bare) - len(name)) > 1:
            continue
        first_ok = bare[0] == name[0] or (len(name) >= 5 and bare[0] in _NEIGHBOURS.get(name[0], ()))
        if first_ok and distance(bare, name, score_cutoff=1) <= 1:
            return name
    return None


def _beside_another(scan: str, start: int, end: int, who: str, found: list[Mention]) -> bool:
    """Joined by "and" to a mention of another character."""
    for mention in found:
        if who in mention.ids or mention.kind == "pronoun" and mention.word.lower() in ("my", "mine"):
            continue
        if mention.end <= start and _JOINED.match(scan[mention.end : start]):
            return True
        if mention.start >= end and _JOINED.match(scan[end : mention.start]):
            return True
    return False


def surname_slip(scan: str, mention: Mention, cast: Cast) -> Mention | None:
    """"James Meadowlark": the first name with a capitalised word after it that starts like
    the same character's surname (or is a typo of it), as one mention spelt right later."""
    from rapidfuzz.distance import OSA

    nxt = re.match(r" ((?-i:[A-Z])[a-z]{3,})(?![\w'])", scan[mention.end :])
    if nxt is None or len(mention.ids) != 1:
        return None
    character = cast.by_id(mention.ids[0])
    parts = character.name.lower().split()
    if len(parts) < 2 or mention.word.lower() != parts[0]:
        return None
    word = nxt.group(1).lower()
    surname = parts[-1]
    if word == surname:
        return None
    if word[:_SURNAME_PREFIX] == surname[:_SURNAME_PREFIX] or OSA.distance(word, surname, score_cutoff=2) <= 2:
        end = mention.end + nxt.end()
        return Mention(mention.start, end, mention.ids, scan[mention.start : end], "typo")
    return None
