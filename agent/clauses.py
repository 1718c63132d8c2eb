"""What a clause says of its subject: whether it puts them somewhere other than the lab.

A subject (a name, a list of names, "I", "both of them") is followed by its predicate, up
to the end of the clause (punctuation, or a word such as "so", "while", "but", "pero",
"aber", "mais"). The predicate is read as auxiliaries and adverbs first ("is", "has been",
"'s", "just", "ist", "está"), then a head:

- one that always says they are elsewhere: unwell ("is off sick"), gone somewhere ("went
  home", "is at the dentist", "is in Lisbon", "is on a plane"), gone for good ("left hours
  ago", "quit for the day", "took the afternoon off"), sent away ("has been banned from the
  lab", "got locked out"), or not here ("isn't in today", "hasn't come in");
- one that does unless the rest of the clause puts them at a wall of the lab: going out,
  off or away, to somewhere or for something ("popped out for lunch", "went to get more
  coffee", "gone fishing", "off to the post office") — but "off to the whiteboard", "heading
  to the rack", "went to fix the UPS" and "away from his desk, on the bike" are here.

The words are data in each language's lexicon (`fillers`, `away_re`, `away_unless_here_re`,
`here_verbs`, `clause_words`, `lab_words`).
"""

from __future__ import annotations

import re

from agent.lexicon import MERGED, phrase_re
from agent.stage import names_a_wall

_FLAGS = re.IGNORECASE
# Auxiliaries, adverbs and emoji may stand before the head ("James 🏖️ on holiday").
_FILLERS = rf"(?:\s*(?:(?:{phrase_re(MERGED.fillers)})(?![\w'])|[^\w\s,.;:!?()\[\]'\"&+-]))*?\s*"
_AWAY = re.compile(rf"^{_FILLERS}(?:{'|'.join(MERGED.away_re)})(?![\w])", _FLAGS)
_AWAY_UNLESS_HERE = re.compile(rf"^{_FILLERS}(?:{'|'.join(MERGED.away_unless_here_re)})", _FLAGS)
# "James is in Lisbon for a wedding": a capitalised place that is not one of the lab's things.
_IN_A_PLACE = re.compile(rf"^{_FILLERS}in\s+(?P<place>(?-i:[A-Z][a-zà-ÿ]{{2,}}))(?![\w'])", _FLAGS)
# Said anywhere in the subject's own clause: "is on a call elsewhere".
_ELSEWHERE = re.compile(r"(?<![\w'\"])(?:elsewhere|somewhere\s+else)(?![\w'\"])", _FLAGS)
_NOT_AWAY_PLACES = frozenset({"the", "his", "her", "my", "front", "charge", "time", "bed", "here"})
_NEGATION = re.compile(r"^\s*\?+\s*(?:not\s+today|not\s+this\s+time|nope|nah|no|not)(?![\w])", _FLAGS)
BREAK = re.compile(
    rf"[,;.!?\n()\[\]—–:]|\s-\s|(?<![\w'])(?:{phrase_re(MERGED.clause_words)})(?![\w'])", _FLAGS
)
_RELATIVE = re.compile(r"^\s*,\s*(?:who|which|that|qui|der|die|que)\s+", _FLAGS)
_DETERMINERS = (
    r"(?:(?:the|a|an|his|her|their|my|our|your|its|this|that|el|la|los|las|le|les|der|die|das|dem|den|"
    r"des|du|sa|son|ses|su|sus|seinem|seiner|seinen|big|new|old|little|small|main|usual)(?![\w'])\s*|l'\s*)"
)
_TOWARDS = (*MERGED.places, "to", "into", "towards", "toward", "from", "off", "back to", "over to", "up to")
_HERE_PLACE = re.compile(
    rf"(?:^|(?<=[\s']))(?:{phrase_re(_TOWARDS)})\s+(?P<where>{_DETERMINERS}{{0,2}}[^\W\d_][\w'-]*(?:\s+[\w'-]+)?)",
    _FLAGS,
)
_AT_THE_START = re.compile(rf"^\s*(?P<where>{_DETERMINERS}{{0,2}}[^\W\d_][\w'-]*(?:\s+[\w'-]+)?)", _FLAGS)
_HERE_VERB = re.compile(rf"^\s*(?:{phrase_re(MERGED.here_verbs)})(?![\w'])", _FLAGS)
_LAB = re.compile(rf"^{_DETERMINERS}?(?:{phrase_re(MERGED.lab_words)})(?![\w'])", _FLAGS)


def clause_end(scan: str, start: int) -> int:
    """Where the clause that goes on at `start` ends."""
    relative = _RELATIVE.match(scan[start:])  # "James, who is out on leave, ..."
    if relative:
        start += relative.end()
    stop = BREAK.search(scan, start)
    return stop.start() if stop else len(scan)


def says_away(scan: str, start: int) -> bool:
    """Whether the predicate that begins at `start` (right after its subject) says the
    subject is not in the lab."""
    if _NEGATION.match(scan[start : start + 40]):  # "James? nope"
        return True
    relative = _RELATIVE.match(scan[start:])
    if relative:
        start += relative.end()
    predicate = scan[start : clause_end(scan, start)]
    if _AWAY.match(predicate) or _ELSEWHERE.search(predicate):
        return True
    place = _IN_A_PLACE.match(predicate)
    if place and place.group("place").lower() not in _NOT_AWAY_PLACES and not names_a_wall(place.group("place")):
        return True
    weak = _AWAY_UNLESS_HERE.match(predicate)
    return bool(weak) and not _here(predicate[weak.end() :], purpose=weak.group(0).lower().endswith("for"))


def _here(rest: str, purpose: bool = False) -> bool:
    """The rest of the clause puts its subject at a wall of the lab: "… to the rack", "… at
    his desk", "… to fix the UPS", "… back to the lab" (not "went for coffee": a purpose)."""
    if _HERE_VERB.match(rest):
        return True
    start = None if purpose else _AT_THE_START.match(rest)
    if start and _is_lab_place(start.group("where")):
        return True
    return any(_is_lab_place(m.group("where")) for m in _HERE_PLACE.finditer(rest))


def _is_lab_place(words: str) -> bool:
    bare = re.sub(rf"^{_DETERMINERS}{{0,2}}", "", words, flags=_FLAGS)
    return names_a_wall(bare) or bool(_LAB.match(bare))
