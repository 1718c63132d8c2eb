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
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, TypeVar

from agent import chat
from agent.clauses import says_away
from agent.lexicon import MERGED, phrase_re
from agent.possessive import reads_as_is
from agent.quotes import find_quotes
from characters.sheet import Character

_FLAGS = re.IGNORECASE
T = TypeVar("T")


class Status(Enum):
    PRESENT = "present"
    THING = "thing"
    BELONGS = "belongs"
    ABSENT = "absent"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ids: tuple[str, ...]
    word: str
    kind: str = "name"  # name | pronoun | typo
    status: Status = Status.PRESENT


# --- word lists that are about English grammar rather than about the lab ---------------------
_SPEAKER_WORDS = r"myself|mine|my|me|i"
_GROUP_WORDS = r"both of us|the two of us|ourselves|us|we"
_BOT_WORDS = r"yourself|your|you"
_ALL_WORDS = (r"both of them|the two of them|them both|the both of them|everyone|everybody|the whole gang|"
              r"the whole crew|the whole team|all of them|beide|todos|los dos|tout le monde|les deux")
_BODY = (r"face|head|hands?|paws?|tail|ears?|eyes?|nose|fur|back|arms?|legs?|feet|foot|belly|mouth|"
         r"smile|grin|reaction|turn|voice|whiskers|mask|own|first|last|birthday|big\s+day|shift|moment|"
         r"attempt|victory|celebration|dance|workout|nap")
_TITLES = (r"king|queen|saint|st\.?|san|santa|prince|princess|lord|sir|lady|pope|emperor|president|"
           r"general|captain|agent|uncle|aunt|brother|sister|father|mother")
_THING_BEFORE = (
    r"stuffed|toy|plush|plushie|rubber|cardboard|lego|plastic|paper|inflatable|wooden|fake|ceramic|"
    r"printed|3d-printed|origami|knitted|crocheted|chocolate|robot|robotic|animatronic|exception|"
    r"error|event|signal|interrupt|request|crash|click|file|message|callback|exit|key|route|http|api|"
    r"default|custom|sigint|sigterm|webhook|job|task|log|logging|packet|baggage|luggage|dog|animal|"
    r"wild|real|other|neighbou?r'?s|neighborhood|neighbourhood"
)
_CONTAINER = r"cup|mug|glass|tin|can|jar|box|bottle|packet|pack|bag|spoon|spoonful|sachet|tub|carton|scoop"
_DEPICTION = (
    r"photo|photograph|poster|portrait|painting|statue|cutout|cut-out|figurine|plushie|plush|sticker|"
    r"meme|toy|doll|model|print|doodle|sculpture|hologram|mask|costume|video|clip|gif|emoji|tattoo|"
    r"mural|picture|pic|drawing|image|sketch|cartoon|illustration|biography|book|documentary|comic|"
    r"movie|film|song|article|story|fanart|fan art|selfie|reflection|shadow|impression|imitation|"
    r"impersonation|cosplay|bobblehead|plushy|replica|mockup|avatar|caricature|silhouette|puppet|"
    r"watercolou?r|tapestry|canvas|bust|engraving|etching|woodcut|mosaic|collage|carving|artwork|art\s+print|"
    r"rendering|likeness|effigy|plaque|decal|patch|badge|stamp|coin|postcard|card|screensaver|wallpaper|"
    r"figure|action\s+figure|lithograph|sculpture|cameo|snapshot|polaroid|headshot|mugshot|icon|logo|"
    r"🖼️|🖼|📷|📸|🧸"
)
# Words that may stand between "a painting of" and the one painted ("of two sleepy raccoons").
_DEPICTED_WORDS = (
    r"the|a|an|our|my|his|her|their|good\s+old|one|two|three|four|five|several|some|many|tiny|little|"
    r"small|big|giant|cute|sleepy|angry|happy|grumpy|chubby|smiling|dancing|famous|wild|baby|young|old|"
    r"cartoon|cartoonish|fat|fluffy|cheeky|majestic|heroic|proud|noble|regal|vintage|classic"
)
_FRAMING = r"picture|pic|drawing|image|sketch|cartoon|illustration|comic|painting|portrait|doodle|scene|render"
_THING_AFTER = (
    r"plushie|plushy|plush|toy|sticker|meme|poster|mug|statue|figurine|doll|costume|mask|logo|emoji|icon|"
    r"gif|keychain|magnet|pillow|cutout|cut-out|balloon|onesie|fanart|highlights|documentary|biography|"
    r"bible|telescope|chocolate|powder|drink|cereal|milkshake|bobblehead|plushies|stickers|posters|"
    r"figurines|merch|tote|hat|cap|socks|lamp|calendar|screensaver|wallpaper|replica|t-shirt|tshirt|"
    r"shirt|tee|hoodie|jersey|sweater|brand|fan\s+club|fanclub|shaped|themed|print|patterned|pattern|"
    r"branded|style|motif|design|cookie\s+jar|jar|ornament|decoration|pyjamas|pajamas|slippers|onesie"
)
_ME_NOT_THERE = (r"for|be|as|like|about|than|tell|telling|remind|ping|pinging|text|texting|call|calling|email|"
                 r"emailing|message|messaging|miss|misses|missing|waiting\s+for|waits\s+for|replacing|replaces|"
                 r"imitating|imitates|copying|mocking|dreaming\s+of|thinking\s+of|thinking\s+about")
_REQUEST_WORDS = (r"draw|make|show|give|paint|render|create|generate|do|send|sketch|illustrate|"
                  r"a|an|the|one|another|quick|little|new|cute|funny|nice|me|us|of|please|pls|hey|"
                  r"zeichne|dibuja|dessine|mir|moi")


class Cast:
    """The characters the rules know, with their patterns compiled once (build one per planner)."""

    def __init__(self, characters: tuple[Character, ...]) -> None:
        self.characters = characters
        self.ids = tuple(c.id for c in characters)
        self.id_by_name: dict[str, str] = {}
        for character in characters:
            for name in character.names():
                self.id_by_name.setdefault(name, character.id)
        for word, alias in MERGED.alias_words.items():  # "waschbär" → whoever is "raccoon"
            if alias in self.id_by_name:
                self.id_by_name.setdefault(word, self.id_by_name[alias])
        names = sorted(self.id_by_name, key=len, reverse=True)
        name_alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
        # A name in a hyphenated word ("raccoon-shaped", "Milo-approved") is found too, and
        # judged a thing: it describes something else.
        self.name_pattern = re.compile(rf"(?<![\w@-])({name_alt})('s|s')?(?![\w]|-(?![\w]))", _FLAGS)
        self.pronoun_pattern = re.compile(
            rf"(?<![\w'-])({_ALL_WORDS}|{_GROUP_WORDS}|{_SPEAKER_WORDS}|{_BOT_WORDS})(?![\w-])", _FLAGS
        )
        # Names proper (not "the raccoon", "handler"): a word of a character's name, or an alias
        # that does not also come with "the" (the role words do: "the handler").
        self.proper_names = frozenset(
            n for n in self.id_by_name
            if " " not in n and n.isalpha() and f"the {n}" not in self.id_by_name and n not in MERGED.alias_words
            and not any(n == a for a in MERGED.alias_words.values())
        )
        # Typos are matched against the sheets' one-word names of four letters or more (not
        # another language's word for them: "jefe" must not take "Jeff").
        self.typo_targets = tuple(n for n in names if n.isalpha() and len(n) >= 4 and n not in MERGED.alias_words)
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

    def mentions(self, scan: str, speaker: str | None) -> list[Mention]:
        """The mentions of `scan` (text from `prepare`), each with its status."""
        return _read(scan, speaker, self)


# --- text prepared for reading --------------------------------------------------------------
_REQUEST = re.compile("|".join(MERGED.request_re), _FLAGS)


def prepare(text: str, cast: Cast) -> str:
    """The request as the rules read it: chat markup gone, one kind of apostrophe, and the
    words that speak to the bot blanked (same length, so positions stay)."""
    text = chat.normalise(text).replace("’", "'").replace("‘", "'")
    text = _blank(text, cast.addressing)
    text = _blank(text, cast.asking_for)
    return _blank(text, _REQUEST)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


# --- reading --------------------------------------------------------------------------------
_WITHOUT = re.compile(rf"(?:^|(?<=[\s(]))(?:{phrase_re(MERGED.without)})\s*(?:(?:the|a|an|any|my|our|your|his|her|el|la|le|der|die|den)\s+)?$", _FLAGS)
_AND = phrase_re(MERGED.and_words)
_LIST_JOIN = re.compile(rf"^\s*,?\s*(?:{_AND})\s*(?:(?:the|a|el|la|le|der|die)\s+)?$", _FLAGS)
# Public for agent/action.py, which takes out what these put aside.
WITHOUT_BEFORE = _WITHOUT
LIST_JOIN = _LIST_JOIN
# "James II", "James I of England": a king.
REGNAL_AFTER = re.compile(r"^\s+(?-i:(?:II|III|IV|V|VI|VII|VIII|IX)(?![\w'])|I(?=\s+of\s|\s*$|\s*[,;.]))")
_EVERYONE = re.compile(rf"(?<![\w])(?:{phrase_re(MERGED.everyone)})(?![\w'])", _FLAGS)
_EMPTY = re.compile(
    "|".join([rf"(?<![\w])(?:{phrase_re(MERGED.empty_scene)})(?![\w])", *MERGED.empty_scene_re]), _FLAGS
)
_TITLE_BEFORE = re.compile(rf"(?<![\w])(?:{_TITLES}|{phrase_re(MERGED.namesake_before)})\s+$", _FLAGS)
_NAMESAKE_AFTER = re.compile(rf"^\s+(?:{phrase_re(MERGED.namesake_after)})(?![\w])", _FLAGS)
_INDEFINITE_BEFORE = re.compile(r"(?<![\w])(?:a|an)\s+$", _FLAGS)
_CONSUMED_BEFORE = re.compile(
    r"(?<![\w])(?:drinks?|drinking|sips?|sipping|ha(?:s|ve|ving|d)|orders?|ordering|makes?|making|pours?|"
    r"pouring|grabs?|grabbing|buys?|buying|enjoys?|enjoying|mixing|mixes)\s+(?:a|an|some)\s+$",
    _FLAGS,
)
_ON_A_SCREEN = re.compile(
    r"^\s+on\s+(?:his|her|the|a|my|their|your)\s+(?:screen|phone|monitor|tv|display|tablet|laptop|poster|mug)s?(?![\w])",
    _FLAGS,
)
_DEPICTION_AFTER = re.compile(r"^\s+(?:drawing|doodle|sketch|painting|print|picture|photo|cartoon)s?(?![\w])", _FLAGS)
_THING_BEFORE_RE = re.compile(rf"(?<![\w])(?:{_THING_BEFORE})[\s-]+$", _FLAGS)
_CONTAINER_BEFORE = re.compile(rf"(?<![\w])(?:{_CONTAINER})s?\s+of\s+(?:(?:hot|cold|iced|warm|some|the)\s+)?$", _FLAGS)
_DEPICTION_BEFORE = re.compile(rf"(?<![\w])(?P<noun>{_DEPICTION})s?\s+of\s+(?:(?:{_DEPICTED_WORDS})\s+){{0,3}}$", _FLAGS)
# "a mug with a raccoon printed on it", "a t-shirt with Milo on it": a picture on a thing.
_PRINTED_AFTER = re.compile(
    r"^\s+(?:(?:printed|drawn|painted|stitched|embroidered|pictured|depicted|engraved|etched|stamped|sketched|"
    r"doodled|scribbled|stencil+ed|screen-?printed|tattooed)(?![\w])|on\s+(?:it|them|its?\s+(?:front|side|lid)|the\s+(?:front|back|side|lid|label))(?![\w]))",
    _FLAGS,
)
_PRINTED_WORDS_AFTER = re.compile(r"^\s+on\s+(?:it|them)(?![\w])", _FLAGS)
_WITH_BEFORE = re.compile(r"(?<![\w])with\s+$", _FLAGS)

_FRAMING_NOUN = re.compile(rf"^(?:{_FRAMING})$", _FLAGS)
_FRAMING_LEAD = re.compile(rf"^[\W_]*(?:(?:{_REQUEST_WORDS})\b[\W_]*)*$", _FLAGS)
_THING_AFTER_RE = re.compile(rf"^[\s`'\"*-]*(?:{_THING_AFTER})(?![\w])", _FLAGS)
_BODY_AFTER = re.compile(rf"^\s+(?:(?:own|new|little|big|tired|sleepy|left|right)\s+)?(?:{_BODY})(?![\w])", _FLAGS)
_ME_NOT_THERE_RE = re.compile(rf"(?<![\w])(?:{_ME_NOT_THERE})\s+$", _FLAGS)
_NEXT_WORD = re.compile(r"^ ([^\W\d_][\w'.-]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w'.-]*) $")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(]\s*)$")
_TOKEN = re.compile(r"(?<![\w'])[^\W_][\w']{2,}(?![\w])")
_GARMENT_SAYS = re.compile(
    rf"^\s+(?:new\s+)?(?:{phrase_re(MERGED.garments)})\b[^.;!?]{{0,20}}?(?:says|reads|reading|saying|should|will|:|with|that)",
    _FLAGS,
)


def _read(scan: str, speaker: str | None, cast: Cast) -> list[Mention]:
    found = _names(scan, cast) + _pronouns(scan, speaker, cast) + _typos(scan, cast)
    found.sort(key=lambda m: m.start)
    titles = _titles(scan)
    marked = [
        replace(m, status=Status.THING) if any(a <= m.start < b for a, b in titles) else _judge(scan, m, found, cast)
        for m in found
    ]
    marked = _absences(scan, marked)
    return _framing(scan, marked)


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
        out.append(Mention(match.start(), match.end(), (cast.id_by_name[key],), match.group(0)))
    return out


def _pronouns(scan: str, speaker: str | None, cast: Cast) -> list[Mention]:
    out = []
    for match in cast.pronoun_pattern.finditer(scan):
        word = " ".join(match.group(1).lower().split())
        if re.fullmatch(_ALL_WORDS, word):
            ids = cast.ids
        elif re.fullmatch(_SPEAKER_WORDS, word):
            ids: tuple[str, ...] = (speaker,) if speaker else ()
        elif re.fullmatch(_GROUP_WORDS, word):
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
    from rapidfuzz.distance import OSA  # ~8 ms to import; only needed once a plan is made

    out = []
    for match in _TOKEN.finditer(scan):
        token = match.group(0).lower()
        if token in cast.id_by_name or token in cast.known_words or token.endswith("'s"):
            continue
        name = _typo_of(token, cast, OSA.distance)
        word = match.group(0)
        if name is None and token.endswith("s"):
            # "jims at the keyboard", "jimmys at the rack": "Jim's" without its apostrophe.
            stem = token.rstrip("s")
            if len(stem) >= 3 and (stem in cast.id_by_name or stem not in cast.known_words):
                name = stem if stem in cast.id_by_name else _typo_of(stem, cast, OSA.distance)
                word = f"{word[: len(stem)]}'s"
        if name is not None:
            out.append(Mention(match.start(), match.end(), (cast.id_by_name[name],), word, "typo"))
    return out


_RUN = re.compile(r"(.)\1+")


def _typo_of(token: str, cast: Cast, distance: Callable[..., float]) -> str | None:
    """The name `token` is a slip of: letters held down ("Jaaames", "Miiilo"), or one edit
    (two from seven letters) with the same first letter ("Jmes", "Mlio", "Meadlok")."""
    held = _RUN.sub(r"\1", token)
    for name in cast.typo_targets:
        if token[0] != name[0]:
            continue
        if held == _RUN.sub(r"\1", name) and held != token:
            return name
        if abs(len(token) - len(name)) > 2 or (len(token) < 4 and len(name) > 4):
            continue
        limit = 2 if len(name) >= 7 else 1
        if distance(token, name, score_cutoff=limit) <= limit:
            return name
    return None


def _judge(scan: str, mention: Mention, everyone: list[Mention], cast: Cast) -> Mention:
    """PRESENT, THING or BELONGS for one mention (absences come after, per clause)."""
    before, after = scan[: mention.start], scan[mention.end :]
    word = mention.word.lower()
    if mention.kind == "pronoun":
        return _judge_pronoun(mention, word, before, after)
    if after.startswith("-") or _TITLE_BEFORE.search(before) or _THING_BEFORE_RE.search(before) or _CONTAINER_BEFORE.search(before):
        return replace(mention, status=Status.THING)
    if REGNAL_AFTER.match(after) or (_WITH_BEFORE.search(before) and _PRINTED_WORDS_AFTER.match(after)) or (
        _INDEFINITE_BEFORE.search(before) and _PRINTED_AFTER.match(after)
    ):  # "James II", "a shirt with Milo on it", "a mug with a raccoon printed on it"
        return replace(mention, status=Status.THING)
    if (_THING_AFTER_RE.match(after) or _NAMESAKE_AFTER.match(after)) and not word.endswith("'s"):
        return replace(mention, status=Status.THING)
    if (_INDEFINITE_BEFORE.search(before) and _DEPICTION_AFTER.match(after)) or (
        _CONSUMED_BEFORE.search(before) and word in cast.proper_names
    ):  # "a raccoon drawing on the board", "drinking a Milo": not our Milo
        return replace(mention, status=Status.THING)
    if _ON_A_SCREEN.match(after):  # "James at the desk with Milo on his screen"
        return replace(mention, kind="framed")
    depiction = _DEPICTION_BEFORE.search(before)
    if depiction:
        framing = _FRAMING_NOUN.match(depiction.group("noun")) and _FRAMING_LEAD.match(before[: depiction.start()])
        return replace(mention, kind="framed" if framing else mention.kind, status=Status.PRESENT if framing else Status.THING)
    if _namesake(scan, mention, cast):
        return replace(mention, status=Status.THING)
    if word.startswith("the ") and " " not in word[4:].strip() and _compound_noun_follows(after):
        return replace(mention, status=Status.THING)
    if word.endswith(("'s", "s'")):
        if reads_as_is(after) or _BODY_AFTER.match(after) or _GARMENT_SAYS.match(after):
            return mention  # "Milo's on vacation" (is), "Milo's face", "Milo's shirt says …"
        return replace(mention, status=Status.BELONGS)
    return mention


def _judge_pronoun(mention: Mention, word: str, before: str, after: str) -> Mention:
    if word in {"my", "your", "mine"}:
        return mention if _BODY_AFTER.match(after) else replace(mention, status=Status.BELONGS)
    if word == "me" and _ME_NOT_THERE_RE.search(before):
        return replace(mention, status=Status.THING)
    return mention


def _namesake(scan: str, mention: Mention, cast: Cast) -> bool:
    """A capitalised word right beside the name that is neither a small word nor another of
    our names ("LeBron James", "James Webb", "Jim Beam"): someone else. Only in mixed case."""
    letters = [c for c in scan if c.isalpha()]
    if not letters or all(c.isupper() for c in letters) or mention.kind == "typo":
        return False
    prev = _PREV_WORD.search(scan[: mention.start])
    if prev and _capitalised_stranger(prev.group(1), cast) and not _SENTENCE_START.search(scan[: prev.start()]):
        return True
    nxt = _NEXT_WORD.match(scan[mention.end :])
    return bool(nxt and _capitalised_stranger(nxt.group(1), cast))


def _capitalised_stranger(word: str, cast: Cast) -> bool:
    bare = word.rstrip(".").removesuffix("'s")
    if not bare or not bare[0].isupper() or bare.isupper():
        return False
    lower = bare.lower()
    return lower not in cast.known_words and lower not in cast.id_by_name


def _compound_noun_follows(after: str) -> bool:
    """"the human brain", "the boss fight": the alias is used as a modifier of a noun."""
    nxt = re.match(r"^ ([a-z][a-z-]+)(?![\w'])", after)
    if not nxt:
        return False
    word = nxt.group(1)
    return word not in MERGED.function_words and not word.endswith(("ing", "ed", "s", "ly"))


def _absences(scan: str, mentions: list[Mention]) -> list[Mention]:
    """ABSENT for a name after "without"/"skip"/"ohne", for a list sharing it, and for every
    name of a list that a phrase after it sends away ("James and Milo went home")."""
    out: list[Mention] = []
    previous: Mention | None = None
    for mention in mentions:
        if mention.status in (Status.THING,):
            out.append(mention)
            continue
        between = scan[previous.end if previous else 0 : mention.start]
        negated = bool(_WITHOUT.search(between)) or bool(
            previous and previous.status is Status.ABSENT and _LIST_JOIN.match(between)
        )
        out.append(replace(mention, status=Status.ABSENT) if negated else mention)
        previous = out[-1]
    # Phrases after a list of names apply to each of them.
    index = 0
    while index < len(out):
        end = index
        while end + 1 < len(out) and _LIST_JOIN.match(scan[out[end].end : out[end + 1].start]):
            end += 1
        if says_away(scan, out[end].end):
            for k in range(index, end + 1):
                if out[k].status is not Status.THING:
                    out[k] = replace(out[k], status=Status.ABSENT)
        index = end + 1
    return out


def _framing(scan: str, mentions: list[Mention]) -> list[Mention]:
    """"a picture of Milo" opening the request asks for Milo, unless someone else is in the
    picture as well: then it is a picture on a wall ("a drawing of Milo on the whiteboard,
    James admiring it")."""
    framed = [m for m in mentions if m.kind == "framed"]
    if not framed:
        return mentions
    others = any(m.status is Status.PRESENT and m.kind != "framed" for m in mentions)
    if not others:
        return mentions
    return [replace(m, status=Status.THING) if m.kind == "framed" else m for m in mentions]


_ONLY_BEFORE = re.compile(r"(?<![\w])(?:only|just|solo|nur|seulement|juste|solamente|solo)\s+(?:(?:the|el|la|le|der)\s+)?$", _FLAGS)


def only_these(scan: str, mentions: list[Mention]) -> set[str] | None:
    """"only Milo", "just James and Milo", "nur Milo": the ids the request keeps to, or None."""
    kept: set[str] = set()
    previous: Mention | None = None
    for mention in mentions:
        between = scan[previous.end if previous else 0 : mention.start]
        if mention.status is Status.PRESENT and (
            _ONLY_BEFORE.search(between)
            or (previous is not None and previous.ids[0] in kept and _LIST_JOIN.match(between))
        ):
            kept.update(mention.ids)
        previous = mention
    return kept or None


def scene_is_empty(scan: str) -> bool:
    """"nobody", "not a soul", "everyone went home", "niemand", "vide"."""
    return bool(_EMPTY.search(scan)) or any(says_away(scan, m.end()) for m in _EVERYONE.finditer(scan))
