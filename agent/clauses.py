"""What a clause says of its subject: whether it puts them somewhere other than the lab.

A subject (a name, a list of names, "I", "both of them") is followed by its predicate, up
to the end of the clause (punctuation, or a word such as "so", "while", "but", "pero",
"aber", "mais"). Before it is read, what only interrupts it is stepped over: an aside
between commas ("James, regrettably, will be attending a wedding", "Milo, as agreed,
staying out of frame") and a relative clause ("James, who is away this week, is not to be
drawn": both the relative clause and what follows it are said of James). A predicate goes
on after "and"/"but" when the next word carries on the same subject ("… will be attending
a wedding and ought therefore not to appear"), and a subject left without one ("As for
James: he is stuck abroad", "James? He's at the vet") takes the next clause when it opens
with a pronoun.

Each predicate is read as auxiliaries and adverbs first ("is", "has been", "'s", "just",
"ist", "está"), then a head:

- one that always says they are elsewhere: unwell ("is off sick"), gone somewhere ("went
  home", "is at the dentist", "is in Lisbon", "is on a plane"), gone for good ("left hours
  ago", "quit for the day", "took the afternoon off"), sent away ("has been banned from the
  lab", "got locked out"), switched off ("got unplugged", "has been powered down"), not to
  be drawn ("ought not to appear", "should be left out"), or not here ("isn't in today",
  "hasn't come in");
- one that does unless the rest of the clause puts them at a wall of the lab: going out,
  off or away, to somewhere or for something ("popped out for lunch", "went to get more
  coffee", "gone fishing", "off to the post office", "attending a wedding") — but "off to
  the whiteboard", "heading to the rack", "went to fix the UPS" and "away from his desk, on
  the bike" are here.

The words are data in each language's lexicon (`fillers`, `away_re`, `away_unless_here_re`,
`here_verbs`, `clause_words`, `lab_words`, `asides`, `carry_on`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from agent import asides as _asides
from agent.asides import skip_interruptions
from agent.lexicon import MERGED, phrase_re
from agent.stage import names_a_wall

_FLAGS = re.IGNORECASE
# Auxiliaries, adverbs and emoji may stand before the head ("James 🏖️ on holiday").
_FILLERS = rf"(?:\s*(?:(?:{phrase_re(MERGED.fillers)})(?![\w'])|[^\w\s,.;:!?()\[\]'\"&+-]))*?\s*"
_AWAY = re.compile(rf"^{_FILLERS}(?:{'|'.join(MERGED.away_re)})(?![\w])", _FLAGS)
_AWAY_UNLESS_HERE = re.compile(rf"^{_FILLERS}(?:{'|'.join(MERGED.away_unless_here_re)})", _FLAGS)
# "James is in Lisbon for a wedding": a capitalised place that is not one of the lab's things.
_IN_A_PLACE = re.compile(rf"^{_FILLERS}in\s+(?:the\s+)?(?P<place>(?-i:[A-Z][a-zà-ÿ]{{2,}}|[A-Z]{{2,3}}))(?![\w'])", _FLAGS)
# Said anywhere in the subject's own clause: "is on a call elsewhere".
_ELSEWHERE = re.compile(
    r"(?<![\w'\"])(?:elsewhere|somewhere\s+else|next\s+door|in\s+(?:the\s+other|another|the\s+next)\s+room)(?![\w'\"])", _FLAGS
)
_NOT_AWAY_PLACES = frozenset({"the", "his", "her", "my", "front", "charge", "time", "bed", "here"})
# Said right after the subject: "James? nope", "🦝 ❌", "Milo: no".
_NEGATION = re.compile(
    r"^\s*(?:\?+\s*(?:not\s+today|not\s+this\s+time|nope|nah|no|not|pas\s+aujourd'hui|nicht\s+heute|hoy\s+no|oggi\s+no|"
    r"hoje\s+não)(?![\w])|[:,]?\s*(?:❌|✖️?|🚫|⛔|❎|👎|🙅\S*)"
    r"|:\s*(?:no|nope|not\s+this\s+time|n/a|na|none|out|absent|off|away|skip|skipped)(?![\w/])"
    r"|\(\s*(?:not\s+(?:in|pictured|involved|here|present)|absent|away|out|off)(?![\w]))",
    _FLAGS,
)
BREAK = _asides.BREAK
_ASIDE = _asides.ASIDE
_COMMA = _asides.COMMA
# A relative clause about habits does not say where the subject is now ("who usually works
# from home").
_HABIT = re.compile(r"(?<![\w'])(?:usually|normally|always|often|tends?\s+to|generally|typically|mostly|used\s+to)(?![\w'])", _FLAGS)
_CARRY_ON = re.compile(
    rf"^\s*,?\s*(?:and|but|yet|so|und|aber|y|pero|et|mais)\s+(?=(?:{phrase_re(MERGED.carry_on)})(?![\w']))", _FLAGS
)
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:he|she|they|er|sie|il|elle|él|ella)(?:'s|'ll|'d|'re)?(?![\w])", _FLAGS)
_SHORT_ASIDE = re.compile(r"^\s*,\s*(?P<chunk>[^,;.!?\n]{1,40}?)\s*(?=,)")
_ONLY_PUNCTUATION = re.compile(r"^[\s:?!—–-]*$")
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
_NEXT_PLACE = re.compile(
    rf"^\s*[,;—–-]\s*(?:now\s+)?(?:{phrase_re(MERGED.places)})\s+(?P<where>{_DETERMINERS}{{0,2}}[^\W\d_][\w'-]*(?:\s+[\w'-]+)?)",
    _FLAGS,
)
_LAB = re.compile(rf"^{_DETERMINERS}?(?:{phrase_re(MERGED.lab_words)})(?![\w'])", _FLAGS)
# "Camera low, Milo left, James right": "left" is where someone stands in the frame.
_FRAMED_SHOT = re.compile(
    r"(?<![\w'])(?:camera|shot|frame|framing|composition|close-?up|angle|foreground|background|"
    r"(?:on\s+the\s+)?right(?=\s*(?:[,.;)]|$|of\s+(?:the\s+)?frame|side))|cent(?:re|er)|middle)(?![\w'])",
    _FLAGS,
)
_LEFT_AS_A_POSITION = re.compile(r"^\s*left(?=\s*(?:[,.;)]|$|of\s+(?:the\s+)?frame|side))", _FLAGS)


def predicates(scan: str, start: int) -> list[tuple[int, int]]:
    """The spans said of a subject that ends at `start`: its relative clauses, its
    predicate, the predicates it carries on into ("and ought not to appear"), or a
    pronoun's clause that takes it up ("As for James: he is stuck abroad")."""
    return [(a, b) for a, b, _ in _predicates(scan, start)]


def _predicates(scan: str, start: int) -> list[tuple[int, int, str]]:
    opened, relatives = skip_interruptions(scan, start)
    spans = [(a, b, scan[a:b]) for a, b in relatives if not _HABIT.search(scan[a:b])]
    end, text = _predicate(scan, opened)
    spans.append((opened, end, text))
    if _ONLY_PUNCTUATION.match(text):
        stop = BREAK.search(scan, end) if end < len(scan) else None
        chunk = _SHORT_ASIDE.match(scan[end:]) if stop is not None and stop.group(0) == "," else None
        if chunk:  # "Milo, being updated, cannot join": the words between commas are his too
            rest_start = end + chunk.end()
            return [*spans, (end + 1, end + chunk.end("chunk"), chunk.group("chunk")), *_predicates(scan, rest_start)]
        pronoun = _PRONOUN_SUBJECT.match(scan[end + 1 :]) if stop is not None and stop.start() == end else None
        if pronoun:  # "As for James: he is stuck abroad"
            return [*spans, *_predicates(scan, end + 1 + pronoun.end())]
        if stop is not None and stop.start() == end and stop.group(0) in "?:":  # "James? At a wedding."
            return [*spans, *_predicates(scan, end + 1)[-1:]]
    for _ in range(3):
        carry = _CARRY_ON.match(scan[end:])
        if not carry:
            break
        opened = end + carry.end()
        end, text = _predicate(scan, opened)
        spans.append((opened, end, text))
    return spans


def _predicate(scan: str, opened: int) -> tuple[int, str]:
    """Where a predicate that starts at `opened` ends, and its words without the asides
    inside it ("is, unfortunately, stuck abroad" → "is stuck abroad")."""
    pieces = []
    position = opened
    while True:
        stop = BREAK.search(scan, position)
        end = stop.start() if stop else len(scan)
        pieces.append(scan[position:end])
        if stop is None or stop.group(0) != ",":
            return end, " ".join(pieces)
        aside = _ASIDE.match(scan[end:])
        if not aside or not _COMMA.match(scan[end + aside.end() :]):
            return end, " ".join(pieces)
        position = end + aside.end() + _COMMA.match(scan[end + aside.end() :]).end()


def away_span(scan: str, start: int) -> tuple[int, int] | None:
    """The span from `start` (right after a subject) to the end of the predicate that says
    the subject is not in the lab, or None when none does."""
    negation = _NEGATION.match(scan[start : start + 40])
    if negation:  # "James? nope", "🦝 ❌"
        return start, start + negation.end()
    spans = _predicates(scan, start)
    if any(_says_away(text, scan, scan[end : end + 60]) for _, end, text in spans):
        return start, max(end for _, end, _ in spans)
    return None


def says_away(scan: str, start: int) -> bool:
    """Whether the predicate that begins at `start` (right after its subject) says the
    subject is not in the lab."""
    return away_span(scan, start) is not None


def _says_away(predicate: str, scan: str, following: str = "") -> bool:
    reading = _read_predicate(predicate)
    if reading == "away":
        return True
    if reading == "left":  # "Milo left": gone, unless the request places people in a frame
        return not _FRAMED_SHOT.search(scan)
    if reading != "weak":
        return False
    # "… away from the keyboard, at the whiteboard": the next clause puts them at a wall
    place = _NEXT_PLACE.match(following)
    return not (place and _is_lab_place(place.group("where")))


@lru_cache(maxsize=8192)
def _read_predicate(predicate: str) -> str | None:
    """What a predicate's own words say: "away", "left" (away, or a position in a framed
    shot), "weak" (away unless the next clause puts them at a wall), or None. Kept per
    predicate: short ones ("at the desk", "went home") come back again and again."""
    if _AWAY.match(predicate) or _ELSEWHERE.search(predicate):
        return "left" if _LEFT_AS_A_POSITION.match(predicate) else "away"
    place = _IN_A_PLACE.match(predicate)
    if place and place.group("place").lower() not in _NOT_AWAY_PLACES and not names_a_wall(place.group("place")):
        return "away"
    weak = _AWAY_UNLESS_HERE.match(predicate)
    if not weak or _here(predicate[weak.end() :], purpose=weak.group(0).lower().endswith("for")):
        return None
    return "weak"


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
