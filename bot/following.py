"""Following a job from submission to the posted picture: the one path every picture takes.

Slash commands, mentions, the buttons and the daily post each describe what they want as a
`PendingJob` and hand it to `Follower.start`; after a restart, `Follower.resume_all` picks
up every job still on record. For each job the follower:

1. submits the body when no job id is on record yet, to the render service, or to the
   fallback service when the first is down (the progress message says so); a job made from
   a finished picture (`action` edit, vary, reroll of `parent`) goes to the service that has it;
2. follows it, editing the progress message (position, ETA, progress bar, a Cancel button) at
   most every `CARTOON_BOT_PROGRESS_INTERVAL_S`.
   While the service is unreachable or says it is unavailable (503, or an `event: error`
   on the job's stream) it keeps following quietly, looking again after the service's
   Retry-After, until `CARTOON_BOT_JOB_TIMEOUT_S` from when the job was asked for;
3. a job that failed on the render service is drawn again by the fallback, when configured;
4. posts the picture with its buttons (`bot.targets.Delivery`: exactly once), notes where
   (`bot.posted`, for /cartoon-history and /cartoon-show), calls the origin's `delivered`
   hook, and forgets the job;
5. on failure, asks the origin's `failed` hook (the daily post retries quietly), or tells
   the asker in plain words (`bot.wording`), and forgets the job.

Nothing here raises into discord.py; causes go to the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

import aiohttp
import discord

from bot.captions import BUSY_NOTE, FALLBACK_CAPTION, FALLBACK_NOTE, caption
from bot.imaging import fit_to_limit
from bot.pending import PendingJob, PendingStore
from bot.posted import Posted
from bot.progress import Progress, png_file
from bot.service_client import Job, JobFailed, JobUnknown, RenderClient, ServiceDown, ServiceError
from bot.targets import Delivery
from bot.wording import LOST, OOPS, TimedOut, say

if TYPE_CHECKING:
    from bot.client import MiloBot

log = logging.getLogger(__name__)

T = TypeVar("T")
PictureView = Callable[[str, int, str], discord.ui.View]  # (job id, requester id, service tag)
MAX_QUIET_WAIT_S = 60.0  # the longest pause between two looks at a service that is down


class JobHooks(Protocol):
    """What the maker of a job (its `origin`) wants to hear about it."""

    async def delivered(self, pending: PendingJob, message_id: int, job: Job) -> None:
        """The picture is posted in message `message_id`."""

    async def failed(self, pending: PendingJob, error: BaseException) -> bool:
        """There is no picture; return True when handled (then nobody is told here)."""


@dataclass
class Outcome:
    """How a followed job ended: the picture's message and the finished job, or the error."""

    message_id: int | None = None
    job: Job | None = None
    error: BaseException | None = None


class Follower:
    """Runs every job the bot follows; one task per job, keyed by `PendingJob.key`."""

    def __init__(self, bot: MiloBot, store: PendingStore, picture_view: PictureView,
                 progress_view: PictureView | None = None) -> None:
        self.bot = bot
        self.store = store
        self.picture_view = picture_view
        self.progress_view = progress_view  # the buttons under a picture being drawn (Cancel)
        self.hooks: dict[str, JobHooks] = {}
        self.status: dict[str, str] = {}  # key → what the job is doing, for status commands
        self._tasks: dict[str, asyncio.Task[Outcome]] = {}

    def register(self, origin: str, hooks: JobHooks) -> None:
        self.hooks[origin] = hooks

    async def start(self, pending: PendingJob) -> Outcome:
        """Record the job (before anything is submitted), then follow it to the end."""
        return await self.begin(pending)

    def begin(self, pending: PendingJob) -> asyncio.Task[Outcome]:
        """Record the job and start following it; the task ends with its `Outcome`. Both happen
        before this returns, so no other start (or `resume_all`) can follow it a second time."""
        self.store.save(pending)
        return self._spawn(pending)

    def resume_all(self) -> int:
        """Follow every job on record that is not followed yet (at start-up); returns how many."""
        resumed = 0
        for pending in self.store.all():
            if pending.key not in self._tasks:
                log.info("resuming job %s (%s) for %s", pending.job_id or "(not submitted)", pending.origin,
                         pending.requester_id)
                self._spawn(pending)
                resumed += 1
        return resumed

    def following(self, key: str) -> bool:
        return key in self._tasks

    async def close(self) -> None:
        """Stop following (the records stay: the next start resumes them)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- one job ----------------------------------------------------------------------------
    def _spawn(self, pending: PendingJob) -> asyncio.Task[Outcome]:
        task = asyncio.create_task(self._run(pending), name=f"follow-{pending.key}")
        self._tasks[pending.key] = task
        task.add_done_callback(lambda _: (self._tasks.pop(pending.key, None), self.status.pop(pending.key, None)))
        return task

    def _save(self, pending: PendingJob) -> None:
        self.store.save(pending)

    async def _run(self, pending: PendingJob) -> Outcome:
        delivery = Delivery(self.bot, pending, self._save)

        async def show(text: str) -> None:
            view = None
            if self.progress_view is not None and pending.job_id is not None:
                view = self.progress_view(pending.job_id, pending.requester_id, pending.service)
            await delivery.show(text, view)

        progress = Progress(show, pending.scene, interval_s=self.bot.settings.bot_progress_interval_s)
        deadline = pending.created_at + self.bot.settings.bot_job_timeout_s
        try:
            while True:
                if pending.job_id is None:
                    await self._submit(pending, progress)
                final = await self._follow(pending, progress, deadline)
                if final.state == "done":
                    return await self._deliver(pending, delivery, progress, final, deadline)
                if final.state == "failed" and self._next_service(pending) is not None:
                    log.warning("job %s failed at %s (%s); drawing it at the fallback service",
                                pending.job_id, self._client(pending).base_url, final.error)
                    pending.tried.append(pending.service)
                    pending.job_id = None
                    self._save(pending)
                    await progress.set_note(FALLBACK_NOTE)
                    continue
                raise JobFailed(final)
        except asyncio.CancelledError:
            raise  # the bot is stopping: the record stays for the next start
        except (ServiceError, TimedOut) as exc:
            log.warning("job %s (%s) for %s ended without a picture: %s: %s", pending.job_id, pending.origin,
                        pending.requester_id, type(exc).__name__, exc)
            await self._fail(pending, delivery, progress, exc)
            return Outcome(error=exc)
        except Exception as exc:  # a bug, or Discord refusing: never into discord.py
            log.exception("job %s (%s) broke", pending.job_id, pending.origin)
            await self._fail(pending, delivery, progress, exc)
            return Outcome(error=exc)
        finally:
            progress.close()

    async def _submit(self, pending: PendingJob, progress: Progress) -> None:
        last: ServiceError | None = None
        for tag, client in self.bot.services.ordered():
            if tag in pending.tried:
                continue
            if pending.parent is not None and tag != pending.service:
                continue  # made from a finished picture: only the service that has it can
            try:
                if pending.parent is not None:
                    accepted = await client.derive(pending.action, pending.parent, pending.body)
                else:
                    accepted = await client.submit(pending.body)
            except ServiceDown as exc:
                log.warning("render service at %s is down (%s)", client.base_url, exc)
                last = exc
                pending.tried.append(tag)
                if self._next_service(pending) is not None:
                    await progress.set_note(FALLBACK_NOTE)
                continue
            pending.job_id, pending.service = accepted.id, tag
            await asyncio.to_thread(self._save, pending)
            log.info("job %s submitted to %s for %s (%s)", accepted.id, client.base_url, pending.requester_id,
                     pending.origin)
            await progress.update(accepted)
            return
        raise last or ServiceDown("no render service is configured")

    async def _follow(self, pending: PendingJob, progress: Progress, deadline: float) -> Job:
        """The job's final state. A service that is down is waited for quietly until `deadline`."""
        client = self._client(pending)
        assert pending.job_id is not None
        job_id = pending.job_id
        if deadline <= time.time():
            # Resumed after the time limit: a finished picture is still delivered.
            job = await client.job(job_id)
            if job.final:
                return job
            await self._cancel(client, job_id)
            raise TimedOut(job_id)
        pauses = 0
        while True:
            try:
                async with asyncio.timeout(max(0.0, deadline - time.time())):
                    last: Job | None = None
                    async for last in client.follow(job_id):
                        self.status[pending.key] = f"{last.state} at the render service"
                        if pauses:
                            pauses = 0
                            await progress.set_note(None)
                        await progress.update(last)
                    assert last is not None
                    return last
            except TimeoutError:
                log.warning("job %s still unfinished after %.0f s; cancelling it", job_id,
                            self.bot.settings.bot_job_timeout_s)
                await self._cancel(client, job_id)
                raise TimedOut(job_id) from None
            except ServiceDown as exc:
                pauses += 1
                wait = self._pause(exc, pauses, deadline)
                self.status[pending.key] = f"waiting for the render service ({exc}); next look in {wait:.0f} s"
                log.info("job %s: render service unavailable (%s); looking again in %.0f s", job_id, exc, wait)
                if pauses == 1:
                    await progress.set_note(BUSY_NOTE)
                await asyncio.sleep(wait)

    async def _deliver(self, pending: PendingJob, delivery: Delivery, progress: Progress, final: Job,
                       deadline: float) -> Outcome:
        assert pending.job_id is not None
        client = self._client(pending)
        png = await self._quietly(lambda: client.image(pending.job_id or ""), pending, deadline)
        fitted = await asyncio.to_thread(fit_to_limit, png, pending.filesize_limit, f"milo-{pending.job_id[:12]}")
        notes = [FALLBACK_CAPTION] if pending.service else []
        if fitted.note:
            notes.append(fitted.note)
        text = caption(pending.lead or f"🦝 *{pending.scene}*", final, asked_shirt=pending.body.get("shirt"),
                       notes=notes)
        await progress.wait_turn()
        view = self.picture_view(pending.job_id, pending.requester_id, pending.service)
        message_id = await self._discord_retries(
            lambda: delivery.deliver(text, png_file(fitted.data, fitted.filename), view), deadline)
        await asyncio.to_thread(self.bot.posted.record, Posted(pending.job_id, pending.service, pending.guild_id,
                                                               pending.channel_id, message_id, pending.requester_id))
        hooks = self.hooks.get(pending.origin)
        if hooks is not None:
            await hooks.delivered(pending, message_id, final)
        await asyncio.to_thread(self.store.remove, pending.key)
        log.info("job %s delivered in message %s (%s)", pending.job_id, message_id, pending.origin)
        return Outcome(message_id=message_id, job=final)

    async def _fail(self, pending: PendingJob, delivery: Delivery, progress: Progress, exc: BaseException) -> None:
        await progress.wait_turn()  # no progress edit may land after the error message
        hooks = self.hooks.get(pending.origin)
        try:
            if hooks is None or not await hooks.failed(pending, exc):
                if isinstance(exc, JobUnknown) and pending.job_id is not None:
                    await delivery.fail(LOST, in_place=True)
                else:
                    await delivery.fail(say(exc) if isinstance(exc, ServiceError | TimedOut) else OOPS)
        except Exception:
            log.exception("could not tell %s why job %s has no picture", pending.requester_id, pending.job_id)
        await asyncio.to_thread(self.store.remove, pending.key)

    # --- plumbing ---------------------------------------------------------------------------
    def _client(self, pending: PendingJob) -> RenderClient:
        client = self.bot.services.get(pending.service)
        if client is None:
            # The fallback that drew it was unconfigured since: nobody can finish it.
            raise JobUnknown("the service that has this job is no longer configured", "id", 404)
        return client

    def _next_service(self, pending: PendingJob) -> str | None:
        if pending.parent is not None:  # no other service has the finished picture it starts from
            return None
        tried = {*pending.tried, pending.service} if pending.job_id else set(pending.tried)
        return next((tag for tag, _ in self.bot.services.ordered() if tag not in tried), None)

    @staticmethod
    def _pause(exc: ServiceDown, pauses: int, deadline: float) -> float:
        wait = exc.retry_after if exc.retry_after is not None else 2.0 ** min(pauses, 5)
        return max(0.5, min(wait, MAX_QUIET_WAIT_S, deadline - time.time()))

    async def _quietly(self, call: Callable[[], Awaitable[T]], pending: PendingJob, deadline: float) -> T:
        """`call()`, waiting quietly through a service outage until `deadline`."""
        pauses = 0
        while True:
            try:
                return await call()
            except ServiceDown as exc:
                pauses += 1
                if time.time() >= deadline:
                    raise
                wait = self._pause(exc, pauses, deadline)
                log.info("job %s: render service unavailable (%s); looking again in %.0f s", pending.job_id, exc, wait)
                await asyncio.sleep(wait)

    @staticmethod
    async def _discord_retries(call: Callable[[], Awaitable[T]], deadline: float) -> T:
        """`call()`, again after a pause while Discord itself answers 5xx or cannot be reached."""
        pauses = 0
        while True:
            try:
                return await call()
            except (discord.DiscordServerError, aiohttp.ClientConnectionError) as exc:
                pauses += 1
                if time.time() >= deadline + 3600:
                    raise
                log.warning("Discord is unavailable (%s); posting again in %d s", exc, 2 ** min(pauses, 6))
                await asyncio.sleep(2 ** min(pauses, 6))

    @staticmethod
    async def _cancel(client: RenderClient, job_id: str) -> None:
        with contextlib.suppress(ServiceError):
            await client.cancel(job_id)
