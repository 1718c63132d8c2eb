"""Test helpers for the render service: free ports, a `cartoon serve` subprocess, an
in-thread uvicorn server, a Redis server in a temp folder, and a small HTTP client."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from core.settings import Settings
from tests.servers import uvicorn_thread

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "test-token-1234"
SLOW = "tests.service.slow_backend:SlowBackend"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_settings(folder: Path, **overrides: object) -> Settings:
    """Settings for an in-process service in `folder` (no LLM, the test token, 1024² renders)."""
    values: dict[str, object] = {
        "llm_url": None,
        "service_dir": folder,
        "render_token": TOKEN,
        "service_width": 1024,
        "service_height": 1024,
        "service_worker_timeout_s": 2.0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def service_env(service_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "CARTOON_SERVICE_DIR": str(service_dir),
            "CARTOON_RENDER_TOKEN": TOKEN,
            "CARTOON_SERVICE_WIDTH": "1024",
            "CARTOON_SERVICE_HEIGHT": "1024",
            "CARTOON_LLM_URL": "",
        }
    )
    env.update(extra)
    return env


class ServeProcess:
    """`cartoon serve --json` in a subprocess; `url` once it has printed its ready line."""

    def __init__(self, env: dict[str, str], *args: str, wait: bool = True, log_dir: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (log_dir or Path(env["CARTOON_SERVICE_DIR"])) / f"serve-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "cartoon.py", "serve", "--port", str(self.port), "--json", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self.log.open("wb"),
            text=True,
        )
        self.info: dict[str, Any] = {}
        if wait:
            self.wait_ready()

    def wait_ready(self) -> ServeProcess:
        """Block until the ready line (start several, then wait for each: they load in parallel)."""
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError(f"cartoon serve did not start: {self.log.read_text()[-2000:]}")
        self.info = json.loads(line)
        return self

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class ThreadServer:
    """An app from `create_app` served by uvicorn on 127.0.0.1 in a thread of the test, with
the service's own uvicorn settings (connection cap, header deadline)."""

    def __init__(self, app: Any) -> None:
        from render.service.server import uvicorn_config

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server, self.thread = uvicorn_thread.start(uvicorn_config(app, app.state.runtime.settings, "127.0.0.1", self.port))

    def stop(self) -> None:
        uvicorn_thread.stop(self.server, self.thread)


class RedisServer:
    """Debian's redis-server on a free port, data in a temp folder, stopped after.
    `persist` keeps an append-only file (as compose's Redis does), so a restart after
    `kill()` comes back with the data; without it a restart comes back empty."""

    def __init__(self, folder: Path, persist: bool = False, maxmemory: str | None = None) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.folder, self.persist = folder, persist
        self.limits = ["--maxmemory", maxmemory, "--maxmemory-policy", "noeviction"] if maxmemory else []
        folder.mkdir(parents=True, exist_ok=True)
        self.start()

    def start(self) -> None:
        aof = ["--appendonly", "yes", "--appendfsync", "always"] if self.persist else ["--appendonly", "no"]
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder), "--save", "", *aof, *self.limits],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        wait_for(lambda: _pings(client), 30, "redis-server to start")
        client.close()

    def kill(self) -> None:
        """SIGKILL: no chance to save anything beyond what is already on disk."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:
        return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return _state(pid) != "Z"  # a zombie waits for its parent's parent to reap it


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


class Stream:
    """A job's event stream read in a thread: `events` fills with (event, data) pairs
    until the stream ends."""

    def __init__(self, url: str, job_id: str) -> None:
        self.events: list[tuple[str, dict]] = []
        self.thread = threading.Thread(target=self._read, args=(url, job_id), daemon=True)
        self.thread.start()

    def _read(self, url: str, job_id: str) -> None:
        name = ""
        with client(url) as http, http.stream("GET", f"/v1/jobs/{job_id}/events", timeout=60) as response:
            for line in response.iter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    self.events.append((name, json.loads(line.removeprefix("data: "))))

    def positions(self) -> list[int | None]:
        return [data["position"] for _, data in self.events]


def wait_for(check: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def client(url: str, token: str | None = TOKEN) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=30)


def submit(http: httpx.Client, text: str, user: str = "u1", **extra: Any) -> str:
    response = http.post("/v1/scenes", json={"text": text, "user": user, **extra})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def wait_state(http: httpx.Client, job_id: str, states: set[str], timeout: float = 30) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        job = http.get(f"/v1/jobs/{job_id}").json()
        return job if job["state"] in states else None

    return wait_for(check, timeout, f"job {job_id} to reach {states}")
