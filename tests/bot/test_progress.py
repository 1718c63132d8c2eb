"""The progress message's text and pacing (`bot.progress.Progress`, `bot.captions.progress_text`):
the queue's ETA as a Discord relative timestamp, and no progress edit for a final job (the
picture, or the line saying why not, replaces the message; a job resumed after its picture was
posted must not put its progress and Cancel button back over the picture)."""

from __future__ import annotations

import pytest

from bot.captions import ETA_STEP_S, progress_text
from bot.progress import Progress
from bot.service_client import Job


def job(state: str, **raw: object) -> Job:
    return Job.from_json({"id": "j1", "state": state, **raw})


@pytest.mark.parametrize(
    "raw, says",
    [  # the job as the service reports it, what the line says at now=1000
        ({"position": 0, "eta_s": 20}, "Next up: *Milo*. Sharpening my pencils... Ready <t:1020:R>."),
        ({"position": 3, "eta_s": 61}, "3 pictures ahead of you. Ready <t:1065:R>."),
        ({"position": 1}, "1 picture ahead of you."),  # no ETA from the service: none shown
        ({"position": 1, "eta_s": True}, "1 picture ahead of you."),  # a boolean is no ETA
    ],
)
def test_a_queued_job_shows_its_place_and_when_it_should_be_ready(raw: dict, says: str) -> None:
    text = progress_text(job("queued", **raw), "Milo", now=1000)
    assert text.endswith(says)
    if "eta_s" not in raw or raw["eta_s"] is True:
        assert "<t:" not in text


def test_the_eta_moves_in_steps_so_it_does_not_change_with_every_event() -> None:
    shown = {progress_text(job("queued", position=2, eta_s=60), "Milo", now=1000 + t) for t in range(ETA_STEP_S)}
    assert len(shown) <= 2


@pytest.mark.asyncio
@pytest.mark.parametrize("state", ["done", "failed", "cancelled"])
async def test_a_final_job_is_not_shown_as_progress(state: str) -> None:
    shown: list[str] = []

    async def show(text: str) -> None:
        shown.append(text)

    progress = Progress(show, "Milo", interval_s=0.0)
    await progress.update(job("running", progress={"step": 1, "total": 4}))
    await progress.update(job(state))
    await progress.set_note("a note")
    await progress.wait_turn()
    progress.close()
    assert len(shown) == 1
    assert "step 1/4" in shown[0]
