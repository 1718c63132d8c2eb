"""Who a request talks about: every mention of a character, and what each mention means.

A mention is a name or alias ("Milo", "the raccoon", "Meadlock"), a typo of one ("Jmes",
"Mlio": one edit for names up to six letters, two for longer ones, never a common word),
another language's word for an alias ("Waschbär"), the 🦝 emoji, or a pronoun resolved
through the speaker ("me", "us", "you"). Each gets a `Status`:

- PRESENT: the character is in the picture.
- THING: the word names something else: a namesake ("King James", "LeBron James", "James
  Webb telescope"), a look-alike ("a stuffed raccoon", "a poster of Milo", "a cup of
  Milo"), or a compound ("exception handler", "the boss fight"). It counts for nothing.
- BELONGS: only something of theirs is there ("James's headphones", "my plants"): they
  are not in the picture unless another mention says so.
- ABSENT: the request says they are not there, by a word before the name ("without",
  "skip", "ohne", "sans", "🚫") or by what it says of them ("is off sick", "went home",
  "stays out of it", "n'est pas là"); a list shares it ("without Milo or James").
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from agent import chat
from agent.asides import relative_clauses
from agent.clauses import away_span
from agent.lexicon import MERGED, phrase_re
from agent.mention import Mention, Status
from agent.moods import imagine
from agent.offstage import off_stage
from agent.possessive import reads_as_is
from agent.quotes import find_quotes
from agent.roles import RoleReader
from agent.slips import slipped_names, surname_slip
from agent.things import as_a_thing, window_start
from characters.sheet import Character

__all__ = ["LIST_JOIN", "Cast", "Mention", "Status", "only_these", "prepare", "scene_is_empty"]

_FLAGS = re.IGNORECASE
T = TypeVar("T")


# --- word lists that are about grammar rather than about the lab -----------------------------
def _alternation(fragments: tuple[str, ...]) -> str:
    return "|".join(f"(?:{f})" for f in fragments)


_SPEAKER_WORDS = _alternation(MERGED.me_words)
_GROUP_WORDS = _alternation(MERGED.us_words)
_MY_WORDS = re.compile(_alternation(MERGED.my_words), _FLAGS)
_BOT_WORDS = r"yourself|your|you"
_ALL_WORDS = (r"both of them|the two of them|them both|the both of them|everyone|everybody|the whole gang|"
              r"the whole crew|the whole team|all of them|beide|todos|los dos|tout le monde|les deux")
_SPEAKER_RE = re.compile(_SPEAKER_WORDS, _FLAGS)
_GROUP_RE = re.compile(_GROUP_WORDS, _FLAGS)
_ALL_RE = re.compile(_ALL_WORDS, _FLAGS)
_BODY = (r"face|head|hands?|paws?|tail|ears?|eyes?|nose|fur|back|arms?|legs?|feet|foot|belly|mouth|"
         r"smile|grin|reaction|turn|voice|whiskers|mask|own|first|last|birthday|big\s+day|shift|moment|"
         r"attempt|victory|celebration|dance|workout|nap")
_ME_NOT_THERE = (r"for|be|as|like|about|than|tell|telling|remind|ping|pinging|text|texting|call|calling|email|"
                 r"emailing|message|messaging|miss|misses|missing|waiting\s+for|waits\s+for|replacing|replaces|"
                 r"imitating|imitates|copying|mocking|dreaming\s+of|thinking\s+of|thinking\s+about")


_REQUEST = re.compile("|".join(MERGED.request_re), _FLAGS)


class Cast:
    """The characters the rules know, with their patterns compiled once (build one per planner)."""

    def __init__(self, characters: tuple[Character, ...]) -> None:
        self.characters = characters
        self.ids = tuple(c.id for c in characters)
        self.id_by_name: dict[str, str] = {}
        for character in characters:
            for name in character.names():
                self.id_by_name.setdefault(name, character.id)
        for character in characters:  # user names: "jmeadlock", "james.meadlock", "jamesm"
            for handle in _handles(character.name):
                self.id_by_name.setdefault(handle, character.id)
        for word, alias in MERGED.alias_words.items():  # "waschbär" → whoever is "raccoon"
            if alias in self.id_by_name:
                self.id_by_name.setdefault(word, self.id_by_name[alias])
        names = sorted(self.id_by_name, key=len, reverse=True)
        name_alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        # A name in a hyphenated word ("raccoon-shaped", "Milo-approved") is found too, and
        # judged a thing: it describes something else.
        self.name_pattern = re.compile(rf"(?<![\w@-])({name_alt})('s|s'|(?<=s)'(?![\w]))?(?![\w]|-(?![\w]))", _FLAGS)
        # An elided pronoun ("j'arrose") ends at its apostrophe.
        self.pronoun_pattern = re.compile(
            rf"(?<![\w'-])({_ALL_WORDS}|{_GROUP_WORDS}|{_SPEAKER_WORDS}|{_MY_WORDS.pattern}|{_BOT_WORDS})(?:(?<=')|(?![\w-]))",
            _FLAGS,
        )
        # Names proper (not "the raccoon", "handler"): a word of a character's name, or an alias
        # that does not also come with "the" (the role words do: "the handler").
        self.proper_names = frozenset(
            n for n in self.id_by_name
            if " " not in n and n.isalpha() and f"the {n}" not in self.id_by_name and n not in MERGED.alias_words
            and not any(n == a for a in MERGED.alias_words.values())
        )
        self.roles = RoleReader(characters, self.proper_names)
        # Typos are matched against the sheets' one-word names of four letters or more (not
        # another language's word for them: "jefe" must not take "Jeff").
        self.typo_targets = tuple(n for n in names if n.isalpha() and len(n) >= 4 and n not in MERGED.alias_words)
        self.typo_initials = frozenset(n[0] for n in self.typo_targets)
        self._typos: dict[str, str | None] = {}
        known = {*self.id_by_name, *MERGED.not_names, *MERGED.function_words}
        self.known_words = frozenset(w for phrase in known for w in phrase.split())
        bot = self.bot
        self.addressing = chat.addressing(bot.names() if bot else [])
        # "show me Milo …", "draw me James …": the speaker asks, and is not drawn.
        self.asking_for = re.compile(
            rf"\b(?:draw|make|show|give|send|get|paint|render|create|generate|do)\s+me(?=\s+(?:{name_alt})\b)", _FLAGS
        )
        self._readings: OrderedDict[tuple[str, str | None], Any] = OrderedDict()

    @property
    def bot(self) -> Character | None:
        return next((c for c in self.characters if c.is_bot), None)

    def by_id(self, character_id: str) -> Character:
        return next(c for c in self.characters if c.id == character_id)

    def other_than(self, character_id: str) -> str | None:
        """The one 'us' adds to the speaker: the bot, or for the bot the first human."""
        bot = self.bot
        if bot and bot.id != character_id:
            return bot.id
        return next((c.id for c in self.characters if c.id != character_id), None)

    def remember(self, key: tuple[str, str | None], make: Callable[[], T]) -> T:
        """`make()` once per key (a request's text and speaker) among the last 1,024, so
        the graph's nodes, each asking about one field, read a request only once."""
        if key in self._readings:
            return self._readings[key]
        value = make()
        self._readings[key] = value
        if len(self._readings) > 1024:
            self._readings.popitem(last=False)
        return value

    def typo_of(self, token: str) -> str | None:
        """The name `token` (lower case) is a slip of, kept per word (words repeat)."""
        if token not in self._typos:
            if len(self._typos) > 8192:
                self._typos.clear()
            self._typos[token] = _typo_of(token, self)
        return self._typos[token]

    def mentions(self, scan: str, speaker: str | None) -> list[Mention]:
        """The mentions of `scan` (text from `prepare`), each with its status."""
        return _read(scan, speaker, self)


def _handles(name: str) -> list[str]:
    """The user names a full name is written as in tickets and chat: "jmeadlock",
    "jamesmeadlock", "james.meadlock", "james_meadlock", "jamesm"."""
    parts = name.lower().split()
    if len(parts) < 2 or not all(p.isalpha() for p in parts):
        return []
    first, last = parts[0], parts[-1]
    return [first[0] + last, first + last, f"{first}.{last}", f"{first}_{last}", first + last[0]]


# --- text prepared for reading --------------------------------------------------------------


def prepare(text: str, cast: Cast, *, normalised: bool = False) -> str:
    """The request as the rules read it: chat markup gone (unless `normalised` says it
    already is), one kind of apostrophe, and the words that speak to the bot blanked (same
    length, so positions stay)."""
    if not normalised:
        text = chat.normalise(text)
    text = text.replace("’", "'").replace("‘", "'")
    if ":" in text:  # ":sleeping:" is an emoji, not a word or a clause break (":raccoon:" is Milo)
        text = _EMOJI_NAME.sub(lambda m: m.group(0) if m.group(0).lower() in cast.id_by_name else "·" * len(m.group(0)), text)
    for asking in (cast.addressing, cast.asking_for, _REQUEST):  # three small patterns beat one big one
        text = asking.sub(_blanks, text)
    return text


_EMOJI_NAME = re.compile(r"(?<![\w:]):[\w~-]{2,32}:(?![\w:])")


def _blanks(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


# --- reading --------------------------------------------------------------------------------
_WITHOUT = re.compile(
    rf"(?:^|(?<=[\s(]))(?P<neg>{phrase_re(MERGED.without)})\s*(?:(?:just|only)\s+)?(?:(?:the|a|an|any|my|our|your|his|her|el|la|le|der|die|den|o|il|lo)\s+)?$",
    _FLAGS,
)
_AND = phrase_re(MERGED.and_words)
_LIST_JOIN = re.compile(rf"^\s*,?\s*(?:{_AND})\s*(?:(?:the|a|el|la|le|der|die|o|il|lo)\s+)?$", _FLAGS)
# Public for agent/action.py, which takes out lists of names together.
LIST_JOIN = _LIST_JOIN
_EVERYONE = re.compile(rf"(?<![\w])(?:{phrase_re(MERGED.everyone)})(?![\w'])", _FLAGS)
_EMPTY = re.compile(
    "|".join([rf"(?<![\w])(?:{phrase_re(MERGED.empty_scene)})(?![\w])", *MERGED.empty_scene_re]), _FLAGS
)
_NEGATING_EMOJI = "❌✖🚫⛔❎🙅👎"
# "wishing Milo were here", "waiting for James", "texting James": missed, not drawn.
_LONGING = re.compile(
    rf"(?<![\w'])(?:{_alternation(MERGED.longing)})\s+(?:(?:the|a|an|our|my|his|her|that|dear|old|good\s+old|poor|little)\s+)?$",
    _FLAGS,
)
_CALLED_OVER = re.compile(r"^\s+(?:over|in|back|up|down|out|to\s+(?:come|help|the))(?![\w])", _FLAGS)
_WISHED_AFTER = re.compile(
    r"^\s+(?:were|was|is|could|would|will|might|can|should)(?:\s+(?:be|have|get|come|see|return|show|help))?"
    r"(?:\s+(?:back|here|there|around|up|in|along|soon|too|by|this))*(?:\s+to\s+help)?(?![\w])",
    _FLAGS,
)
_BODY_AFTER = re.compile(rf"^\s+(?:(?:own|new|little|big|tired|sleepy|left|right)\s+)?(?:{_BODY})(?![\w])", _FLAGS)
# What a thing says, unquoted: "a fortune cookie that says Milo is watching you", "a note
# saying ask James": a name or pronoun in it is text.
_SAID_TEXT = re.compile(
    r"(?<![\w'])(?:(?:that|which)\s+(?:says|reads|said|read|spells)|(?:sign|note|mug|card|cookie|banner|label|screen|"
    r"message|poster|sticker|board|caption|tag|letter|email|slide|page|headline|memo|notification|popup|pop-up|error)s?"
    r"\s+(?:saying|reading|says|reads))\s+(?P<text>[^,;.!?\n]{1,80})",
    _FLAGS,
)
_GARMENT_BEFORE = re.compile(rf"(?:{phrase_re(MERGED.garments)})\s+$", _FLAGS)  # a shirt's words are a slogan's
_PREPOSITION_BEFORE = re.compile(
    r"(?<![\w'])(?:at|to|on|onto|into|in|with|of|from|about|under|over|behind|beside|near|through|toward|towards|"
    r"like|than|by|for)\s+$",
    _FLAGS,
)
_ME_NOT_THERE_RE = re.compile(rf"(?<![\w])(?:{_ME_NOT_THERE})\s+$", _FLAGS)
_TOKEN = re.compile(r"(?<![\w'])[^\W_][\w']{2,}(?![\w])")
_GARMENT_SAYS = re.compile(
    rf"^\s+(?:new\s+)?(?:{phrase_re(MERGED.garments)})\b[^.;!?]{{0,20}}?(?:says|reads|reading|saying|should|will|:|with|that)",
    _FLAGS,
)


def _read(scan: str, speaker: str | None, cast: Cast) -> list[Mention]:
    found = _names(scan, cast) + _pronouns(scan, speaker, cast) + _typos(scan, cast)
    found += cast.roles.mentions(scan, found)
    found += slipped_names(scan, found, cast)
    found.sort(key=lambda m: m.start)
    titles = _titles(scan) + [m.span("text") for m in _SAID_TEXT.finditer(scan) if not _GARMENT_BEFORE.search(scan, 0, m.start())]
    # "James, whom we all adore, …": the one asking, in an aside, is not in the picture
    pronouns = any(m.kind == "pronoun" for m in found)
    relatives = relative_clauses(scan) if pronouns else []
    # '"You," he tells it': a pronoun inside quoted speech is the story's, not the asker or the bot
    speech = _quoted(scan) if pronouns else []
    marked = [
        replace(m, status=Status.THING)
        if any(a <= m.start < b for a, b in titles)
        or (m.kind == "pronoun" and any(a <= m.start < b for a, b in (*relatives, *speech)))
        else _judge(scan, m, found, cast)
        for m in found
    ]
    marked = imagine(scan, _absences(scan, marked))
    return _framing(scan, marked)


def _quoted(scan: str) -> list[tuple[int, int]]:
    """Every quoted phrase that is not most of the request."""
    if "'" not in scan and '"' not in scan and not any(c in scan for c in "“”«»„`"):
        return []
    letters = sum(c.isalnum() for c in scan)
    return [(q.start, q.end) for q in find_quotes(scan) if sum(c.isalnum() for c in q.text) < 0.7 * letters]


def _titles(scan: str) -> list[tuple[int, int]]:
    """Quoted phrases of more than a name: a title ("'Sweet Baby James'") or words for a
    shirt ("Have You Tried Rebooting?"); a name inside one is not a person in the picture.
    A quote that is most of the request is the request itself."""
    if "'" not in scan and '"' not in scan and not any(c in scan for c in "“”«»„`"):
        return []
    letters = sum(c.isalnum() for c in scan)
    spans = []
    for quote in find_quotes(scan):
        words = quote.text.split()
        if len(words) > 1 and sum(c.isalnum() for c in quote.text) < 0.7 * letters:
            spans.append((quote.start, quote.end))
    return spans


def _names(scan: str, cast: Cast) -> list[Mention]:
    out = []
    for match in cast.name_pattern.finditer(scan):
        key = " ".join(match.group(1).lower().split())
        mention = Mention(match.start(), match.end(), (cast.id_by_name[key],), match.group(0))
        out.append(surname_slip(scan, mention, cast) or mention if not match.group(2) else mention)
    return out


def _pronouns(scan: str, speaker: str | None, cast: Cast) -> list[Mention]:
    out = []
    for match in cast.pronoun_pattern.finditer(scan):
        word = " ".join(match.group(1).lower().split())
        if _ALL_RE.fullmatch(word):
            ids = cast.ids
        elif _SPEAKER_RE.fullmatch(word) or _MY_WORDS.fullmatch(word):
            ids: tuple[str, ...] = (speaker,) if speaker else ()
        elif _GROUP_RE.fullmatch(word):
            if speaker:
                other = cast.other_than(speaker)
                ids = (speaker, other) if other else (speaker,)
            else:
                bot = cast.bot
                human = next((c.id for c in cast.characters if not c.is_bot), None)
                ids = tuple(i for i in (human, bot.id if bot else None) if i)
        else:
            bot = cast.bot
            ids = (bot.id,) if bot else ()
        if ids:
            out.append(Mention(match.start(), match.end(), ids, match.group(0), "pronoun"))
    return out


def _typos(scan: str, cast: Cast) -> list[Mention]:
    out = []
    initials = cast.typo_initials
    for match in _TOKEN.finditer(scan):
        token = match.group(0).lower()
        if token[0] not in initials or token in cast.id_by_name or token in cast.known_words or token.endswith("'s") or (
            token.rstrip("'") in cast.id_by_name
        ):
            continue
        name = cast.typo_of(token)
        word = match.group(0)
        if name is None and token.endswith("s"):
            # "jims at the keyboard", "jimmys at the rack": "Jim's" without its apostrophe.
            stem = token.rstrip("s")
            if len(stem) >= 3 and (stem in cast.id_by_name or stem not in cast.known_words):
                name = stem if stem in cast.id_by_name else cast.typo_of(stem)
                word = f"{word[: len(stem)]}'s"
        if name is not None:
            out.append(Mention(match.start(), match.end(), (cast.id_by_name[name],), word, "typo"))
    return out


_RUN = re.compile(r"(.)\1+")


def _typo_of(token: str, cast: Cast) -> str | None:
    """The name `token` is a slip of: letters held down ("Jaaames", "Miiilo"), or one edit
    (two from seven letters) with the same first letter ("Jmes", "Mlio", "Meadlok")."""
    from rapidfuzz.distance import OSA  # ~8 ms to import; only needed once a plan is made

    distance = OSA.distance
    held = _RUN.sub(r"\1", token)
    for name in cast.typo_targets:
        if token[0] != name[0]:
            continue
        if held == _RUN.sub(r"\1", name) and held != token:
            return name
        if abs(len(token) - len(name)) > 2 or (len(token) < 4 and len(name) > 4):
            continue
        limit = 2 if len(name) >= 7 and name in cast.proper_names else 1  # "handed" is no "handler"
        if distance(token, name, score_cutoff=limit) <= limit:
            return name
    return None


def _judge(scan: str, mention: Mention, everyone: list[Mention], cast: Cast) -> Mention:
    """PRESENT, THING, BELONGS or missed (ABSENT, `wished`) for one mention (other
    absences come after, per clause)."""
    before, after = scan[window_start(scan, mention.start) : mention.start], scan[mention.end :]
    word = mention.word.lower()
    longing = _LONGING.search(before)
    if longing and not _MY_WORDS.fullmatch(word) and word not in ("your", "mine") and not _CALLED_OVER.match(after):
        wished = _WISHED_AFTER.match(after)
        end = mention.end + (wished.end() if wished else 0)
        return replace(mention, status=Status.ABSENT, kind="wished", cue=(mention.start - len(before) + longing.start(), end))
    elsewhere = off_stage(scan, mention.start - len(before), mention.start, mention.end)
    if elsewhere is not None and not _MY_WORDS.fullmatch(word):  # "leave Milo out", "before I get in"
        return replace(mention, status=Status.ABSENT, kind="wished", cue=elsewhere)
    if mention.kind == "pronoun":
        return _judge_pronoun(mention, word, before, after)
    thing = as_a_thing(scan, mention, everyone, cast)
    if thing is not None:
        return thing
    if word.endswith(("'s", "s'")):
        if _PREPOSITION_BEFORE.search(before) and not _BODY_AFTER.match(after):
            return replace(mention, status=Status.BELONGS)  # "pointing at Milo's drawing": never "at Milo is"
        if reads_as_is(after) or _BODY_AFTER.match(after) or _GARMENT_SAYS.match(after):
            return mention  # "Milo's on vacation" (is), "Milo's face", "Milo's shirt says …"
        return replace(mention, status=Status.BELONGS)
    return mention


def _judge_pronoun(mention: Mention, word: str, before: str, after: str) -> Mention:
    if word in {"your", "mine"} or _MY_WORDS.fullmatch(word):
        return mention if _BODY_AFTER.match(after) else replace(mention, status=Status.BELONGS)
    if word == "me" and _ME_NOT_THERE_RE.search(before):
        return replace(mention, status=Status.THING)
    return mention


def _absences(scan: str, mentions: list[Mention]) -> list[Mention]:
    """ABSENT for a name after "without"/"skip"/"ohne", for a list sharing it, and for every
    name of a list that a phrase after it sends away ("James and Milo went home"). Each
    carries the span of the words that say so (`cue`)."""
    out: list[Mention] = []
    previous: Mention | None = None
    for mention in mentions:
        if mention.status is Status.THING or mention.kind == "wished":
            out.append(mention)
            continue
        opened = previous.end if previous else 0
        between = scan[opened : mention.start]
        negator = _WITHOUT.search(between)
        if negator and previous is not None and _after_its_name(scan, previous, negator, opened):
            negator = None  # "James ❌ Milo ✅": the cross is James's
        if negator:
            mention = replace(mention, status=Status.ABSENT, cue=(opened + negator.start(), mention.end))
        elif previous is not None and previous.status is Status.ABSENT and _LIST_JOIN.match(between):
            mention = replace(mention, status=Status.ABSENT, cue=previous.cue)
        out.append(mention)
        previous = mention
    # Phrases after a list of names apply to each of them.
    index = 0
    while index < len(out):
        end = index
        while end + 1 < len(out) and _LIST_JOIN.match(scan[out[end].end : out[end + 1].start]):
            end += 1
        span = away_span(scan, out[end].end)
        if span is not None:
            for k in range(index, end + 1):
                if out[k].status is not Status.THING and out[k].kind != "wished":
                    out[k] = replace(out[k], status=Status.ABSENT, cue=(min(out[k].start, span[0]), span[1]))
        index = end + 1
    return out


def _after_its_name(scan: str, previous: Mention, negator: re.Match[str], offset: int) -> bool:
    """A cross right after a name and followed by a space is that name's ("James ❌ Milo ✅"),
    not the next one's ("James 🚫🦝")."""
    if negator.group("neg")[:1] not in _NEGATING_EMOJI or scan[previous.end : offset + negator.start("neg")].strip():
        return False
    rest = scan[offset + negator.end("neg") :].lstrip("\ufe0f")
    return not rest or rest[0] in " ,;.!\n"


def _framing(scan: str, mentions: list[Mention]) -> list[Mention]:
    """"a picture of Milo" opening the request asks for Milo, unless someone else is in the
    picture as well: then it is a picture on a wall ("a drawing of Milo on the whiteboard,
    James admiring it")."""
    framed = [m for m in mentions if m.kind == "framed"]
    if not framed:
        return mentions
    # "a picture of Milo and James": the list is the picture's
    mentions = list(mentions)
    for index in range(1, len(mentions)):
        previous, mention = mentions[index - 1], mentions[index]
        if previous.kind == "framed" and mention.status is Status.PRESENT and _LIST_JOIN.match(scan[previous.end : mention.start]):
            mentions[index] = replace(mention, kind="framed")
    framed = [m for m in mentions if m.kind == "framed"]
    others = any(m.status is Status.PRESENT and m.kind != "framed" for m in mentions)
    if not others:
        return mentions
    return [replace(m, status=Status.THING) if m.kind == "framed" else m for m in mentions]


_ONLY_BEFORE = re.compile(r"(?<![\w])(?<!instead of )(?<!rather than )(?<!not )(?:only|just|solo|nur|seulement|juste|solamente|solo)\s+(?:(?:the|el|la|le|der)\s+)?$", _FLAGS)
_ALONE_AFTER = re.compile(rf"^\s*,?\s*(?:{_alternation(MERGED.alone)})(?![\w])", _FLAGS)


# "the human gets the couch, alone.", "James has the desk all to himself": said at the end
# of the subject's own clause.
_ALONE_LATER = re.compile(
    r"^[^.;!?\n]{0,60}?(?:,\s*(?:all\s+)?alone|(?:all\s+)?to\s+(?:him|her|them)sel(?:f|ves)|,\s*by\s+(?:him|her)self|"
    r",\s*on\s+(?:his|her)\s+own)(?=\s*(?:[.,;!?]|$))",
    _FLAGS,
)


def _alone_later(scan: str, mention: Mention, mentions: list[Mention]) -> bool:
    alone = _ALONE_LATER.match(scan[mention.end :])
    if alone is None:
        return False
    stop = mention.end + alone.end()
    return not any(mention.end <= m.start < stop for m in mentions if m is not mention)


def only_these(scan: str, mentions: list[Mention]) -> set[str] | None:
    """"only Milo", "just James and Milo", "nur Milo", "James alone", "Milo, by himself",
    "moi seul": the ids the request keeps to, or None."""
    kept: set[str] = set()
    previous: Mention | None = None
    for index, mention in enumerate(mentions):
        between = scan[previous.end if previous else 0 : mention.start]
        if mention.status is Status.PRESENT and (
            _ONLY_BEFORE.search(between)
            or (previous is not None and previous.ids[0] in kept and _LIST_JOIN.match(between))
        ):
            kept.update(mention.ids)
        if mention.status is Status.PRESENT and (_ALONE_AFTER.match(scan[mention.end :]) or _alone_later(scan, mention, mentions)):
            kept.update(mention.ids)
            first = index
            while first > 0 and mentions[first - 1].status is Status.PRESENT and _LIST_JOIN.match(
                scan[mentions[first - 1].end : mentions[first].start]
            ):
                first -= 1
                kept.update(mentions[first].ids)
        previous = mention
    return kept or None


def scene_is_empty(scan: str) -> bool:
    """"nobody", "not a soul", "everyone went home", "niemand", "vide"."""
    return bool(_EMPTY.search(scan)) or any(away_span(scan, m.end()) is not None for m in _EVERYONE.finditer(scan))
