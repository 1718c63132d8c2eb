"""Chat markup the rules should not read as words: Discord markdown, links, custom emoji.

`SceneRequest` has already dropped user, role and channel mentions. Here: a markdown link
keeps its text; a bare link goes (its path may spell "james-at-the-rack"); struck-out text
(`~~James~~`) goes, since the writer took it back; spoilers, bold, italics and subtext
keep their words; `<:raccoon:123>` becomes `:raccoon:`; a leading "@Milo" or "Milo, draw…"
that addresses the bot is not a request to draw it. Backticks stay: they quote a slogan.
"""

from __future__ import annotations

import re

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|www\.)[^)\s]+\)")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_STRUCK = re.compile(r"~~.+?~~")
_MARKERS = re.compile(r"\|\||\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w])_(?=\S)|(?<=\S)_(?!\w)")
_CUSTOM_EMOJI = re.compile(r"<a?(:\w{1,32}:)\d+>")
_SUBTEXT = re.compile(r"(?:^|(?<=\s))(?:-#|>>>|>)\s")


def normalise(text: str) -> str:
    """The request with chat markup turned into plain words (white space collapsed; a line
    break stays one, since it ends a sentence)."""
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _STRUCK.sub(" ", text)
    text = _CUSTOM_EMOJI.sub(r" \1 ", text)
    text = _MARKERS.sub(" ", text)
    text = _SUBTEXT.sub(" ", text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def addressing(bot_names: list[str]) -> re.Pattern[str]:
    """Text that speaks to the bot ("@Milo", "hey Milo, draw…"): blanked before reading who is in
    the picture, so the bot is drawn only when the request asks for it."""
    names = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(bot_names, key=len, reverse=True))
    asks = (r"draw|make|show|paint|render|create|generate|do|give|gimme|can|could|would|will|please|"
            r"pls|plz|i\s+want|i'd|id\s+like|picture|sketch|put|let's|lets|how\s+about|zeichne|dibuja|dessine")
    return re.compile(
        rf"@(?:{names})\b|^\s*(?:(?:hey|hi|hello|yo|ok|okay|oi|dear)\s+(?:{names})\s*[,:!]?|(?:{names})\s*[,:!])"
        rf"\s*(?=(?:{asks})\b)",
        re.IGNORECASE,
    )
