"""A deployment laid out in a temporary folder (weights, LoRAs, plates) and the servers
it talks to (render service, LLM, Discord), all real HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.helpers import (
    BOT_ID,
    CHANNEL_ID,
    DISCORD_TOKEN,
    RENDER_TOKEN,
    Deployment,
    lay_out_files,
)
from tests.servers.discord_channels import GuildState, discord_server
from tests.servers.openai_compat import OpenAICompatServer, Reply
from tests.servers.render_health import RenderState, render_server


@pytest.fixture(scope="module")
def llm_server() -> Iterator[OpenAICompatServer]:
    # One per module: its shutdown polls every 0.5 s.
    with OpenAICompatServer(lambda body: Reply(content="{}")).running() as llm:
        yield llm


@pytest.fixture
def deployment(tmp_path: Path, llm_server: OpenAICompatServer) -> Iterator[Deployment]:
    render = RenderState(token=RENDER_TOKEN)
    guild = GuildState(token=DISCORD_TOKEN, bot_id=BOT_ID)
    guild.add_channel(CHANNEL_ID, name="daily-milo")
    llm_server.models = ["Qwen/Qwen3-32B"]
    rs, ds = render_server(render), discord_server(guild)
    with rs.running(), ds.running():
        yield Deployment(tmp_path, lay_out_files(tmp_path), render, guild, llm_server, rs, ds)
