"""Check of the render service's queue store: the SQLite folder is writable and its
`jobs.db` sound (one box), or Redis answers with the password in CARTOON_REDIS_URL (several
boxes)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings
from core.sqlite_check import CheckTooSlow, quick_check

JOBS_DB = "jobs.db"  # the embedded store's file (render/service/store_sqlite.py)


def check_queue(settings: Settings) -> CheckResult:
    if settings.queue == "redis":
        return _check_redis(settings)
    folder = Path(settings.service_dir)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK):
        return fail(
            "queue",
            f"{folder} is not writable by this user (uid {os.getuid()}); fix the volume's owner "
            f"or set CARTOON_SERVICE_DIR",
        )
    database = folder / JOBS_DB
    if database.exists():
        problem = _check_database(database, settings.doctor_timeout_s)
        if problem is not None:
            return problem
    return ok("queue", f"embedded SQLite queue in {folder} (one box; CARTOON_QUEUE=redis to scale out)")


def _check_database(database: Path, limit_s: float) -> CheckResult | None:
    """The embedded store's file, read as the service reads it at start-up."""
    if not os.access(database, os.R_OK):
        return fail("queue", f"{database} is not readable by this user (uid {os.getuid()}); fix the volume's owner")
    try:
        problems = quick_check(database, limit_s=limit_s)
    except CheckTooSlow as exc:
        return warn("queue", f"{database}: {exc}; the service checks it in full at its next start")
    if not problems:
        return None
    more = f", and {len(problems) - 1} more" if len(problems) > 1 else ""
    return fail(
        "queue",
        f"{database} is damaged ({problems[0]}{more}); stop the service and restore a backup made with "
        "`cartoon backup`, or move the file away to start with an empty job store",
        problems=problems[:10],
    )


def _check_redis(settings: Settings) -> CheckResult:
    where = _safe_url(settings.redis_url)
    if importlib.util.find_spec("redis") is None:
        return warn("queue", "the redis client is not installed in this image; run cartoon doctor in a render container")
    import redis

    client = redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.doctor_timeout_s,
        socket_connect_timeout=settings.doctor_timeout_s,
    )
    try:
        client.ping()
    except (redis.AuthenticationError, redis.ResponseError) as exc:
        if isinstance(exc, redis.AuthenticationError) or "NOAUTH" in str(exc):
            if urlsplit(settings.redis_url).password is None:
                return fail("queue", f"Redis at {where} needs a password; write it into CARTOON_REDIS_URL (redis://:PASSWORD@host:6379/0)")
            return fail("queue", f"Redis at {where} refused the password; CARTOON_REDIS_URL must carry CARTOON_REDIS_PASSWORD (redis://:PASSWORD@host:6379/0)")
        return fail("queue", f"Redis at {where} answered: {str(exc).splitlines()[0]}")
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return fail(
            "queue",
            f"Redis at {where} is unreachable ({reason}); start it (docker compose --profile scale up -d redis) "
            f"or fix CARTOON_REDIS_URL",
        )
    finally:
        client.close()
    return ok("queue", f"Redis queue at {where} answers")


def _safe_url(url: str) -> str:
    """host:port/db of a Redis URL, without the password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"
