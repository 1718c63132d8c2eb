"""Where people may ask Milo for pictures, per server: `/cartoon-admin channels` keeps a list
of channels (empty: everywhere), in `CARTOON_BOT_STATE_DIR/admin.sqlite`. Slash commands,
buttons that make a new picture and mentions outside the list are refused politely; a
thread counts as its parent channel."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path

from bot.sqlite_state import transaction


class ChannelAllowList:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS allowed_channels (guild INTEGER NOT NULL, channel INTEGER NOT NULL,"
                       " PRIMARY KEY (guild, channel))")

    def _db(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self.path)

    def channels(self, guild_id: int | None) -> list[int]:
        """The server's allowed channels, in the order they were allowed; [] means everywhere."""
        with self._db() as db:
            rows = db.execute("SELECT channel FROM allowed_channels WHERE guild = ? ORDER BY rowid", (guild_id or 0,))
            return [int(row[0]) for row in rows]

    def allow(self, guild_id: int, channel_id: int) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO allowed_channels (guild, channel) VALUES (?, ?)", (guild_id, channel_id))

    def disallow(self, guild_id: int, channel_id: int) -> bool:
        """False when the channel was not on the list."""
        with self._db() as db:
            return db.execute("DELETE FROM allowed_channels WHERE guild = ? AND channel = ?",
                              (guild_id, channel_id)).rowcount > 0

    def clear(self, guild_id: int) -> None:
        with self._db() as db:
            db.execute("DELETE FROM allowed_channels WHERE guild = ?", (guild_id,))

    def allows(self, guild_id: int | None, channel: object) -> bool:
        """Whether pictures may be asked for in `channel` (a channel object, or its id): always
        outside servers and on a server without a list; a thread goes by its parent."""
        if guild_id is None:
            return True
        allowed = self.channels(guild_id)
        if not allowed:
            return True
        ids = {getattr(channel, "id", channel), getattr(channel, "parent_id", None)}
        return bool(ids & set(allowed))

    def refusal(self, guild_id: int | None) -> str:
        """The polite line for someone asking outside the list."""
        where = ", ".join(f"<#{c}>" for c in self.channels(guild_id)[:10])
        return f"I don't draw in this channel on this server; ask me in {where}, please."
