"""What interrupts a clause: asides between commas and relative clauses.

"James, regrettably, will be attending a wedding": ", regrettably," is an aside, and the
clause goes on after it. "Milo, who has, I gather, been spending a lot of time at the
workbench, seated at the desk": the relative clause (with its own aside) says something
about Milo, but not where the scene is; the clause goes on at "seated". `agent.clauses`
reads a subject's predicate past them, and `agent.stage` counts a wall named inside a
relative clause as a mere mention.
"""

from __future__ import annotations

import re

from agent.lexicon import MERGED, phrase_re

_FLAGS = re.IGNORECASE
BREAK = re.compile(
    rf"[,;.!?\n()\[\]—–:]|\s-\s|(?<![\w'])(?:{phrase_re(MERGED.clause_words)})(?![\w'])", _FLAGS
)
ASIDE = re.compile(rf"^\s*,\s*(?:{'|'.join(MERGED.asides)})\s*(?=,)", _FLAGS)
COMMA = re.compile(r"^\s*,")
# ", who …", or ", who, having …" (an aside right after the relative word)
_RELATIVE = re.compile(r"^\s*,\s*(?:who|whom|whose|which|qui|der|die|que|quien)(?:\s+|(?=\s*,))", _FLAGS)
_OPENING_ASIDE = re.compile(r"^\s*,[^,;.!?\n]{1,50},")
_ANY_RELATIVE = re.compile(r",\s*(?:who|whom|whose|which|qui|quien)\s+", _FLAGS)


def skip_interruptions(scan: str, start: int) -> tuple[int, list[tuple[int, int]]]:
    """Where the clause that goes on at `start` resumes after asides (", regrettably,")
    and relative clauses (", who has, I gather, been away,"), and the relative clauses'
    spans."""
    relatives: list[tuple[int, int]] = []
    skipped = False
    for _ in range(6):
        aside = ASIDE.match(scan[start:])
        if aside:
            start += aside.end()
            skipped = True
            continue
        relative = _RELATIVE.match(scan[start:])
        if not relative:
            break
        opened = start + relative.end()
        end = relative_end(scan, opened)
        relatives.append((opened, end))
        start, skipped = end, True
    comma = COMMA.match(scan[start:]) if skipped else None
    return start + (comma.end() if comma else 0), relatives


def relative_end(scan: str, start: int) -> int:
    """The end of a relative clause: the first punctuation that is not an aside's comma
    ("who, having skipped lunch, is eating …" goes on past the first aside whatever it is)."""
    position = start
    opening = _OPENING_ASIDE.match(scan[start:])
    if opening:
        position = start + opening.end()
    while True:
        stop = BREAK.search(scan, position)
        if stop is None:
            return len(scan)
        if stop.group(0) == ",":
            aside = ASIDE.match(scan[stop.start() :])
            if aside:
                position = stop.start() + aside.end() + 1
                continue
        if stop.group(0).strip()[:1].isalpha():
            position = stop.end()  # "who went to lunch when …" goes on to the next comma
            continue
        return stop.start()


def relative_clauses(scan: str) -> list[tuple[int, int]]:
    """Every relative clause that opens after a comma (", who …", ", which …")."""
    if "," not in scan:
        return []
    return [(m.start(), relative_end(scan, m.end())) for m in _ANY_RELATIVE.finditer(scan)]
