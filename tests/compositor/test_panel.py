"""Stage 1: the white panel is found, measured (box, angle), and never confused with a
whiteboard, a monitor or a white T-shirt."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from agent.state import ScenePlan
from render.compositor import compose
from render.compositor.panel import find_panels
from render.compositor.picture import Picture
from tests.compositor import fixtures as fx
from tests.compositor.helpers import NO_POSE, WEARER


def close(box, truth, tol=4) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(box, truth, strict=True))


def plan_with(characters: list[str]) -> ScenePlan:
    return ScenePlan(characters=characters, plate="east", prompt="p", source="rules")


def test_plain_panel_box_and_angle():
    image = fx.lab()
    milo = fx.milo(image, 512)
    done = compose(image, "PEBKAC", settings=NO_POSE)
    assert done.result.method == "panel"
    assert close(done.result.box, milo.panel_box, tol=2)
    assert done.result.angle == 0.0


@pytest.mark.parametrize("angle", [-15, -7.5, 4, 15])
def test_rotated_panel_angle_is_measured(angle):
    image = fx.lab()
    milo = fx.milo(image, 480, angle=angle)
    panels = find_panels(Picture(image))
    assert len(panels) == 1
    assert panels[0].rect.angle == pytest.approx(angle, abs=0.8)
    assert close(panels[0].box, milo.panel_box, tol=3)


def test_distractors_are_never_the_panel():
    image = fx.lab()
    fx.whiteboard(image, (560, 60, 1000, 330))
    fx.monitor(image, (40, 620, 300, 780))
    fx.james(image, 800, scale=0.8)
    milo = fx.milo(image, 330, scale=0.8)
    panels = find_panels(Picture(image))
    assert len(panels) == 1
    assert close(panels[0].box, milo.panel_box, tol=3)


def test_no_panel_among_distractors_alone():
    image = fx.lab()
    fx.whiteboard(image, (100, 80, 700, 420))
    fx.whiteboard(image, (720, 500, 980, 700), cyan_edge=True)  # cyan on one side only
    fx.monitor(image, (120, 560, 460, 760))
    fx.james(image, 600, scale=0.9)
    assert find_panels(Picture(image)) == []
    assert compose(image, "RTFM", settings=NO_POSE).result.method != "panel"


def test_james_in_white_tshirt_beside_panelless_milo_is_not_a_panel():
    image = fx.lab()
    fx.milo(image, 300, panel=False, scale=0.9)
    fx.james(image, 720, scale=0.9)
    assert find_panels(Picture(image)) == []


def test_noise_and_blur_still_find_the_panel():
    image = fx.lab()
    milo = fx.milo(image, 600, angle=9, scale=0.8)
    fx.whiteboard(image, (40, 60, 380, 300))
    image = fx.blurred(fx.noisy(image, sigma=12, seed=3), radius=1.5)
    panels = find_panels(Picture(image))
    assert len(panels) == 1
    assert panels[0].rect.angle == pytest.approx(9, abs=1.0)
    assert close(panels[0].box, milo.panel_box, tol=4)


@pytest.mark.parametrize("quality", [85, 40])
def test_jpeg_and_a_thin_frame_still_find_the_panel(quality):
    image = fx.lab()
    milo = fx.milo(image, 400, angle=-13, scale=0.5)  # piping 3 px
    stream = io.BytesIO()
    fx.noisy(image, sigma=6).save(stream, "JPEG", quality=quality)
    panels = find_panels(Picture(Image.open(stream).convert("RGB")))
    assert len(panels) == 1
    assert close(panels[0].box, milo.panel_box, tol=3)


def test_plan_picks_milos_panel_when_two_are_seen():
    image = fx.lab()
    left = fx.milo(image, 260, scale=0.7)
    right = fx.milo(image, 760, scale=0.7, angle=5)
    assert len(find_panels(Picture(image))) == 2
    assert close(compose(image, "RTFM", settings=NO_POSE, plan=plan_with(["milo", "james"]), wearer=WEARER).result.box, left.panel_box)
    assert close(compose(image, "RTFM", settings=NO_POSE, plan=plan_with(["james", "milo"]), wearer=WEARER).result.box, right.panel_box)


def test_small_panel_in_a_wide_shot():
    image = fx.lab((1536, 864))
    milo = fx.milo(image, 1100, scale=0.45, top=300)
    done = compose(image, "RTFM", settings=NO_POSE)
    assert done.result.method == "panel"
    assert close(done.result.box, milo.panel_box, tol=3)


def test_pick_ignores_small_candidates_on_milos_side():
    from render.compositor.detect import pick

    boxes = [(0, 0, 30, 30), (400, 0, 600, 200), (800, 0, 990, 200)]
    assert pick(boxes, "left") == 1  # the small blob further left is not Milo
    assert pick(boxes, "right") == 2
    assert pick(boxes, None) == 1
    assert pick(boxes, "center") == 1
