"""The jobs the bot is following, kept on disk so a restart delivers them.

A `PendingJob` is written before its job is submitted and removed once the picture is
posted (or the asker was told why not). It holds what is needed to finish the job from a
fresh process: the request body (to submit it again if the bot stopped before the service
answered), the job id and the service it runs on, and where the picture goes (channel,
the message that shows progress, the interaction's token until it expires, the message a
mention replied to). `origin` names what made the job ("cartoon", "mention", "reroll",
"vary", "edit", "show", "daily", or whatever comes next); `extra` is that origin's own data (the daily
post keeps its day and saying there). Nothing here knows about Discord or the service.

`PendingStore` keeps them in one SQLite file (`CARTOON_BOT_STATE_DIR/pending.sqlite`).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.sqlite_state import transaction

# What a delivery is doing right now. "posting" is written just before a new message with the
# picture is sent: a restart that finds it looks for that message before sending another.
FOLLOWING, POSTING = "following", "posting"


@dataclass
class PendingJob:
    """One job the bot follows, whatever made it."""

    origin: str
    body: dict[str, Any]  # the POST /v1/scenes body, or that of an edit, vary or reroll of `parent`
    requester_id: int
    channel_id: int
    scene: str  # what the progress message calls the picture (already safe to echo)
    guild_id: int | None = None
    lead: str | None = None  # the caption's first part (already safe to echo)
    job_id: str | None = None
    service: str = ""  # the tag of the service the job is on ("" primary)
    tried: list[str] = field(default_factory=list)  # tags of services that failed it
    message_id: int | None = None  # the message that shows progress and becomes the picture
    reply_to: int | None = None  # a mention: the message it answers
    application_id: int | None = None  # an interaction: its webhook, until `token_expires`
    token: str | None = None
    token_expires: float | None = None  # epoch seconds
    filesize_limit: int = 10 * 1024 * 1024
    stage: str = FOLLOWING
    extra: dict[str, Any] = field(default_factory=dict)
    # A new picture made from a finished one: "edit", "vary" or "reroll" of the job `parent`,
    # on the service that has it (`service`, set before submission); "scene" is a new scene.
    action: str = "scene"
    parent: str | None = None
    created_at: float = field(default_factory=time.time)
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def token_alive(self) -> bool:
        return self.token is not None and self.token_expires is not None and time.time() < self.token_expires

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> PendingJob:
        data = json.loads(text)
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class PendingStore:
    """Pending jobs by key, in SQLite at `path`; every call is one short transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS pending (key TEXT PRIMARY KEY, record TEXT NOT NULL,"
                       " created REAL NOT NULL)")

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def save(self, job: PendingJob) -> None:
        """Insert or update (the record is small; it is rewritten whole)."""
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO pending (key, record, created) VALUES (?, ?, ?)",
                       (job.key, job.to_json(), job.created_at))

    def remove(self, key: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM pending WHERE key = ?", (key,))

    def get(self, key: str) -> PendingJob | None:
        with self._db() as db:
            row = db.execute("SELECT record FROM pending WHERE key = ?", (key,)).fetchone()
        return PendingJob.from_json(row[0]) if row else None

    def all(self) -> list[PendingJob]:
        """Oldest first."""
        with self._db() as db:
            rows = db.execute("SELECT record FROM pending ORDER BY created").fetchall()
        return [PendingJob.from_json(row[0]) for row in rows]
