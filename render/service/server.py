"""`cartoon serve`: uvicorn in the main thread (it owns the signals), the runtime in threads.
The open-file limit is raised to its hard limit first, and the connection cap kept below it."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from core.errors import FaultError
from core.settings import Settings
from render.service.exposure import check_exposure


def serve(
    settings: Settings,
    *,
    backend: str,
    host: str,
    port: int,
    workers: int,
    on_ready: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    check_exposure(host, settings.render_token)
    _check_port_free(host, port)
    if settings.queue == "sqlite":
        _hold_folder(settings)
    if settings.queue == "redis":  # fail fast, before seconds of imports, if Redis is down
        from render.service.store_redis import RedisStore

        RedisStore(settings.redis_url).close()
    import uvicorn

    from render.service.app import create_app
    from render.service.connections import raise_file_limit

    raise_file_limit()

    app = create_app(settings, backend=backend, workers=workers)
    server = uvicorn.Server(uvicorn_config(app, settings, host, port))
    if on_ready is not None:
        info = {
            "url": f"http://{host}:{port}",
            "docs": f"http://{host}:{port}/docs",
            "backend": backend,
            "queue": settings.queue,
            "workers": workers,
            "pid": os.getpid(),
        }
        threading.Thread(target=_announce, args=(server, on_ready, info), daemon=True).start()
    server.run()
    if not server.started:
        raise FaultError(f"the service did not start on {host}:{port}; see the log above")


def uvicorn_config(app: Any, settings: Settings, host: str, port: int) -> Any:
    """uvicorn's settings for the service: the guarded h11 protocol (header deadline,
    connection cap within the open-file limit), keep-alive timeout, no access log."""
    from render.service.connections import ServiceConfig, connection_cap

    return ServiceConfig(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=settings.service_keepalive_s,
        max_connections=connection_cap(settings.service_max_connections, current_file_limit()),
        header_timeout_s=settings.service_header_timeout_s,
    )


def current_file_limit() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


_held: list[Any] = []


def _hold_folder(settings: Settings) -> None:
    """Embedded mode: one process per data folder (at start-up it takes back every job a
    previous run left running, which would steal a live second process's jobs). The lock
    goes with the process, so a kill -9 leaves nothing to clean up."""
    import fcntl

    folder = settings.service_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / "serve.lock").open("w")
    except OSError as exc:
        raise FaultError(f"{folder}: cannot use it ({exc.strerror}); set CARTOON_SERVICE_DIR") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise FaultError(
            f"another `cartoon serve` already uses {folder}; stop it, set another CARTOON_SERVICE_DIR, "
            "or use CARTOON_QUEUE=redis for several workers"
        ) from None
    _held.append(handle)


def _announce(server: Any, on_ready: Callable[[dict[str, Any]], None], info: dict[str, Any]) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.02)
    if server.started:
        on_ready(info)


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise FaultError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
