"""Run an ASGI app on 127.0.0.1 (a free port) in a background thread, for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def start(config: Any, timeout_s: float = 20.0) -> tuple[Any, threading.Thread]:
    """A uvicorn `Server` for `config`, running in a daemon thread once this returns."""
    import uvicorn

    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    return server, thread


def stop(server: Any, thread: threading.Thread, timeout_s: float = 20.0) -> None:
    server.should_exit = True
    thread.join(timeout_s)


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Yields the base URL, http://127.0.0.1:PORT; stops the server on exit."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="websockets-sansio", lifespan="off")
    server, thread = start(config, timeout_s=10)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(server, thread, timeout_s=5)
