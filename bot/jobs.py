"""The one path every picture takes: submit to the render service, show progress, post it.

Slash commands, mentions, the Reroll button and the daily post all call `render_to`.
It tries the render service, then the fallback service (`CARTOON_RENDER_FALLBACK_URL`)
when one is configured and the first is down or failed the job.
Whatever goes wrong becomes one human sentence on the target (ephemeral for
interactions) and a log line with the cause; nothing here raises into discord.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.imaging import fit_to_limit
from bot.progress import Progress, Target, png_file
from bot.service_client import (
    JobFailed,
    RateLimited,
    RequestRejected,
    ServiceDown,
    ServiceError,
    retry_phrase,
)

if TYPE_CHECKING:
    from bot.client import MiloBot
    from bot.service_client import Job, RenderClient

log = logging.getLogger(__name__)

DOWN_MESSAGE = (
    "My drawing desk (the render service) isn't answering right now, so I couldn't "
    "draw that picture. Please try again in a few minutes."
)


TIMEOUT_MESSAGE = (
    "That picture waited too long (the drawing queue is stuck or very busy), so I cancelled it. "
    "Please try again later."
)


FALLBACK_NOTE = "🔁 My usual drawing desk is down, so I'm using the backup one."
FALLBACK_CAPTION = "drawn by the backup render service (the main one is down)"


@dataclass
class Rendered:
    job: Job
    message: discord.Message
    service: str = ""  # the tag of the service that drew it ("" = primary, "f" = fallback)


class _TimedOut(Exception):
    """The job outlived CARTOON_BOT_JOB_TIMEOUT_S (and was cancelled)."""


def _worth_a_fallback(exc: ServiceError) -> bool:
    """The service is down or the render failed there: another service may well draw it.
    A refusal (4xx), a rate limit or a cancelled job would be the same anywhere."""
    return isinstance(exc, ServiceDown) or (isinstance(exc, JobFailed) and exc.job.state == "failed")


def human_error(exc: ServiceError) -> str:
    """One sentence for the person who asked; the cause goes to the log."""
    if isinstance(exc, RateLimited):
        when = discord.utils.utcnow().timestamp() + exc.retry_after
        return (f"You've hit the drawing limit ({exc}). Try again {retry_phrase(exc.retry_after)} "
                f"(<t:{int(when)}:t>).")
    if isinstance(exc, RequestRejected):
        return f"I can't draw that: {exc}"
    if isinstance(exc, JobFailed):
        if exc.job.state == "cancelled":
            return "That picture was cancelled before it was finished."
        reason = f" ({exc.job.error})" if exc.job.error else ""
        return f"Sorry, that picture failed while I was drawing it{reason}. Try again, maybe with different words."
    return DOWN_MESSAGE


def caption(job: Job, lead: str) -> str:
    """The text above the finished picture."""
    plan = job.plan or {}
    parts = [lead]
    if plan.get("slogan"):
        parts.append(f"Shirt: **{discord.utils.escape_markdown(plan['slogan'])}**")
    seed = (job.result or {}).get("seed", plan.get("seed"))
    if seed is not None:
        parts.append(f"seed {seed}")
    return " · ".join(parts)


async def render_to(
    bot: MiloBot,
    target: Target,
    body: dict[str, Any],
    *,
    scene: str,
    requester_id: int,
    lead: str | None = None,
) -> Rendered | None:
    """Submit `body` (a POST /v1/scenes body), follow it on `target`, post the picture.

    When the render service is down or the job fails there and a fallback service is
    configured, the same body goes to the fallback (the progress message says so), and the
    picture's buttons remember which service drew it.
    Returns None (after telling the asker) when the service refuses, is down, or the job fails.
    """
    from bot.views import picture_view

    progress = Progress(target, scene, interval_s=bot.settings.bot_progress_interval_s)
    drawn = await _draw_anywhere(bot, target, body, progress, requester_id)
    if drawn is None:
        return None
    tag, job, png = drawn

    fitted = await asyncio.to_thread(fit_to_limit, png, target.filesize_limit, f"milo-{job.id[:12]}")
    text = caption(job, lead or f"🦝 *{discord.utils.escape_markdown(scene)}*")
    if tag:
        text += f"\n-# {FALLBACK_CAPTION}"
    if fitted.note:
        text += f"\n-# {fitted.note}"
    await progress.wait_turn()
    view = picture_view(job.id, requester_id, service=tag)
    try:
        message = await target.finish(text, png_file(fitted.data, fitted.filename), view)
    except discord.HTTPException as exc:
        log.error("job %s rendered but Discord refused the picture: %s", job.id, exc)
        await _tell(target, "I drew it, but Discord would not take the picture (missing Attach Files "
                            "permission here?). Ask a moderator, or try again.")
        return None
    return Rendered(job, message, tag)


async def _draw_anywhere(
    bot: MiloBot, target: Target, body: dict[str, Any], progress: Progress, requester_id: int
) -> tuple[str, Job, bytes] | None:
    """The service's tag, the finished job and its picture; None after telling the asker why not."""
    services = bot.services()
    for index, (tag, client) in enumerate(services):
        try:
            job, png = await _draw(bot, client, body, progress)
            return tag, job, png
        except _TimedOut:
            await progress.wait_turn()
            await _tell(target, TIMEOUT_MESSAGE)
            return None
        except ServiceError as exc:
            log.warning("render for %s failed at %s: %s: %s", requester_id, client.base_url,
                        type(exc).__name__, exc)
            if index + 1 < len(services) and _worth_a_fallback(exc):
                log.warning("trying the fallback render service at %s", services[index + 1][1].base_url)
                progress.note = FALLBACK_NOTE
                continue
            await progress.wait_turn()  # no progress edit may land after the error message
            await _tell(target, human_error(exc))
            return None
    return None


async def _draw(bot: MiloBot, client: RenderClient, body: dict[str, Any], progress: Progress) -> tuple[Job, bytes]:
    """One service: submit, follow (showing progress), fetch the picture. Raises ServiceError
    (JobFailed when the job did not end `done`) or _TimedOut."""
    job = await client.submit(body)
    try:
        await progress.update(job)
        try:
            async with asyncio.timeout(bot.settings.bot_job_timeout_s):
                async for update in client.follow(job.id):
                    job = update
                    await progress.update(job)
        except TimeoutError:
            log.warning("job %s still %s after %.0f s; cancelling it", job.id, job.state,
                        bot.settings.bot_job_timeout_s)
            with contextlib.suppress(ServiceError):
                await client.cancel(job.id)
            raise _TimedOut from None
        if job.state != "done":
            raise JobFailed(job)
        return job, await client.image(job.id)
    except ServiceDown:
        # Lost touch mid-job: cancel it there (if it still answers) so it is not drawn twice.
        with contextlib.suppress(ServiceError):
            await client.cancel(job.id)
        raise


async def _tell(target: Target, text: str) -> None:
    try:
        await target.fail(text)
    except discord.HTTPException as exc:
        log.error("could not tell the user about a failed render: %s", exc)
