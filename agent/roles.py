"""Characters described rather than named: "the guy who runs the lab", "the lab owner",
"the bearded man with glasses", "our AI guy", "the 🧔 boss", "the masked one".

A description is a determiner ("the", "our", "this", "the lab's"; "der", "el", "le", "o",
"il"), up to three modifiers (words or emoji) and a head noun, with what may follow the
head ("who runs the lab", "with glasses", "in charge", "of the lab"). It points at a
character when

- the head is one of that character's role nouns (`Character.role_nouns`: the aliases said
  with "the", the sheet's `roles`, what its description says it is: "man", "raccoon"), or
  another language's word for one ("Laborchef", "dueño", "padrone", "chefe");
- or the head is a word for anyone ("guy", "person", "one", "fellow", "Typ", "tizio") and a
  modifier or what follows is that character's trait (the sheet's `traits`: "bearded",
  "glasses", "runs the lab", "masked") or role noun ("our AI guy").

A description that opens a clause needs no determiner when its head is a role noun ("lab
owner on the couch", "owner oiling the chain": tickets). A description that fits two
characters points at neither. The mention is the whole description, with a relative clause
or "of the lab" that belongs to it, so the clause after it is read as usual ("the guy who
runs the lab, alone, at the whiteboard"); `agent.mentions` judges it like a name (absent,
a thing, only their things).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.lexicon import MERGED, phrase_re
from agent.mention import Mention
from characters.sheet import Character

_FLAGS = re.IGNORECASE
_EMOJI = r"[\U0001F300-\U0001FAFF\u2600-\u27BF][\U0001F3FB-\U0001F3FF\u200d\ufe0f\U0001F300-\U0001FAFF\u2600-\u27BF]*"
_CLAUSE_OPEN = re.compile(r"(?:^|[:;,.!?|\n(—–]|\s-\s|\band\b|\+|&)\s*$", _FLAGS)
# What follows a head and belongs to it: a relative clause, "of the lab", "in charge (of …)".
_RELATIVE = re.compile(r"^\s*,?\s*(?:who|that|whom)\s+(?P<body>[^,;.!?\n()—–]{1,60})", _FLAGS)
_OF_THE_LAB = re.compile(
    rf"^\s+(?:in\s+charge(?:\s+of\s+(?:the|this|our)\s+(?:{phrase_re(MERGED.lab_words)}|place))?|"
    rf"(?:of|do|da|del|della|du|de\s+la|des|vom|von)\s+(?:the\s+|this\s+|our\s+|l')?(?:{phrase_re(MERGED.lab_words)}|labo|laboratório|place))(?![\w])",
    _FLAGS,
)
_PHRASE = re.compile(r"^\s+(?:with|in|wearing|sporting|in\s+his|with\s+his|con|mit|avec|com)\s+(?P<body>[^,;.!?\n()—–]{1,40})", _FLAGS)
_LAB_OWNER = re.compile(rf"^(?:(?:the|our)\s+)?(?:{phrase_re(MERGED.lab_words)})(?:'s)?$", _FLAGS)
_DETERMINERS = frozenset(MERGED.determiners)
_NORMAL_DETERMINERS = re.compile(r"(?<![\w'])(?:this|our|his|that|my|your|their)(?![\w'])", _FLAGS)


class RoleReader:
    """The descriptions of one cast, with their words compiled once."""

    def __init__(self, characters: Iterable[Character], proper_names: frozenset[str]) -> None:
        owners: dict[str, set[str]] = {}
        for character in characters:
            for noun in character.role_nouns():
                owners.setdefault(noun, set()).add(character.id)
        for word, alias in MERGED.alias_words.items():  # "dueño" → "owner"
            target = alias.removeprefix("the ")
            if target in owners and " " not in word:
                owners.setdefault(word, set()).update(owners[target])
        self.role_of = {noun: next(iter(ids)) for noun, ids in owners.items() if len(ids) == 1 and noun not in proper_names}
        traits: dict[str, set[str]] = {}
        for character in characters:
            for trait in (*character.traits, *character.role_nouns()):
                traits.setdefault(trait.lower(), set()).add(character.id)
        self.trait_of = {t: next(iter(ids)) for t, ids in traits.items() if len(ids) == 1}
        self._traits = re.compile(rf"(?<![\w'-])(?:{phrase_re(tuple(self.trait_of))})(?![\w'-])", _FLAGS)
        people = tuple(MERGED.people_nouns)
        heads = (*self.role_of, *people)
        self.people = frozenset(people)
        self.heads = re.compile(rf"(?<![\w'-])(?P<head>{phrase_re(heads)})(?P<own>'s|s')?(?![\w-])", _FLAGS)

    def mentions(self, scan: str, taken: list[Mention]) -> list[Mention]:
        """Every description in `scan` that points at one character and overlaps no mention in `taken`."""
        out: list[Mention] = []
        for match in self.heads.finditer(scan):
            if any(m.start < match.end() and match.start() < m.end for m in taken):
                continue
            mention = self._read(scan, match)
            if mention is not None and not any(m.start < mention.end and mention.start < m.end for m in [*taken, *out]):
                out.append(mention)
        return out

    def _read(self, scan: str, match: re.Match[str]) -> Mention | None:
        head = " ".join(match.group("head").lower().split())
        start, modifiers = self._opening(scan, match.start())
        if start is None:
            return None
        who = self.role_of.get(head)
        end = match.end()
        after = scan[end:]
        if self.heads.match(after.lstrip(" "), 0) and after[:1] == " " and not match.group("own"):
            return None  # "our AI guy", "the boss man": the next word is the head
        said = " ".join(modifiers)
        relative = _RELATIVE.match(after)
        of_the_lab = _OF_THE_LAB.match(after)
        if of_the_lab is not None and not match.group("own"):
            said += " " + of_the_lab.group(0)
            end += of_the_lab.end()
        elif relative is not None:
            body = _NORMAL_DETERMINERS.sub(lambda m: "the".ljust(len(m.group(0))), relative.group(0))
            trait = next(reversed(list(self._traits.finditer(body))), None)
            if trait is not None and not match.group("own"):  # "who runs the lab": up to the trait
                said += " " + trait.group(0)
                end += trait.end()
        else:
            phrase = _PHRASE.match(after)
            if phrase is not None:
                said += " " + phrase.group("body")
        if who is None:  # "the guy" + a trait: "who runs the lab", "with glasses", "our AI guy"
            if start == match.start() and not modifiers:
                return None
            found = {self.trait_of[" ".join(t.group(0).lower().split())] for t in self._traits.finditer(_NORMAL_DETERMINERS.sub("the", said))}
            if len(found) != 1:
                return None
            who = found.pop()
        return Mention(start, end, (who,), scan[start:end], "role")

    def _opening(self, scan: str, position: int) -> tuple[int | None, list[str]]:
        """Where the description before a head at `position` starts (its determiner, or its
        first word at the start of a clause) and the modifiers between; None when nothing
        opens it. Without a determiner only emoji, "lab" and trait words may come first
        ("🧑‍🔬 lab owner", "bearded guy")."""
        modifiers: list[str] = []
        for _ in range(6):
            token = _LAST_TOKEN.search(scan, max(0, position - 40), position)
            if token is None:
                break
            word = token.group("w").lower()
            if word in _DETERMINERS:
                return token.start("w"), modifiers
            if word.endswith(("'s", "s'")) and not _LAB_OWNER.match(word):
                return None, []  # "Milo's owner", "the raccoon's helper": someone else
            if len(modifiers) >= 3:
                break
            modifiers.insert(0, word)
            position = token.start("w")
        if not _CLAUSE_OPEN.search(scan[:position]):
            return None, []
        if any(not (_is_emoji(w) or _LAB_OWNER.match(w) or w in self.trait_of) for w in modifiers):
            return None, []
        return position, modifiers


_LAST_TOKEN = re.compile(rf"(?P<w>{_EMOJI}|[^\W\d_][\w'-]*)[ \t]*$", _FLAGS)


def _is_emoji(word: str) -> bool:
    return not word[:1].isalnum()
