"""When a name is not the person: it names a thing, a title, a label or a picture.

A mention is a thing when what stands around it makes it part of something else:

- **a name given to something**: the name is what a thing is called, says or reads ("a
  playlist called Milo", "a cat named James", "a mug that says JAMES", "a box labelled
  'james'"), unless a person does the calling ("James called Milo over");
- **a title**: a run of capitalised words the name belongs to ("James and the Giant Peach",
  "Milo and the Hard Drives", "The Adventures of Milo and Otis"; "Milo and Otis" after
  "watching"), or a quoted phrase of more than the name ("'Sweet Baby James'");
- **a label in capitals** in a request written in mixed case ("MILO ROADMAP", "MILO piped
  in icing");
- **a namesake**: a title or another person's name beside it ("King James", "James II",
  "LeBron James", "James Webb", capitalised neighbours);
- **a product or medium the name modifies**: "a Milo sachet", "Milo cereal", "a James
  Blunt song", "a raccoon tattoo", "a Lego James minifig", "Milo-branded";
- **a picture or a look-alike**: "a stuffed raccoon", "a poster of Milo", "a cup of Milo",
  "a mug with a raccoon printed on it", and a raccoon nobody named that is on a screen, in
  a show or on a cover ("the kids' show has a raccoon in it", "the screensaver shows a
  dancing raccoon", "a raccoon in the video");
- **a compound**: "exception handler", "the boss fight".

"A picture of Milo" opening a request asks for Milo: it is `framed`, and
`agent.mentions` decides later whether it is the request or a picture in the scene.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from agent.lexicon import MERGED, phrase_re
from agent.mention import Mention, Status
from agent.stage import names_a_wall

if TYPE_CHECKING:
    from agent.mentions import Cast

_FLAGS = re.IGNORECASE

_TITLES = (r"king|queen|saint|st\.?|san|santa|prince|princess|lord|sir|lady|pope|emperor|president|"
           r"general|captain|agent|uncle|aunt|brother|sister|father|mother")
_THING_BEFORE = (
    r"stuffed|toy|plush|plushie|rubber|cardboard|lego|plastic|paper|inflatable|wooden|fake|ceramic|"
    r"printed|3d-printed|origami|knitted|crocheted|chocolate|robot|robotic|animatronic|exception|"
    r"error|event|signal|interrupt|request|crash|click|file|message|callback|exit|key|route|http|api|"
    r"default|custom|sigint|sigterm|webhook|job|task|log|logging|packet|baggage|luggage|dog|animal|"
    r"wild|real|other|neighbou?r'?s|neighborhood|neighbourhood|cartoon|animated|cartoonish|pixel|pixelated|"
    r"virtual|digital|drawn|painted|framed|tattooed|embroidered|🧸|🖼️|🖼|📷|📸"
)
_CONTAINER = r"cup|mug|glass|tin|can|jar|box|bottle|packet|pack|bag|spoon|spoonful|sachet|tub|carton|scoop|bowl"
_DEPICTION = (
    r"photo|photograph|poster|portrait|painting|statue|cutout|cut-out|figurine|plushie|plush|sticker|"
    r"meme|toy|doll|model|print|doodle|sculpture|hologram|mask|costume|video|clip|gif|emoji|tattoo|"
    r"mural|picture|pic|drawing|image|sketch|cartoon|illustration|biography|book|documentary|comic|"
    r"movie|film|song|article|story|fanart|fan art|selfie|reflection|shadow|impression|imitation|"
    r"impersonation|cosplay|bobblehead|plushy|replica|mockup|avatar|caricature|silhouette|puppet|"
    r"watercolou?r|tapestry|canvas|bust|engraving|etching|woodcut|mosaic|collage|carving|artwork|art\s+print|"
    r"rendering|likeness|effigy|plaque|decal|patch|badge|stamp|coin|postcard|card|screensaver|wallpaper|"
    r"figure|action\s+figure|lithograph|sculpture|cameo|snapshot|polaroid|headshot|mugshot|icon|logo|"
    r"episode|album|playlist|podcast|novel|series|show|game|🖼️|🖼|📷|📸|🧸"
)
# Words that may stand between "a painting of" and the one painted ("of two sleepy raccoons").
_DEPICTED_WORDS = (
    r"the|a|an|our|my|his|her|their|good\s+old|one|two|three|four|five|several|some|many|tiny|little|"
    r"small|big|giant|cute|sleepy|angry|happy|grumpy|chubby|smiling|dancing|famous|wild|baby|young|old|"
    r"cartoon|cartoonish|fat|fluffy|cheeky|majestic|heroic|proud|noble|regal|vintage|classic"
)
_FRAMING = r"picture|pic|drawing|image|sketch|cartoon|illustration|comic|painting|portrait|doodle|scene|render"
# Nouns the name may modify ("Milo cereal", "a James Blunt song"): singular, so none of
# them is a verb agreeing with the name ("Milo shows", "James books").
_THING_AFTER = (
    r"plushie|plushy|plush|toy|sticker|meme|poster|mug|statue|figurine|doll|costume|mask|logo|emoji|icon|"
    r"gif|keychain|magnet|pillow|cutout|cut-out|balloon|onesie|fanart|highlights|documentary|biography|"
    r"bible|telescope|chocolate|powder|drink|cereal|milkshake|bobblehead|plushies|stickers|posters|"
    r"figurines|merch|tote|hat|cap|socks|lamp|calendar|screensaver|wallpaper|replica|t-shirt|tshirt|"
    r"shirt|tee|hoodie|jersey|sweater|brand|fan\s+club|fanclub|shaped|themed|print|patterned|pattern|"
    r"branded|style|motif|design|cookie\s+jar|jar|ornament|decoration|pyjamas|pajamas|slippers|"
    r"tattoo|figure|minifig|minifigure|sachet|bar|song|album|playlist|podcast|movie|film|novel|comic|"
    r"cartoon|video|clip|episode|game|franchise|merchandise|keyring|badge|pin|flag|banner|mascot\s+costume|"
    # plurals that are never a verb after a name ("raccoon photos", not "Milo drinks")
    r"photos|pictures|pics|videos|clips|memes|gifs|drawings|sketches|paintings|figures|dolls|comics|cartoons|"
    r"biscuits|cookies|mugs|shirts|tees|hoodies|costumes|masks|standee|cutouts|statuette|statuettes"
)
_DISPLAY_THINGS = (
    r"cover|front|back|side|lid|label|screen|tv|telly|monitor|display|screensaver|wallpaper|video|show|film|"
    r"movie|cartoon|clip|episode|game|book|comic|picture|photo|poster|meme|gif|thumbnail|documentary|stream|channel"
)

_TITLE_BEFORE = re.compile(rf"(?<![\w])(?:{_TITLES}|{phrase_re(MERGED.namesake_before)})\s+$", _FLAGS)
_NAMESAKE_AFTER = re.compile(rf"^\s+(?:{phrase_re(MERGED.namesake_after)})(?![\w])", _FLAGS)
_INDEFINITE_BEFORE = re.compile(r"(?<![\w])(?:a|an)\s+$", _FLAGS)
# "a Milo sachet", "another James": a proper name takes no article unless it modifies a noun.
_ARTICLE_BEFORE = re.compile(r"(?<![\w'])(?:a|an|the|another|some|every|each|his|her|my|our|their|your|its|of)\s+$", _FLAGS)
# "a life-size James cardboard standee": an article and a word or two, then a thing's word.
_ARTICLE_AND_WORDS_BEFORE = re.compile(r"(?<![\w'])(?:a|an|another|some|every|each)(?:\s+[a-z][\w-]*){1,2}\s+$", _FLAGS)
# A word after a name that names a thing rather than says what the person does: lower case,
# not a small word, not a verb's -ing, -ed or -s ("a Milo sachet", not "a day James collapses").
_MODIFIED_NOUN = re.compile(
    rf"^\s+(?!(?:{phrase_re(MERGED.function_words)}|{phrase_re(MERGED.places)})(?![\w']))[a-z][a-z-]*"
    rf"(?<!ing)(?<!ando)(?<!iendo)(?<!ed)(?<![^s]s)(?![\w'])"
)
# A raccoon nobody named: "a raccoon", "two dancing raccoons", "some raccoon".
_SOME_ANIMAL_BEFORE = re.compile(
    r"(?<![\w'])(?:a|an|some|two|three|several|many|one|another)\s+(?:[a-z-]+\s+){0,2}$", _FLAGS
)
_CONSUMED_BEFORE = re.compile(
    r"(?<![\w])(?:drinks?|drinking|sips?|sipping|ha(?:s|ve|ving|d)|orders?|ordering|makes?|making|pours?|"
    r"pouring|grabs?|grabbing|buys?|buying|enjoys?|enjoying|mixing|mixes)\s+(?:a|an|some)\s+$",
    _FLAGS,
)
# Nobody eats a person: "eating Milo biscuits", "sipping Milo", "munching on some Milo".
_EATEN_BEFORE = re.compile(
    r"(?<![\w])(?:eat(?:s|ing)?|ate|drink(?:s|ing)?|drank|sip(?:s|ping|ped)?|munch(?:es|ing|ed)?(?:\s+on)?|"
    r"snack(?:s|ing|ed)?\s+on|chew(?:s|ing|ed)?(?:\s+on)?|nibbl(?:es|ing|ed)(?:\s+on)?|tast(?:es|ing|ed)|"
    r"slurp(?:s|ing|ed)?|gulp(?:s|ing|ed)?|brew(?:s|ing|ed)?|stir(?:s|ring|red)?|swig(?:s|ging|ged)?)\s+"
    r"(?:(?:a|an|some|more|the|his|her|my|hot|cold|iced)\s+)?$",
    _FLAGS,
)
# Sent by someone who is not there: "an email from James", "a parcel from Milo".
_SENT_FROM_BEFORE = re.compile(
    r"(?<![\w])(?:e-?mail|message|text|letter|note|call|voicemail|postcard|parcel|package|gift|present|card|memo|"
    r"invite|invitation|delivery|video\s+message|dm|pm)s?\s+from\s+$",
    _FLAGS,
)
# What a book or a film is about: "a book about raccoons", "a documentary on James".
_ABOUT_BEFORE = re.compile(
    rf"(?<![\w])(?:{_DEPICTION}|talk|lecture|paper|poem|essay|post|thread|joke|quiz|presentation|slides?)s?\s+"
    rf"(?:about|on|featuring|starring)\s+(?:(?:{_DEPICTED_WORDS})\s+){{0,2}}$",
    _FLAGS,
)
# Someone played or imitated: "Milo cosplaying as James", "dressed up as the raccoon".
_PLAYED_BEFORE = re.compile(
    r"(?<![\w])(?:cosplay(?:s|ing|ed)?|dress(?:es|ed|ing)?(?:\s+up)?|disguised|costumed|masquerad(?:es|ing)|"
    r"pretend(?:s|ing)?\s+to\s+be|impersonat(?:es|ing|ed)|imitat(?:es|ing|ed)|mimick?(?:s|ing|ed)?|"
    r"doing\s+an?\s+impression\s+of|(?:looks?|looking|acting|acts)\s+like|play(?:s|ing|ed)?\s+(?:a|an))\s+(?:as\s+)?$",
    _FLAGS,
)
# What someone is or becomes, and what someone draws: "were a raccoon", "turned into a
# raccoon", "sketches a small raccoon" (not the imperative "draw a raccoon", which asks for one).
_ADJECTIVE = r"(?!(?:for|to|with|of|at|on|in|by|from|and|or|about|near|behind)\s)[a-z-]+"
_BEING_A_BEFORE = re.compile(
    rf"(?<![\w'])(?:were|was|is|be|being|been|become|becomes|became|turned\s+into|turns\s+into)\s+(?:a|an)\s+(?:{_ADJECTIVE}\s+){{0,2}}$",
    _FLAGS,
)
_DRAWS_A_BEFORE = re.compile(
    r"(?<![\w'])(?:draws|drew|drawing|sketches|sketched|sketching|doodles|doodled|doodling|paints|painted|painting|scribbles|"
    rf"scribbled|scribbling)\s+(?:a|an|another|two|some)\s+(?:{_ADJECTIVE}\s+){{0,2}}$",
    _FLAGS,
)
# What a screen shows: "a video call on the big screen showing James".
_SHOWN_NAME_BEFORE = re.compile(
    r"(?<![\w])(?:screen|monitor|tv|telly|phone|laptop|tablet|display|video\s+call|call|zoom|projector|"
    r"photo|picture|slide|screensaver|wallpaper)s?\s+(?:[\w'-]+\s+){0,2}?(?:showing|shows|displaying|displays|featuring)\s+$",
    _FLAGS,
)
_ON_A_SCREEN = re.compile(
    r"^\s+on\s+(?:his|her|the|a|my|their|your)\s+(?:screen|phone|monitor|tv|display|tablet|laptop|poster|mug)s?(?![\w])",
    _FLAGS,
)
_DEPICTION_AFTER = re.compile(r"^\s+(?:drawing|doodle|sketch|painting|print|picture|photo|cartoon)s?(?![\w])", _FLAGS)
_THING_BEFORE_RE = re.compile(rf"(?:(?<![\w])|(?<=[\U0001F300-\U0001FAFF]))(?:{_THING_BEFORE})[\s-]*$", _FLAGS)
_CONTAINER_BEFORE = re.compile(rf"(?<![\w])(?:{_CONTAINER})s?\s+of\s+(?:(?:hot|cold|iced|warm|some|the)\s+)?$", _FLAGS)
_DEPICTION_BEFORE = re.compile(
    rf"(?<![\w])(?P<noun>{_DEPICTION})s?\s+(?:(?:that|which)\s+)?(?:(?:he|she|they|i|we|you|someone|[A-Z]\w+)\s+"
    rf"(?:painted|drew|drawn|made|took|taken|sketched|printed|did|got|found|bought)\s+)?of\s+(?:(?:{_DEPICTED_WORDS})\s+){{0,3}}$",
    _FLAGS,
)
# "a mug with a raccoon printed on it", "a t-shirt with Milo on it": a picture on a thing.
_PRINTED_AFTER = re.compile(
    r"^\s+(?:(?:printed|drawn|painted|stitched|embroidered|pictured|depicted|engraved|etched|stamped|sketched|"
    r"doodled|scribbled|stencil+ed|screen-?printed|tattooed)(?![\w])|on\s+(?:it|them|its?\s+(?:front|side|lid|cover)|"
    r"the\s+(?:front|back|side|lid|label|cover))(?![\w]))",
    _FLAGS,
)
_PRINTED_WORDS_AFTER = re.compile(r"^\s+on\s+(?:it|them)(?![\w])", _FLAGS)
_WITH_BEFORE = re.compile(r"(?<![\w])with\s+$", _FLAGS)
# A raccoon in or on something that shows it: "has a raccoon in it", "a raccoon in the video".
_SHOWN_IN_AFTER = re.compile(
    rf"^\s+(?:in|on)\s+(?:it|them|(?:the|a|an|his|her|this|that|my|their)\s+(?:[\w'-]+\s+)?(?:{_DISPLAY_THINGS})s?)(?![\w])",
    _FLAGS,
)
# … or what a screen or a show has or shows: "the screensaver shows a dancing raccoon".
_SHOWN_BY_BEFORE = re.compile(
    rf"(?<![\w])(?:{_DISPLAY_THINGS}|{_DEPICTION})s?(?:[\s\w'-]{{0,30}}?)\s+(?:is|are|was|has|have|had|shows|showing|show|features|"
    rf"featuring|with|starring|stars|about|depicts|depicting|plays|playing)\s+(?:a|an|some|two|three|several|one)\s+"
    rf"(?:[a-z-]+\s+){{0,2}}$",
    _FLAGS,
)
# The name is what something is called, says or reads.
_NAMED_BEFORE = re.compile(
    rf"(?P<verb>(?<![\w'])(?:(?:is|was|are|were|be|been|being|gets?|got)\s+)?(?:called|named|titled|entitled|dubbed|"
    rf"nicknamed|labell?ed|marked|tagged|branded|reading|saying|(?:that|which)\s+(?:says|reads|said|read|spells)|says|"
    rf"reads|spells|spelling|spelled|spelt|with\s+the\s+(?:name|word|words|label|text)|{phrase_re(MERGED.naming)}))"
    rf"\s+(?:the\s+)?[\"'“‘«„`]?\s*$",
    _FLAGS,
)
_LAST_WORD = re.compile(r"(?<=\s)(?P<w>[\w'!?-]+)\s+$")
_GIVEN_NAMES = ("called", "named", "titled", "entitled", "dubbed", "nicknamed")
_NOT_TEXT = frozenset({*MERGED.function_words, *MERGED.clause_words, *MERGED.places, "while", "next", "who"})
# "James called Milo over", "he says James is here": a person calls, says or reads.
_PERSON_BEFORE = re.compile(r"(?<![\w'])(?:i|he|she|they|we|you|who|it)\s*$", _FLAGS)
_LABEL_AFTER = re.compile(
    r"^\s+(?:written|printed|piped|spelled|spelt|scrawled|stencil+ed|painted|etched|engraved|embroidered|"
    r"in\s+(?:big|bold|block|capital|large|huge)\s+letters)(?![\w])",
    _FLAGS,
)
_CAPS_WORD_AFTER = re.compile(r"^[\s-]+(?P<w>[A-Z][A-Z0-9]{2,})(?![\w])")
_CAPS_WORD_BEFORE = re.compile(r"(?<![\w])(?P<w>[A-Z][A-Z0-9]{2,})[\s-]+$")
# A title the name is in: small words, at least one an article or "of", then a capitalised word.
_TITLE_AFTER = re.compile(
    r"^(?P<small>(?:\s+(?:and|&|of|the|a|an|und|y|et|der|die|das|le|la|les|el|los|du|de|del|von|vs\.?))+)\s+"
    r"(?P<w>[A-Z][\w'-]*)"
)
_TITLE_BEFORE_NAME = re.compile(
    r"(?<![\w'])(?P<w>[A-Z][\w'-]*)(?P<small>(?:\s+(?:and|&|of|the|a|an|und|y|et|der|die|das|le|la|les|el|los|du|de|del|von))+)\s+$"
)
_TITLE_SMALL = frozenset(["of", "the", "a", "an", "der", "die", "das", "le", "la", "les", "el", "los", "du", "de", "del", "von"])
_MEDIA_BEFORE = re.compile(
    rf"(?<![\w])(?:watch(?:es|ed|ing)?|read(?:s|ing)?|listen(?:s|ed|ing)?\s+to|humm(?:ing|s|ed)|hums|sing(?:s|ing)?|"
    rf"sang|play(?:s|ed|ing)?|(?:{_DEPICTION})(?:\s+(?:called|named|titled|of|by|for|from))?|the\s+band)\s+$",
    _FLAGS,
)
_CAPITALS_BEFORE = re.compile(r"(?:(?<![\w'])[A-Z][\w'-]*\s+)+$")
_CAPITALS_AFTER = re.compile(r"^(?:\s+[A-Z][\w'-]*(?![\w']))+")
_ASKED_BLANK = re.compile(r" {3,}(?:(?:a|an|one|another|some)\s+)?(?:(?:new|quick|little|nice)\s+)?$", _FLAGS)
_FRAMING_NOUN = re.compile(rf"^(?:{_FRAMING})$", _FLAGS)
_REQUEST_WORDS = (r"draw|make|show|give|paint|render|create|generate|do|send|sketch|illustrate|"
                  r"a|an|the|one|another|quick|little|new|cute|funny|nice|me|us|of|please|pls|hey|"
                  r"zeichne|dibuja|dessine|mir|moi")
_FRAMING_LEAD = re.compile(rf"^[\W_]*(?:(?:{_REQUEST_WORDS})\b[\W_]*)*$", _FLAGS)
# "I should like a picture of", "could you produce an image of": the request for a picture.
_FRAMING_ASKED = re.compile(
    r"(?<![\w'])(?:like|love|want|wants|request|produce|create|make|draw|depict|render|generate|see|have|get|need|"
    r"show|give|send|paint|sketch|do|commission|order|prefer|fancy|appreciate|enjoy|for)\s+(?:me\s+|us\s+)?"
    r"(?:(?:a|an|one|another|the|some)\s+)?(?:(?:new|quick|little|nice|small|big|simple|cute|fun|funny|lovely|"
    r"proper|detailed|cartoon|little)\s+){0,2}$",
    _FLAGS,
)
_MATERIAL_AFTER = re.compile(rf"^\s+(?:{_THING_BEFORE})(?![\w])", _FLAGS)
_THING_AFTER_RE = re.compile(rf"^[\s`'\"*-]*(?:{_THING_AFTER})(?![\w])", _FLAGS)
# The same word as a verb, with its object: "Milo sketches a cat", "Milo figures out the bug",
# "James and Milo print a poster", "let Milo film the rack" (not "a Milo mug the boss bought").
_THING_WORD_AS_VERB = re.compile(
    rf"^\s+(?P<verb>{_THING_AFTER})\s+(?:a|an|the|his|her|their|its|our|my|your|some|out|up|it|them|him|me|us|together)(?![\w'])",
    _FLAGS,
)
_SUBJECT_OF_A_BARE_VERB = re.compile(
    r"(?<![\w'])(?:and|&|n|\+|let|lets|make|makes|made|have|has|had|watch|watching|see|sees|seeing|help|helps|helping|"
    r"can|could|will|would|should|must|might|may|did|does|do)\s+$",
    _FLAGS,
)
_REGNAL_AFTER = re.compile(r"^\s+(?-i:(?:II|III|IV|V|VI|VII|VIII|IX)(?![\w'])|I(?=\s+of\s|\s*$|\s*[,;.]))")
_NEXT_WORD = re.compile(r"^ ([^\W\d_][\w'.-]*)")
_PREV_WORD = re.compile(r"([^\W\d_][\w'.-]*) $")
_QUOTES = "'\"`‘’“”"
_QUOTED_NAME = re.compile(r"(?:^|\s)['\"`‘“]$")
_ENDS_A_SENTENCE = re.compile(r"(?:['\"’”]\.|[a-z]{3,}\.)$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“(]\s*)$")



def as_a_thing(scan: str, mention: Mention, everyone: list[Mention], cast: Cast) -> Mention | None:
    """The mention marked a thing (or `framed`, a picture that may be the request), or
    None when nothing around it makes it one."""
    # The patterns about what comes before end at the name: they read a window of it, not the
    # whole request (searching a long prefix with every one of them was most of a plan's time).
    offset = window_start(scan, mention.start)
    before, after = scan[offset : mention.start], scan[mention.end :]
    word = mention.word.lower()
    thing = replace(mention, status=Status.THING)
    if after.startswith("-") or _TITLE_BEFORE.search(before) or _THING_BEFORE_RE.search(before) or _CONTAINER_BEFORE.search(before):
        return thing
    if _REGNAL_AFTER.match(after) or (_WITH_BEFORE.search(before) and _PRINTED_WORDS_AFTER.match(after)) or (
        _INDEFINITE_BEFORE.search(before) and _PRINTED_AFTER.match(after)
    ):  # "James II", "a shirt with Milo on it", "a mug with a raccoon printed on it"
        return thing
    if (_THING_AFTER_RE.match(after) or _NAMESAKE_AFTER.match(after)) and not word.endswith(("'s", "s'")) and not (
        _does_the_thing_word(before, after)
    ):
        return thing
    proper = word.removesuffix("'s") in cast.proper_names
    if (_INDEFINITE_BEFORE.search(before) and _DEPICTION_AFTER.match(after)) or (
        (_CONSUMED_BEFORE.search(before) or _EATEN_BEFORE.search(before)) and proper
    ):
        return thing  # "a raccoon drawing on the board", "drinking a Milo", "eating Milo biscuits"
    quoted = _QUOTED_NAME.search(before) and after[:1] in _QUOTES
    if quoted and _MODIFIED_NOUN.match(after[1:]):
        return thing  # "the 'milo' hostname", "the `james` box": a name in quotes before a noun labels it
    if mention.kind == "name" and not word.endswith(("'s", "s'")) and (
        (_ARTICLE_BEFORE.search(before) and _MODIFIED_NOUN.match(after))
        or (_ARTICLE_AND_WORDS_BEFORE.search(before) and (_THING_AFTER_RE.match(after) or _MATERIAL_AFTER.match(after)))
    ):  # "a Milo sachet", "a life-size James standee", "his Milo statuette", "a crate of Milo energy drinks"
        return thing  # (not "dibuja a James regando", "a picture of Milo waving")
    if (_named(scan, mention, everyone) or _label(scan, mention) or _in_a_title(scan, mention, cast)
            or _capitalised_run(scan, mention, cast)):
        return thing
    if not proper and mention.kind == "name" and _SOME_ANIMAL_BEFORE.search(before) and (
        _SHOWN_IN_AFTER.match(after) or _SHOWN_BY_BEFORE.search(before) or _PRINTED_AFTER.match(after)
    ):
        return thing  # "the show has a raccoon in it", "the screensaver shows a dancing raccoon"
    if _PLAYED_BEFORE.search(before) or _ABOUT_BEFORE.search(before) or _SENT_FROM_BEFORE.search(before):
        return thing
    if not proper and mention.kind == "name" and (_BEING_A_BEFORE.search(before) or _DRAWS_A_BEFORE.search(before)):
        return thing  # "Say James were a raccoon too", "James sketches a small raccoon in the corner"
    if _ON_A_SCREEN.match(after) or _SHOWN_NAME_BEFORE.search(before):  # "Milo on his screen", "a call showing James"
        return replace(mention, kind="framed")
    depiction = _DEPICTION_BEFORE.search(before)
    if depiction:
        lead = scan[: offset + depiction.start()]
        # A run of blanks is where words asking the bot were ("I should like a picture of …")
        framing = _FRAMING_NOUN.match(depiction.group("noun")) and (
            _FRAMING_LEAD.match(lead) or _FRAMING_ASKED.search(lead) or _ASKED_BLANK.search(lead))
        return replace(mention, kind="framed") if framing else thing
    if _namesake(scan, mention, cast):
        return thing
    if (word.startswith("the ") and " " not in word[4:].strip() and not word.endswith(("'s", "s'"))
            and _compound_noun_follows(after)):
        return thing
    return None


def window_start(scan: str, position: int, width: int = 120) -> int:
    """Where a window of about `width` characters before `position` starts (at a space)."""
    if position <= width:
        return 0
    space = scan.find(" ", position - width, position)
    return space if space >= 0 else position - width


def _named(scan: str, mention: Mention, everyone: list[Mention]) -> bool:
    """"a playlist called Milo", "a mug that says JAMES", "a note that reads ask James",
    not "James called Milo over"."""
    offset = window_start(scan, mention.start)
    before = scan[offset : mention.start]
    naming = _NAMED_BEFORE.search(before)
    cut = len(before)
    for _ in range(3):  # "reads ask James": a few words of the text before the name
        if naming is not None:
            break
        word = _LAST_WORD.search(before, 0, cut)
        if word is None or word.group("w").lower() in _NOT_TEXT:
            return False
        cut = word.start()
        naming = _NAMED_BEFORE.search(before[:cut])
        if naming is not None and naming.group("verb").lower().endswith(_GIVEN_NAMES):
            return False
    if naming is None:
        return False
    if naming.group("verb").lower().endswith(_GIVEN_NAMES[1:]):
        return True  # "a server he named Milo": naming is never fetching someone
    head = before[: naming.start("verb")].rstrip()
    if not head or _PERSON_BEFORE.search(head):
        return False
    return not any(m.end == offset + len(head) for m in everyone)


def _label(scan: str, mention: Mention) -> bool:
    """A name in capitals among lower-case words, as a label: "MILO ROADMAP", "MILO piped in icing"."""
    word = mention.word.removesuffix("'s").removesuffix("'S")
    if len(word) < 3 or not word.isupper() or not any(c.islower() for c in scan):
        return False
    after = scan[mention.end :]
    if _LABEL_AFTER.match(after):
        return True
    caps = _CAPS_WORD_AFTER.match(after) or _CAPS_WORD_BEFORE.search(scan[: mention.start])
    return bool(caps) and caps.group("w").lower() not in MERGED.function_words


def _in_a_title(scan: str, mention: Mention, cast: Cast) -> bool:
    """The name in a run of capitalised words with an article or "of" ("James and the
    Giant Peach", "The Adventures of Milo"), or "Milo and Otis" after "watching"."""
    if not any(c.islower() for c in scan):
        return False
    after = _TITLE_AFTER.match(scan[mention.end :])
    if after and _capitalised_stranger(after.group("w"), cast):
        small = set(after.group("small").lower().split())
        if small & _TITLE_SMALL or _MEDIA_BEFORE.search(scan[: mention.start]):
            return True
    before = _TITLE_BEFORE_NAME.search(scan[: mention.start])
    return bool(
        before and _capitalised_stranger(before.group("w"), cast) and set(before.group("small").lower().split()) & _TITLE_SMALL
        and not _SENTENCE_START.search(scan[: before.start()])
    )


def _capitalised_run(scan: str, mention: Mention, cast: Cast) -> bool:
    """The name inside a run of capitalised words in mixed-case text, with at least two
    other capitalised words, one of them not a small word: "The Raccoon Who Loved Servers"."""
    if mention.kind != "name" or not mention.word[:1].isupper():
        return False
    left = _CAPITALS_BEFORE.search(scan[: mention.start])
    right = _CAPITALS_AFTER.match(scan[mention.end :])
    words = (left.group(0).split() if left else []) + (right.group(0).split() if right else [])
    others = [w for w in words if w.lower().rstrip("'s") not in cast.id_by_name]
    if len(others) < 2 or not any(_capitalised_stranger(w, cast) or w.lower() not in MERGED.function_words for w in others):
        return False
    start = mention.start - (len(left.group(0)) if left else 0)
    end = mention.end + (len(right.group(0)) if right else 0)
    outside = scan[:start] + scan[end:]
    if not any(c.islower() for c in outside):
        return False
    return not (left is None and _SENTENCE_START.search(scan[: mention.start]) and len(others) < 3)


def _namesake(scan: str, mention: Mention, cast: Cast) -> bool:
    """A capitalised word right beside the name that is neither a small word nor another of
    our names ("LeBron James", "James Webb", "Jim Beam"): someone else. Only in mixed case."""
    if mention.kind == "typo" or not any(c.islower() for c in scan):
        return False
    prev = _PREV_WORD.search(scan[: mention.start])
    if prev and _ENDS_A_SENTENCE.search(prev.group(1)):
        prev = None  # "… say 'Solar Flares Again'. Milo at the rack": a sentence ended
    if prev and _capitalised_stranger(prev.group(1), cast) and not _SENTENCE_START.search(scan[: prev.start()]):
        return True
    nxt = _NEXT_WORD.match(scan[mention.end :])
    if nxt and nxt.group(1).endswith(("ing", "ed")) and not nxt.group(1).istitle():
        return False  # "Milo SSHing into the box": a verb made of an acronym
    return bool(nxt and _capitalised_stranger(nxt.group(1), cast))


def _capitalised_stranger(word: str, cast: Cast) -> bool:
    bare = word.rstrip(".").removesuffix("'s").split("-")[0]
    if not bare or not bare[0].isupper() or bare.isupper():
        return False
    lower = bare.lower()
    return lower not in cast.known_words and lower not in cast.id_by_name and not names_a_wall(lower)


_NOT_A_NOUN = frozenset((
    "through", "across", "around", "along", "past", "toward", "towards", "upon", "within", "about", "above",
    "below", "beneath", "beyond", "despite", "except", "inside", "outside", "till", "until", "via", "amid",
    "among", "against", "between", "behind", "beside", "besides", "near", "onto", "into", "over", "under",
    "after", "before", "during", "since",
    # verbs after a subject: "the boss were", "the human would"
    "were", "was", "is", "are", "am", "will", "would", "shall", "should", "can", "could", "may", "might", "must",
    "had", "has", "have", "did", "does", "do", "got", "gets", "went", "sat", "stood", "slept", "ran", "left", "never",
    "always", "usually", "normally", "just", "still", "finally", "again", "too", "alone", "himself", "herself",
))


def _compound_noun_follows(after: str) -> bool:
    """"the human brain", "the boss fight": the alias is used as a modifier of a noun."""
    nxt = re.match(r"^ ([a-z][a-z-]+)(?![\w'])", after)
    if not nxt:
        return False
    word = nxt.group(1)
    return (word not in MERGED.function_words and word not in _NOT_A_NOUN
            and not word.endswith(("ing", "ed", "s", "ly")))


def _does_the_thing_word(before: str, after: str) -> bool:
    """Whether the thing's word after the name is the person's verb, with its object: an -s
    form after the name alone ("Milo sketches a cat"), a bare form after another subject or a
    modal ("James and Milo print a poster", "let Milo film the rack"); never after an article
    or a possessive, where the name modifies the noun ("a Milo mug the boss bought")."""
    verb = _THING_WORD_AS_VERB.match(after)
    if verb is None or _ARTICLE_BEFORE.search(before) or _ARTICLE_AND_WORDS_BEFORE.search(before):
        return False
    return verb.group("verb").lower().endswith("s") or bool(_SUBJECT_OF_A_BARE_VERB.search(before))

