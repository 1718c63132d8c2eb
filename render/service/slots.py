"""Worker slots: where a job's render runs. One slot per worker thread (`--workers N`, one
per GPU), of one of two kinds:

- `ProcessSlot`: a supervised process of its own (`slot_process`), holding the backend. The
  supervisor waits for each progress step or the result only until the job's time limit;
  a backend that never returns is killed, the job fails with the real reason, and a fresh
  process loads the backend for the next job (`state` "restarting" meanwhile, on /healthz).
- `ThreadSlot`: the render in the worker thread itself, over one pipeline all thread slots
  share; a time limit stops it only at a progress step. For the preview backend, which
  draws with Pillow in milliseconds and cannot hang, and where a process costs start-up
  time for nothing.

`CARTOON_SERVICE_ISOLATION` chooses: auto (process, except preview), process, thread.
`CARTOON_SERVICE_SLOT_GPUS` ("0,1") gives each slot process its own GPU as
CUDA_VISIBLE_DEVICES (set in the fresh process before anything imports torch); unset, every
slot sees what the service sees. Thread slots share one process, so they cannot be pinned.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from core.errors import CartoonError, InputError
from render.service.rendering import (
    Outcome,
    RenderRequest,
    Verdict,
    load_pipeline,
    render_once,
    timeout_message,
)
from render.service.slot_process import slot_main
from render.service.wording import plain

if TYPE_CHECKING:
    from core.settings import Settings
    from render.pipeline import ScenePipeline

log = logging.getLogger(__name__)
SlotState = Literal["starting", "ready", "busy", "restarting", "failed"]
Progress = Callable[[int, int], Verdict]
STOP_GRACE_S = 30.0  # after "stop"/"timeout", how long the render may take to wind down
POLL_S = 1.0


class Slot(ABC):
    def __init__(self, index: int) -> None:
        self.index = index
        self.state: SlotState = "starting"
        self.restarts = 0
        self.error: str | None = None

    def start(self) -> None:
        """Begin loading the backend (in the background where it can be)."""
        return None

    @abstractmethod
    def wait_ready(self) -> bool:
        """Block until the backend is loaded; False (and `error` set) when it failed."""

    @abstractmethod
    def run(self, request: RenderRequest, on_progress: Progress) -> Outcome: ...

    def stop(self) -> None:
        return None

    def info(self) -> dict[str, Any]:
        return {"slot": self.index, "state": self.state, "restarts": self.restarts, "gpu": None}


class ThreadSlot(Slot):
    """The render in the calling thread; `load` is shared by every thread slot."""

    def __init__(self, index: int, load: Callable[[], ScenePipeline | None], load_error: Callable[[], str | None]) -> None:
        super().__init__(index)
        self._load, self._load_error = load, load_error
        self.pipeline: ScenePipeline | None = None

    def wait_ready(self) -> bool:
        self.pipeline = self._load()
        self.error = self._load_error()
        self.state = "ready" if self.pipeline is not None else "failed"
        return self.pipeline is not None

    def run(self, request: RenderRequest, on_progress: Progress) -> Outcome:
        if self.pipeline is None:
            return Outcome("failed", error=plain(self.error or "the backend is not loaded"))
        self.state = "busy"
        try:
            return render_once(self.pipeline, request, on_progress, deadline=time.monotonic() + request.limit_s)
        finally:
            self.state = "ready"


class ProcessSlot(Slot):
    def __init__(self, index: int, settings: Settings, backend_name: str, gpu: str | None = None) -> None:
        super().__init__(index)
        self.settings, self.backend_name = settings, backend_name
        self.gpu = gpu  # CUDA_VISIBLE_DEVICES of its process; None: inherited
        self._context = multiprocessing.get_context("spawn")  # never fork a process with threads
        self._process: Any = None
        self._conn: Any = None
        self._loaded = False
        self._ready = threading.Event()
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def info(self) -> dict[str, Any]:
        return {**super().info(), "pid": self.pid, "gpu": self.gpu}

    def start(self) -> None:
        """Start the process; a thread waits for it to load (only that thread reads the
        pipe until then)."""
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=slot_main,
            args=(child, self.settings, self.backend_name, self.index, self.gpu),
            name=f"cartoon-slot-{self.index}",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._conn, self._loaded, self._ready = parent, False, threading.Event()
        threading.Thread(target=self._await_load, args=(parent, self._ready), name=f"cartoon-slot-{self.index}-load", daemon=True).start()

    def _await_load(self, conn: Any, ready: threading.Event) -> None:
        try:
            kind, detail = conn.recv()  # as long as loading takes (minutes for kontext)
        except (EOFError, OSError):
            kind, detail = "error", f"the render process stopped while loading the backend ({self._exit()})"
        if kind == "ready":
            self._loaded, self.state, self.error = True, "ready", None
        elif not self._stopping:
            self.state, self.error = "failed", str(detail)
            log.error("slot %d: backend %s did not load: %s", self.index, self.backend_name, detail)
        ready.set()

    def wait_ready(self) -> bool:
        self._ready.wait()
        return self._loaded

    def run(self, request: RenderRequest, on_progress: Progress) -> Outcome:
        if not self.wait_ready():
            return Outcome("failed", error=plain(self.error or "the backend did not load"))
        self.state = "busy"
        deadline = time.monotonic() + request.limit_s
        told: Verdict = "go"
        wind_down = float("inf")
        try:
            self._conn.send(("render", request))
            while True:
                now = time.monotonic()
                if told == "go" and now >= deadline:  # no word from the backend in time: it hangs
                    self._restart(f"job {request.job_id} passed its {request.limit_s:g} s limit without a word")
                    return Outcome("failed", error=timeout_message(request.limit_s))
                if now >= wind_down:
                    self._restart(f"job {request.job_id} did not stop within {STOP_GRACE_S:g} s")
                    return Outcome("stopped") if told == "stop" else Outcome("failed", error=timeout_message(request.limit_s))
                if not self._conn.poll(min(POLL_S, (deadline if told == "go" else wind_down) - now)):
                    if not self._process.is_alive():
                        raise EOFError
                    continue
                message = self._conn.recv()
                if message[0] == "outcome":
                    self.state = "ready"
                    return message[1]
                verdict: Verdict = "timeout" if time.monotonic() > deadline else on_progress(message[1], message[2])
                self._conn.send(verdict)
                if verdict != "go" and told == "go":
                    told, wind_down = verdict, time.monotonic() + STOP_GRACE_S
        except (EOFError, OSError):
            if self._stopping:  # the service is stopping: the job runs again after it
                return Outcome("stopped")
            exit_text = self._exit()
            self._restart(f"the render process of job {request.job_id} stopped ({exit_text})")
            return Outcome("failed", error=f"the render process stopped ({exit_text}); try again, or ask for a simpler scene")

    def _exit(self) -> str:
        self._process.join(5)
        code = self._process.exitcode
        if code is None:
            return "still running"
        return f"killed by signal {-code}" if code < 0 else f"exit code {code}"

    def _restart(self, why: str) -> None:
        """Kill the process and start a fresh one; the next job waits for it to load."""
        log.warning("slot %d: %s; restarting its render process", self.index, why)
        self._kill()
        self.restarts += 1
        self.state = "restarting"
        self.start()

    def _kill(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        if self._process is not None:
            self._process.join(10)
        if self._conn is not None:
            self._conn.close()

    def stop(self) -> None:
        self._stopping = True
        self._kill()
        self._ready.set()


def make_slots(settings: Settings, backend_name: str, count: int) -> list[Slot]:
    """`count` slots of the kind CARTOON_SERVICE_ISOLATION chooses for `backend_name`."""
    isolation = settings.service_isolation
    if isolation == "process" or (isolation == "auto" and backend_name != "preview"):
        return [ProcessSlot(i, settings, backend_name, gpu) for i, gpu in enumerate(slot_gpus(settings, count))]
    if settings.service_slot_gpus:
        log.warning("CARTOON_SERVICE_SLOT_GPUS is ignored: %s renders in threads of one process", backend_name)
    shared: dict[str, Any] = {}
    lock = threading.Lock()

    def load() -> ScenePipeline | None:
        with lock:
            if "pipeline" not in shared:
                try:
                    shared["pipeline"] = load_pipeline(backend_name, settings)
                except CartoonError as exc:
                    shared["pipeline"], shared["error"] = None, str(exc)
                    log.error("backend %s did not load: %s", backend_name, exc)
            return shared["pipeline"]

    return [ThreadSlot(i, load, lambda: shared.get("error")) for i in range(count)]


def slot_gpus(settings: Settings, count: int) -> list[str | None]:
    """The GPU of each of `count` slot processes (None: inherit the service's); more GPUs
    listed than slots is fine (the rest stay idle), fewer is refused."""
    if not settings.service_slot_gpus:
        return [None] * count
    gpus = settings.service_slot_gpus.split(",")
    if len(gpus) < count:
        raise InputError(
            f"CARTOON_SERVICE_SLOT_GPUS lists {len(gpus)} GPU(s) for {count} worker slots; "
            "list one GPU per slot (e.g. 0,1) or start fewer workers"
        )
    return gpus[:count]
