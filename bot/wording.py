"""What people read when something does not work: one mapping from every failure to a sentence.

The render service's own error lines are written for operators (setting names, user ids,
internal figures); they go to the log, never to Discord. `say` picks the sentence from the
error's type and fields only, so each sentence is ours: plain words, at most one "try
again", and for a queue limit how many pictures the person has waiting and when a slot
frees (as a Discord timestamp, shown in the reader's own time zone).
"""

from __future__ import annotations

import math
import time

from bot.service_client import (
    JobFailed,
    JobUnknown,
    RateLimited,
    RequestRejected,
    ServiceDown,
)

DOWN = ("My drawing desk isn't answering right now, so I couldn't draw that. "
        "Please try again in a few minutes.")
TIMED_OUT = ("That picture waited too long (the drawing queue is very busy), so I cancelled it. "
             "Please try again later.")
LOST = "Sorry, I lost this picture while I was restarting. Please ask me again."
GONE = "I don't have that picture any more (I keep them for a while only); ask me for a new one with /cartoon."
FAILED = "Sorry, that picture failed while I was drawing it. Try again, maybe with different words."
CANCELLED = "That picture was cancelled before it was finished."
OOPS = "Something went wrong on my side. Please try again in a moment."
REFUSED = "My drawing desk turned that request down; please try different words."

_REFUSED_BY_FIELD = {
    "text": "I couldn't find a scene in that; tell me what happens, e.g. “Milo debugging at 2 AM”.",
    "shirt": "That slogan won't fit on Milo's shirt; please pick a shorter one.",
    "slogan": "That slogan won't fit on Milo's shirt; please pick a shorter one.",
    "as": "I couldn't tell who “me” is here; name the characters instead, e.g. “James and Milo”.",
    "seed": "That seed can't be used; leave it out, or pick a smaller whole number.",
    "plan": "I can't redraw that picture any more; ask me for a new one with /cartoon.",
    "id": GONE,
}


class TimedOut(Exception):
    """The bot gave up on a job that outlived CARTOON_BOT_JOB_TIMEOUT_S (and cancelled it)."""


class CannotPost(Exception):
    """The bot lacks permissions (Discord's names in `missing`) to post in `where`."""

    def __init__(self, missing: list[str], where: str) -> None:
        super().__init__(f"missing {', '.join(missing)} in {where}")
        self.missing = missing
        self.where = where


def say(error: BaseException) -> str:
    """The sentence a person reads for `error`; the cause itself belongs in the log."""
    if isinstance(error, RateLimited):
        return _limit(error)
    if isinstance(error, ServiceDown):
        return DOWN
    if isinstance(error, TimedOut):
        return TIMED_OUT
    if isinstance(error, CannotPost):
        return missing_permissions(error.missing, error.where)
    if isinstance(error, JobUnknown):
        return GONE
    if isinstance(error, RequestRejected):
        if error.status == 409:
            return "That picture isn't finished yet; it appears here when it is."
        return _REFUSED_BY_FIELD.get(error.field or "", REFUSED)
    if isinstance(error, JobFailed):
        return CANCELLED if error.job.state == "cancelled" else FAILED
    return OOPS


def _limit(error: RateLimited) -> str:
    when = f"{in_about(error.retry_after)} (<t:{int(time.time() + error.retry_after)}:t>)"
    if error.limit == "queued_total":
        return f"My drawing queue is full right now; a slot frees {when}. Please ask again then."
    if error.waiting:
        pictures = f"{error.waiting} picture{'s' if error.waiting != 1 else ''}"
        busy = "being drawn" if error.limit == "running_per_user" else "waiting"
        return f"You have {pictures} {busy} already; a slot frees {when}. Please ask again then."
    return f"You have pictures waiting already; a slot frees {when}. Please ask again then."


def in_about(seconds: float) -> str:
    """'in about 40 seconds' / 'in about 3 minutes' / 'in about 2 hours'."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 90:
        return f"in about {seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    if minutes < 90:
        return f"in about {minutes} minutes"
    return f"in about {math.ceil(minutes / 60)} hours"


def missing_permissions(names: list[str], where: str) -> str:
    """The permissions the bot lacks in a channel, named as Discord's settings name them."""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (f"I can't draw here: I'm missing the {listed} permission{'s' if len(names) > 1 else ''} "
            f"in {where}. Ask a moderator to give me {'them' if len(names) > 1 else 'it'}.")
