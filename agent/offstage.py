"""What around a name says the person is off stage, from words on both sides of it.

`agent.clauses` reads what a clause says of its subject ("James went home"), and
`agent.mentions` a word before a name ("without Milo", "waiting for James"). Some shapes
need both sides:

- sent off by a verb around the name: "leave Milo out", "keep the raccoon off this one",
  "give the raccoon the day off", "give Milo a break";
- not there yet, in a clause of time: "before I get in", "until James arrives", "by the
  time Milo wakes up";
- the subject of a question someone turns over: "wondering what James would say",
  "curious what James will think", "asking himself whether James would approve".

Each gives the span of the words that say so, which the action takes out with the name.
"""

from __future__ import annotations

import re

from agent.asides import BREAK

_FLAGS = re.IGNORECASE
_DET = r"(?:(?:the|our|my|his|her|poor|little|o|il|el|le)\s+)?"
_SEND_OFF_BEFORE = re.compile(rf"(?<![\w'])(?P<verb>leave|leaving|leaves|keep|keeping|keeps|count|counting|cut|cutting|rule|ruling)\s+{_DET}$", _FLAGS)
_SEND_OFF_AFTER = re.compile(
    r"^\s+(?:out|off)(?![\w'-])(?:\s+(?:of\s+(?:it|this(?:\s+one)?|the\s+(?:picture|pic|scene|shot|frame|drawing|image))|"
    r"this\s+(?:one|time)|for\s+(?:now|today|once)|today))?",
    _FLAGS,
)
_GIVE_BEFORE = re.compile(rf"(?<![\w'])(?P<verb>give|gives|giving|gave)\s+{_DET}$", _FLAGS)
_GIVE_AFTER = re.compile(
    r"^\s+(?:(?:the|a|an)\s+)?(?:(?:well-?earned|much-?needed|long|short|little)\s+)?"
    r"(?:(?:day|night|afternoon|morning|evening|week|weekend|time)\s+off|break|rest|breather|holiday|vacation)(?![\w'-])",
    _FLAGS,
)
_NOT_YET_BEFORE = re.compile(r"(?<![\w'])(?P<verb>before|until|till|til|by\s+the\s+time|ahead\s+of)\s+(?:(?:the|our)\s+)?$", _FLAGS)
_NOT_YET_AFTER = re.compile(
    r"^\s*(?:'s|'m|is|am|are|gets?|got|arrives?|comes?|walks?|wakes?|shows?|turns?|logs?|clocks?|returns?|"
    r"(?:has|have|had)\s+(?:arrived|come|got|walked|woken|shown|turned|returned)|did|does|do)"
    r"(?:\s+(?:in|up|back|here|there|home|on))?(?![\w'])",
    _FLAGS,
)
_WONDER_BEFORE = re.compile(
    r"(?<![\w'])(?P<verb>wonder(?:s|ed|ing)?|curious|asking\s+(?:him|her|them|my|your)sel(?:f|ves)|asks?\s+(?:him|her|my)self|"
    r"unsure|not\s+sure|guess(?:es|ing)?|imagining|picturing|thinking\s+about|who\s+knows|no\s+idea|nobody\s+knows|"
    r"god\s+knows|no\s+clue)\s+(?:what|whether|if|how|why|when|where)\s+"
    r"(?:(?:the|our)\s+)?$",
    _FLAGS,
)
_MODAL_AFTER = re.compile(
    r"^\s*(?:would|will|might|could|may|'d|'ll|thinks?|says?|feels?|wants?|likes?|is|was|went|'s|has\s+gone|got\s+to)(?![\w'])",
    _FLAGS,
)


def off_stage(scan: str, before_start: int, start: int, end: int) -> tuple[int, int] | None:
    """The span of the words around the mention at `start`–`end` that put it off stage,
    or None. `before_start` is where the window read before the mention starts."""
    before, after = scan[before_start:start], scan[end:]
    for opening, closing, whole in ((_SEND_OFF_BEFORE, _SEND_OFF_AFTER, False), (_GIVE_BEFORE, _GIVE_AFTER, False),
                                    (_NOT_YET_BEFORE, _NOT_YET_AFTER, False), (_WONDER_BEFORE, _MODAL_AFTER, True)):
        lead = opening.search(before)
        if lead is None:
            continue
        tail = closing.match(after)
        if tail is None:
            continue
        stop = end + tail.end()
        if whole:  # the question goes on to the end of its clause: "… would say about the dashboards"
            brk = BREAK.search(scan, stop)
            stop = brk.start() if brk else len(scan)
        return before_start + lead.start("verb"), stop
    return None
