"""A server on 127.0.0.1 that speaks OpenAI's /v1/images/edits (multipart in, JSON with
b64_json out), for tests. Each request is answered by the next of `replies` (the last
one repeats); every request's form fields and image files are recorded.

A successful "edit" returns the first input image at the requested size with a red
corner, so a test can tell the right picture went out and came back.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, ImageDraw
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.uvicorn_thread import serve


@dataclass
class ImageReply:
    status: int = 200
    delay_s: float = 0.0
    error: str = ""


@dataclass
class FakeOpenAIImages:
    replies: list[ImageReply] = field(default_factory=lambda: [ImageReply()])
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    async def edits(self, request: Request) -> Response:
        form = await request.form()
        images = []
        for key, value in form.multi_items():
            if key in ("image", "image[]") and not isinstance(value, str):
                images.append(Image.open(io.BytesIO(await value.read())).convert("RGB"))
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        self.requests.append({"fields": fields, "images": images, "auth": request.headers.get("authorization")})
        reply = self.replies[min(len(self.requests) - 1, len(self.replies) - 1)]
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        if reply.status != 200:
            kind = {401: "invalid_request_error", 400: "image_generation_user_error"}.get(reply.status, "server_error")
            return JSONResponse({"error": {"message": reply.error or f"fake error {reply.status}", "type": kind,
                                           "param": None, "code": None}}, status_code=reply.status)
        width, height = (int(n) for n in fields.get("size", "1024x1024").split("x"))
        picture = images[0].resize((width, height))
        ImageDraw.Draw(picture).rectangle((0, 0, 15, 15), fill=(255, 0, 0))
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        return JSONResponse({"created": int(time.time()), "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}],
                             "usage": {"total_tokens": 1, "input_tokens": 1, "output_tokens": 0,
                                       "input_tokens_details": {"image_tokens": 0, "text_tokens": 1}}})

    @contextmanager
    def running(self) -> Iterator[FakeOpenAIImages]:
        with serve(Starlette(routes=[Route("/v1/images/edits", self.edits, methods=["POST"])])) as url:
            self.url = f"{url}/v1"
            yield self
