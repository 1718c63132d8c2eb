"""The render service goes away while the bot follows a job: the bot keeps following quietly
(no error for the asker, a "still in line" note on the progress) and delivers the picture
once the service is back. The service is a real `cartoon serve` killed with SIGKILL and
started again on the same address and job store."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.captions import BUSY_NOTE
from tests.bot.helpers import (
    GATED,
    Gates,
    Service,
    bot_settings,
    picture_done,
    start_bot,
    stop_bot,
    until,
)
from tests.servers.discord_api import EPHEMERAL, DiscordApi, files_of

pytestmark = pytest.mark.asyncio


async def test_a_service_outage_mid_job_is_waited_out_quietly(
    tmp_path: Path, discord_api: DiscordApi, gate_dir: Path, gates: Gates
) -> None:
    env = {"CARTOON_TEST_GATE_DIR": str(gate_dir)}
    service = await asyncio.to_thread(Service(tmp_path, backend=GATED, **env).wait)
    bot = await start_bot(discord_api, bot_settings(tmp_path, discord_api), service.url)
    back = None
    try:
        gate = gates.word()
        token = await discord_api.slash("alice", "cartoon", scene=f"Milo at the rack {gate}", shirt="RTFM")
        original = lambda: discord_api.original(token) or {}  # noqa: E731
        await until(lambda: "step 1/2" in original().get("content", ""))
        service.kill()  # mid-render
        await until(lambda: BUSY_NOTE in original().get("content", ""))
        assert bot.pending.all()[0].job_id is not None  # still following, nothing said to the asker

        gates.open(gate)
        back = Service(tmp_path, backend=GATED, port=service.port, **env)  # the same store: the job is kept
        await asyncio.to_thread(back.wait)
        message = await until(lambda: picture_done(discord_api, token), timeout=60)
        assert "Shirt: **RTFM**" in message["content"]
        assert BUSY_NOTE not in message["content"]
        assert [m for m in discord_api.messages.values() if m["flags"] & EPHEMERAL] == []  # no error message
        assert len([m for m in discord_api.in_channel("general") if files_of(m)]) == 1
    finally:
        await stop_bot(bot)
        for started in (service, back):
            if started is not None:
                started.stop()
