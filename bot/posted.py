"""Where each picture was posted: job id (and the service that has it) → the message, in
`CARTOON_BOT_STATE_DIR/posted.sqlite`. /cartoon-history links to pictures with it, and
/cartoon-show finds the job behind a message link. A picture posted again (/cartoon-show, a
new slogan Discord would not let the bot edit in) points to its newest message."""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from bot.sqlite_state import transaction


@dataclass(frozen=True)
class Posted:
    job_id: str
    service: str
    guild_id: int | None
    channel_id: int
    message_id: int
    requester_id: int

    @property
    def jump_url(self) -> str:
        return f"https://discord.com/channels/{self.guild_id or '@me'}/{self.channel_id}/{self.message_id}"


class PostedStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS posted (job TEXT PRIMARY KEY, service TEXT NOT NULL, guild INTEGER,"
                       " channel INTEGER NOT NULL, message INTEGER NOT NULL, requester INTEGER NOT NULL,"
                       " posted REAL NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS posted_message ON posted (message)")

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def record(self, posted: Posted) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO posted VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (posted.job_id, posted.service, posted.guild_id, posted.channel_id, posted.message_id,
                        posted.requester_id, time.time()))

    def of_job(self, job_id: str) -> Posted | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM posted WHERE job = ?", (job_id,)).fetchone()
        return _posted(row)

    def of_message(self, message_id: int) -> Posted | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM posted WHERE message = ? ORDER BY posted DESC", (message_id,)).fetchone()
        return _posted(row)


def _posted(row: tuple | None) -> Posted | None:
    return Posted(row[0], row[1], row[2], row[3], row[4], row[5]) if row else None
