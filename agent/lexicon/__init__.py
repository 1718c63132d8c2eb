"""The words the rules read, one small lexicon per language (en, de, es, fr, pt, it).

Each `Lexicon` lists phrases by the job they do in a request: joining names ("and", "n",
"&"), removing someone ("without", "skip"), saying someone is away ("is off sick",
"went home"), saying the scene is empty ("not a soul"), other words for a character's
alias ("Waschbär" → "raccoon"), shirt words ("T-Shirt mit der Aufschrift"), and the
walls in that language. The rules use all languages at once (a request may mix them), so
`MERGED` joins them. Phrases are plain lower-case text, a space standing for any run of
white space; fields ending in `_re` are regular-expression fragments.

The English wall words live beside the wall descriptions in `agent/walls.py`; the other
languages' wall words are here.
"""

from __future__ import annotations

from agent.lexicon import de, en, es, fr, it, pt
from agent.lexicon.base import Lexicon, phrase_re
from agent.walls import PlateName

__all__ = ["LEXICONS", "MERGED", "Lexicon", "phrase_re"]


def _merged(lexicons: tuple[Lexicon, ...]) -> Lexicon:
    def join(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x for lex in lexicons for x in getattr(lex, name)))

    walls: dict[PlateName, tuple[str, ...]] = {}
    for lex in lexicons:
        for plate, words in lex.walls.items():
            walls[plate] = (*walls.get(plate, ()), *words)
    alias_words: dict[str, str] = {}
    for lex in lexicons:
        alias_words.update(lex.alias_words)
    plain = {
        name: join(name)
        for name in Lexicon.__dataclass_fields__
        if name not in {"language", "walls", "alias_words"}
    }
    return Lexicon(language="+".join(lex.language for lex in lexicons), walls=walls, alias_words=alias_words, **plain)


LEXICONS: tuple[Lexicon, ...] = (en.LEXICON, de.LEXICON, es.LEXICON, fr.LEXICON, pt.LEXICON, it.LEXICON)
MERGED: Lexicon = _merged(LEXICONS)
