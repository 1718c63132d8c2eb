"""The slogan a request asks for, and whose shirt it is meant for.

Quoted text (any quote style, see `agent.quotes`) is a slogan when a garment word is tied
to it: "a shirt that says “Yes, it's prod”", "a «Ceci n'est pas un bug» shirt", "'LGTM'
printed on his chest", "T-Shirt mit der Aufschrift „…“", "camiseta que dice '…'". Without
quotes: "t-shirt: Cardio is my cron job", "his chest reads: ssh is love", "a shirt saying
Works on my GPU at the bike" (up to where the scene goes on), "a RTFM tee" (capitals only).
Text on a sign, a mug or the whiteboard is not a slogan. The owner is the character whose
garment it is ("James's tee", "James wearing a … shirt"); None when the request does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.lexicon import MERGED, phrase_re
from agent.mentions import Cast, Mention, Status
from agent.quotes import find_quotes
from agent.stage import names_a_wall_in

_FLAGS = re.IGNORECASE
_MARK = "\ue000"  # stands for a quoted phrase in the skeleton
_GARMENT = rf"(?:{phrase_re(MERGED.garments)})"
_ANY_GARMENT = re.compile(rf"(?<![\w]){_GARMENT}|motto", _FLAGS)
_LINK = rf"(?:{phrase_re(MERGED.shirt_links)})"
# "on", "printed on", "written across", "in big letters on the front of"
_ON = (rf"(?:{phrase_re(MERGED.on_garment)}|(?:(?:printed|written|emblazoned|stitched|embroidered|scrawled|painted|"
       rf"stencil+ed|spelled\s+out|in\s+(?:big|bold|large)\s+letters)\s+)?(?:on|across|over|along)(?:\s+the\s+front\s+of)?)")
_SAYS = (r"(?:(?:that|which)\s+)?(?:says|reads|reading|saying|should\s+(?:say|read)|will\s+say|must\s+say|say|read|:|"
         r"with\s+the\s+(?:words?|text|slogan)|text|"
         r"que\s+dice|que\s+pone|dice|pone|mit\s+der\s+aufschrift|mit\s+aufschrift|sagt|avec\s+écrit|écrit|marqué|dit)\s*:?")
# What a garment says, a few words after it ("… bears the words", "… could talk it would say").
_SAYS_LATER = (r"says|say|read|reads|written|printed|bears|bear|bearing|carries|carry|carrying|displays|spells|proclaims|"
               r"declares|->|=>|→")
# "today", "now" between a garment and what it says
_WHEN = r"(?:\s+(?:today|now|still|again|here|too|this\s+time|heute|jetzt|hoy|aujourd'hui))?"
_OWNER = r"(?:(?:his|her|its|their|the|a|an|my|your|[\w]+'s|[\w]+s')\s+)?(?:(?:new|old|favourite|favorite|black|white|grey|gray|dark|lucky)\s+)?"
# A dot, "!" or "?" ends it only before a space ("127.0.0.1", "node.js" go on).
_END = (
    r"(?=\s*(?:[.;!?](?=\s|$)|\n|\s[—–-]\s|$)|\s+(?:while|at\s+(?:the|his|her|a|an)|by\s+the|next\s+to|near\s+the|"
    r"beside|in\s+front\s+of|and\s+(?:he|she|then|put|make|have|let|draw|show|give|place|it|his|her|him)|as\s+he|"
    r"(?:for|on|with|and|but|while|as)\s+(?:{names}))\b)"
)


@dataclass(frozen=True)
class SloganAsk:
    text: str
    owner: str | None  # character id whose garment carries it; None: not said
    start: int  # where the request for it starts and ends in the prepared text
    end: int
    garment: tuple[int, int] = (0, 0)  # where the garment word is ("shirt", "chest")
    words_at: tuple[int, int] = (0, 0)  # where the slogan's own words are (quotes included)


class SloganReader:
    """Patterns built once per cast (the end of an unquoted slogan may be a name: "… for Milo")."""

    def __init__(self, cast: Cast) -> None:
        names = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(cast.id_by_name, key=len, reverse=True))
        end = _END.format(names=names)
        # "for Milo", "for the raccoon", "on Milo", "for him" between a garment and its text
        _FOR = rf"(?:\s+(?:for\s+(?P<for>(?:the\s+)?[\w]+)|(?:on|of|do|da|di|del|della|dello|de|du|von|vom)\s+(?P<on>{names}|him)(?![\w])))?{_WHEN}"
        self.names = re.compile(rf"(?<![\w])(?:{names})(?![\w])", _FLAGS)
        self.patterns = (
            # shirt that says "X", T-Shirt mit der Aufschrift „X“, slogan: "X", hoodie for Milo: "X"
            re.compile(rf"(?P<g>{_GARMENT}){_FOR}\s*,?(?:\s*(?:{_LINK}))*\s*[:\-–—]?\s*(?P<q>{_MARK})", _FLAGS),
            # a "X" shirt
            re.compile(rf"(?P<q>{_MARK})[\s-]+(?P<g>{_GARMENT})(?![\w])", _FLAGS),
            # a few words between the garment and what it says: "Milo's shirt, white against the dark suit,
            # bears the words 'X'", "shirt should, if possible, say 'X'", "If there's a shirt, make it say 'X'"
            re.compile(rf"(?P<g>{_GARMENT})(?P<gap>(?:(?!\s(?:and|while|as)\s)[^.!?;\n{_MARK}]){{1,70}}?)(?<![\w'])"
                       rf"(?:{_SAYS_LATER})(?:\s+(?:the\s+)?(?:words?|phrase|text|slogan|motto|message|legend))?\s*:?\s*"
                       rf"(?P<q>{_MARK})", _FLAGS),
            # "X" printed on his chest
            re.compile(rf"(?P<q>{_MARK})\s+(?:(?:is\s+)?(?:{_ON})\s+)?{_OWNER}(?P<g>{_GARMENT})(?![\w])", _FLAGS),
            # shirt says X / t-shirt: X / hoodie for Milo: X (no quotes; up to where the scene goes on)
            re.compile(rf"(?P<g>{_GARMENT}){_FOR}\s*{_SAYS}\s*(?P<u>[^\s{_MARK}][^{_MARK}\n]{{0,60}}?){end}", _FLAGS),
            # a RTFM tee, PEBKAC printed on his chest (capitals only)
            re.compile(rf"(?<![\w'])(?P<u>(?:[A-Z0-9♥❤][A-Z0-9!?'-]*\s+){{0,4}}[A-Z][A-Z0-9!?'-]+)\s+"
                       rf"(?:(?:(?:printed|written|emblazoned)\s+)?(?:on|across)\s+{_OWNER})?(?P<g>{_GARMENT})(?![\w])"),
            # a shirt with 42 on it, a tee with RTFM on the front (digits or capitals only)
            re.compile(rf"(?P<g>{_GARMENT})\s+with\s+(?P<u>(?:[A-Z0-9][A-Z0-9!?.%'-]*\s+){{0,4}}[A-Z0-9][A-Z0-9!?.%'-]*)\s+"
                       rf"(?:printed\s+|written\s+)?on\s+(?:it|the\s+(?:front|back|chest))(?![\w])"),
            # with sudo make me a sandwich printed on his chest
            re.compile(rf"(?:\bwith|\bwearing|,|^)\s+(?P<u>(?:[^,.;!?{_MARK}]|\.(?=\S)){{1,48}}?)\s+(?:printed|written|emblazoned)\s+"
                       rf"(?:on|across)\s+{_OWNER}(?P<g>{_GARMENT})(?![\w])", _FLAGS),
            # with the words Not My Department on his chest
            re.compile(rf"(?:\bwith|\bwearing|\bbearing|\bshowing|\bput|\bprint|\bwrite|\bpaint|\bstick|\badd)\s+(?:the\s+)?"
                       rf"(?:words?|text|slogan|phrase|motto|message|caption)"
                       rf"\s+(?P<u>(?:[^,.;!?{_MARK}]|\.(?=\S)){{1,60}}?)\s+{_ON}\s+{_OWNER}(?P<g>{_GARMENT})(?![\w])", _FLAGS),
            # wearing the slogan Blame The Cache (a capital first: "the slogan of the day" is not one)
            re.compile(rf"(?:\bwearing|\bwith|\bin|\bsporting)\s+(?:the|a|his|her)\s+(?P<g>slogan|motto)\s+"
                       rf"(?P<u>(?-i:[A-Z0-9])[^{_MARK}\n]{{0,60}}?){end}", _FLAGS),
        )

    def _scene_cut(self, flat: str, start: int, words: str) -> str:
        """An unquoted slogan (`words`, at `start` in `flat`) ends at a comma after which the
        scene goes on: someone named ("RTFM, James on the bike"), a wall named in lower case
        ("Coffee First, watering the plants", "Works On My Machine, workbench scene"), or
        lower-case words after a slogan in title case ("Ask Me About Vim, pointing at …"); not
        at a comma inside it ("Yes, it's prod", "Null Pointer, Full Heart")."""
        title = _TITLE_THEN_LOWER.match(words)  # "Out Of Office draped on the chair"
        if title:
            words = words[: title.end("title")]
        match = _SCENE_GOES_ON.search(words)
        for comma in _COMMA_REST.finditer(flat, start, start + (match.start() if match else len(words))):
            rest = comma.group("rest")
            said = flat[start : comma.start()]
            title_case = len(_CAPITALISED.findall(said)) >= 2 and not _LOWER_WORD.search(said)
            if self.names.search(rest) or (rest[:1].islower() and (names_a_wall_in(rest) or title_case)):
                return words[: comma.start() - start]
        return words[: match.start()] if match else words

    def find(self, text: str, mentions: list[Mention], speaker: str | None, cast: Cast) -> SloganAsk | None:
        """The first slogan the text asks for (by position), with its owner."""
        if not _ANY_GARMENT.search(text):  # most requests ask for no shirt: one search, not eight
            return None
        quotes = find_quotes(text)
        skeleton = list(text)
        by_mark: dict[int, str] = {}
        for quote in quotes:
            skeleton[quote.start : quote.end] = [_MARK] + [" "] * (quote.end - quote.start - 1)
            by_mark[quote.start] = quote.text
        flat = "".join(skeleton)
        shouting = not any(c.islower() for c in text)
        best: tuple[int, re.Match[str]] | None = None
        for index, pattern in enumerate(self.patterns):
            if index >= 5 and shouting:
                continue
            match = pattern.search(flat)
            if match and (best is None or match.start() < best[1].start()):
                best = (index, match)
        if best is None:
            return None
        match = best[1]
        if any(a <= match.start("g") < b for a, b in plain_panel(text)):
            return None  # "Milo minus the shirt text today": the words say there is none
        if match.groupdict().get("q") is not None:
            words = by_mark[match.start("q")]
            end = match.end("q")
            end = next((q.end for q in quotes if q.start == match.start("q")), end)
            words_at = (match.start("q"), end)
        else:
            cut = self._scene_cut(flat, match.start("u"), match.group("u"))
            lead = _WORDS_FOR.match(cut)  # "with the text 99.9% Uptime printed on …"
            words = cut[lead.end() if lead else 0 :].strip(" \t\"'*`.,;:")
            end = match.start("u") + len(cut)
            words_at = (match.start("u") + (lead.end() if lead else 0), end)
        if not words:
            return None
        start = min(match.start(), match.start("g"))
        end = max(end, match.end("g"))
        owner = _owner(flat, match.start("g"), match.end(), mentions, speaker, cast)
        named_for = match.groupdict().get("for") or match.groupdict().get("on")
        if named_for is None and match.groupdict().get("gap"):  # "the shirt on Milo bears the words …"
            on = _ON_SOMEONE.search(match.group("gap"))
            named_for = on.group("who") if on else None
        if named_for and " ".join(named_for.lower().split()) in cast.id_by_name:
            owner = cast.id_by_name[" ".join(named_for.lower().split())]
        return SloganAsk(words, owner, start, end, (match.start("g"), match.end("g")), words_at)


# A shirt asked to carry no text: "without any shirt text", "no slogan on his shirt today",
# "just the plain panel", "blank chest panel, no words".
_NO_SLOGAN = re.compile(
    r"(?<![\w'])(?:(?:with|wearing|in)\s+)?(?:(?:just|only)\s+)?(?:(?:without|minus|no|sans|ohne|sin|senza|sem|w/o|skip|drop|lose)\s+"
    r"(?:any\s+|a\s+|the\s+|his\s+)?(?:(?:shirt|tee|t-shirt|chest)\s+(?:text|slogan|writing|words|print|lettering)|slogan|motto|"
    r"(?:text|words|writing|lettering|letters)(?=\s+on\s+(?:his|the|its)\s+(?:shirt|chest|panel|tee|t-shirt|front)))"
    r"(?:\s+on\s+(?:his|the|its)\s+(?:shirt|chest|panel|tee|t-shirt|front))?"
    r"|(?:the\s+|a\s+|his\s+)?(?:blank|plain|empty|bare)\s+(?:white\s+)?(?:chest\s+)?(?:panel|shirt|tee|t-shirt|chest))"
    r"(?:\s*,?\s*no\s+(?:words|text|slogan|writing))?(?:\s+(?:today|now|please|this\s+time|for\s+once))?(?![\w'])",
    _FLAGS,
)


_CARRIER_WORD = re.compile(rf"(?<![\w])(?:{phrase_re(MERGED.text_carriers)})(?![\w])", _FLAGS)
_GARMENT_WORD = re.compile(rf"(?<![\w-])(?:{_GARMENT})(?![\w-])", _FLAGS)
_GARMENT_AFTER_QUOTE = re.compile(rf"^[\s-]+(?:{_GARMENT})(?![\w-])", _FLAGS)
_NEAR = 70


def garment_text(text: str) -> list[tuple[int, int]]:
    """Spans of quoted text tied to a garment, whether or not it was read as the slogan:
    a quote up to a few words after a garment word in the same sentence ("shirt that says
    'X'", with the words that tie them: from the garment's end), or right before one ("a 'X'
    tee"). A thing that carries text in between ("a shirt next to a mug that says 'X'")
    keeps it. The prompt never carries these (DESIGN: the slogan is never in the prompt)."""
    if not _ANY_GARMENT.search(text):
        return []
    spans = []
    for quote in find_quotes(text):
        lead = text[max(0, quote.start - _NEAR) : quote.start]
        garments = list(_GARMENT_WORD.finditer(lead))
        if garments:
            gap = lead[garments[-1].end() :]
            if not re.search(r"[.!?;\n]", gap) and not _CARRIER_WORD.search(gap):
                start = quote.start - len(gap) if len(gap) <= 30 else quote.start
                spans.append((start, quote.end))
                continue
        if _GARMENT_AFTER_QUOTE.match(text[quote.end :]):
            spans.append((quote.start, quote.end))
    return spans


def plain_panel(text: str) -> list[tuple[int, int]]:
    """Where the request asks for a shirt without text (none when it does not)."""
    if not _ANY_GARMENT.search(text) and "slogan" not in text.lower() and "motto" not in text.lower():
        return []
    return [m.span() for m in _NO_SLOGAN.finditer(text)]


_SCENE_GOES_ON = re.compile(
    r",\s*(?=(?:while|and|but|with|he|she|his|her|at|on|by|in|next|near|beside|under|then|as|"
    r"so|because|scene|shot|setting|background|please|pls|thanks|[A-Z]\w*\s+(?:at|on|by|in|is|and)\b))"
)
_WORDS_FOR = re.compile(r"^(?:the\s+)?(?:words?|text|slogan|phrase|motto|message|caption)\s+(?=\S)", _FLAGS)
_COMMA_REST = re.compile(r",\s*(?P<rest>[^,;.!?\n]*)")
_TITLE_THEN_LOWER = re.compile(
    r"^(?P<title>(?:[A-Z0-9][\w'!?.:-]*\s+(?:(?:a|an|the|of|on|in|at|to|and|or|for|is|my|by|with|it|as)\s+)*){1,}"
    r"[A-Z0-9][\w'!?.:-]*)(?=\s+(?!(?:a|an|the|of|on|in|at|to|and|or|for|is|my|by|with|it|as)(?![\w']))[a-z])"
)
_CAPITALISED = re.compile(r"(?<![\w'])[A-Z0-9][\w'!?.-]*")
# Small words may stay lower case in a title ("Deploy on Fridays", "Ask Me About Vim").
_LOWER_WORD = re.compile(r"(?<![\w'])(?!(?:a|an|the|of|on|in|at|to|and|or|for|is|my|by|with|it|as)(?![\w']))[a-z][\w']*")
_POSSESSIVE_GARMENT = re.compile(r"([\w]+)(?:'s|s'|’s)\s+(?:(?:new|old|favourite|favorite)\s+)?$", _FLAGS)
_PRONOUN_GARMENT = re.compile(r"(?<![\w])(his|her|my|your|its|son|sa|su|sein|seinem|seine)\s+(?:(?:new|old|favourite|favorite)\s+)?$", _FLAGS)
_ON_SOMEONE = re.compile(r"^\s+(?:on|for)\s+(?P<who>(?:the\s+)?[\w]+)", _FLAGS)
_AFTER_OWNER = re.compile(r"^\s*(?:for|on|auf|para|pour)\s+(?P<who>[\w]+)", _FLAGS)


def _owner(flat: str, garment: int, after_end: int, mentions: list[Mention], speaker: str | None, cast: Cast) -> str | None:
    """Whose garment: a possessive before it, else the nearest person named before it in the
    same sentence, else "… for Milo" after it."""
    people = [
        m for m in mentions
        if m.status is not Status.THING and len(m.ids) == 1
        and (m.kind != "pronoun" or m.word.lower() in {"me", "i", "you", "myself", "yourself"})
    ]
    head = flat[:garment]
    possessive = _POSSESSIVE_GARMENT.search(head)
    if possessive:
        word = possessive.group(1).lower()
        if word in cast.id_by_name:
            return cast.id_by_name[word]
    pronoun = _PRONOUN_GARMENT.search(head)
    if pronoun and pronoun.group(1).lower() == "my":
        return speaker
    if pronoun and pronoun.group(1).lower() == "your":
        return cast.bot.id if cast.bot else None
    sentence_start = max(head.rfind(c) for c in ".!?\n") + 1
    before = [m for m in people if sentence_start <= m.start < garment]
    if before:
        return before[-1].ids[0]
    after = _AFTER_OWNER.match(flat[after_end:])
    if after and after.group("who").lower() in cast.id_by_name:
        return cast.id_by_name[after.group("who").lower()]
    return None


# Around a slogan's request, the words that only carried it: "in a … on it", "wearing a …",
# "Milo's shirt: …", "… on Milo", "… steht".
_CARRIER_BEFORE = re.compile(
    # "If there's a shirt, make it say …", "If Milo's shirt could talk it would say …"
    r"(?:(?<![\w'])(?:if|when)\s+(?:there(?:'s|\s+is)\s+|(?:he|[^\W\d_]+)\s+(?:wears|is\s+wearing|has)\s+)?)?"
    r"(?:(?<![\w'])(?:wearing|in|with|sporting|put|puts|make|makes|print|and|for|give|mit|in|con|en|avec|dans|trägt|lleva|porte)\s+)?"
    r"(?:the\s+(?:words?|text|slogan)\s+)?"
    r"(?:(?:a|an|the|his|her|its|their|my|ein|eine|einem|einer|einen|sein|seinem|seiner|seine|un|una|su|une|le|la|son|sa)\s+"
    r"|(?<![\w'])(?:(?:the|a|an|our)\s+)?[^\W\d_]+'s\s+)?"
    r"(?:(?:new|old|favourite|favorite|usual|lucky|black|white)\s+)?$",
    _FLAGS,
)
_CARRIER_AFTER = re.compile(
    r"^(?:\s+on\s+(?:it|him|her|[^\W\d_]+))?(?:\s+(?:printed\s+|written\s+)?(?:on|across)\s+(?:(?:his|her|the|its)\s+)?"
    r"(?:chest|front|shirt|t-shirt|tee|hoodie|panel))?(?:\s+(?:steht|drauf\s+steht|geschrieben\s+steht))?"
    # "… — put that on it", "…, print that on his shirt"
    r"(?:\s*[—–,-]?\s*(?:and\s+)?(?:put|print|write)\s+(?:that|this|it)\s+on\s+(?:it|him|(?:his|the)\s+(?:shirt|chest|tee)))?(?![\w])",
    _FLAGS,
)
# A garment that is a thing in the scene: "a t-shirt saying … folded on the chair".
_GARMENT_AS_A_THING = re.compile(r"(?<![\w'])(?:a|an|the|his|her|their|my|one|this|that|[\w]+'s)\s+(?:[\w-]+\s+)?$", _FLAGS)


def slogan_request(plain: str, ask: SloganAsk, worn: bool, mentions: list[Mention], cast: Cast) -> tuple[int, int, str]:
    """The span of `plain` to take out for a slogan request, and what goes in its place.

    Worn, or asked of no garment in the scene: the request and the words that only carried
    it ("wearing a 'RTFM' shirt", "shirt says …", "Milo's shirt: …"); a character named only
    there keeps their name ("Milo's shirt should read 'X', he's at the whiteboard" → "Milo,
    he's at the whiteboard"). Not worn, of a garment in the scene: only the slogan and the
    words tying it to the garment ("a t-shirt saying '…' folded on the chair" → "a t-shirt
    folded on the chair")."""
    words_start, words_end = max(0, ask.words_at[0]), min(len(plain), ask.words_at[1])
    after = _CARRIER_AFTER.match(plain[words_end:])
    if not worn and _GARMENT_AS_A_THING.search(plain[: ask.garment[0]]):
        if ask.garment[1] <= words_start:
            return ask.garment[1], words_end + (after.end() if after else 0), " "
        return words_start, max(words_end, ask.garment[0]), " "
    start, end = max(0, ask.start), min(len(plain), ask.end)
    before = _CARRIER_BEFORE.search(plain[:start])
    after = _CARRIER_AFTER.match(plain[end:])
    a, b = (before.start() if before else start), end + (after.end() if after else 0)
    inside = {i for m in mentions if a <= m.start < b and not words_start <= m.start < words_end
              and m.status is not Status.THING for i in m.ids}
    outside = {i for m in mentions if not a <= m.start < b for i in m.ids}
    kept = [cast.by_id(i).name.split()[0] for i in cast.ids if i in inside - outside]
    stop = "." if kept and ask.text[-1:] in ".!?" and plain[b:].strip()[:1].isupper() else ""
    return a, b, f" {' and '.join(kept)}{stop} " if kept else " "
