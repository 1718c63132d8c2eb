"""Errors in words for the people who asked: no paths on the render box, no command-line
advice. A job's error and an API error reach Discord users, who can do nothing with
"/app/data/service/work/…" or "write a shorter slogan with `cartoon shirt`"; the full
message goes to the service log for the admin."""

from __future__ import annotations

import re

# An absolute path with at least two parts (/app/data, /tmp/x.png), or a home-relative one.
_PATH = re.compile(r"(?<![\w:/])(?:~|/)[\w.@+-]+(?:/[\w.@+-]*)+")
# Advice meant for a command line or an admin's settings, not for the person who asked.
_ADVICE = re.compile(
    r"`cartoon\b|\bcartoon (?:shirt|scene|serve|plates|doctor|backup)\b|(?:^|\s)--?[a-z]|\bCARTOON_[A-Z_]+"
    r"|\bchoose another (?:output )?(?:path|folder|name)\b"
)
_FLAG = re.compile(r"(?<!\S)--([a-z][\w-]*)")
_SPACES = re.compile(r"\s+")


def plain(message: str) -> str:
    """`message` without its paths, and without the parenthesised asides and `;` clauses
    that give command-line or settings advice; one line."""
    text = _SPACES.sub(" ", message).strip()
    text = re.sub(r"\s*\(([^()]*)\)", lambda m: "" if _ADVICE.search(m[1]) or _PATH.search(m[1]) else m[0], text)
    head, *clauses = text.split("; ")
    kept = [head, *(c for c in clauses if not _ADVICE.search(c))]
    text = "; ".join(kept)
    text = _PATH.sub("a file on the render box", text)
    text = _FLAG.sub(r"'\1'", text)  # "for --as" → "for 'as'": the API's fields share the names
    return text.strip(" ;,") or "the render failed; try again, and tell the admin if it keeps failing"
