"""An OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

It speaks the real wire format (the `openai` client talks to it unchanged). Each
request is answered by `handler(body) -> Reply`; the server records every request body.
`GET /v1/models` lists `server.models`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.servers.json_http import send_json, serving


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay_s: float = 0.0
    headers: dict[str, str] | None = None
    raw: dict[str, Any] | None = None  # a whole error body, for non-200 answers


def chat_completion(content: str, model: str = "test-model") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class OpenAICompatServer:
    def __init__(self, handler: Callable[[dict[str, Any]], Reply]) -> None:
        self.handler = handler
        self.models: list[str] = ["test-model"]  # what GET /v1/models lists
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path.rstrip("/") != "/v1/models":
                    self.send_error(404)
                    return
                listing = {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "test"} for m in server.models]}
                send_json(self, 200, listing)

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append({"path": self.path, **body})
                reply = server.handler(body)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                payload = reply.raw if reply.raw is not None else chat_completion(reply.content, body.get("model", "m"))
                with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    send_json(self, reply.status, payload, reply.headers)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    @contextmanager
    def running(self) -> Iterator[OpenAICompatServer]:
        with serving(self.httpd):
            yield self
