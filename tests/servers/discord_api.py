"""A small real HTTP server on 127.0.0.1 that speaks the parts of Discord's REST API the bot
uses outside the gateway: login (`/users/@me`, `/oauth2/applications/@me`), the slash-command
sync, interaction callbacks and the interaction webhook (`@original` edits, follow-ups).

discord.py talks to it unchanged once `discord.http.Route.BASE` points here, so the
interaction code path (defer, edit_original_response with files, ephemeral follow-ups,
expired tokens) runs for real. Every request is recorded in `calls`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

APPLICATION_ID = 900000000000000001
BOT_USER_ID = 900000000000000002
_ids = itertools.count(910000000000000000)


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


@dataclass
class Call:
    method: str
    path: str
    token: str | None
    payload: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = 0.0


CALL = web.RequestKey("call", Call)


class DiscordApi:
    """`async with DiscordApi(token) as api:` serves on `api.base` (…/api/v10)."""

    def __init__(self, bot_token: str = "MTIz.valid.token") -> None:
        self.bot_token = bot_token
        self.calls: list[Call] = []
        self.messages: dict[str, dict[str, Any]] = {}  # interaction token → @original message
        self.followups: dict[str, list[dict[str, Any]]] = {}
        self.expired: set[str] = set()
        self.synced: dict[str, list[dict[str, Any]]] = {}
        self.uploads: dict[str, dict[str, bytes]] = {}  # interaction token → last files sent
        self._runner: web.AppRunner | None = None
        self.base = ""

    async def __aenter__(self) -> DiscordApi:
        app = web.Application(middlewares=[self._record])
        r = app.router
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_put("/api/v10/applications/{app}/commands", self._sync)
        r.add_put("/api/v10/applications/{app}/guilds/{guild}/commands", self._sync)
        r.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        r.add_route("*", "/api/v10/webhooks/{app}/{token}/messages/@original", self._original)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/api/v10"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests read ------------------------------------------------------------------
    def calls_for(self, token: str) -> list[Call]:
        return [c for c in self.calls if c.token == token]

    def original(self, token: str) -> dict[str, Any] | None:
        return self.messages.get(token)

    # --- plumbing -------------------------------------------------------------------------
    @web.middleware
    async def _record(self, request: web.Request, handler):
        import time

        payload: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    payload = json.loads(value)  # type: ignore[arg-type]
                elif hasattr(value, "file"):
                    files[value.filename] = value.file.read()  # type: ignore[union-attr]
        elif request.can_read_body:
            body = await request.read()
            payload = json.loads(body) if body else {}
        token = request.match_info.get("token")
        call = Call(request.method, request.path, token, payload, files, time.monotonic())
        self.calls.append(call)
        request[CALL] = call
        if files and token:
            self.uploads[token] = files
        if token and token in self.expired and "/webhooks/" in request.path:
            return _json({"message": "Invalid Webhook Token", "code": 50027}, status=401)
        return await handler(request)

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.bot_token}"

    async def _me(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return _json(bot_user())

    async def _application(self, request: web.Request) -> web.Response:
        return _json({
            "id": str(APPLICATION_ID), "name": "Milo", "icon": None, "description": "",
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "owner": {**bot_user(), "id": "900000000000000003", "bot": False, "username": "james"},
            "flags": 0,
        })

    async def _sync(self, request: web.Request) -> web.Response:
        commands = request[CALL].payload
        answered = [
            {**c, "id": str(next(_ids)), "application_id": str(APPLICATION_ID), "version": "1",
             "default_member_permissions": c.get("default_member_permissions"),
             "guild_id": request.match_info.get("guild")}
            for c in commands
        ]
        self.synced[request.match_info.get("guild", "global")] = answered
        return _json(answered)

    async def _callback(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        kind = call.payload.get("type")
        data = call.payload.get("data") or {}
        flags = data.get("flags", 0)
        if kind in (4, 5):  # a message (or "thinking...") that later edits replace
            self.messages[call.token] = self._message(data, call.files, flags)
        return _json({"interaction": {
            "id": request.match_info["id"], "type": 2,
            "response_message_loading": kind == 5, "response_message_ephemeral": bool(flags & 64),
        }})

    async def _original(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        if request.method == "DELETE":
            self.messages.pop(call.token, None)
            return web.Response(status=204)
        current = self.messages.get(call.token)
        if current is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        if request.method == "PATCH":
            current = self._message({**current, **call.payload}, call.files, current.get("flags", 0), current["id"])
            self.messages[call.token] = current
        return _json(current)

    async def _followup(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        message = self._message(call.payload, call.files, call.payload.get("flags", 0))
        self.followups.setdefault(call.token, []).append(message)
        return _json(message)

    def _message(self, data: dict[str, Any], files: dict[str, bytes], flags: int, id_: str | None = None) -> dict[str, Any]:
        attachments = []
        for item in data.get("attachments", []):
            name = item.get("filename", "")
            if "url" in item:  # an attachment kept from before
                attachments.append(item)
                continue
            size = len(files.get(name, b""))
            attachments.append({"id": str(next(_ids)), "filename": name, "size": size,
                                "url": f"https://cdn.invalid/{name}", "proxy_url": f"https://cdn.invalid/{name}"})
        return {
            "id": id_ or str(next(_ids)), "channel_id": str(data.get("channel_id", "0")), "type": 0,
            "content": data.get("content") or "", "author": bot_user(), "attachments": attachments,
            "embeds": data.get("embeds", []), "mentions": [], "mention_roles": [], "pinned": False,
            "mention_everyone": False, "tts": False, "flags": flags,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(), "edited_timestamp": None,
            "components": data.get("components", []),
            "files": {name: len(blob) for name, blob in files.items()},
        }


def bot_user() -> dict[str, Any]:
    return {"id": str(BOT_USER_ID), "username": "Milo", "discriminator": "0", "global_name": "Milo",
            "avatar": None, "bot": True}
