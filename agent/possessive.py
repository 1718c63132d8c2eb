""""Milo's" is "Milo is" or "Milo has" when what follows describes Milo, and Milo's when a
thing of his follows: decided by the next word or two.

"is"/"has": an adverb ("Milo's really proud"), a preposition or particle ("Milo's on the
bike", "Milo's off to lunch"), a determiner ("Milo's a menace"), a verb in -ing ("Milo's
sleeping"), a participle ("Milo's exhausted", "Milo's been", "Milo's gone"), an adjective
that ends the phrase ("Milo's alone by the bike", "Milo's asleep."), or an emoji of a face
or an activity ("Milo's 😴"). Possessive: a noun ("Milo's laptop"), or an adjective with
its noun ("Milo's new hoodie", "Milo's favourite mug").
"""

from __future__ import annotations

import re

_WORDS = re.compile(r"[^\W\d_][\w'-]*|[^\w\s]")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


_IS_NEXT = _set(
    """a an the his her its their my our your this that some no not never always just still also already
    so too very really totally completely quite rather pretty super now here there back again even
    finally currently probably definitely literally basically clearly obviously officially apparently
    gonna going got gotten been being be had has have done gone seen on at in by near under behind over
    out off up down away inside outside upstairs downstairs next beside with without into onto from
    around across through against between beneath below above toward towards underneath atop alone
    asleep awake afraid aware alive ablaze adrift aglow ajar alike all both far home late early"""
)
# Adjectives that describe a state of someone; followed by a noun they are the noun's.
_STATE_ADJECTIVES = _set(
    """busy tired exhausted happy sad angry mad grumpy hungry thirsty sick ill bored late early done ready
    sure fine ok okay free proud excited nervous scared worried stressed sleepy drunk broke stuck lost
    confused furious upset cold hot warm wet dry sweaty sore hurt injured full quiet loud silent calm
    lonely famous brilliant sweet cute grumpy cranky curious sleepy snoozy dozy groggy delighted thrilled
    annoyed fed grateful glad jealous hungover late overworked overwhelmed relaxed restless nervous
    focused determined desperate surprised shocked amazed impressed unimpressed embarrassed ashamed
    guilty innocent responsible ready keen eager unwell poorly better worse best right wrong alone
    tiny huge big small little old new young bad good great fantastic terrible awful weird strange
    funny silly crazy wild smart clever stupid dumb lazy sneaky naughty polite rude shy brave bold
    fast slow quick strong weak fit healthy"""
)
# Adjectives that mostly come before a noun when written after a possessive.
_BEFORE_A_NOUN = _set(
    """new old favourite favorite usual own little big tiny huge small young trusty spare other best
    worst first last second main secret special lucky daily morning evening late early"""
)
_ING_NOUNS = _set(
    """drawing painting building wedding ring thing morning evening ceiling clothing bedding pudding king
    wing string spring swing sibling setting settings meeting earring feeling ping blessing wiring cabling
    lighting recording reading writing sting booking darling duckling stuffing icing filling offspring
    belongings savings surroundings warning saying nothing something everything anything shopping
    listing lodging parking opening ending heading outing"""
)
_ED_NOUNS = _set("bed shed sled seed feed speed need weed reed steed creed deed breed sled red bread")
_EN_NOUNS = _set(
    """garden kitchen screen chicken token kitten oven linen warden burden children women men den pen ten
    heaven seven eleven queen green teen omen citizen siren lantern pattern cabin"""
)
_LY_NOUNS = _set("family belly jelly rally bully lily ally supply assembly reply anomaly fly butterfly holly")
_PARTICIPLES = _set(
    """been gone done got gotten seen left lost fallen taken stuck sent kept made had run come become won
    hurt put set shut quit caught brought bought thought found held slept woken woke eaten beaten broken
    chosen frozen hidden stolen sworn torn worn driven ridden written given forgiven shown known grown
    thrown flown drawn passed knocked"""
)
_BODY_SIDE = _set("left right")
_ACTIVITY_EMOJI = frozenset("💤🚴🏃🏋🧘🤸🚶🏊✈🤒🤧🤮🛌")

_LINKS = _set("and but because so again after before during since until for about like as of to than while when")


_DOING_WITH = _set("a an the his her some it them on at in by with")


def reads_as_is(after: str) -> bool:
    """Whether "X's" followed by `after` means "X is/has" rather than "X's (thing)"."""
    words = _WORDS.findall(after[:80])
    if not words:
        return False
    first = words[0].lower()
    second = words[1].lower() if len(words) > 1 else ""
    if not first[0].isalpha():
        return _is_a_state_emoji(first)
    if first in _BODY_SIDE:
        return False  # "Milo's left paw"
    if first in _IS_NEXT or first in _PARTICIPLES:
        return True
    if first in _STATE_ADJECTIVES or first in _BEFORE_A_NOUN:
        return not second or not second[0].isalpha() or _describes(second)
    if first.endswith("ly"):
        return first not in _LY_NOUNS
    if first.endswith("ing"):
        # "Milo's painting on the whiteboard": when in doubt, Milo is doing it (and drawn)
        return first not in _ING_NOUNS or second in _DOING_WITH
    if first.endswith("ed"):
        return first not in _ED_NOUNS
    if first.endswith("en"):
        return first not in _EN_NOUNS and len(first) > 4
    return False


def _describes(word: str) -> bool:
    """A word that goes on describing rather than naming a thing: a preposition, "and", -ly, -ing."""
    return word in _IS_NEXT or word in _LINKS or word.endswith(("ly", "ing"))



def _is_a_state_emoji(char: str) -> bool:
    code = ord(char[0])
    return 0x1F600 <= code <= 0x1F64F or 0x1F910 <= code <= 0x1F92F or 0x1F970 <= code <= 0x1F97A or char[0] in _ACTIVITY_EMOJI
