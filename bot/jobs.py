"""The one path every picture takes: submit to the render service, show progress, post it.

Slash commands, mentions, the Reroll button and the daily post all call `render_to`.
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
    ServiceError,
    retry_phrase,
)

if TYPE_CHECKING:
    from bot.client import MiloBot
    from bot.service_client import Job

log = logging.getLogger(__name__)

DOWN_MESSAGE = (
    "My drawing desk (the render service) isn't answering right now, so I couldn't "
    "draw that picture. Please try again in a few minutes."
)


TIMEOUT_MESSAGE = (
    "That picture waited too long (the drawing queue is stuck or very busy), so I cancelled it. "
    "Please try again later."
)


@dataclass
class Rendered:
    job: Job
    message: discord.Message


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

    Returns None (after telling the asker) when the service refuses, is down, or the job fails.
    """
    from bot.views import picture_view

    try:
        job = await bot.render.submit(body)
        progress = Progress(target, scene, interval_s=bot.settings.bot_progress_interval_s)
        await progress.update(job)
        try:
            async with asyncio.timeout(bot.settings.bot_job_timeout_s):
                async for update in bot.render.follow(job.id):
                    job = update
                    await progress.update(job)
        except TimeoutError:
            log.warning("job %s still %s after %.0f s; cancelling it", job.id, job.state,
                        bot.settings.bot_job_timeout_s)
            with contextlib.suppress(ServiceError):
                await bot.render.cancel(job.id)
            await _tell(target, TIMEOUT_MESSAGE)
            return None
        if job.state != "done":
            raise JobFailed(job)
        png = await bot.render.image(job.id)
    except ServiceError as exc:
        log.warning("render for %s failed: %s: %s", requester_id, type(exc).__name__, exc)
        await _tell(target, human_error(exc))
        return None

    fitted = await asyncio.to_thread(fit_to_limit, png, target.filesize_limit, f"milo-{job.id[:12]}")
    text = caption(job, lead or f"🦝 *{discord.utils.escape_markdown(scene)}*")
    if fitted.note:
        text += f"\n-# {fitted.note}"
    await progress.wait_turn()
    view = picture_view(job.id, requester_id)
    try:
        message = await target.finish(text, png_file(fitted.data, fitted.filename), view)
    except discord.HTTPException as exc:
        log.error("job %s rendered but Discord refused the picture: %s", job.id, exc)
        await _tell(target, "I drew it, but Discord would not take the picture (missing Attach Files "
                            "permission here?). Ask a moderator, or try again.")
        return None
    return Rendered(job, message)


async def _tell(target: Target, text: str) -> None:
    try:
        await target.fail(text)
    except discord.HTTPException as exc:
        log.error("could not tell the user about a failed render: %s", exc)
