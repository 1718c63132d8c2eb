"""Connections that send nothing cannot starve the service: 2,000 idle sockets to a real
`cartoon serve` and /healthz still answers (idle ones make way past the cap); a request
whose headers never finish is closed at the header deadline; past the cap with every
connection busy, a newcomer gets a JSON 503 with Retry-After. Loopback only, bounded."""

from __future__ import annotations

import resource
import socket
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from pathlib import Path

import httpx
import pytest

from render.service.app import create_app
from tests.service.helpers import (
    ServeProcess,
    ThreadServer,
    client,
    service_env,
    service_settings,
    submit,
    wait_for,
)

IDLE = 2000


@pytest.fixture
def file_limit() -> Iterator[int]:
    """This test process's open-file limit raised for the idle sockets (within the hard one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE + 500
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"the hard open-file limit is {hard}; {wanted} are needed for {IDLE} idle sockets")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    yield max(soft, wanted)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_healthz_answers_with_2000_idle_sockets_open(tmp_path: Path, file_limit: int) -> None:
    env = service_env(tmp_path, CARTOON_SERVICE_HEADER_TIMEOUT_S="120", CARTOON_SERVICE_MAX_CONNECTIONS="1000")
    box = ServeProcess(env)
    try:
        with ExitStack() as stack:
            idle = []
            for _ in range(IDLE):
                sock = stack.enter_context(socket.create_connection(("127.0.0.1", box.port), timeout=10))
                idle.append(sock)
            health = httpx.get(f"{box.url}/healthz", timeout=30)
            assert health.status_code == 200
            assert health.json()["ok"] is True

            def closed_by_server() -> int:
                count = 0
                for sock in idle:
                    sock.setblocking(False)
                    with suppress(BlockingIOError):
                        count += sock.recv(1) == b""
                return count

            # the cap held: the oldest idle ones were closed to make way
            assert wait_for(lambda: closed_by_server() >= IDLE - 1000, 30, "idle sockets to be closed")
            assert client(box.url).get("/v1/jobs/nope").status_code == 404  # the API answers too
        log = box.log.read_text()
        assert "Too many open files" not in log
        assert "Traceback" not in log
    finally:
        box.stop()


def test_headers_that_never_finish_are_closed(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, service_header_timeout_s=1.0)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as silent, socket.create_connection(
            ("127.0.0.1", server.port), timeout=30
        ) as partial:
            partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: never done
            assert silent.recv(1) == b""  # closed by the server (the recv would time out otherwise)
            assert partial.recv(1) == b""
        assert httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
    finally:
        server.stop()


def test_past_the_cap_with_every_connection_busy_the_answer_is_503(tmp_path: Path) -> None:
    settings = service_settings(tmp_path, service_max_connections=3)
    server = ThreadServer(create_app(settings, backend="preview", workers=0))  # jobs wait: streams stay open
    try:
        http = client(server.url)
        jobs = [submit(http, f"Milo at the desk {n}", user=f"busy{n}") for n in range(3)]
        http.close()
        with ExitStack() as stack:
            streams = []  # held: a dropped line iterator would close its stream
            for job_id in jobs:  # three event streams: three busy connections
                stream = stack.enter_context(client(server.url))
                response = stack.enter_context(stream.stream("GET", f"/v1/jobs/{job_id}/events"))
                streams.append(response.iter_lines())
                assert next(streams[-1]) == "event: queued"
            refused = httpx.get(f"{server.url}/healthz", timeout=10)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "5"
            assert "too many connections" in refused.json()["error"]
        assert wait_for(lambda: httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200, 10, "room again")
    finally:
        server.stop()


def test_compose_gives_the_render_services_a_file_limit() -> None:
    import yaml

    from tests.service.helpers import ROOT

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    for name in ("render", "render-worker"):
        nofile = services[name]["ulimits"]["nofile"]
        assert nofile["soft"] >= IDLE + 1000
