"""Chat markup the rules should not read as words: Discord markdown, links, custom emoji.

`SceneRequest` has already dropped user, role and channel mentions. Here: a markdown link
keeps its text; a bare link goes (its path may spell "james-at-the-rack"); struck-out text
(`~~James~~`) goes, since the writer took it back; spoilers, bold, italics and subtext
keep their words; `<:raccoon:123>` becomes `:raccoon:`; a leading "@Milo" or "Milo, draw…"
that addresses the bot is not a request to draw it. Backticks stay: they quote a slogan.
"""

from __future__ import annotations

import re

from agent.lexicon import MERGED, phrase_re

_LINK = re.compile(r"\[([^\]\n]{1,200})\]\((?:https?://|www\.)[^)\s]+\)")
_URL = re.compile(r"(?<![\"\w])(?:https?://|www\.)\S+", re.IGNORECASE)
_STRUCK = re.compile(r"~~.+?~~")
_MARKERS = re.compile(r"\|\||\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])|(?<![\w])_(?=\S)|(?<=\S)_(?!\w)")
_CUSTOM_EMOJI = re.compile(r"<a?(:\w{1,32}:)\d+>")
_GARMENTS = phrase_re(MERGED.garments)
_SPOILER_AFTER_GARMENT = re.compile(
    rf"(?P<g>(?<![\w])(?:{_GARMENTS})(?![\w])[^|\n]{{0,24}}?[\s:>=-])\|\|(?P<t>[^|\n]{{1,60}})\|\|", re.IGNORECASE
)
_URL_ON_GARMENT = re.compile(
    rf"(?P<g>(?<![\w])(?:{_GARMENTS})(?![\w])[^.\n]{{0,20}}?(?:says|reads|saying|reading|:)\s*)"
    r"(?P<u>(?:https?://|www\.)[^\s,;]+?)(?=[,;]?(?:\s|$))",
    re.IGNORECASE,
)
_SPOILER_BEFORE_GARMENT = re.compile(rf"\|\|(?P<t>[^|\n]{{1,60}})\|\|(?P<g>[\s-]+(?:{_GARMENTS})(?![\w]))", re.IGNORECASE)
# "-# small print" anywhere; a quote block or heading only where a line starts ("Tabs > Spaces" stays)
_SUBTEXT = re.compile(r"(?:^|(?<=\s))-#\s|^[ \t]*(?:#{1,3}|>>>|>)\s|```(?:[a-z]+(?=\n))?", re.MULTILINE)


def normalise(text: str) -> str:
    """The request with chat markup turned into plain words (white space collapsed; a line
    break stays one, since it ends a sentence). A spoiler beside a garment ("shirt
    ||PEBKAC||", "a ||Hug Your Sysadmin|| shirt") is the shirt's text: it becomes a quote."""
    # Each pattern runs only where its markup can be: most requests have none of it.
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        text = _LINK.sub(r"\1", text)
        text = _URL_ON_GARMENT.sub(r'\g<g>"\g<u>"', text)  # "shirt says www.milo.dev": the shirt's text, kept
    if "||" in text:
        text = _SPOILER_AFTER_GARMENT.sub(r'\g<g>"\g<t>"', text)
        text = _SPOILER_BEFORE_GARMENT.sub(r'"\g<t>"\g<g>', text)
    if "http" in lowered or "www." in lowered:
        text = _URL.sub(" ", text)
    if "~~" in text:
        text = _STRUCK.sub(" ", text)
    if "<" in text:
        text = _CUSTOM_EMOJI.sub(r" \1 ", text)
    if "|" in text or "*" in text or "_" in text:
        text = _MARKERS.sub(" ", text)
    if "#" in text or ">" in text or "```" in text:
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
