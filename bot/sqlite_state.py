"""One short SQLite transaction on a state file of the bot (`CARTOON_BOT_STATE_DIR/*.sqlite`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT (or ROLLBACK on an error): a second process waits for the
    first instead of racing it; the connection is closed afterwards."""
    db = sqlite3.connect(path, timeout=10, isolation_level="IMMEDIATE")
    try:
        with db:
            yield db
    finally:
        db.close()
