"""The text above a finished picture, and what progress messages say while it is drawn.

The caption's first line is the lead (whose picture, which scene) with the slogan and the
seed; small lines under it (`-# `) say what the person should know about this picture:
the plan's own notes (e.g. a shirt asked for without Milo in the scene), a slogan the
compositor could not fit (New slogan tries shorter sayings) or may have put off Milo's
chest, that the backup service drew it, that the file was shrunk for Discord. Everything
people typed goes through `bot.safe_text.echo`.
"""

from __future__ import annotations

import math
import time
from typing import Any

from bot.safe_text import echo
from bot.service_client import Job

FALLBACK_NOTE = "🔁 My usual drawing desk is down, so I'm using the backup one."
FALLBACK_CAPTION = "drawn by the backup render service (the main one is down)"
BUSY_NOTE = "⏳ My drawing desk is busy right now; your picture is still in line."
SKIPPED_NOTE = "The slogan didn't fit on Milo's shirt this time; 👕 New slogan tries a shorter one."
LOW_CONFIDENCE_NOTE = "The slogan may have missed Milo's chest; 👕 New slogan writes another one."


ETA_STEP_S = 15  # an ETA is shown to the quarter minute, so it does not change with every event


def progress_text(job: Job, scene: str, *, now: float | None = None) -> str:
    """What the progress message says, in Milo's voice (`scene` is already safe to echo).
    While queued: the place in line and, from the service's `eta_s`, when the picture should
    be ready, as a Discord relative timestamp ("in 2 minutes", in the reader's own clock)."""
    scene = scene if len(scene) <= 80 else scene[:79] + "…"
    if job.state == "queued":
        ready = ""
        if job.eta_s is not None:
            due = math.ceil(((now if now is not None else time.time()) + job.eta_s) / ETA_STEP_S) * ETA_STEP_S
            ready = f" Ready <t:{due}:R>."
        # `position` is how many jobs start before this one (0: next).
        if not job.position:
            return f"🦝 Next up: *{scene}*. Sharpening my pencils...{ready}"
        ahead = f"{job.position} picture{'s' if job.position != 1 else ''}"
        return f"🦝 Queued: *{scene}*. {ahead} ahead of you.{ready}"
    if job.state == "running":
        if job.total:
            filled = round(10 * job.step / job.total)
            bar = "▰" * filled + "▱" * (10 - filled)
            return f"🎨 Drawing *{scene}*  {bar}  step {job.step}/{job.total}"
        return f"🎨 Drawing *{scene}*..."
    return f"🦝 *{scene}*: {job.state}."


def caption(lead: str, job: Job, *, asked_shirt: str | None = None, notes: list[str] = ()) -> str:
    """The caption of `job`'s picture; `asked_shirt` is the slogan the request asked for (a
    plan without a slogan then means it was dropped), `notes` extra lines (already safe)."""
    plan: dict[str, Any] = job.plan or {}
    first = [lead]
    if plan.get("slogan"):
        first.append(f"Shirt: **{echo(plan['slogan'])}**")
    seed = (job.result or {}).get("seed", plan.get("seed"))
    if seed is not None:
        first.append(f"seed {seed}")
    lines = [" · ".join(first)]
    lines += [f"-# {line}" for line in picture_notes(job, asked_shirt) + list(notes)]
    return "\n".join(lines)


def picture_notes(job: Job, asked_shirt: str | None) -> list[str]:
    """What the service says about this picture, as plain lines."""
    plan: dict[str, Any] = job.plan or {}
    notes = [echo(str(note)) for note in plan.get("notes") or [] if str(note).strip()]
    if asked_shirt and not plan.get("slogan") and not notes:
        # The planner drops a slogan when nobody in the scene wears the chest panel.
        notes.append(f"Milo isn't in this picture, so the slogan “{echo(asked_shirt, limit=60)}” "
                     "had no shirt to go on.")
    compositor = job.compositor
    if compositor.get("method") == "skipped":
        notes.append(SKIPPED_NOTE)
    elif compositor.get("confidence") == "low":
        notes.append(LOW_CONFIDENCE_NOTE)
    return notes
