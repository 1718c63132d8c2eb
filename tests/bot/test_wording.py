"""What people read: every failure through `bot.wording.say` is a plain sentence (no setting
names, ids or internal figures, at most one "try again"), and text people typed is echoed
without mentions or markdown (`bot.safe_text.echo`)."""

from __future__ import annotations

import re

import pytest

from bot.captions import LOW_CONFIDENCE_NOTE, SKIPPED_NOTE, caption, picture_notes
from bot.safe_text import echo
from bot.sayings import other_saying
from bot.service_client import Job, JobFailed, JobUnknown, RateLimited, RequestRejected, ServiceDown
from bot.wording import TimedOut, in_about, missing_permissions, say

# What the service (or the bot) raises, with operator-facing internals in its own message.
INTERNAL = "user '830000000000000001' already has 1 scenes waiting (CARTOON_SERVICE_MAX_QUEUED_PER_USER) 1e-06 s"
ERRORS = [
    RateLimited(INTERNAL, 95.0, limit="queued_per_user", waiting=3),
    RateLimited(INTERNAL, 30.0, limit="running_per_user", waiting=1),
    RateLimited(INTERNAL, 4000.0, limit="queued_total"),
    RateLimited(INTERNAL, 30.0, limit="queued_per_user"),  # a service that does not count
    ServiceDown(INTERNAL),
    ServiceDown(INTERNAL, retry_after=12.0),
    JobUnknown(INTERNAL, "id", 404),
    RequestRejected(INTERNAL, "text", 422),
    RequestRejected(INTERNAL, "shirt", 422),
    RequestRejected(INTERNAL, "as", 400),
    RequestRejected(INTERNAL, "seed", 422),
    RequestRejected(INTERNAL, "plan", 422),
    RequestRejected(INTERNAL, None, 400),
    RequestRejected(INTERNAL, "id", 409),
    JobFailed(Job(id="job-8f3a", state="failed", error=INTERNAL)),
    JobFailed(Job(id="job-8f3a", state="cancelled")),
    TimedOut("job-8f3a"),
    RuntimeError(INTERNAL),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_failure_is_a_plain_sentence(error: BaseException) -> None:
    text = say(error)
    shown = re.sub(r"<t:\d+:[tTdDfFR]>", "", text)  # a Discord timestamp is shown as the reader's local time
    assert "CARTOON_" not in shown
    assert not re.search(r"\d{6,}", shown)  # no user, job or message ids
    assert "e-0" not in shown
    assert "job-8f3a" not in shown
    assert INTERNAL not in shown
    assert text.lower().count("try again") <= 1
    assert text.endswith((".", "!", ")")), text
    assert len(text) < 200


def test_the_queue_limit_says_how_many_are_waiting_and_when_a_slot_frees() -> None:
    text = say(RateLimited("x", 95.0, limit="queued_per_user", waiting=3))
    assert "You have 3 pictures waiting" in text
    assert "in about 2 minutes" in text
    assert re.search(r"<t:\d+:t>", text)
    assert "1 picture being drawn" in say(RateLimited("x", 30.0, limit="running_per_user", waiting=1))
    assert "queue is full" in say(RateLimited("x", 30.0, limit="queued_total"))


@pytest.mark.parametrize(("seconds", "phrase"), [(1, "in about 1 second"), (40, "in about 40 seconds"),
                                                  (200, "in about 4 minutes"), (7200, "in about 2 hours")])
def test_in_about(seconds: float, phrase: str) -> None:
    assert in_about(seconds) == phrase


def test_missing_permissions_are_named_as_discord_names_them() -> None:
    assert "missing the Attach Files permission in #art." in missing_permissions(["Attach Files"], "#art")
    both = missing_permissions(["Send Messages", "Attach Files"], "#art")
    assert "Send Messages and Attach Files permissions" in both


# typed text → what may appear in a message (the columns: input, must not contain, must contain)
ECHOES = [
    ("<@830000000000000002> at the rack", ["<@"], ["@someone at the rack"]),
    ("<@!830000000000000002> at the rack", ["<@"], ["@someone"]),
    ("<@&810000000000000001> meeting", ["<@&"], ["@role meeting"]),
    ("@everyone and @here look", ["@everyone", "@here"], ["everyone and here look"]),
    ("**bold** __under__ ~~gone~~ ||spoiler|| `code`", ["**bold**", "||spoiler||"], ["\\*\\*bold\\*\\*"]),
    ("see [free GPUs](https://evil.example)", [" [free"], ["\\[free GPUs]"]),  # the bracket escaped: no masked link
    ("# Heading\n-# small\n> quote", ["\n"], ["\\# Heading"]),
    ("x" * 500, ["x" * 200], ["…"]),
]


@pytest.mark.parametrize(("typed", "absent", "present"), ECHOES)
def test_echo_removes_mentions_and_escapes_markdown(typed: str, absent: list[str], present: list[str]) -> None:
    shown = echo(typed)
    for part in absent:
        assert part not in shown
    for part in present:
        assert part in shown


def test_a_slogan_that_did_not_fit_is_replaced_by_a_shorter_one() -> None:
    sayings = ["RTFM", "PEBKAC", "It works on my machine", "Have you tried turning it off and on again?"]
    for _ in range(20):
        picked = other_saying(sayings, "It works on my machine", shorter=True)
        assert picked in ("RTFM", "PEBKAC")
    assert other_saying(["RTFM"], "RTFM") is None


def finished(plan: dict, compositor: dict | None = None) -> Job:
    return Job(id="j", state="done", result={"plan": plan, "compositor": compositor, "seed": 7})


# the job's result → the lines under its caption (the columns: plan, compositor, asked shirt, lines)
NOTES = [
    ({"slogan": "RTFM"}, {"method": "panel"}, None, []),
    ({"slogan": "It works on my machine"}, {"method": "skipped", "reason": "too long"}, None, [SKIPPED_NOTE]),
    ({"slogan": "RTFM"}, {"method": "pose", "confidence": "low"}, None, [LOW_CONFIDENCE_NOTE]),
    ({"slogan": None, "characters": ["james"]}, None, "RTFM",
     ["Milo isn't in this picture, so the slogan “RTFM” had no shirt to go on."]),
    ({"slogan": None, "notes": ["A shirt was asked for, but <@830000000000000001> **Milo** is not here."]}, None,
     "RTFM", ["A shirt was asked for, but @someone \\*\\*Milo\\*\\* is not here."]),
]


@pytest.mark.parametrize(("plan", "compositor", "asked", "lines"), NOTES)
def test_the_caption_says_what_to_know_about_the_picture(plan: dict, compositor: dict | None, asked: str | None,
                                                        lines: list[str]) -> None:
    assert picture_notes(finished(plan, compositor), asked) == lines
    text = caption("🦝 *scene*", finished(plan, compositor), asked_shirt=asked)
    assert text.split("\n")[1:] == [f"-# {line}" for line in lines]
    assert "seed 7" in text.split("\n")[0]
