"""A small tokeniser of quoted phrases, for slogans.

Pairs: straight "…" and '…', curly “…” and ‘…’, guillemets «…» and »…«, low-high „…“
and ‚…‘, and `…`. A single-quote character opens only at the start of a word (after
white space or an opening bracket) and closes only at the end of one, so the apostrophe
in "Don't Panic" or "it's prod" never ends a quote, and "James' desk" never starts one.
"""

from __future__ import annotations

from dataclasses import dataclass

# opening character → the characters that may close it
_PAIRS: dict[str, str] = {
    '"': '"”“',
    "“": "”“\"",
    "”": "”\"",
    "„": "“”\"",
    "«": "»",
    "»": "«",
    "‹": "›",
    "‚": "‘’'",
    "`": "`",
    "'": "'’",
    "‘": "’'‘",
    "’": "’'",
}
_APOSTROPHES = "'‘’‚"
_MAX_QUOTE = 120


@dataclass(frozen=True)
class Quote:
    start: int  # index of the opening mark
    end: int  # index after the closing mark
    text: str  # what is inside, stripped


def _neighbours(text: str, i: int) -> tuple[str, str]:
    return (text[i - 1] if i > 0 else " "), (text[i + 1] if i + 1 < len(text) else " ")


def _opens(text: str, i: int) -> bool:
    """Any mark but an apostrophe opens; an apostrophe only at the start of a word."""
    if text[i] not in _APOSTROPHES:
        return True
    before, after = _neighbours(text, i)
    return (before.isspace() or before in "([{:—–-/") and not after.isspace()


def _closes(text: str, i: int) -> bool:
    """Any mark but an apostrophe closes; an apostrophe only at the end of a word."""
    if text[i] not in _APOSTROPHES:
        return True
    before, after = _neighbours(text, i)
    return not before.isspace() and (after.isspace() or after in ".,;:!?)]}—–-*")


def find_quotes(text: str) -> list[Quote]:
    """Every quoted phrase, left to right, not nested."""
    quotes: list[Quote] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _PAIRS and _opens(text, i):
            closers = _PAIRS[char]
            j = i + 1
            while j < len(text) and j - i <= _MAX_QUOTE:
                if text[j] in closers and j > i + 1 and _closes(text, j):
                    inner = text[i + 1 : j].strip()
                    if inner:
                        quotes.append(Quote(i, j + 1, inner))
                        i = j
                    break
                j += 1
        i += 1
    return quotes
