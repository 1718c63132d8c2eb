"""A mention of a character in a request, and what it means (`Status`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Status(Enum):
    PRESENT = "present"
    THING = "thing"
    BELONGS = "belongs"
    ABSENT = "absent"
    IMAGINED = "imagined"  # named only in a condition, what would happen, or a habit (agent/moods.py)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ids: tuple[str, ...]
    word: str
    kind: str = "name"  # name | pronoun | typo | framed | wished
    status: Status = Status.PRESENT
    # Where the words are that give the status: "without", "waiting for", "went home",
    # "❌"; the action takes them out with the name.
    cue: tuple[int, int] | None = None
    # An imagined mention a later pronoun takes up ("… but today he's at the rack"): where the pronoun is.
    taken_up: tuple[int, int] | None = None
