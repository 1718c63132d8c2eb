"""Text that is not the picture: conditions, what would happen, and what usually happens.

"If James were here he'd be yelling at the rack, but he isn't — just Milo": the condition
("If James were here") and what would follow ("he'd be yelling at the rack") describe a
world the request does not ask for. Such text neither places anyone nor sets the wall; the
real clause does. Four moods:

- `if`: an open condition ("If the printer jams", "Unless Milo objects", "Suppose James
  never came back", "If I'm not back by 6"): the picture is the world where it holds, so
  what it says of someone away still counts ("not back"), but no one is put in the picture
  by it;
- `were`: a condition contrary to fact ("If James were here", "Had James been around",
  "Were I there", "if James hadn't gone home"): the picture is the real world, so being
  here in it means being away, and not having gone means having gone;
- `would`: what would follow a condition in the same sentence ("he'd be on the bike", "Milo
  would be less lonely"), what someone would rather do ("James would rather be napping, but
  …"), and a question answered no ("Would James be at the whiteboard? No, …");
- `habit`: what usually happens, when the request goes on to say what happens this time
  ("Milo usually naps on the couch, but today he's at the rack", "Normally it's the raccoon
  on the couch. This time …", "Usually it's me at my desk; today …").

A character named only there is `IMAGINED`: not drawn, and not a look-alike that keeps the
mascot out. A pronoun after it, outside these moods ("… but today he's at the rack", "put
him on the couch", "draw him trying") or "draw that" takes them up: they are in the picture
(or away, when that clause says so: "He's not" alone only answers the condition). Walls named
in these moods count as a mere mention (`agent.stage`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from agent.clauses import away_span
from agent.mention import Mention, Status

_FLAGS = re.IGNORECASE
_SENTENCE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_CLAUSE_BREAK = re.compile(r"[,:—–()]|\s-\s|(?<![\w'])(?:but|so|instead|yet|while|whereas|although|though|then)(?![\w'])", _FLAGS)
_IF = re.compile(
    r"(?<![\w'])(?:if(?!\s+only)(?!\s+(?:needed|necessary|possible|any|so|not))|unless|suppose|supposing|assuming|in\s+case|"
    r"whether\s+or\s+not|in\s+a\s+world\s+where|what\s+if)(?![\w'])",
    _FLAGS,
)
# "Had James been around", "Were I there", "Were it up to James": a condition put first.
_INVERTED = re.compile(
    r"\s*(?:were|had)\s+(?:i|he|she|it|they|we|you|the\s+[a-z]+|(?-i:[A-Z])[\w'-]+)(?![\w'])", _FLAGS
)
_ASKS_WHETHER = re.compile(
    r"(?<![\w'])(?:see|sees|seeing|check|checks|checking|ask|asks|asked|asking|wonder|wonders|wondered|wondering|know|knows|"
    r"tell|tells|test|tests|testing|decide|decides|sure|unsure|as|even|only)\s+$",
    _FLAGS,
)
_CONTRARY = re.compile(r"(?:(?<![\w'])(?:were|had|hadn't|wasn't|weren't|would|could|might)|'d)(?![\w'])", _FLAGS)
# What would follow, inside the condition's own clause: "If James were here he'd be …".
_CONSEQUENCE_START = re.compile(
    r"(?<![\w'])(?:he|she|i|they|we|it|you|(?-i:[A-Z])[\w'-]+)(?:'d|\s+would|\s+could|\s+might)(?![\w'])", _FLAGS
)
_WOULD = re.compile(r"(?:(?<![\w'])(?:would|could\s+have|might\s+have)|'d)(?![\w'])", _FLAGS)
_HABIT = re.compile(
    r"(?:(?<=\w)'d\s+(?:rather|prefer|be)|(?<![\w'])(?:usually|normally|always|typically|generally|most\s+days|every\s+day|on\s+a\s+normal\s+day|"
    r"on\s+most\s+days|used\s+to|as\s+usual|like\s+always|as\s+always|every\s+time|most\s+of\s+the\s+time|"
    r"would\s+rather|would\s+prefer|would\s+be))(?![\w'])",
    _FLAGS,
)
# What happens this time, after a habit: "but today", "this time", "instead", "put him …".
_CONTRAST = re.compile(
    r"(?<![\w'])(?:today|tonight|this\s+time|for\s+once|now|nowadays|these\s+days|this\s+(?:morning|afternoon|evening|week)|"
    r"instead|not\s+today|but|(?:put|draw|show|make|get|have|let)\s+(?:him|her|them))(?![\w'])",
    _FLAGS,
)
_QUESTION = re.compile(r"\s*(?:would|could|should|will)\s+[^?]+\?", _FLAGS)
_ANSWERED_NO = re.compile(r"\s*(?:no|nope|nah|not\s+(?:today|now|this\s+time))(?![\w'])", _FLAGS)
# What says someone is here, contrary to fact: "were here", "been around", "were in today".
_HERE = re.compile(
    r"^\s*(?:(?:were|was|is|had|'d|are)\s+)?(?:(?:been|be)\s+)?(?:still\s+|actually\s+)?(?:here|there|around|about|present|back|"
    r"in(?:\s+today)?|in\s+the\s+lab|at\s+work|on\s+site|with\s+us|available)(?![\w'])",
    _FLAGS,
)
_NEGATED = re.compile(r"^\s*(?:hadn't|had\s+not|'d\s+not|wasn't|weren't|was\s+not|were\s+not|isn't|is\s+not|never)(?![\w'])", _FLAGS)
_PRONOUN = re.compile(r"(?<![\w'])(?:he|him|she)(?P<tail>'s|'d|'ll|'re)?(?![\w'])", _FLAGS)
_BARE_NEGATION = re.compile(r"^\s*(?:'s|is|was)?\s*(?:not|n't|isn't|wasn't)\s*(?:[,;.!?—–]|$)", _FLAGS)
_DRAW_THAT = re.compile(
    r"(?<![\w'])(?:draw|show|picture|paint|do|make)\s+(?:that|this|it|the\s+(?:second|first|latter|former|last)(?:\s+one)?|"
    r"that\s+(?:world|one|scene|version)|this\s+(?:one|scene|version))(?![\w'])",
    _FLAGS,
)


@dataclass(frozen=True)
class Mood:
    start: int
    end: int
    kind: str  # if | were | would | habit
    group: int  # a sentence's condition and what would follow, or one habit clause


@lru_cache(maxsize=2048)
def moods(scan: str) -> tuple[Mood, ...]:
    """The spans of `scan` that are not the picture, in order."""
    if not (_IF.search(scan) or _HABIT.search(scan) or _WOULD.search(scan) or "ere " in scan or "ad " in scan):
        return ()
    found: list[Mood] = []
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(scan)]
    for index, (start, end) in enumerate(sentences):
        group = len(found)
        found.extend(_conditional(scan, start, end, group))
        question = _QUESTION.match(scan, start, end)
        if question and index + 1 < len(sentences) and _ANSWERED_NO.match(scan, sentences[index + 1][0]):
            found.append(Mood(start, end, "would", group))
    for start, end in _clauses(scan, 0, len(scan)):
        if _HABIT.search(scan, start, end) and _CONTRAST.search(scan, end) and not any(m.start <= start < m.end for m in found):
            found.append(Mood(start, end, "habit", len(found) + 1000))
    return tuple(sorted(found, key=lambda m: m.start))


def _clauses(scan: str, start: int, end: int) -> list[tuple[int, int]]:
    out = []
    for s, e in ((m.start(), m.end()) for m in _SENTENCE.finditer(scan, start, end)):
        opened = s
        for brk in _CLAUSE_BREAK.finditer(scan, s, e):
            if scan[opened : brk.start()].strip():
                out.append((opened, brk.start()))
            opened = brk.end() if not brk.group(0).strip()[:1].isalpha() else brk.start()
        if scan[opened:e].strip(" .!?;\n"):
            out.append((opened, e))
    return out


def _conditional(scan: str, start: int, end: int, group: int) -> list[Mood]:
    """A sentence's conditions, and the clauses with "would" that follow from them."""
    clauses = _clauses(scan, start, end)
    out: list[Mood] = []
    for c_start, c_end in clauses:
        opener = _IF.search(scan, c_start, c_end)
        if opener and _ASKS_WHETHER.search(scan, max(0, opener.start() - 30), opener.start()):
            opener = None  # "wondering if the build passed", "check if", "as if": no condition
        inverted = _INVERTED.match(scan, c_start, c_end) if opener is None else None
        if opener is None and inverted is None:
            continue
        at = opener.start() if opener else c_start + len(scan[c_start:c_end]) - len(scan[c_start:c_end].lstrip())
        opened = opener.end() if opener else inverted.end()
        follows = _CONSEQUENCE_START.search(scan, opened, c_end)
        stop = follows.start() if follows and follows.start() > opened else c_end
        contrary = bool(inverted) or bool(_CONTRARY.search(scan, at, stop))
        out.append(Mood(at, stop, "were" if contrary else "if", group))
        if stop < c_end:
            out.append(Mood(stop, c_end, "would", group))
        if opener and at > c_start and _WOULD.search(scan, c_start, at):  # "Milo would be … if James hadn't …"
            out.append(Mood(c_start, at, "would", group))
    if out:
        for c_start, c_end in clauses:
            inside = any(m.start <= c_start < m.end or c_start <= m.start < c_end for m in out)
            if not inside and _WOULD.search(scan, c_start, c_end):
                out.append(Mood(c_start, c_end, "would", group))
    return out


def imagine(scan: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions with the moods applied: IMAGINED, ABSENT (contrary to fact), or taken up
    again by a pronoun after the mood (PRESENT, with `taken_up` where the pronoun is)."""
    spans = moods(scan)
    if not spans:
        return mentions
    out = []
    for mention in mentions:
        mood = next((m for m in spans if m.start <= mention.start < m.end), None)
        if mood is None or mention.status in (Status.THING, Status.BELONGS) or mention.kind == "wished":
            out.append(mention)
            continue
        out.append(_in_a_mood(scan, mention, mood))
    return _taken_up(scan, out, spans)


def _in_a_mood(scan: str, mention: Mention, mood: Mood) -> Mention:
    after = scan[mention.end : mood.end]
    if mood.kind == "were":
        negated = _NEGATED.match(after)
        if _HERE.match(after) or (negated and away_span(scan[: mood.end], mention.end + negated.end()) is not None):
            return replace(mention, status=Status.ABSENT, cue=(mood.start, mood.end))
        return replace(mention, status=Status.IMAGINED)
    if mood.kind == "if":
        if mention.status is Status.ABSENT:
            return mention  # "If I'm not back by 6": the picture is that world
        if scan[mood.start : mood.start + 6].lower().startswith("unless") and _HERE.match(after):
            return replace(mention, status=Status.ABSENT, cue=(mood.start, mood.end))
        return replace(mention, status=Status.IMAGINED)
    return replace(mention, status=Status.IMAGINED)


def _taken_up(scan: str, mentions: list[Mention], spans: tuple[Mood, ...]) -> list[Mention]:
    imagined = [i for i, m in enumerate(mentions) if m.status is Status.IMAGINED]
    if not imagined:
        return mentions
    out = list(mentions)
    draw_that = next((d for d in _DRAW_THAT.finditer(scan) if not any(s.start <= d.start() < s.end for s in spans)), None)
    for index in imagined:
        mention = out[index]
        if len(mention.ids) != 1 or mention.kind == "pronoun":
            if draw_that and draw_that.start() > mention.end:
                out[index] = replace(mention, status=Status.PRESENT)
            continue
        mood_end = max(s.end for s in spans if s.start <= mention.start < s.end)
        for pronoun in _PRONOUN.finditer(scan, mood_end):
            if any(s.start <= pronoun.start() < s.end for s in spans):
                continue
            nearest = [m for m in out if m.end <= pronoun.start() and len(m.ids) == 1 and m.kind != "pronoun"
                       and m.status is not Status.THING]
            if nearest and nearest[-1].ids != mention.ids:
                break  # "he" is someone named since
            rest = scan[pronoun.end() :]
            if _BARE_NEGATION.match(rest if not pronoun.group("tail") else pronoun.group("tail") + rest):
                continue  # "He's not;" answers the condition
            span = away_span(scan, pronoun.end())
            status = Status.ABSENT if span is not None else Status.PRESENT
            out[index] = replace(mention, status=status, taken_up=(pronoun.start(), pronoun.end()),
                                 cue=span if span is not None else mention.cue)
            break
        else:
            if draw_that and draw_that.start() > mention.end:
                out[index] = replace(mention, status=Status.PRESENT)
    return out
