"""Which wall: every wall word in the request scores, and the place of the action counts most.

Each hit of a wall's cue (agent/walls.py, and the other languages' words in
agent/lexicon/) scores 1, an action ("soldering", "pedalling") 1.5. A hit is worth three
times as much where the scene happens ("on the couch", "at his keyboard", "am Fenster"),
a third as much when only talked about ("talking about the bike", "dreaming about a GPU
cluster", "the rack blinking in the background"), and half in a sentence that draws no one
("Our rack has been loud all week."). Misspelt cue words of five letters or more count
too ("whitebord", "monitrs"; things, not verbs). The highest total wins; a tie goes to the first named; no
cue at all gives the desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.lexicon import MERGED, phrase_re
from agent.walls import DEFAULT_PLATE, WALLS, PlateName

_FLAGS = re.IGNORECASE
CUE_WEIGHT = 1.0
ACTION_WEIGHT = 1.5
PLACE_BOOST = 3.0
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
# Misspellings are looked for among things only: verbs are too close to other verbs
# ("doing" is one letter from "dozing").
_FUZZY_CUES: dict[str, tuple[str, ...]] = {}
for _cue in _cue_table(with_actions=False):
    if _cue.isalpha() and len(_cue) >= 5:
        _FUZZY_CUES[_cue[0]] = (*_FUZZY_CUES.get(_cue[0], ()), _cue)
_NOT_MISSPELT = frozenset({*MERGED.not_names, *MERGED.function_words, *(w for c in _CUES for w in c.split())})
_CLAUSE_BREAK = re.compile(r"[,;.!?\n()—–]|\s-\s|\b(?:while|but|and then|though|whereas)\b", _FLAGS)
_PLACE_BEFORE = re.compile(
    rf"(?<![\w])(?:{phrase_re(MERGED.places)})\s+(?:(?:the|a|an|his|her|my|our|their|its|your|this|that|"
    rf"el|la|los|las|le|les|der|die|das|dem|den|des|du|sa|son|ses|su|sus|seinem|seiner|"
    rf"[\w-]+)\s+){{0,2}}$",
    _FLAGS,
)
_MENTION_ONLY_BEFORE = re.compile(
    r"(?<![\w])(?:about|regarding|dreaming\s+of|thinking\s+of|talking\s+of|wants?|wanted|instead\s+of|"
    r"rather\s+than|away\s+from|without|sobre|über|de\s+la|à\s+propos)(?![\w])",
    _FLAGS,
)
_BACKGROUND_AFTER = re.compile(r"^[^,.;!?]{0,25}\bin\s+the\s+background\b", _FLAGS)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def pick_plate(scan: str, people_at: Iterable[int] = ()) -> PlateName:
    """The wall for `scan` (text prepared by `agent.mentions.prepare`); `people_at` are the
    positions of characters in the picture, which make a sentence the scene's own."""
    people = sorted(people_at)
    scores: dict[PlateName, float] = {}
    first: dict[PlateName, int] = {}
    hits, unmatched = _cue_hits(scan)
    hits += _misspelt(unmatched)
    if not hits:
        return DEFAULT_PLATE
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(scan)]
    for start, end, (plate, weight) in hits:
        scores[plate] = scores.get(plate, 0.0) + weight * _where(scan, start, end, sentences, people)
        first.setdefault(plate, start)
    return min(scores, key=lambda p: (-round(scores[p], 6), first[p]))


def _where(scan: str, start: int, end: int, sentences: list[tuple[int, int]], people: list[int]) -> float:
    breaks = list(_CLAUSE_BREAK.finditer(scan, 0, start))
    clause = scan[breaks[-1].end() if breaks else 0 : start]
    factor = 1.0
    if _PLACE_BEFORE.search(clause):
        factor *= PLACE_BOOST
    if _MENTION_ONLY_BEFORE.search(clause) or _BACKGROUND_AFTER.match(scan[end:]):
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
            unmatched.append((start, end, word))
            index += 1
    return hits, unmatched


def _bare(token: str) -> str:
    word = token.lower()
    return word[:-2] if word.endswith("'s") else word


def _misspelt(words: list[tuple[int, int, str]]) -> list[tuple[int, int, tuple[PlateName, float]]]:
    """Cue words with one slip of the finger: a letter doubled, dropped or two swapped
    ("whitebord", "coutch", "swtich"). Not a letter changed: that turns "pointing" into
    "printing" and "beach" into "bench"."""
    from rapidfuzz.distance import Indel

    found = []
    for start, end, token in words:
        if len(token) < 4 or not token.isalpha() or token in _NOT_MISSPELT:
            continue
        for cue in _FUZZY_CUES.get(token[0], ()):
            if abs(len(cue) - len(token)) > 1:
                continue
            if len(cue) == len(token):
                slip = _swapped(token, cue)
            else:
                slip = Indel.distance(token, cue, score_cutoff=1) <= 1
            if slip:
                found.append((start, end, _CUES[cue]))
                break
    return found


def _swapped(a: str, b: str) -> bool:
    """`a` is `b` with two neighbouring letters swapped."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
