"""The scene in words for the prompt, naming only who is in the picture, and otherwise
keeping the request's own words.

The image model draws whoever the action puts in the scene, so what sends a character
away or leaves them out goes, and nothing else does:

- a clause that is only about someone not drawn goes whole ("Skip Milo this time, just James
  pedalling" → "just James pedalling"; "Milo at my desk while I'm out getting lunch" → "Milo
  at James's desk"; "James, regrettably, will be attending a wedding and ought not to
  appear." goes), with the clauses after it whose pronoun takes that person up ("James isn't
  around, he flew to Berlin");
- in a clause about someone drawn, only the words that leave the other out go: "ohne James",
  "waiting for Milo", "Milo ❌";
- the things of someone not drawn become "the" ("James's headphones on the couch" → "the
  headphones on the couch").

Everything else stays as written: a namesake, a title, a label or a product keeps its name
("a mug of Milo", "James and the Giant Peach", "a box of Milo cereal": the LoRA trigger
words, not bare names, draw the characters), and so does every object. Pronouns of people in
the picture become their names ("I'm asleep" → "James Meadlock is asleep"); a misspelt name
is spelt right. Then the punctuation is tidied: no empty brackets, no doubled or leading
marks.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from agent.asides import relative_end, skip_interruptions
from agent.clauses import away_span, says_away
from agent.mentions import LIST_JOIN, Cast, Mention, Status
from agent.moods import moods
from agent.stage import names_a_wall_in

_FLAGS = re.IGNORECASE
# Where a clause that goes ends: punctuation or a word that joins two clauses ("so", "while",
# "pero", "aber", "mais"), not one inside it ("until Monday", "since Tuesday").
_CLAUSE = re.compile(
    r"[,;.!?\n()\[\]—–:]|\s-\s|(?<![\w'])(?:so|but|while|whilst|whereas|and|because|though|although|meanwhile|"
    r"since|y|pero|mientras|und|aber|während|et|mais|pendant\s+que)(?![\w'])",
    _FLAGS,
)
_FOREIGN_POSSESSIVE = re.compile(r"mein\w*|mis?|mon|ma|mes", _FLAGS)
_SPEAKER_POSSESSIVES = {"my", "mine", "our", "ours", "your", "yours", "mein", "meine", "meinem", "meinen",
                        "meiner", "meines", "mi", "mis", "mon", "ma", "mes"}
_CONTRACTION = re.compile(r"^(?:'m|\s+am)(?![\w])|^'(?:ve|ll|d|re)(?![\w])", _FLAGS)
_CONTRACTED = {"'m": " is", " am": " is", "'ve": " has", "'ll": " will", "'d": " would", "'re": " is"}
_BY_MYSELF = re.compile(r"(?<![\w])(?:all\s+)?by\s+$", _FLAGS)
# "he flew to Berlin" after a clause sending James away is about James too.
_TAKEN_UP = re.compile(
    r"^[\s,;:.—–-]*(?:(?:but|and|so|yet|because|since|as|cause|cos)\s+)?(?P<pronoun>he|she|they|er|sie|il|elle|él|ella|"
    r"(?-i:[a-z]+ing))(?![\w])",  # "…, muttering about sleep": a participle goes on about them
    _FLAGS,
)
_OBJECT_TAKEN_UP = re.compile(
    r"^[\s,;:—–-]*(?:(?:and|so|then|but)\s+)?[^,;.!?\n()—–]{0,40}?(?<![\w'])(?:him|her|them)(?![\w'])[^,;.!?\n()—–]{0,40}",
    _FLAGS,
)
_BRACKETED = re.compile(r"^\s*\([^()]{0,80}\)")
_RELATIVE = re.compile(r"^\s*,\s*(?:who|whom|whose|which)\s", _FLAGS)
_CUSTOM_EMOJI = re.compile(r"(?<![^\s(]):[\w~-]{2,32}:(?![^\s),.;!?])")
_SPACES = re.compile(r"[ \t]+")
_PIPE = re.compile(r"\s*\|\s*")
_DANGLING = re.compile(r"[\s,;:—–-]+(?=[.!?]*$)")
_LOOSE_PUNCTUATION = re.compile(r"\s+([,;:.!?)\]])")
_DOUBLED = re.compile(r"([,;:.!?])(?:\s*[,;:.])+")
_EMPTY_BRACKETS = re.compile(r"[(\[]\s*[,;:.!?]*\s*[)\]]")
_OPEN_BRACKET_SPACE = re.compile(r"([(\[])\s+")
_EDGE = re.compile(r"^(?:[\s,;:.—–!?-]|(?:so|and|but|while|then|because|since|as|with|y|und|et|pero|mais|aber)(?![\w']))+", _FLAGS)
_EDGE_END = re.compile(r"(?:[\s,;:—–-]|(?<![\w'])(?:so|and|but|while|then|because|since|y|und|et|pero|mais|aber))+$", _FLAGS)


def describe(plain: str, scan: str, mentions: list[Mention], cast: Cast, shown: Collection[str] | None) -> str:
    """`plain` rewritten so that it names only the characters in `shown` (all when None)."""
    keep = set(cast.ids if shown is None else shown)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), not overlapping
    for run in _lists(scan, mentions):
        if all(set(m.ids) <= keep for m in run) or run[0].status is Status.THING:
            edits.extend(_named(scan, m, cast) for m in run if m.kind in ("pronoun", "typo") and (
                m.status is not Status.THING or m.kind == "typo"))
            continue
        edits.extend(_left_out(scan, run, mentions, keep))
    edits.extend(_back_from_a_mood(scan, mentions, cast, keep))
    edits.extend(_blanked(plain, scan))
    edits.extend((m.start(), m.end(), " ") for m in _CUSTOM_EMOJI.finditer(plain)
                 if not any(x.start <= m.start() < x.end for x in mentions))
    return _tidy(_apply(plain, edits))


def _back_from_a_mood(scan: str, mentions: list[Mention], cast: Cast, keep: set[str]) -> list[tuple[int, int, str]]:
    """"James would normally be at the whiteboard, but today he's at the rack" → "today James
    is at the rack": the condition, what would happen or the habit that a pronoun takes the
    person back from goes (it is not the picture), with a bare "He's not;" that only answered
    it, and the pronoun becomes the name."""
    edits: list[tuple[int, int, str]] = []
    spans = moods(scan)
    for mention in mentions:
        if mention.taken_up is None or mention.status is not Status.PRESENT or not set(mention.ids) <= keep:
            continue
        group = {s.group for s in spans if s.start <= mention.start < s.end}
        chosen = [s for s in spans if s.group in group]
        if not chosen or not names_a_wall_in(scan[mention.taken_up[1] : _sentence_end(scan, mention.taken_up[1])]):
            continue  # only a clause that puts them somewhere replaces the mood ("draw him trying" does not)
        edits.extend((s.start, s.end, " ") for s in chosen)
        gap_start, (p_start, p_end) = max(s.end for s in chosen), mention.taken_up
        edits.extend((gap_start + m.start(), gap_start + m.end(), " ") for m in _ANSWER.finditer(scan[gap_start:p_start]))
        as_written = mention.kind in ("name", "role") and mention.word[:1].isalpha() and not mention.word.endswith(("'s", "s'"))
        name = mention.word if as_written else cast.by_id(mention.ids[0]).name.split()[0]
        pronoun = scan[p_start:p_end].lower()
        tail = next((t for t in _PRONOUN_TAILS if pronoun.endswith(t)), "")
        edits.append((p_start, p_end, name + _PRONOUN_TAILS.get(tail, "")))
    return edits


def _sentence_end(scan: str, position: int) -> int:
    stop = _SENTENCE_END.search(scan, position)
    return stop.start() if stop else len(scan)


_SENTENCE_END = re.compile(r"[.!?;\n]")
_PRONOUN_TAILS = {"'s": " is", "'d": " would", "'ll": " will", "'re": " is"}
_ANSWER = re.compile(
    r"(?<![\w'])(?:(?:he|she)\s*(?:'s|\s+is|\s+was)?\s*(?:not|n't|isn't|wasn't)|no|nope|nah)\s*[,;.!?—–]", _FLAGS
)


def _lists(scan: str, mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions joined by "and", "&", "y" … ("Milo and James went home") as one run."""
    runs: list[list[Mention]] = []
    for mention in mentions:
        if runs and LIST_JOIN.match(scan[runs[-1][-1].end : mention.start]) and runs[-1][-1].status is mention.status:
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _left_out(scan: str, run: list[Mention], mentions: list[Mention], keep: set[str]) -> list[tuple[int, int, str]]:
    first, last = run[0], run[-1]
    if first.status is Status.BELONGS:  # "James's headphones" → "the headphones"; "mi escritorio" stays
        return [(m.start, m.end, "" if m.word.lower() == "mine" else "the") for m in run
                if not set(m.ids) <= keep and not _FOREIGN_POSSESSIVE.fullmatch(m.word)]
    others = [m for m in mentions if m not in run and set(m.ids) <= keep and m.status in (Status.PRESENT, Status.IMAGINED)]
    if first.status is Status.PRESENT:  # not drawn by a decision elsewhere ("just Milo", the LLM's cast)
        opened, closed = _clause_start(scan, first.start), _clause_end(scan, last.end)
        if not any(opened <= m.start < closed for m in others):
            return [(opened, closed, " ")]  # "…, but I'm not, so just Milo there": the clause is theirs alone
        return [(m.start, m.end, " ") for m in run if not set(m.ids) <= keep]
    cue = last.cue or first.cue or (first.start, last.end)
    start, end = min(first.start, cue[0]), max(last.end, cue[1])
    opened = _clause_start(scan, start)
    closed = max(end, _clause_end(scan, end))
    if any(opened <= m.start < closed for m in others):
        return [(start, _with_what_follows(scan, end), " ")]  # "ohne James", "waiting for Milo", "Milo ❌"
    closed = _with_what_follows(scan, closed)  # "(too many GPUs eaten)", ", who is stuck in traffic"
    edits = [(opened, closed, " ")]
    if cue[0] >= last.end or says_away(scan, last.end) or any(m.start <= first.start < m.end for m in moods(scan)):
        edits.extend(_taken_up(scan, closed, others))  # what follows takes the person up
    return edits + _object_taken_up(scan, max(e[1] for e in edits), others)


def _with_what_follows(scan: str, end: int) -> int:
    """`end` moved past a bracket or a relative clause that goes on about what ends there."""
    aside = _BRACKETED.match(scan[end:])
    if aside:
        return end + aside.end()
    relative = _RELATIVE.match(scan[end:])
    return relative_end(scan, end + relative.end()) if relative else end


def _taken_up(scan: str, position: int, others: list[Mention]) -> list[tuple[int, int, str]]:
    """Clauses after a removed one whose subject is a pronoun and that say nothing of anyone
    drawn: "…, he flew to a conference in Berlin", "… Not today, he's on leave"."""
    edits = []
    for _ in range(3):
        pronoun = _TAKEN_UP.match(scan[position:])
        if not pronoun:
            break
        subject_end = position + pronoun.end()
        span = away_span(scan, subject_end)
        stop = _CLAUSE.search(scan, skip_interruptions(scan, subject_end)[0])
        end = max(span[1] if span else 0, stop.start() if stop else len(scan))
        if any(position <= m.start < end for m in others):
            break
        edits.append((position, end, " "))
        position = end
    return edits


def _object_taken_up(scan: str, position: int, others: list[Mention]) -> list[tuple[int, int, str]]:
    """"Give the raccoon a break and leave him out of the picture": the clause right after a
    removed one that names no one drawn and takes the person up as "him" goes too."""
    rest = _OBJECT_TAKEN_UP.match(scan[position:])
    if rest and not any(position <= m.start < position + rest.end() for m in others):
        return [(position, position + rest.end(), " ")]
    return []


def _clause_end(scan: str, position: int) -> int:
    stop = _CLAUSE.search(scan, position)
    return stop.start() if stop else len(scan)


def _clause_start(scan: str, position: int) -> int:
    start = 0
    for match in _CLAUSE.finditer(scan, 0, position):
        start = match.start() if match.group(0).strip()[:1].isalpha() else match.end()
    return start


def _named(scan: str, mention: Mention, cast: Cast) -> tuple[int, int, str]:
    """A pronoun of someone drawn becomes their name ("my" → "James's", "I'm" → "James
    Meadlock is", "by myself" → "alone"); a typo is spelt right."""
    names = " and ".join(cast.by_id(i).name for i in mention.ids)
    word = mention.word.lower()
    if mention.kind == "typo":  # "Jmaes" → "James", "Meadlcok" → "Meadlock", "racooon" → "raccoon"
        name = _spelt(word, cast, mention.ids[0])
        return mention.start, mention.end, f"{name}'s" if word.endswith("'s") else name
    if word in _SPEAKER_POSSESSIVES:
        return mention.start, mention.end, f"{names}'s" if len(mention.ids) == 1 else "their"
    if word in ("myself", "yourself") and _BY_MYSELF.search(scan[: mention.start]):
        by = _BY_MYSELF.search(scan[: mention.start])
        return by.start(), mention.end, "alone"
    if word == "myself":  # "swap the PSU myself": the name is already there
        return mention.start, mention.end, " "
    if word == "conmigo":
        return mention.start, mention.end, f"con {names}"
    contraction = _CONTRACTION.match(scan[mention.end :]) if word == "i" else None
    if contraction:
        return mention.start, mention.end + contraction.end(), names + _CONTRACTED[contraction.group(0).lower()]
    return mention.start, mention.end, names


def _spelt(word: str, cast: Cast, character_id: str) -> str:
    """The right spelling of a misspelt name: the name or alias it is closest to."""
    from rapidfuzz.distance import Levenshtein

    bare = word.removesuffix("'s")
    if " " in bare:  # "James Meadowlark": the name as the sheet writes it
        return cast.by_id(character_id).name
    names = [n for n, i in cast.id_by_name.items() if i == character_id and " " not in n]
    best = min(names, key=lambda n: Levenshtein.distance(bare, n))
    return best.capitalize() if best in cast.proper_names else best


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
            if end > cursor:
                cursor = end
            continue
        kept = text[cursor:start]
        if not replacement.strip() and ends_a_clause(text, end):
            kept = kept[: hanging_start(kept)]  # "Milo on the couch with [James out sick]"
        out.append(kept)
        out.append(replacement)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


# A word that opens a phrase, left at the end of what stays when what followed it went.
_HANGING_BEFORE_A_CUT = re.compile(
    r"(?<=[\w.!?)\"',;:])\s+(?:with|of|on|in|at|from|for|by|to|into|onto|and|or|the|a|an|his|her|their|my|our|its)\s*$",
    _FLAGS,
)
# What is left of a clause after that word went, when it says only where on a thing
# ("…, front [of]", "…, on the front [of]"): no one and nothing in it.
_STUB_OF_A_CLAUSE = re.compile(
    r"[,;:—–]\s*(?:(?:on|at|in|across|the|a|an|its|his|her|their|front|back|side|top|bottom|middle|centre|center)\s*){1,4}$",
    _FLAGS,
)
_CLAUSE_ENDS_HERE = re.compile(r"\s*(?:[,;:.!?)\]\n—–]|$)")


def hanging_start(kept: str) -> int:
    """Where `kept` should end when what followed it up to a clause mark went: before a small
    word left hanging, and before a stub of a clause that was only that word's head ("Milo at
    the rack, front of [his shirt: I break prod]"); len(kept) when nothing hangs."""
    cut = _HANGING_BEFORE_A_CUT.search(kept)
    if cut is None:
        return len(kept)
    stub = _STUB_OF_A_CLAUSE.search(kept, 0, cut.start())
    return stub.start() if stub else cut.start()


def ends_a_clause(text: str, position: int) -> bool:
    """Whether only blanks come between `position` and a clause mark or the end."""
    return bool(_CLAUSE_ENDS_HERE.match(text, position))


def _tidy(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", _PIPE.sub(", ", line))  # "INC-7 | UPS beeping | milo investigating"
        line = _OPEN_BRACKET_SPACE.sub(r"\1", _EMPTY_BRACKETS.sub(" ", line))
        line = _DOUBLED.sub(r"\1", _LOOSE_PUNCTUATION.sub(r"\1", _SPACES.sub(" ", line)))
        line = _EDGE_END.sub("", _EDGE.sub("", line.strip()))
        line = _DANGLING.sub("", line.strip().rstrip(",;:—–-").strip())
        if line.strip(" ,;:.—–-"):
            lines.append(line)
    # "- Milo\n- the whiteboard": a line ends a phrase
    return " ".join(line if line[-1:] in ".!?,;:" or index == len(lines) - 1 else line + "," for index, line in enumerate(lines))
