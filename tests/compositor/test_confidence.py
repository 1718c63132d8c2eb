"""What the result says about itself: `confidence` high when a stage found Milo, low
(with the reason) when the box is only where the plan and partial evidence put him;
`method: "skipped"` (with the reason, and the clean picture) when the slogan cannot be
written readably. The last resort stays on Milo's side of the picture, below his head
when only his head was found."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from agent.state import ScenePlan
from render.compositor import compose, write_slogan
from tests.compositor import fixtures as fx
from tests.compositor.art.canvas import Canvas
from tests.compositor.art.milo import MiloSpec, draw_milo
from tests.compositor.helpers import NO_POSE, WEARER

LONG = "Have you tried turning it off and on again?"


def plan(order: list[str]) -> ScenePlan:
    return ScenePlan(characters=order, plate="east", prompt="p", source="rules")


def test_a_found_panel_is_high_confidence_without_a_reason():
    image = fx.lab()
    fx.milo(image, 512)
    result = compose(image, "RTFM", settings=NO_POSE).result
    assert result.method == "panel"
    assert result.confidence == "high"
    assert result.reason is None


@pytest.mark.parametrize(("order", "half"), [(["milo", "james"], "left"), (["james", "milo"], "right")])
def test_nothing_found_puts_the_box_on_milos_side_with_low_confidence(order, half):
    image = Image.new("RGB", (1000, 800), fx.WALL)
    result = compose(image, "RTFM", settings=NO_POSE, plan=plan(order), wearer=WEARER).result
    assert result.method == "fixed-box"
    assert result.confidence == "low"
    assert result.reason is not None
    assert "not found" in result.reason
    assert half in result.reason
    centre = (result.box[0] + result.box[2]) / 2
    assert (centre < 500) if half == "left" else (centre > 500)


def test_without_a_wearer_the_plan_order_says_nothing():
    image = Image.new("RGB", (1000, 800), fx.WALL)
    result = compose(image, "RTFM", settings=NO_POSE, plan=plan(["james", "milo"]), wearer=None).result
    assert result.box == (300, 360, 700, 560)  # the middle


def head_over_a_red_shirt(seed: int) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """Milo's head (mask, eyes, fur) on a body that is not his suit: only the head is
    evidence."""
    spec = MiloSpec.sample(random.Random(seed), panel=False)
    spec = MiloSpec(**{**spec.__dict__, "suit": (170, 40, 40), "shading": 0.0})
    canvas = Canvas((900, 900), (200, 205, 190))
    drawn = draw_milo(canvas, spec, 450, 260, 90)
    image, _ = canvas.finish()
    return image, drawn.head


@pytest.mark.parametrize("seed", range(3))
def test_a_head_without_the_suit_puts_the_box_below_it_with_low_confidence(seed):
    image, head = head_over_a_red_shirt(seed)
    result = compose(image, "RTFM", settings=NO_POSE).result
    assert result.method == "shirt-color"
    assert result.confidence == "low"
    assert result.reason == "found Milo's head but not his suit below it"
    x0, y0, x1, y1 = result.box
    assert head[0] <= (x0 + x1) / 2 <= head[2]  # under the head
    assert y0 >= head[3] - 0.2 * (head[3] - head[1])  # below it, not on it


def test_a_slogan_too_long_for_the_panel_is_skipped_with_the_clean_picture():
    image = fx.lab()
    fx.milo(image, 512, scale=0.45)
    before = image.tobytes()
    out, result = write_slogan(image, LONG, settings=NO_POSE)
    assert result.method == "skipped"
    assert result.confidence == "high"  # the panel was found; it is only too small
    assert result.reason is not None
    assert "shorten it to about" in result.reason
    assert result.lines == []
    assert result.font_size is None
    assert out.tobytes() == before
    assert out is not image
    assert image.tobytes() == before


def test_the_result_serialises_its_reason_and_confidence():
    image = Image.new("RGB", (640, 480), fx.WALL)
    data = compose(image, "RTFM", settings=NO_POSE).result.model_dump(mode="json")
    assert data["confidence"] == "low"
    assert isinstance(data["reason"], str)
    assert "\n" not in data["reason"]
