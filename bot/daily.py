"""The daily mascot post's memory and choices, apart from Discord.

`DailyStore` keeps, in one SQLite file (`CARTOON_BOT_STATE_DIR/daily.sqlite`):
- the BOFH rotation: a shuffled order of all sayings and how far through it we are, so
  every saying shows once before any repeats, across restarts. A saying is only *peeked*
  when a day's attempt starts and *consumed* when that day's picture is posted, so failed
  attempts use none up;
- the last local date a post went out;
- today's `Attempt`: the saying it uses, the message that shows it (progress, the one
  public notice while the render service is down, then the picture), how many tries, the
  last error and when the next quiet try is due;
- the admins' `DailyChoices` (/cartoon-daily pause, skip, time, channel), which win over
  the settings where they are set.

`now` is the daily post's clock; `due_at` turns the daily time into an instant on a given
local day (DST-safe);
`daily_request` picks the day's scene from the prompts file.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.sqlite_state import transaction
from core.errors import FaultError


@dataclass
class Attempt:
    """One local day's daily post, from its first try until it is posted."""

    day: str  # ISO date, local to CARTOON_DAILY_TZ
    saying: str
    message_id: int | None = None
    tries: int = 0
    last_error: str | None = None
    next_try: str | None = None  # ISO instant of the next quiet retry
    notice: bool = False  # the day's one public "running late" notice went out


@dataclass
class DailyChoices:
    """What admins chose with /cartoon-daily; None leaves the setting (CARTOON_DAILY_*) in charge."""

    paused: bool = False
    skip: str | None = None  # ISO local date whose post is skipped
    time: str | None = None  # HH:MM
    tz: str | None = None  # IANA zone
    channel: int | None = None


@dataclass(frozen=True)
class DailyConfig:
    """The daily post as it runs: the admins' choices over the settings."""

    channel: int | None
    time: str
    tz: str
    paused: bool
    skip: str | None
    chosen: frozenset[str]  # which of channel, time, tz an admin set

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @classmethod
    def of(cls, choices: DailyChoices, channel: int | None, time: str, tz: str) -> DailyConfig:
        chosen = frozenset(name for name in ("channel", "time", "tz") if getattr(choices, name) is not None)
        return cls(channel=choices.channel if choices.channel is not None else channel, time=choices.time or time,
                   tz=choices.tz or tz, paused=choices.paused, skip=choices.skip, chosen=chosen)


class DailyStore:
    """Rotation, last-posted date and today's attempt, persisted in SQLite (`path`)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS daily_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def _get(self, db: sqlite3.Connection, key: str) -> str | None:
        row = db.execute("SELECT value FROM daily_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set(self, db: sqlite3.Connection, key: str, value: str | None) -> None:
        if value is None:
            db.execute("DELETE FROM daily_state WHERE key = ?", (key,))
        else:
            db.execute("INSERT OR REPLACE INTO daily_state (key, value) VALUES (?, ?)", (key, value))

    # --- the day ----------------------------------------------------------------------------
    def last_posted(self) -> dt.date | None:
        with self._db() as db:
            value = self._get(db, "last_posted")
        return dt.date.fromisoformat(value) if value else None

    def attempt(self) -> Attempt | None:
        with self._db() as db:
            value = self._get(db, "attempt")
        return Attempt(**json.loads(value)) if value else None

    def save_attempt(self, attempt: Attempt) -> None:
        with self._db() as db:
            self._set(db, "attempt", json.dumps(asdict(attempt)))

    def mark_posted(self, day: dt.date, saying: str, sayings: list[str]) -> None:
        """The day's picture is out: remember the day, use up its saying, end the attempt, in one
        transaction. Running it twice (a restart between the post and this) changes nothing more."""
        with self._db() as db:
            self._set(db, "last_posted", day.isoformat())
            order, position = self._rotation(db, sayings)
            if sayings[order[position]] == saying:
                self._set(db, "rotation", json.dumps({"sayings": sayings, "order": order, "position": position + 1}))
            attempt = self._get(db, "attempt")
            if attempt and json.loads(attempt)["day"] == day.isoformat():
                self._set(db, "attempt", None)

    # --- what admins chose ------------------------------------------------------------------
    def choices(self) -> DailyChoices:
        with self._db() as db:
            value = self._get(db, "choices")
        return DailyChoices(**json.loads(value)) if value else DailyChoices()

    def choose(self, **changes: object) -> DailyChoices:
        """Change some of the admins' choices (atomically); the choices after it."""
        with self._db() as db:
            value = self._get(db, "choices")
            choices = DailyChoices(**json.loads(value)) if value else DailyChoices()
            for name, changed in changes.items():
                setattr(choices, name, changed)
            self._set(db, "choices", json.dumps(asdict(choices)))
        return choices

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


def now() -> dt.datetime:
    """The current instant (UTC): the daily post's one clock (tests move it)."""
    return dt.datetime.now(dt.UTC)


def due_at(day: dt.date, hh_mm: str, tz: ZoneInfo) -> dt.datetime:
    """The instant (UTC) of `hh_mm` on local `day`. On the night clocks go forward a time in
    the gap comes an hour later (02:30 → 03:30); on the night they go back, the first 02:30."""
    hour, minute = (int(part) for part in hh_mm.split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)  # fold=0: the earlier offset
    return local.astimezone(dt.UTC)


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
