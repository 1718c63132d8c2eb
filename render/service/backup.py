"""`cartoon backup FILE`: a consistent copy of the embedded job store, taken while the
service runs (SQLite's online backup API), checked, then moved into place.

Restore: stop the service, copy the backup to CARTOON_SERVICE_DIR/jobs.db, delete
jobs.db-wal and jobs.db-shm beside it, start the service.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from core.errors import FaultError, InputError
from core.settings import Settings
from render.service.store_sqlite import BUSY_TIMEOUT_MS, check_file


def backup(settings: Settings, target: Path) -> dict[str, Any]:
    """Copy CARTOON_SERVICE_DIR/jobs.db to `target`; returns what the copy holds."""
    if settings.queue == "redis":
        raise InputError(
            "the job store is Redis (CARTOON_QUEUE=redis); back it up with Redis itself, "
            "e.g. redis-cli --rdb FILE, or keep its AOF file"
        )
    source = settings.service_dir / "jobs.db"
    if not source.is_file():
        raise InputError(f"{source}: no job store there; check CARTOON_SERVICE_DIR")
    target = target.expanduser()
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give a file name such as {target / 'jobs-backup.db'}")
    if not target.parent.is_dir():
        raise InputError(f"{target}: folder {target.parent} does not exist; create it or choose another")
    if target.exists() and target.resolve() == source.resolve():
        raise InputError(f"{target}: is the job store itself; choose another file")
    started = time.perf_counter()
    partial = target.with_name(f".{target.name}.partial")
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=1024)  # in steps, so the live service is never held long
            jobs = int(dst.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
            pictures = int(dst.execute("SELECT COUNT(*) FROM blobs WHERE kind != 'plan'").fetchone()[0])
        finally:
            dst.close()
            src.close()
        check_file(partial)
        os.replace(partial, target)
    except sqlite3.DatabaseError as exc:
        partial.unlink(missing_ok=True)
        raise FaultError(f"{source}: cannot back it up ({exc}); check the disk and the file") from None
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise FaultError(f"{target}: cannot write the backup ({exc.strerror}); check the disk") from None
    return {
        "backup": str(target),
        "source": str(source),
        "jobs": jobs,
        "pictures": pictures,
        "bytes": target.stat().st_size,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
