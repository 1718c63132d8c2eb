"""The scene in words for the prompt, naming only who is in the picture.

The image model draws whoever the action names, so the request is rewritten before it is
sent: a clause that sends someone away goes ("Skip Milo this time, just James pedalling" →
"just James pedalling"; "Milo at my desk while I'm out getting lunch" → "Milo at James's
desk"), "without X" goes ("Milo ohne James auf dem Sofa" → "Milo auf dem Sofa"), a
namesake or a picture loses the name ("a LeBron James bobblehead" → "a LeBron bobblehead",
"a poster of a raccoon" → "a poster of an animal"), and the things of someone not drawn
become "the" ("James's headphones on the couch" → "the headphones on the couch").
Pronouns of people in the picture become their names; a misspelt name is spelt right.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from agent.clauses import says_away
from agent.mentions import LIST_JOIN, REGNAL_AFTER, WITHOUT_BEFORE, Cast, Mention, Status

_FLAGS = re.IGNORECASE
# Where a clause that goes ends: punctuation or a word that joins two clauses ("so", "while",
# "pero", "aber", "mais"), not one inside it ("until Monday", "since Tuesday").
_CLAUSE = re.compile(
    r"[,;.!?\n()\[\]—–:]|\s-\s|(?<![\w'])(?:so|but|while|whilst|whereas|and|because|though|although|meanwhile|"
    r"y|pero|mientras|und|aber|während|et|mais|pendant\s+que)(?![\w'])",
    _FLAGS,
)
_SPEAKER_POSSESSIVES = {"my", "mine", "our", "ours", "your", "yours"}
_EDGE = re.compile(r"^(?:[\s,;:.—–!-]|(?:so|and|but|while|then|because|since|as|with|y|und|et|pero|mais|aber)(?![\w']))+", _FLAGS)
_EDGE_END = re.compile(r"(?:[\s,;:—–-]|(?<![\w'])(?:so|and|but|while|then|because|since|y|und|et|pero|mais|aber))+$", _FLAGS)
_SPACES = re.compile(r"[ \t]+")
_LOOSE_PUNCTUATION = re.compile(r"\s+([,;:.!?])")
_DOUBLED_PUNCTUATION = re.compile(r"([,;:])(?:\s*[,;:])+")
_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=animal)")


def describe(plain: str, scan: str, mentions: list[Mention], cast: Cast, shown: Collection[str] | None) -> str:
    """`plain` rewritten so that it names only the characters in `shown` (all when None)."""
    keep = set(cast.ids if shown is None else shown)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), not overlapping
    for run in _lists(scan, mentions):
        if all(set(m.ids) <= keep for m in run):
            edits.extend(_named(m, cast) for m in run if m.kind in ("pronoun", "typo"))
            continue
        edits.extend(_left_out(scan, run, mentions, keep, cast))
    edits.extend(_blanked(plain, scan))
    return _tidy(_apply(plain, edits))


def _lists(scan: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions joined by "and", "&", "y" … ("Milo and James went home") as one run."""
    runs: list[list[Mention]] = []
    for mention in mentions:
        if runs and LIST_JOIN.match(scan[runs[-1][-1].end : mention.start]) and runs[-1][-1].status is mention.status:
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _left_out(scan: str, run: list[Mention], mentions: list[Mention], keep: set[str], cast: Cast) -> list[tuple[int, int, str]]:
    first, last = run[0], run[-1]
    status = first.status
    if status is Status.THING:
        edits = []
        for m in run:
            if not set(m.ids) <= keep:
                regnal = REGNAL_AFTER.match(scan[m.end :])  # "King James II" → "King"
                end = m.end + (regnal.end() if regnal else 0)
                edits.append((m.start, end, _thing_word(m, cast, scan[: m.start], scan[end:])))
        return edits
    if status is Status.BELONGS:
        return [(m.start, m.end, "the") for m in run if not set(m.ids) <= keep]
    opened = _clause_start(scan, first.start)
    stop = _CLAUSE.search(scan, last.end)
    closed = stop.start() if stop else len(scan)
    others_here = any(opened <= m.start < closed and m not in run and set(m.ids) <= keep
                      and m.status is Status.PRESENT for m in mentions)
    if status is Status.ABSENT and says_away(scan, last.end):
        # "James went home", "while I'm out getting lunch": the clause goes
        return [(opened, closed, " ")] if not others_here else [(first.start, closed, " ")]
    negator = WITHOUT_BEFORE.search(scan[opened : first.start])
    if negator and not others_here:
        return [(opened, closed, " ")]  # "Skip Milo this time", "no 🦝 today"
    start = opened + negator.start() if negator else first.start
    return [(start, last.end, " ")]  # "ohne James", "without the raccoon", a name alone


def _clause_start(scan: str, position: int) -> int:
    start = 0
    for match in _CLAUSE.finditer(scan, 0, position):
        start = match.start() if match.group(0).strip()[:1].isalpha() else match.end()
    return start


def _named(mention: Mention, cast: Cast) -> tuple[int, int, str]:
    """A pronoun of someone drawn becomes their name ("my" → "James's"); a typo is spelt right."""
    names = " and ".join(cast.by_id(i).name for i in mention.ids)
    word = mention.word.lower()
    if mention.kind == "typo":  # "Jmaes" → "James", "Meadlcok" → "Meadlock", "racooon" → "raccoon"
        name = _spelt(word, cast, mention.ids[0])
        return mention.start, mention.end, f"{name}'s" if word.endswith("'s") else name
    if word in _SPEAKER_POSSESSIVES:
        return mention.start, mention.end, f"{names}'s" if len(mention.ids) == 1 else "their"
    return mention.start, mention.end, names


def _spelt(word: str, cast: Cast, character_id: str) -> str:
    """The right spelling of a misspelt name: the name or alias it is closest to."""
    from rapidfuzz.distance import Levenshtein

    bare = word.removesuffix("'s")
    names = [n for n, i in cast.id_by_name.items() if i == character_id and " " not in n]
    best = min(names, key=lambda n: Levenshtein.distance(bare, n))
    return best.capitalize() if best in cast.proper_names else best


_OF_BEFORE = re.compile(r"(?<![\w])of\s+$", _FLAGS)
_SURNAME_AFTER = re.compile(r"^\s+(?-i:[A-Z][a-z])")


def _thing_word(mention: Mention, cast: Cast, before: str, after: str = "") -> str:
    """What a namesake or a picture keeps of the name: nothing of a proper name ("King
    James" → "King"; "a cutout of James" → "a cutout of someone"), "animal" for an animal
    ("a stuffed raccoon"), "the" for a role ("the boss fight")."""
    word = " ".join(mention.word.lower().split())
    bare = word.removesuffix("'s")
    if mention.kind == "pronoun":
        return mention.word
    if bare.startswith("the "):
        return "the"
    if bare in cast.proper_names or mention.kind == "typo":
        return "someone" if _OF_BEFORE.search(before) and not _SURNAME_AFTER.match(after) else " "
    if word.endswith("'s"):
        return "animal's"
    return "animals" if bare.endswith("s") and bare not in cast.proper_names else "animal"


def _blanked(plain: str, scan: str) -> list[tuple[int, int, str]]:
    """Words spoken to the bot ("@Milo", "Milo, draw …", "can you"), blanked in the scan."""
    edits = []
    for match in re.finditer(r" {2,}", scan):
        if plain[match.start() : match.end()].strip():
            edits.append((match.start(), match.end(), " "))
    return edits


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    cursor = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], -e[1])):
        if start < cursor:  # inside a span already replaced
            continue
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line)
        line = _DOUBLED_PUNCTUATION.sub(r"\1", _LOOSE_PUNCTUATION.sub(r"\1", line))
        line = _EDGE_END.sub("", _EDGE.sub("", line.strip()))
        line = _A_BEFORE_VOWEL.sub(r"\1n ", line)
        line = line.strip().rstrip(",;:—–-").strip()
        if line.strip(" ,;:.—–-"):
            lines.append(line)
    return " ".join(lines)
