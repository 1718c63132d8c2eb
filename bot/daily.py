"""The daily mascot post's memory and choices, apart from Discord.

`DailyStore` keeps, in one SQLite file next to the scheduler's job store, the BOFH
rotation (a shuffled order of all sayings and how far through it we are) and the last
local date a post went out. The rotation shows every saying once before any repeats,
across restarts. `daily_request` picks the day's scene from the prompts file.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from core.errors import FaultError


def load_lines(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a text file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FaultError(f"{path}: file not found; the daily post needs it (see CARTOON_DAILY_PROMPTS)") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


class DailyStore:
    """Rotation and last-posted date, persisted in SQLite (`path`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS daily_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One transaction (BEGIN IMMEDIATE: a second process waits instead of racing)."""
        db = sqlite3.connect(self.path, timeout=10, isolation_level="IMMEDIATE")
        try:
            with db:
                yield db
        finally:
            db.close()

    def _get(self, db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value FROM daily_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set(self, db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO daily_state (key, value) VALUES (?, ?)", (key, value))

    # --- the day ----------------------------------------------------------------------------
    def last_posted(self) -> dt.date | None:
        with self._db() as db:
            value = self._get(db, "last_posted")
        return dt.date.fromisoformat(value) if value else None

    def mark_posted(self, day: dt.date) -> None:
        with self._db() as db:
            self._set(db, "last_posted", day.isoformat())

    # --- the BOFH rotation --------------------------------------------------------------------
    def peek_saying(self, sayings: list[str]) -> tuple[str, int]:
        """The next saying and how many are left in this round, without using it up."""
        with self._db() as db:
            order, position = self._rotation(db, sayings)
        return sayings[order[position]], len(order) - position

    def next_saying(self, sayings: list[str]) -> str:
        """Use up the next saying of the rotation (atomically)."""
        with self._db() as db:
            order, position = self._rotation(db, sayings)
            saying = sayings[order[position]]
            self._set(db, "rotation", json.dumps({"sayings": sayings, "order": order, "position": position + 1}))
        return saying

    def _rotation(self, db: sqlite3.Connection, sayings: list[str]) -> tuple[list[int], int]:
        if not sayings:
            raise FaultError("the BOFH sayings file is empty; add one saying per line to data/bofh.txt")
        raw = self._get(db, "rotation")
        state = json.loads(raw) if raw else {}
        order, position = state.get("order", []), state.get("position", 0)
        if state.get("sayings") != sayings:
            # The file changed: start a new round, but not with a saying just used.
            last = state["sayings"][order[position - 1]] if state.get("sayings") and position else None
            order, position = _shuffled(len(sayings), avoid_first=_index(sayings, last)), 0
        elif position >= len(order):
            order, position = _shuffled(len(sayings), avoid_first=order[-1]), 0
        self._set(db, "rotation", json.dumps({"sayings": sayings, "order": order, "position": position}))
        return order, position


def _index(items: list[str], item: str | None) -> int | None:
    return items.index(item) if item in items else None


def _shuffled(count: int, *, avoid_first: int | None) -> list[int]:
    order = list(range(count))
    random.shuffle(order)
    if count > 1 and order[0] == avoid_first:
        order[0], order[1] = order[1], order[0]
    return order


@dataclass(frozen=True)
class DailyScene:
    text: str
    shirt: str
    with_james: bool


def daily_request(day: dt.date, prompts: list[str], saying: str, *, james_every: int) -> DailyScene:
    """The day's scene: prompts cycle by date; James joins every `james_every`th day.

    Prompt lines contain `{who}` ("Milo" or "Milo and James").
    """
    if not prompts:
        raise FaultError("the daily prompts file is empty; add one scene per line with {who} in it")
    ordinal = day.toordinal()
    with_james = james_every > 0 and ordinal % james_every == 0
    who = "Milo and James" if with_james else "Milo"
    prompt = prompts[ordinal % len(prompts)]
    text = prompt.replace("{who}", who) if "{who}" in prompt else f"{who}: {prompt}"
    return DailyScene(text=text, shirt=saying, with_james=with_james)
