"""A small real Discord on 127.0.0.1: the REST API the bot calls and a gateway websocket.

discord.py talks to it unchanged once `CARTOON_DISCORD_API_URL` (→ `discord.http.Route.BASE`)
points at `api.base`: it logs in over REST, fetches the gateway URL, connects, identifies,
and receives READY and one GUILD_CREATE (a guild with channels, roles, permission
overwrites and members, from `Guild`). Tests then act as Discord's users do:
`slash`/`click`/`choose` (a select menu)/`submit_modal`/`autocomplete` push an
INTERACTION_CREATE, `say` pushes a MESSAGE_CREATE; everything the bot sends comes back over
HTTP and is kept as Discord would keep it (messages by id, an interaction's @original and
follow-ups, the modal it opened, the autocomplete choices it offered) and recorded call by
call in `calls` (method, path, token, the JSON payload including `allowed_mentions`,
uploaded files).

It answers the way Discord does where the bot depends on it:
- interaction ids and tokens are unique by construction (a serial number, not the clock);
- after a deferred response ("thinking…") the first follow-up *becomes* that message,
  keeping its visibility (an ephemeral flag on it is ignored), as Discord documents;
- an expired token (`expire(token)`) answers 401 code 50027 on webhook routes;
- `refuse_edits[message_id] = code` makes edits of that message fail (10008 Unknown
  Message with 404, 30046 with 400); a deleted message is 10008;
- `app_permissions` and members' `permissions` in interactions, and what discord.py computes
  from GUILD_CREATE, come from the same roles and overwrites.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import WSMsgType, web

APPLICATION_ID = 900000000000000001
BOT_USER_ID = 900000000000000002
GUILD_ID = 800000000000000001
EPHEMERAL = 64
CALL = web.RequestKey("call", object)
P = discord.Permissions


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py parses a body as JSON only when Content-Type is exactly application/json.
    return web.Response(body=json.dumps(_public(data)).encode(), status=status,
                        headers={"Content-Type": "application/json"})


def _public(data: Any) -> Any:
    """Without the fake's own bookkeeping keys (`_files`, `_token`, …)."""
    if isinstance(data, dict):
        return {k: _public(v) for k, v in data.items() if not k.startswith("_")}
    if isinstance(data, list):
        return [_public(v) for v in data]
    return data


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status=status)


class NotAllowed(Exception):
    """Discord does not let this member use the command (its default member permissions)."""


@dataclass
class Call:
    method: str
    path: str
    token: str | None
    payload: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = 0.0
    status: int = 0


@dataclass
class User:
    id: int
    name: str
    roles: list[int] = field(default_factory=list)
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "discriminator": "0", "global_name": self.name,
                "avatar": None, "bot": self.bot}

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Channel:
    id: int
    name: str
    overwrites: list[dict[str, Any]] = field(default_factory=list)  # Discord's permission_overwrites


@dataclass
class Guild:
    """One guild: @everyone's permissions, roles, channels (with overwrites) and members."""

    id: int = GUILD_ID
    everyone: P = field(default_factory=lambda: P(view_channel=True, send_messages=True, read_message_history=True,
                                                  use_application_commands=True, attach_files=True))
    roles: dict[int, tuple[str, P]] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, User] = field(default_factory=dict)

    def permissions(self, user: User, channel: Channel) -> P:
        """Discord's permission algorithm: base from roles, then @everyone, role, member overwrites."""
        value = self.everyone.value
        for role in user.roles:
            value |= self.roles[role][1].value
        if P(value).administrator:
            return P.all()
        for kind, ids in ((0, {self.id}), (0, set(user.roles)), (1, {user.id})):
            allow = deny = 0
            for ow in channel.overwrites:
                if ow["type"] == kind and int(ow["id"]) in ids:
                    allow |= int(ow["allow"])
                    deny |= int(ow["deny"])
            value = (value & ~deny) | allow
        return P(value)


def default_guild() -> Guild:
    """alice and james (members), mod (Manage Messages), boss (Manage Server), the bot (role
    "milo"); channels: general, mascot (the daily post), no-files (the bot may not attach),
    quiet (nor send), art (another channel the bot may post in)."""
    guild = Guild()
    mod_role, bot_role, admin_role = 810000000000000001, 810000000000000002, 810000000000000003
    guild.roles = {
        mod_role: ("moderator", P(manage_messages=True)),
        bot_role: ("milo", P(view_channel=True, send_messages=True, send_messages_in_threads=True,
                             attach_files=True, read_message_history=True, embed_links=True)),
        admin_role: ("admin", P(manage_guild=True)),
    }
    deny = lambda perms: [{"id": str(bot_role), "type": 0, "allow": "0", "deny": str(perms.value)}]  # noqa: E731
    for cid, name, overwrites in ((820000000000000001, "general", []), (820000000000000002, "mascot", []),
                                  (820000000000000003, "no-files", deny(P(attach_files=True))),
                                  (820000000000000004, "quiet", deny(P(send_messages=True))),
                                  (820000000000000005, "art", [])):
        guild.channels[cid] = Channel(cid, name, overwrites)
    for uid, name, roles in ((830000000000000001, "alice", []), (830000000000000002, "james", []),
                             (830000000000000003, "mod", [mod_role]), (830000000000000004, "boss", [admin_role])):
        guild.members[uid] = User(uid, name, roles)
    guild.members[BOT_USER_ID] = User(BOT_USER_ID, "Milo", [bot_role], bot=True)
    return guild


class DiscordApi:
    """`async with DiscordApi() as api:` serves REST on `api.base` (…/api/v10) and the gateway."""

    def __init__(self, bot_token: str = "MTIz.valid.token", guild: Guild | None = None) -> None:
        self.bot_token = bot_token
        self.guild = guild or default_guild()
        self.calls: list[Call] = []
        self.messages: dict[int, dict[str, Any]] = {}  # every message ever created, by id (deleted: popped)
        self.deleted: set[int] = set()
        self.interactions: dict[str, dict[str, Any]] = {}  # token → {"id", "channel_id", "original", "loading"}
        self.expired: set[str] = set()
        self.refuse_edits: dict[int, int] = {}
        self.synced: dict[str, list[dict[str, Any]]] = {}
        self.uploads: dict[str, dict[str, bytes]] = {}  # interaction token → last files sent
        self._hold: Callable[[Call], bool] | None = None
        self._held = asyncio.Event()
        self._release = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._seq = itertools.count(1)
        self._serial = itertools.count(1)
        self._identified = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.url = ""

    # --- lifecycle ----------------------------------------------------------------------------
    async def __aenter__(self) -> DiscordApi:
        app = web.Application(middlewares=[self._record], client_max_size=64 * 2**20)
        r = app.router
        v = "/api/v10"
        r.add_get(f"{v}/users/@me", self._me)
        r.add_get(f"{v}/oauth2/applications/@me", self._application)
        r.add_get(f"{v}/gateway/bot", self._gateway_info)
        r.add_get(f"{v}/gateway", self._gateway_info)
        r.add_get("/gateway", self._gateway)
        r.add_put(f"{v}/applications/{{app}}/commands", self._sync)
        r.add_put(f"{v}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        r.add_post(f"{v}/interactions/{{id}}/{{token}}/callback", self._callback)
        r.add_route("*", f"{v}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._webhook_message)
        r.add_post(f"{v}/webhooks/{{app}}/{{token}}", self._followup)
        r.add_get(f"{v}/channels/{{channel}}", self._channel)
        r.add_route("*", f"{v}/channels/{{channel}}/messages", self._channel_messages)
        r.add_route("*", f"{v}/channels/{{channel}}/messages/{{message}}", self._channel_message)
        r.add_post(f"{v}/users/@me/channels", self._dm)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self.base = f"{self.url}{v}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release()
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what tests do (as Discord's users) --------------------------------------------------
    def member(self, name: str) -> User:
        return next(u for u in self.guild.members.values() if u.name == name)

    def channel(self, name: str) -> Channel:
        return next(c for c in self.guild.channels.values() if c.name == name)

    @property
    def bot_member(self) -> User:
        return self.guild.members[BOT_USER_ID]

    async def slash(self, user: str, command: str, *, channel: str = "general", subcommand: str | None = None,
                    created: dt.datetime | None = None, size_limit: int = 10 * 1024 * 1024,
                    named: dict[str, Any] | None = None, **options: Any) -> str:
        """A user runs `/command options…` in `channel` (a `Channel` value is a channel option;
        options whose names clash with this method's own, such as `channel`, go in `named`);
        returns the interaction's token. As Discord does, a command whose synced definition asks
        for permissions (`default_member_permissions`) the user lacks cannot be run: `NotAllowed`."""
        self._check_default_permissions(user, command)
        data = self._command(command, subcommand, {**options, **(named or {})})
        return await self.interact(user, 2, data, channel=channel, created=created, size_limit=size_limit)

    async def autocomplete(self, user: str, command: str, focused: str, typed: str, *, channel: str = "general",
                           **options: Any) -> list[dict[str, Any]]:
        """A user types `typed` into option `focused` of `/command`; returns the choices the bot offers."""
        data = self._command(command, None, {**options, focused: typed})
        for option in data["options"]:
            if option["name"] == focused:
                option["focused"] = True
        token = await self.interact(user, 4, data, channel=channel)
        return await self._until(lambda: self.interactions[token].get("choices"))

    def _check_default_permissions(self, user: str, command: str) -> None:
        synced = [c for commands in self.synced.values() for c in commands if c.get("name") == command]
        needed = int(synced[0].get("default_member_permissions") or 0) if synced else 0
        member = self.member(user)
        everywhere = Channel(0, "", [])
        have = self.guild.permissions(member, everywhere).value
        if needed and have & needed != needed and not P(have).administrator:
            raise NotAllowed(f"{user} may not use /{command}: Discord hides it from members without "
                             f"{[n for n, v in P(needed) if v]}")

    def _command(self, command: str, subcommand: str | None, options: dict[str, Any]) -> dict[str, Any]:
        opts, channels = [], {}
        for name, value in options.items():
            if isinstance(value, Channel):
                opts.append({"name": name, "type": 7, "value": str(value.id)})
                channels[str(value.id)] = self._channel_payload(value)
            else:
                kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
                opts.append({"name": name, "type": kind, "value": value})
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data: dict[str, Any] = {"id": str(self._snowflake()), "name": command, "type": 1, "options": opts}
        if channels:
            data["resolved"] = {"channels": channels}
        return data

    async def choose(self, user: str, message_id: int, custom_id: str, values: list[str]) -> str:
        """A user picks `values` in the select menu `custom_id` on message `message_id`."""
        message = self.messages[message_id]
        channel = self.guild.channels[int(message["channel_id"])].name
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        return await self.interact(user, 3, data, channel=channel, message=message)

    async def submit_modal(self, user: str, opened_by: str, values: dict[str, str] | None = None) -> str:
        """A user submits the modal the interaction `opened_by` answered with, each text input
        holding `values[custom_id]` (else what the bot pre-filled); returns the new token."""
        opened = self.interactions[opened_by]
        modal = opened["modal"]
        values = values or {}

        def filled(item: dict[str, Any]) -> dict[str, Any]:
            return {"type": 4, "custom_id": item["custom_id"], "value": values.get(item["custom_id"], item.get("value", ""))}

        rows = []
        for row in modal["components"]:
            if row.get("type") == 18:  # a label around one input
                rows.append({"type": 18, "component": filled(row["component"])})
            else:
                rows.append({"type": 1, "components": [filled(i) for i in row["components"] if i.get("type") == 4]})
        channel = next(c.name for c in self.guild.channels.values() if c.id == opened["channel_id"])
        clicked = self.messages.get(opened.get("clicked") or 0)
        return await self.interact(user, 5, {"custom_id": modal["custom_id"], "components": rows}, channel=channel,
                                   message=clicked)

    async def _until(self, check: Callable[[], Any], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value is not None:
                return value
            await asyncio.sleep(0.01)
        raise AssertionError(f"the bot did not answer within {timeout} s")

    async def click(self, user: str, message_id: int, custom_id: str) -> str:
        """A user clicks the button `custom_id` on message `message_id`; returns the token."""
        message = self.messages[message_id]
        channel = self.guild.channels[int(message["channel_id"])].name
        return await self.interact(user, 3, {"custom_id": custom_id, "component_type": 2}, channel=channel,
                                   message=message)

    async def interact(self, user: str, kind: int, data: dict[str, Any], *, channel: str,
                       message: dict[str, Any] | None = None, created: dt.datetime | None = None,
                       size_limit: int = 10 * 1024 * 1024) -> str:
        member, place = self.member(user), self.channel(channel)
        serial = next(self._serial)
        token = f"interaction-token-{serial}"
        interaction_id = self._snowflake(created)
        self.interactions[token] = {"id": interaction_id, "channel_id": place.id, "original": None,
                                    "loading": False, "user": member.id}
        payload: dict[str, Any] = {
            "id": str(interaction_id), "application_id": str(APPLICATION_ID), "type": kind, "token": token,
            "version": 1, "guild_id": str(self.guild.id), "channel_id": str(place.id),
            "channel": self._channel_payload(place),
            "member": {**self._member_payload(member), "permissions": str(self.guild.permissions(member, place).value)},
            "data": data, "locale": "en-US", "guild_locale": "en-US",
            "app_permissions": str(self.guild.permissions(self.bot_member, place).value), "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild.id)}, "context": 0,
            "attachment_size_limit": size_limit,
        }
        if message is not None:
            payload["message"] = message
            self.interactions[token]["clicked"] = int(message["id"])
        await self.dispatch("INTERACTION_CREATE", payload)
        return token

    async def say(self, user: str, content: str, *, channel: str = "general") -> dict[str, Any]:
        """A user posts `content` in `channel` (mentions as `<@id>`); the bot hears it."""
        author, place = self.member(user), self.channel(channel)
        mentioned = [self.guild.members[int(uid)] for uid in re.findall(r"<@!?(\d+)>", content)
                     if int(uid) in self.guild.members]
        message = self._store(place.id, {"content": content}, {}, author=author)
        message["mentions"] = [{**u.payload(), "member": self._member_payload(u, with_user=False)} for u in mentioned]
        await self.dispatch("MESSAGE_CREATE", {**message, "guild_id": str(self.guild.id),
                                               "member": self._member_payload(author, with_user=False)})
        return message

    async def direct_message(self, user: str, content: str) -> dict[str, Any]:
        """A user writes to the bot in a DM; returns the message."""
        author = self.member(user)
        message = self._store(self.dm_channel(user), {"content": content}, {}, author=author)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def dm_channel(self, user: str) -> int:
        """The id of the DM channel between `user` and the bot."""
        return self.member(user).id + 1

    def hold(self, matches: Callable[[Call], bool]) -> asyncio.Event:
        """Apply the first call that `matches` but answer it only after `release()`: the bot
        can be stopped between Discord doing it and the bot hearing so, as a crash would.
        Returns an event set once that call has been applied."""
        self._hold, self._held = matches, asyncio.Event()
        self._release.clear()
        return self._held

    def release(self) -> None:
        self._release.set()

    def delete(self, message_id: int) -> None:
        """Someone (a moderator) deletes a message."""
        self._delete(message_id)

    def expire(self, token: str) -> None:
        """Discord forgets the interaction's token (15 minutes are over)."""
        self.expired.add(token)

    # --- what tests read ----------------------------------------------------------------------
    def calls_for(self, token: str) -> list[Call]:
        return [c for c in self.calls if c.token == token]

    def original(self, token: str) -> dict[str, Any] | None:
        message_id = self.interactions.get(token, {}).get("original")
        return self.messages.get(message_id) if message_id else None

    def followups(self, token: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m.get("_token") == token and m.get("_followup")]

    def in_channel(self, name: str | int, *, ephemeral: bool = False) -> list[dict[str, Any]]:
        """Messages now in channel `name` (or id), oldest first (ephemeral ones only if asked)."""
        cid = str(name if isinstance(name, int) else self.channel(name).id)
        return [m for m in self.messages.values()
                if m["channel_id"] == cid and (ephemeral or not m["flags"] & EPHEMERAL)]

    def posts(self) -> list[Call]:
        """Every call by which the bot created or changed a message's content."""
        return [c for c in self.calls if c.method in ("POST", "PATCH") and _writes_message(c)]

    # --- gateway ------------------------------------------------------------------------------
    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to every connected bot (waits for one to be connected)."""
        await asyncio.wait_for(self._identified.wait(), 60)
        for ws in list(self._sockets):
            await ws.send_str(json.dumps({"op": 0, "t": event, "s": next(self._seq), "d": _public(data)}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                if frame["op"] == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif frame["op"] == 2:
                    await self._ready(ws)
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
            if not self._sockets:
                self._identified.clear()
        return ws

    async def _ready(self, ws: web.WebSocketResponse) -> None:
        ready = {"v": 10, "user": self.bot_member.payload(), "guilds": [{"id": str(self.guild.id), "unavailable": True}],
                 "session_id": f"session-{next(self._serial)}", "resume_gateway_url": self.url + "/gateway",
                 "shard": [0, 1], "application": {"id": str(APPLICATION_ID), "flags": 0},
                 "private_channels": [], "relationships": []}
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready}))
        await ws.send_str(json.dumps({"op": 0, "t": "GUILD_CREATE", "s": next(self._seq), "d": self._guild_payload()}))
        self._sockets.append(ws)
        self._identified.set()

    def _guild_payload(self) -> dict[str, Any]:
        g = self.guild
        roles = [{"id": str(g.id), "name": "@everyone", "permissions": str(g.everyone.value), "position": 0}]
        roles += [{"id": str(rid), "name": name, "permissions": str(perms.value), "position": i + 1}
                  for i, (rid, (name, perms)) in enumerate(g.roles.items())]
        for role in roles:
            role.update(color=0, hoist=False, managed=False, mentionable=False, flags=0)
        return {
            "id": str(g.id), "name": "The Lab", "owner_id": str(self.member("james").id), "unavailable": False,
            "roles": roles, "members": [self._member_payload(u) for u in g.members.values()],
            "channels": [{"id": str(c.id), "type": 0, "name": c.name, "position": i, "guild_id": str(g.id),
                          "permission_overwrites": c.overwrites, "nsfw": False, "parent_id": None}
                         for i, c in enumerate(g.channels.values())],
            "member_count": len(g.members), "emojis": [], "stickers": [], "features": [], "threads": [],
            "voice_states": [], "presences": [], "large": False, "joined_at": "2026-01-01T00:00:00+00:00",
            "premium_tier": 0, "preferred_locale": "en-US", "system_channel_flags": 0, "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0,
        }

    def _channel_payload(self, channel: Channel) -> dict[str, Any]:
        return {"id": str(channel.id), "type": 0, "guild_id": str(self.guild.id), "name": channel.name,
                "position": 0, "permission_overwrites": channel.overwrites, "nsfw": False, "parent_id": None,
                "permissions": str(self.guild.permissions(self.bot_member, channel).value)}

    def jump_url(self, message: dict[str, Any]) -> str:
        """The link Discord's "Copy Message Link" gives for `message`."""
        return f"https://discord.com/channels/{self.guild.id}/{message['channel_id']}/{message['id']}"

    def _member_payload(self, user: User, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {"roles": [str(r) for r in user.roles], "joined_at": "2026-01-01T00:00:00+00:00",
                                "deaf": False, "mute": False, "flags": 0}
        if with_user:
            data["user"] = user.payload()
        return data

    # --- REST plumbing ------------------------------------------------------------------------
    @web.middleware
    async def _record(self, request: web.Request, handler):
        if request.path == "/gateway":
            return await handler(request)
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
            response = _error(401, 50027, "Invalid Webhook Token")
        elif "/interactions/" not in request.path and request.headers.get("Authorization") != f"Bot {self.bot_token}" \
                and "/webhooks/" not in request.path:
            response = _error(401, 0, "401: Unauthorized")
        else:
            response = await handler(request)
        call.status = response.status
        if self._hold is not None and self._hold(call):
            self._hold = None
            self._held.set()
            await self._release.wait()
        return response

    async def _me(self, request: web.Request) -> web.Response:
        return _json(self.bot_member.payload())

    async def _application(self, request: web.Request) -> web.Response:
        return _json({
            "id": str(APPLICATION_ID), "name": "Milo", "icon": None, "description": "",
            "bot_public": True, "bot_require_code_grant": False, "verify_key": "0" * 64,
            "owner": self.member("james").payload(), "flags": 0,
        })

    @property
    def gateway_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/gateway"

    async def _gateway_info(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
            "total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})

    async def _sync(self, request: web.Request) -> web.Response:
        commands = request[CALL].payload
        answered = [
            {**c, "id": str(self._snowflake()), "application_id": str(APPLICATION_ID), "version": "1",
             "default_member_permissions": c.get("default_member_permissions"),
             "guild_id": request.match_info.get("guild")}
            for c in commands
        ]
        self.synced[request.match_info.get("guild", "global")] = answered
        return _json(answered)

    async def _callback(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        interaction = self.interactions[call.token or ""]
        kind = call.payload.get("type")
        data = call.payload.get("data") or {}
        flags = data.get("flags", 0) or 0
        if kind == 8:  # autocomplete choices
            interaction["choices"] = data.get("choices", [])
        elif kind == 9:  # a modal: kept until the user submits it (submit_modal)
            interaction["modal"] = data
        elif kind in (4, 5):  # a new message: the answer, or "thinking…" that later edits replace
            message = self._store(interaction["channel_id"], data if kind == 4 else {}, call.files, flags=flags,
                                  token=call.token)
            interaction["original"] = int(message["id"])
            interaction["loading"] = kind == 5
        elif kind in (6, 7):  # an update of the clicked message (deferred, or at once)
            interaction["original"] = interaction.get("clicked")
            if kind == 7:
                self._edit(interaction["original"], data, call.files)
        return _json({"interaction": {"id": str(interaction["id"]), "type": 2,
                                      "response_message_loading": kind == 5,
                                      "response_message_ephemeral": bool(flags & EPHEMERAL)}})

    async def _webhook_message(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        interaction = self.interactions.get(call.token or "")
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        ref = request.match_info["message"]
        message_id = interaction["original"] if ref == "@original" else int(ref)
        if message_id is None or message_id not in self.messages:
            return _error(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            self._delete(message_id)
            return web.Response(status=204)
        if request.method == "PATCH":
            if message_id in self.refuse_edits:
                return self._refusal(message_id)
            if message_id == interaction["original"]:
                interaction["loading"] = False
            self._edit(message_id, call.payload, call.files)
        return _json(self.messages[message_id])

    async def _followup(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        interaction = self.interactions[call.token or ""]
        if interaction["loading"]:
            # Discord: the first follow-up after a deferred response resolves that message,
            # keeping its visibility whatever flags the follow-up asks for.
            interaction["loading"] = False
            message_id = interaction["original"]
            self._edit(message_id, call.payload, call.files)
            return _json(self.messages[message_id])
        message = self._store(interaction["channel_id"], call.payload, call.files,
                              flags=call.payload.get("flags", 0) or 0, token=call.token)
        message["_followup"] = True
        return _json(message)

    async def _channel(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["channel"])
        channel = self.guild.channels.get(cid)
        if channel is None:
            return _error(404, 10003, "Unknown Channel")
        return _json({"id": str(cid), "type": 0, "guild_id": str(self.guild.id), "name": channel.name,
                      "position": 0, "permission_overwrites": channel.overwrites, "nsfw": False, "parent_id": None})

    async def _channel_messages(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        cid = int(request.match_info["channel"])
        if request.method == "GET":
            limit = int(request.query.get("limit", "50"))
            found = [m for m in self.messages.values() if m["channel_id"] == str(cid) and not m["flags"] & EPHEMERAL]
            return _json(list(reversed(found))[:limit])
        channel = self.guild.channels.get(cid)
        if channel is not None:
            perms = self.guild.permissions(self.bot_member, channel)
            if not perms.send_messages or (call.files and not perms.attach_files):
                return _error(403, 50013, "Missing Permissions")
        message = self._store(cid, call.payload, call.files)
        return _json(message)

    async def _channel_message(self, request: web.Request) -> web.Response:
        call: Call = request[CALL]
        message_id = int(request.match_info["message"])
        message = self.messages.get(message_id)
        if message is None or message["flags"] & EPHEMERAL:
            return _error(404, 10008, "Unknown Message")
        if request.method == "DELETE":
            self._delete(message_id)
            return web.Response(status=204)
        if request.method == "PATCH":
            if message["author"]["id"] != str(BOT_USER_ID):
                return _error(403, 50005, "Cannot edit a message authored by another user")
            if message_id in self.refuse_edits:
                return self._refusal(message_id)
            self._edit(message_id, call.payload, call.files)
        return _json(self.messages[message_id])

    async def _dm(self, request: web.Request) -> web.Response:
        recipient = self.guild.members[int(request[CALL].payload["recipient_id"])]
        return _json({"id": str(self.dm_channel(recipient.name)), "type": 1, "recipients": [recipient.payload()],
                      "last_message_id": None})

    # --- messages -----------------------------------------------------------------------------
    def _refusal(self, message_id: int) -> web.Response:
        code = self.refuse_edits[message_id]
        if code == 10008:
            return _error(404, 10008, "Unknown Message")
        return _error(400, code, "Maximum number of edits to messages older than 1 hour reached. Try again later")

    def _store(self, channel_id: int, data: dict[str, Any], files: dict[str, bytes], *, flags: int = 0,
               token: str | None = None, author: User | None = None) -> dict[str, Any]:
        message_id = self._snowflake()
        message = {
            "id": str(message_id), "channel_id": str(channel_id), "type": 0, "content": "",
            "author": (author or self.bot_member).payload(), "attachments": [], "embeds": [], "mentions": [],
            "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False, "flags": flags,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(), "edited_timestamp": None, "components": [],
            "_token": token, "_files": {},
        }
        if data.get("message_reference"):  # Discord answers with snowflakes as strings
            message["message_reference"] = {k: str(v) if k.endswith("_id") and v is not None else v
                                            for k, v in data["message_reference"].items()}
        self.messages[message_id] = message
        self._edit(message_id, data, files, edited=False)
        return message

    def _edit(self, message_id: int, data: dict[str, Any], files: dict[str, bytes], *, edited: bool = True) -> None:
        message = self.messages[message_id]
        for key in ("content", "components", "embeds"):
            if key in data:
                message[key] = data[key] or ([] if key != "content" else "")
        if "attachments" in data or files:
            kept = {a["id"]: a for a in message["attachments"]}
            attachments, blobs = [], {}
            for item in data.get("attachments", [{"id": str(i), "filename": n} for i, n in enumerate(files)]):
                if str(item.get("id")) in kept and "url" in kept[str(item.get("id"))]:
                    attachments.append(kept[str(item["id"])])
                    continue
                name = item.get("filename", "")
                blob = files.get(name, b"")
                attachments.append({"id": str(self._snowflake()), "filename": name, "size": len(blob),
                                    "url": f"https://cdn.invalid/{name}", "proxy_url": f"https://cdn.invalid/{name}"})
                blobs[name] = blob
            message["attachments"] = attachments
            message["_files"] = blobs
        if edited:
            message["edited_timestamp"] = dt.datetime.now(dt.UTC).isoformat()

    def _delete(self, message_id: int) -> None:
        self.messages.pop(message_id, None)
        self.deleted.add(message_id)

    def _snowflake(self, created: dt.datetime | None = None) -> int:
        # The creation time in the top bits; a serial number below, so ids never collide.
        return discord.utils.time_snowflake(created or discord.utils.utcnow()) + next(self._serial) % (1 << 22)


def _writes_message(call: Call) -> bool:
    if "/callback" in call.path:
        return call.payload.get("type") in (4, 7)
    return "/messages" in call.path or "/webhooks/" in call.path


def files_of(message: dict[str, Any]) -> dict[str, bytes]:
    """The files a message carries now (name → bytes)."""
    return message.get("_files", {})


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message.get("components", []) for c in row.get("components", [])]
