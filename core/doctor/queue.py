"""Check of the render service's queue store: the SQLite folder is writable (one box), or
Redis answers with the password in CARTOON_REDIS_URL (several boxes)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

from core.doctor.result import CheckResult, fail, ok, warn
from core.settings import Settings


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
    return ok("queue", f"embedded SQLite queue in {folder} (one box; CARTOON_QUEUE=redis to scale out)")


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
