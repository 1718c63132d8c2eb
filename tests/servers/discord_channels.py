"""The Discord REST API endpoints `cartoon doctor` reads to tell whether the bot may post
in a channel (the bot's own interactions are served by `discord_api.py`), on 127.0.0.1, answering as
Discord does (https://discord.com/developers/docs/resources): `Authorization: Bot TOKEN`
required (401 otherwise); unknown channel → 404 code 10003; a channel in a guild the bot
is not in → 403 code 50001.

`GuildState` holds one guild: its roles, the bot's roles, and channels with overwrites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.servers.json_http import JsonServer

VIEW, SEND, ATTACH = 1 << 10, 1 << 11, 1 << 15


@dataclass
class GuildState:
    token: str
    bot_id: str
    guild_id: str = "700000000000000001"
    everyone_permissions: int = VIEW | SEND | ATTACH
    roles: dict[str, int] = field(default_factory=dict)  # role id → permissions
    bot_roles: list[str] = field(default_factory=list)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → channel object
    foreign_channels: set[str] = field(default_factory=set)  # exist, but in another guild

    def add_channel(self, channel_id: str, name: str = "daily", type_: int = 0, overwrites: list | None = None) -> None:
        self.channels[channel_id] = {
            "id": channel_id, "type": type_, "guild_id": self.guild_id, "name": name,
            "permission_overwrites": overwrites or [],
        }


def discord_server(state: GuildState) -> JsonServer:
    def route(method: str, path: str, headers: dict[str, str]) -> tuple:
        if headers.get("authorization") != f"Bot {state.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}
        path = path.removeprefix("/api/v10")
        if path == "/users/@me":
            return 200, {"id": state.bot_id, "username": "milo", "bot": True}
        if m := re.fullmatch(r"/channels/(\d+)", path):
            if m[1] in state.foreign_channels:
                return 403, {"message": "Missing Access", "code": 50001}
            if m[1] not in state.channels:
                return 404, {"message": "Unknown Channel", "code": 10003}
            return 200, state.channels[m[1]]
        if path == f"/guilds/{state.guild_id}/members/{state.bot_id}":
            return 200, {"user": {"id": state.bot_id}, "roles": state.bot_roles}
        if path == f"/guilds/{state.guild_id}/roles":
            roles = [{"id": state.guild_id, "name": "@everyone", "permissions": str(state.everyone_permissions)}]
            roles += [{"id": rid, "name": f"role{rid}", "permissions": str(p)} for rid, p in state.roles.items()]
            return 200, roles
        return 404, {"message": "404: Not Found", "code": 0}

    return JsonServer(route)
