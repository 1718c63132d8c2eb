"""The render-service client against a real `cartoon serve`, and mention parsing."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from bot.jobs import human_error
from bot.mentions import MentionProblem, MentionRequest, parse_mention
from bot.service_client import JobFailed, RateLimited, RenderClient, ServiceDown, retry_phrase
from tests.bot.helpers import RENDER_TOKEN


@pytest.mark.asyncio
async def test_follow_streams_until_a_final_state(api_only_service) -> None:
    async with RenderClient(api_only_service.url, RENDER_TOKEN) as client:
        job = await client.submit({"text": "Milo at the rack", "user": uuid.uuid4().hex})
        seen = []

        async def watch() -> None:
            async for update in client.follow(job.id):
                seen.append(update.state)

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0.5)  # the job waits: this service has no worker
        await client.cancel(job.id)
        await asyncio.wait_for(watcher, 10)
        assert seen[0] == "queued" and seen[-1] == "cancelled"
        assert "cancelled" in human_error(JobFailed(await client.job(job.id)))


@pytest.mark.asyncio
async def test_limits_and_faults_become_typed_errors(api_only_service) -> None:
    user = uuid.uuid4().hex
    async with RenderClient(api_only_service.url, RENDER_TOKEN) as client:
        await client.submit({"text": "Milo at the rack", "user": user})
        with pytest.raises(RateLimited) as limited:
            await client.submit({"text": "Milo at the desk", "user": user})
        assert limited.value.retry_after > 0 and "Try again in" in human_error(limited.value)
    async with RenderClient(api_only_service.url, "wrong-token") as client:
        with pytest.raises(ServiceDown):  # 401 is the bot's configuration, not the user's input
            await client.job("x")
    async with RenderClient("http://127.0.0.1:9") as client:
        with pytest.raises(ServiceDown, match="cannot reach the render service"):
            await client.health()
    assert retry_phrase(1) == "in 1 second" and retry_phrase(200) == "in 4 minutes"


def test_mentions_become_requests_with_the_speaker_resolved() -> None:
    users = {"42": "james"}
    names = {"james": "James", "milo": "Milo"}
    parse = lambda text, author=7: parse_mention(  # noqa: E731
        text, bot_id=1, author_id=author, user_characters=users, character_names=names, max_chars=100)
    assert parse("<@1> draw me at the rack", author=42) == MentionRequest("draw me at the rack", "james")
    assert parse("<@!1> draw <@42> asleep on the bike <@1>") == MentionRequest("draw James asleep on the bike", None)
    assert parse("draw <@99> and Milo <@1>") == MentionRequest("draw and Milo", None)
    for text in ("<@1>", "<@1> \u200b ", "<@1> @here Milo", "<@1> " + "x" * 101):
        assert isinstance(parse(text), MentionProblem)
