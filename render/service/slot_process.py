"""The main loop of a supervised worker process (one per worker slot): load the backend
once, then render the jobs its supervisor (`slots.ProcessSlot`) sends over a pipe.

Messages, child → parent: ("ready", None) or ("error", line) once loaded; per job any number
of ("progress", step, total), each answered with a `Verdict` ("go", "stop", "timeout"),
then ("outcome", Outcome). Parent → child: ("render", RenderRequest). The process ends when
the pipe closes (its supervisor stopped) or its parent process is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING

from core.errors import CartoonError
from render.service.rendering import Verdict, describe_failure, load_pipeline, render_once

if TYPE_CHECKING:
    from core.settings import Settings

PARENT_CHECK_S = 1.0


def die_with_parent() -> None:
    """End this process when its parent dies (even by SIGKILL), so a render hung in a
    backend never outlives the service: a thread watches for the parent to change. (Linux's
    PR_SET_PDEATHSIG would fire when the parent's *thread* that started us ends.)"""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def slot_main(conn: Connection, settings: Settings, backend_name: str, index: int, gpu: str | None = None) -> None:
    if gpu is not None:  # before the backend imports torch, which reads it once
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    logging.basicConfig(level=logging.WARNING, format=f"%(levelname)s slot {index} %(name)s: %(message)s")
    try:
        pipeline = load_pipeline(backend_name, settings)
    except (Exception, MemoryError) as exc:
        conn.send(("error", str(exc) if isinstance(exc, CartoonError) else describe_failure(exc)))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] != "render":
            return
        request = message[1]

        def on_progress(step: int, total: int) -> Verdict:
            conn.send(("progress", step, total))
            return conn.recv()

        conn.send(("outcome", render_once(pipeline, request, on_progress)))
