"""`PRAGMA quick_check` on an SQLite file, read-only: the service runs it on its job store
at start-up, `cartoon doctor` on the same file from outside. Lives in core so both can."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


class CheckTooSlow(Exception):
    """The check did not finish within its time limit (a large file, a slow disk)."""


def quick_check(path: Path, limit_s: float | None = None) -> list[str]:
    """What `PRAGMA quick_check` finds wrong with an SQLite file, one line each ([] = sound).
    With `limit_s`, raises `CheckTooSlow` past it instead of reading on."""
    deadline = None if limit_s is None else time.monotonic() + limit_s
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            if deadline is not None:
                conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
            rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if deadline is not None and time.monotonic() > deadline and "interrupt" in str(exc):
            raise CheckTooSlow(f"PRAGMA quick_check took longer than {limit_s:g} s") from None
        rows = [str(exc)]
    if rows == ["ok"]:
        return []
    return [ln.strip() for row in rows for ln in row.splitlines() if ln.strip() and not ln.startswith("***")] or [
        "quick_check failed"
    ]
