"""The preview backend: each wall recognisable, deterministic per seed, and Milo's panel
findable by the compositor's HSV test (white blob framed by cyan piping)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from render.backends.base import RenderOptions, get_backend
from render.draw.figures import draw_reference
from render.draw.plates import draw_plate
from tests.render.helpers import largest_blob, make_plan, white_mask

SIZE = RenderOptions(width=512, height=512)


def render(plan, seed=1, options=SIZE):
    return get_backend("preview", None).render(plan, seed=seed, options=options)


def color_fraction(image: Image.Image, rgb: tuple[int, int, int], tol: int = 12) -> float:
    pixels = np.asarray(image).astype(int)
    return float((np.abs(pixels - rgb).max(axis=-1) <= tol).mean())


# Colours that belong to one wall only: the DGX Sparks' gold, the monitors' code green,
# the night sky in the window, the whiteboard's grey.
SIGNATURES = {"north": (196, 160, 84), "east": (198, 178, 146), "south": (46, 70, 130), "west": (196, 204, 202)}


@pytest.mark.parametrize("wall", list(SIGNATURES))
def test_each_wall_has_its_own_furniture(wall: str) -> None:
    plate = draw_plate(wall, (400, 400), seed=3)
    for other, rgb in SIGNATURES.items():
        fraction = color_fraction(plate, rgb, tol=4)
        if other == wall:
            assert fraction > 0.01, f"{wall}: its signature colour is missing"
        else:
            assert fraction < 0.005, f"{wall} shows {other}'s signature colour"


def test_same_seed_same_picture_other_seed_differs() -> None:
    plan = make_plan(["james", "milo"], "north")
    a, b, c = render(plan, 5), render(plan, 5), render(plan, 6)
    assert a.tobytes() == b.tobytes()
    diff = np.abs(np.asarray(a).astype(int) - np.asarray(c)).max(axis=-1) > 0
    assert 0.001 < diff.mean() < 0.5  # small variations, same scene


def test_size_and_mode_follow_the_options() -> None:
    image = render(make_plan(["milo"]), options=RenderOptions(width=832, height=640))
    assert image.size == (832, 640)
    assert image.mode == "RGB"


@pytest.mark.parametrize("wall", ["north", "east", "south", "west"])
@pytest.mark.parametrize("cast", [["milo"], ["james", "milo"], ["milo", "james"]])
def test_milos_panel_is_the_largest_white_blob_framed_by_cyan(wall: str, cast: list[str]) -> None:
    for seed in (1, 2):
        image = render(make_plan(cast, wall), seed=seed)
        count, (x0, y0, x1, y1) = largest_blob(white_mask(image))
        assert count > 0.015 * 512 * 512, "no panel-sized white blob"
        # it is Milo's: on the side of the picture where the plan puts him
        centre = (x0 + x1) / 2 / 512
        position = make_plan(cast, wall).position_of("milo")
        assert {"center": 0.3 < centre < 0.7, "left": centre < 0.5, "right": centre > 0.5}[position]
        # cyan piping just outside each edge of the white rectangle
        pixels = np.asarray(image).astype(int)
        cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
        for y, x in ((y0 - 3, cx), (y1 + 2, cx), (cy, x0 - 3), (cy, x1 + 2)):
            assert np.abs(pixels[y, x] - (0, 230, 255)).max() < 30, (wall, cast, seed, (x, y), pixels[y, x])
        # and the inside is blank
        assert white_mask(image)[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].all()


def test_no_panel_without_a_slogan() -> None:
    for wall in ("north", "east", "south", "west"):
        image = render(make_plan(["milo", "james"], wall, slogan=None))
        count, _ = largest_blob(white_mask(image))
        assert count < 0.002 * 512 * 512, f"{wall}: a white blob where no panel should be"


def test_stand_ins_look_like_the_sheets() -> None:
    milo, james = draw_reference("milo"), draw_reference("james")
    assert color_fraction(milo, (54, 57, 64)) > 0.08  # dark charcoal tactical suit
    assert color_fraction(milo, (34, 34, 40), tol=4) > 0.01  # black mask and tail rings
    assert color_fraction(milo, (34, 48, 96)) == 0
    assert color_fraction(james, (34, 48, 96)) > 0.08  # navy pullover
    assert color_fraction(james, (150, 150, 150), tol=4) > 0.01  # grey beard


def test_nobody_draws_just_the_wall() -> None:
    plan = make_plan([], "west", slogan=None)
    assert render(plan, 4).tobytes() == draw_plate("west", (512, 512), 4).tobytes()


def test_a_backend_whose_packages_are_missing_is_a_one_line_fault(monkeypatch) -> None:
    import sys

    from core.errors import FaultError

    monkeypatch.setitem(sys.modules, "diffusers", None)  # import diffusers → ModuleNotFoundError
    monkeypatch.delitem(sys.modules, "render.backends.kontext", raising=False)
    with pytest.raises(FaultError, match=r"backend 'kontext' needs the Python package 'diffusers'.*pip install"):
        get_backend("kontext", None)


def test_a_backend_named_by_module_and_class_leaves_the_registry_alone() -> None:
    """`--backend package.module:Class` loads that class; the registry (what `cartoon scene
    --backend` offers and scripts/needs.py maps) stays the four built-in backends."""
    from core.settings import Settings
    from render.backends.base import BACKENDS, get_backend
    from render.backends.preview import PreviewBackend

    before = dict(BACKENDS)
    backend = get_backend("render.backends.preview:PreviewBackend", Settings(_env_file=None))
    assert isinstance(backend, PreviewBackend)
    assert before == BACKENDS
