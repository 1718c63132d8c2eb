"""Which wall: every wall word in the request scores, and the place of the action counts most.

Each hit of a wall's cue (agent/walls.py, and the other languages' words in
agent/lexicon/) scores 1, an action ("soldering", "cycles", "pedalled") 1.5. A hit is
worth three times as much where the scene happens ("on the couch", "at his keyboard", "am
Fenster"), four times right after a character ("James on the sofa", "Milo crimping a cable
at his desk"), a third as much when only talked about ("talking about the bike", "dreaming
about a GPU cluster", "the rack blinking in the background"), and half in a sentence that
draws no one ("Our rack has been loud all week."). Not where the scene happens: what is
shown on a screen or board ("the loss going down on the big screen"), the place of a clause
about a thing ("while a training job runs on the GPUs"), and anything in a clause that
sends someone away ("while I'm out grabbing coffee": `elsewhere`). Of two cue words that
make one thing, the last names it ("bike pedals", "server diagrams"). Misspelt English cue
words count too ("whitebord", "monitrs", "rakc"; things, not verbs). The highest total
wins; a tie goes to the first named; no cue at all gives the desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from agent.asides import relative_clauses
from agent.lexicon import MERGED, phrase_re
from agent.walls import DEFAULT_PLATE, WALLS, PlateName

_FLAGS = re.IGNORECASE
CUE_WEIGHT = 1.0
ACTION_WEIGHT = 1.5
PLACE_BOOST = 3.0
PLACE_OF_A_CHARACTER = 4.0
MERE_MENTION = 0.3
BACKGROUND_SENTENCE = 0.5


def _cue_table(with_actions: bool = True) -> dict[str, tuple[PlateName, float]]:
    table: dict[str, tuple[PlateName, float]] = {}
    for name, wall in WALLS.items():
        for cue in (*wall.cues, *wall.emoji):
            table.setdefault(cue.lower(), (name, CUE_WEIGHT))
        for action in wall.actions if with_actions else ():
            table.setdefault(action.lower(), (name, ACTION_WEIGHT))
    for name, words in MERGED.walls.items():
        for word in words:
            table.setdefault(word.lower(), (name, CUE_WEIGHT))
    return table


_CUES = _cue_table()
# Cues are found by looking words up (a regex alternation of ~500 phrases costs ~0.1 ms a
# plan): one-word cues directly, longer ones by their first word.
_TOKEN = re.compile(r"[^\W_][\w'-]*|[^\w\s]")
_PHRASES: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _cue in sorted(_CUES, key=len, reverse=True):
    _words = tuple(_cue.replace("\ufe0f", "").split())
    if _words:
        _PHRASES.setdefault(_words[0], []).append((_words, _cue))
_THINGS = frozenset(_cue_table(with_actions=False))
# Misspellings are looked for among English things only: verbs are too close to other verbs
# ("doing" is one letter from "dozing"), and another language's word too close to an
# English one ("plante" to "plane").
_FUZZY_CUES: dict[str, tuple[str, ...]] = {}
for _wall in WALLS.values():
    for _cue in _wall.cues:
        if _cue.isalpha() and len(_cue) >= 4:
            _FUZZY_CUES[_cue[0]] = (*_FUZZY_CUES.get(_cue[0], ()), _cue)
_NOT_MISSPELT = frozenset({*MERGED.not_names, *MERGED.function_words, *(w for c in _CUES for w in c.split())})
_CLAUSE_BREAK = re.compile(r"[,;.!?\n()—–]|\s-\s|\b(?:while|whilst|when|but|and then|though|whereas)\b", _FLAGS)
# "while a training job runs on the GPUs": a clause about a thing, not where anyone is.
_THING_CLAUSE = re.compile(r"^\s*(?:a|an|the|some|its|this|that|his|her|their|my|our)\s", _FLAGS)
_SUBORDINATE = frozenset({"while", "whilst", "when", "whereas", "though"})
# What is shown on these is not where the scene happens ("the loss on the big screen").
_DISPLAYS = frozenset({
    "screen", "screens", "monitor", "monitors", "tv", "television", "telly", "display", "displays", "whiteboard",
    "board", "dashboard", "dashboards", "laptop", "flatscreen", "white board", "tensorboard", "grafana",
})
_ON_BEFORE = re.compile(r"(?<![\w])on\s+(?:[\w-]+\s+){0,2}$", _FLAGS)
_WORD = re.compile(r"[^\W_][\w'-]*")
_NEAR_A_CHARACTER = 7  # words between a character and the place phrase of their own clause
# "at the desk", "on his old couch", "am Fenster"; not "to check the loss" (a verb after "to").
_PLACE_BEFORE = re.compile(
    rf"(?<![\w])(?:{phrase_re(MERGED.places)})\s+(?:(?:the|a|an|his|her|my|our|their|its|your|this|that|"
    rf"el|la|los|las|le|les|der|die|das|dem|den|des|du|sa|son|ses|su|sus|seinem|seiner)\s+)?(?:[\w-]+\s+)?$",
    _FLAGS,
)
_MENTION_ONLY_BEFORE = re.compile(
    r"(?<![\w])(?:about|regarding|dreaming\s+of|thinking\s+of|talking\s+of|wants?|wanted|instead\s+of|"
    r"rather\s+than|away\s+from|without|sobre|über|de\s+la|à\s+propos)\s+(?:[^\s,;.!?]+\s+){0,3}$",
    _FLAGS,
)
_BACKGROUND_AFTER = re.compile(r"^[^,.;!?]{0,25}\bin\s+the\s+background\b", _FLAGS)
# Where someone comes from is not where the scene is: "walks from the desk over to the
# whiteboard", "heading out of the fitness corner towards the whiteboard", "leaves the bike".
_FROM_BEFORE = re.compile(r"(?<![\w])(?:from|out\s+of)\s+(?:[^\s,;.!?]+\s+){0,3}$", _FLAGS)
_TO_AFTER = re.compile(r"^[^,;.!?]{0,40}?(?<![\w])(?:to|into|onto|towards?|for)(?![\w])", _FLAGS)
_LEAVING_BEFORE = re.compile(
    r"(?<![\w])(?:leaves|leaving|left|leave|quits|quitting|abandons|abandoning|swaps|swapped|trades|traded)\s+"
    r"(?:(?:the|a|an|his|her|their|my|our|its)\s+)?(?:[\w-]+\s+)?"
    # "left his laptop on the couch": where a thing was left
    r"(?:(?:[\w-]+\s+)?(?:on|at|in|by|near|under)\s+(?:(?:the|a|an|his|her|their|my|our|its)\s+)?(?:[\w-]+\s+)?)?$",
    _FLAGS,
)
# … nor where they have been: "fresh from a nap on the couch", "having finished at the rack",
# "after a long day at the desk" (to the end of that phrase).
_BEEN_BEFORE = re.compile(
    r"(?<![\w])(?:(?:fresh|back|straight|just\s+back|returning|returned|coming\s+back)\s+from|having\s+[a-z]+|"
    r"after(?!\s+(?:him|her|it|them|me|us)(?![\w])))\s(?:[^,;.!?]*\s)?$",
    _FLAGS,
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def pick_plate(scan: str, people_at: Iterable[int] = (), elsewhere: Iterable[tuple[int, int]] = (),
               imagined: Iterable[tuple[int, int]] = ()) -> PlateName:
    """The wall for `scan` (text prepared by `agent.mentions.prepare`); `people_at` are the
    positions of characters in the picture, which make a sentence the scene's own;
    `elsewhere` are the spans of clauses that send someone away, whose cues do not count;
    `imagined` the spans of conditions, what would happen and habits (`agent.moods`),
    whose cues count as a mere mention."""
    people = sorted(people_at)
    away = list(elsewhere)
    moods = list(imagined)
    scores: dict[PlateName, float] = {}
    first: dict[PlateName, int] = {}
    hits, unmatched = _cue_hits(scan)
    hits = _heads(scan, sorted(hits + _misspelt(unmatched)))
    hits = [h for h in hits if not any(a <= h[0] < b for a, b in away)]
    if not hits:
        return DEFAULT_PLATE
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(scan)]
    relatives = relative_clauses(scan)
    for start, end, (plate, weight) in hits:
        factor = _where(scan, start, end, sentences, people, relatives)
        if any(a <= start < b for a, b in moods):
            factor *= MERE_MENTION
        scores[plate] = scores.get(plate, 0.0) + weight * factor
        first.setdefault(plate, start)
    return min(scores, key=lambda p: (-round(scores[p], 6), first[p]))


def _heads(scan: str, hits: list[tuple[int, int, tuple[PlateName, float]]]) -> list[tuple[int, int, tuple[PlateName, float]]]:
    """Of cue words that make one thing ("bike pedals", "server diagrams"), the last, over
    the span of them all."""
    kept: list[tuple[int, int, tuple[PlateName, float]]] = []
    opened: int | None = None
    for index, hit in enumerate(hits):
        following = hits[index + 1] if index + 1 < len(hits) else None
        joined = (following is not None and not scan[hit[1] : following[0]].strip(" -")
                  and hit[2][1] == CUE_WEIGHT and following[2][1] == CUE_WEIGHT)
        if joined:
            opened = hit[0] if opened is None else opened
            continue
        kept.append((hit[0] if opened is None else opened, hit[1], hit[2]))
        opened = None
    return kept


def _where(scan: str, start: int, end: int, sentences: list[tuple[int, int]], people: list[int],
           relatives: list[tuple[int, int]]) -> float:
    breaks = list(_CLAUSE_BREAK.finditer(scan, 0, start))
    opened = breaks[-1].end() if breaks else 0
    clause = scan[opened:start]
    factor = 1.0
    about_a_thing = (
        breaks and breaks[-1].group(0).lower() in _SUBORDINATE and _THING_CLAUSE.match(clause)
        and not any(opened <= p < start for p in people)
    )
    shown_on = _ON_BEFORE.search(clause) and _bare(scan[start:end]) in _DISPLAYS
    if _PLACE_BEFORE.search(clause) and not about_a_thing and not shown_on:
        near = [p for p in people if opened <= p < start and len(_WORD.findall(scan[p:start])) <= _NEAR_A_CHARACTER]
        factor *= PLACE_OF_A_CHARACTER if near else PLACE_BOOST
    elif not scan[start].isalnum() and any(opened <= p < start and len(_WORD.findall(scan[p:start])) <= 1 for p in people):
        factor *= PLACE_OF_A_CHARACTER  # "James 💻": an emoji right after a character is where they are
    if (_MENTION_ONLY_BEFORE.search(clause) or _BACKGROUND_AFTER.match(scan[end:]) or _BEEN_BEFORE.search(clause)
            or _LEAVING_BEFORE.search(clause) or (_FROM_BEFORE.search(clause) and _TO_AFTER.match(scan[end:]))
            or any(a <= start < b for a, b in relatives)):
        factor *= MERE_MENTION
    sentence = next(((s, e) for s, e in sentences if s <= start < e), None)
    if sentence and len(sentences) > 1 and not any(sentence[0] <= p < sentence[1] for p in people):
        factor *= BACKGROUND_SENTENCE
    return factor


def _cue_hits(scan: str) -> tuple[list[tuple[int, int, tuple[PlateName, float]]], list[tuple[int, int, str]]]:
    """Every cue in the text, longest phrase first, and the words that were none."""
    tokens = [(m.start(), m.end(), _bare(m.group(0))) for m in _TOKEN.finditer(scan)]
    hits: list[tuple[int, int, tuple[PlateName, float]]] = []
    unmatched: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        start, end, word = tokens[index]
        for words, cue in _PHRASES.get(word, ()):
            if tuple(t[2] for t in tokens[index : index + len(words)]) == words:
                hits.append((start, tokens[index + len(words) - 1][1], _CUES[cue]))
                index += len(words)
                break
        else:
            singular = word[:-1] if len(word) > 3 and word.endswith("s") else ""
            if singular in _THINGS:  # "exercise bikes", "whiteboards"
                hits.append((start, end, _CUES[singular]))
            else:
                unmatched.append((start, end, word))
            index += 1
    return hits, unmatched


_ELISION = re.compile(r"^(?:l|d|j|qu|n|s|c|m|t)'(?=\w)")


@lru_cache(maxsize=16384)
def _bare(token: str) -> str:
    """A token as cues are written: lower case, no "'s", no French elision ("l'imprimante")."""
    word = _ELISION.sub("", token.lower())
    return word[:-2] if word.endswith("'s") else word


def names_a_wall(words: str) -> bool:
    """Whether `words` begin with one of the things on a wall ("rack", "standing desk",
    "Schreibtisch"; not an action such as "running")."""
    tokens = [_bare(m.group(0)) for m in _TOKEN.finditer(words[:80])]
    if not tokens:
        return False
    return any(
        tuple(tokens[: len(phrase)]) == phrase and cue in _THINGS for phrase, cue in _PHRASES.get(tokens[0], ())
    )


def wall_cues(text: str) -> list[tuple[int, int, PlateName, bool]]:
    """Every cue of a wall in `text`: its span, its wall, and whether it is an action
    ("cycling", "soldering") rather than a thing ("rack", "couch")."""
    return [(start, end, plate, weight == ACTION_WEIGHT) for start, end, (plate, weight) in _cue_hits(text)[0]]


def names_a_wall_in(words: str) -> bool:
    """Whether any cue of a wall (thing or action) is among `words` ("watering the plants")."""
    return bool(_cue_hits(words)[0])


def _misspelt(words: list[tuple[int, int, str]]) -> list[tuple[int, int, tuple[PlateName, float]]]:
    """Cue words with one slip of the finger: a letter doubled, dropped or two swapped
    ("whitebord", "coutch", "swtich"), a vowel for another in a word of six letters or
    more ("moniters"), or up to two slips in a word of nine or more that starts right
    ("whitebored"). Not a consonant changed in a short word: that turns "pointing" into
    "printing" and "beach" into "bench"."""
    found = []
    for start, end, token in words:
        if len(token) < 4 or not token.isalpha() or token in _NOT_MISSPELT:
            continue
        cue = _misspelling_of(token)
        if cue is not None:
            found.append((start, end, _CUES[cue]))
    return found


@lru_cache(maxsize=8192)
def _misspelling_of(token: str) -> str | None:
    """The cue `token` is a slip of, if any (words repeat across requests: kept per word)."""
    from rapidfuzz.distance import Indel, Levenshtein

    held = _RUN.sub(r"\1", token)
    for cue in _FUZZY_CUES.get(token[0], ()):
        if held != token and held == _HELD_CUES[cue]:
            return cue  # a key held down: "deeesk", "whiteeboard"
        if len(cue) >= _LONG_CUE and token[:4] == cue[:4] and abs(len(cue) - len(token)) <= 2 and Levenshtein.distance(
            token, cue, score_cutoff=2
        ) <= 2:
            return cue  # a long word heard rather than spelt: "whitebored", "keybored"
        if abs(len(cue) - len(token)) > 1 or (len(cue) < 5 and len(cue) != len(token)):
            continue  # four-letter words only by two letters swapped ("rakc", "bkie")
        if len(cue) == len(token):
            if _swapped(token, cue) or (len(cue) >= 6 and _vowel_for_vowel(token, cue)):
                return cue  # "moniters", "keybaard"
        elif Indel.distance(token, cue, score_cutoff=1) <= 1:
            return cue
    return None


_RUN = re.compile(r"(.)\1+")
_HELD_CUES = {cue: _RUN.sub(r"\1", cue) for cues in _FUZZY_CUES.values() for cue in cues}


_LONG_CUE = 9
_VOWELS = frozenset("aeiouy")


def _vowel_for_vowel(a: str, b: str) -> bool:
    """`a` is `b` with one vowel written as another ("moniters", "pedels")."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 1 and diff[0] > 0 and a[diff[0]] in _VOWELS and b[diff[0]] in _VOWELS


def _swapped(a: str, b: str) -> bool:
    """`a` is `b` with two neighbouring letters swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
