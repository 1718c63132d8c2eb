"""Words the bot will not draw or write: `data/blocked_words.txt` plus
`CARTOON_BOT_BLOCKED_WORDS` (comma-separated), refused in scenes, slogans and edits before
anything is queued, with a polite private answer that does not repeat the word.

Matching ignores case and accents, reads look-alike digits and symbols as letters ("N4zi",
"$ex"), and goes by whole words: "sex" refuses "sex" but not "Essex"; an entry ending in `*`
also refuses every longer word it begins ("nazi*": "nazis"); an entry of several words is a
phrase.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from core.errors import FaultError

_LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
REFUSALS = {
    "scene": "I'd rather not draw that: it has a word I keep out of my pictures. Please ask again without it.",
    "slogan": "I'd rather not put that on Milo's shirt: it has a word I keep out of my pictures. Please pick another.",
    "edit": "I'd rather not make that change: it has a word I keep out of my pictures. Please describe it another way.",
}


def fold(text: str) -> str:
    """Lower case, accents off, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


class BlockedWords:
    def __init__(self, entries: list[str]) -> None:
        self.entries = [e for e in (fold(entry) for entry in entries) if e.strip("* ")]
        alternatives = []
        for entry in self.entries:
            stem = entry.rstrip("*")
            words = r"[^a-z0-9]+".join(re.escape(word) for word in stem.split())
            alternatives.append(words + (r"[a-z]*" if entry.endswith("*") else ""))
        self._pattern = re.compile(rf"(?<![a-z])(?:{'|'.join(alternatives)})(?![a-z])") if alternatives else None

    @classmethod
    def load(cls, path: Path, extra: str = "") -> BlockedWords:
        """The file's words (blank lines and `#` comments skipped) and `extra`'s."""
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise FaultError(f"{path}: blocked words file not found; restore it or set CARTOON_DATA_DIR") from None
        words = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        return cls(words + [w.strip() for w in extra.split(",") if w.strip()])

    def find(self, text: str | None) -> str | None:
        """The first blocked word in `text` (as the list writes it), or None."""
        if not text or self._pattern is None:
            return None
        folded = fold(text)
        for variant in (folded, folded.translate(_LOOK_ALIKES)):
            match = self._pattern.search(variant)
            if match:
                return match.group(0)
        return None

    def refusal(self, text: str | None, kind: str) -> str | None:
        """The polite refusal for `text` (`kind`: "scene", "slogan" or "edit"), or None when it is fine."""
        return REFUSALS[kind] if self.find(text) else None
