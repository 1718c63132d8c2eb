"""A tiny JSON-over-HTTP server on 127.0.0.1 for tests: `route(method, path, headers)`
returns (status, body[, headers]); every request is recorded as (method, path, headers).
`send_json` and `serving` are shared with the other http.server-based test servers."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[str, str, dict[str, str]], tuple]


class JsonServer:
    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                headers = {k.lower(): v for k, v in self.headers.items()}
                server.requests.append(("GET", self.path, headers))
                status, body, *extra = server.route("GET", self.path, headers)
                send_json(self, status, body, extra[0] if extra else None)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[JsonServer]:
        with serving(self.httpd):
            yield self


def send_json(handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    """Answer one request with `body` as JSON."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(data)


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[None]:
    """Serve on a daemon thread for the duration of the block, then close the socket."""
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        httpd.shutdown()
        httpd.server_close()
