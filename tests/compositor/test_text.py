"""Fitting and drawing the slogan: sizes, wrapping, errors, and that it reads back."""

from __future__ import annotations

import pytest
from PIL import Image

from agent.state import ScenePlan
from core.errors import InputError
from core.settings import Settings
from render.compositor import compose, write_slogan
from render.compositor import text as text_mod
from tests.compositor import fixtures as fx
from tests.compositor.helpers import NO_POSE, WEARER

LONG = "Have you tried turning it off and on again?"


def test_short_slogan_is_one_line_and_fits_with_margin():
    layout = text_mod.fit("PEBKAC", 300, 150, min_size=12)
    assert layout.lines == ("PEBKAC",)
    w, h = text_mod.measure(layout)
    assert w <= 300 * (1 - 2 * text_mod.MARGIN_X)
    assert h <= 150 * (1 - 2 * text_mod.MARGIN_Y)
    # the largest size that fits: one step up no longer does
    bigger = text_mod.Layout(layout.lines, layout.font_size + 2, text_mod._halo(layout.font_size + 2))
    bw, bh = text_mod.measure(bigger)
    assert bw > 300 * (1 - 2 * text_mod.MARGIN_X) or bh > 150 * (1 - 2 * text_mod.MARGIN_Y)


def test_long_slogan_wraps_when_that_is_larger():
    one_line = text_mod.Layout((LONG,), 10, 1)
    layout = text_mod.fit(LONG, 300, 200, min_size=8)
    assert 2 <= len(layout.lines) <= 3
    assert " ".join(layout.lines) == LONG
    assert layout.font_size > one_line.font_size * 1.5


def test_too_long_for_a_readable_size_is_an_input_error():
    with pytest.raises(InputError, match="shorten it"):
        text_mod.fit(LONG, 90, 40, min_size=12)


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_empty_slogan_is_an_input_error(bad):
    with pytest.raises(InputError, match="empty"):
        write_slogan(fx.lab(), bad, settings=NO_POSE)


def test_characters_the_font_lacks_are_an_input_error():
    with pytest.raises(InputError, match="cannot draw \\(中 🦝\\)"):
        write_slogan(fx.lab(), "RTFM 中 🦝", settings=NO_POSE)
    write_slogan(fx.lab(), "Ça marche — 100 €, Straße", settings=NO_POSE)  # accents, dashes, symbols are fine


def test_over_48_characters_is_an_input_error():
    with pytest.raises(InputError, match="at most 48"):
        write_slogan(fx.lab(), "x" * 49, settings=NO_POSE)


def test_not_an_image_names_the_argument():
    with pytest.raises(TypeError, match="image must be a PIL.Image.Image"):
        write_slogan("scene.png", "RTFM", settings=NO_POSE)  # type: ignore[arg-type]


def test_input_is_never_modified_and_output_differs_in_the_box():
    image = fx.lab()
    fx.milo(image, 512)
    before = image.tobytes()
    out, result = write_slogan(image, "RTFM", settings=NO_POSE)
    assert image.tobytes() == before
    assert out is not image
    assert out.size == image.size
    assert out.mode == "RGB"
    x0, y0, x1, y1 = result.box
    assert out.crop(result.box).tobytes() != image.crop(result.box).tobytes()
    # nothing drawn outside the box
    outside = Image.new("RGB", image.size)
    outside.paste(out)
    outside.paste((0, 0, 0), (x0 - 2, y0 - 2, x1 + 2, y1 + 2))
    original = image.copy()
    original.paste((0, 0, 0), (x0 - 2, y0 - 2, x1 + 2, y1 + 2))
    assert outside.tobytes() == original.tobytes()


def test_rgba_input_stays_rgba():
    image = fx.lab().convert("RGBA")
    fx.milo(image, 512)
    out, result = write_slogan(image, "RTFM", settings=NO_POSE)
    assert out.mode == "RGBA"
    assert result.method == "panel"
    assert out.getchannel("A").getextrema() == (255, 255)


def test_fixed_box_when_nothing_is_found():
    out, result = write_slogan(Image.new("RGB", (1000, 800), fx.WALL), "RTFM", settings=NO_POSE)
    assert result.method == "fixed-box"
    assert result.box == (300, 360, 700, 560)
    assert result.angle == 0.0
    assert result.font_size
    assert result.lines == ["RTFM"]


@pytest.mark.parametrize(("order", "box"), [(["milo", "james"], (100, 360, 440, 560)),
                                            (["james", "milo"], (560, 360, 900, 560))])
def test_fixed_box_moves_to_milos_side(order, box):
    plan = ScenePlan(characters=order, plate="east", prompt="p", source="rules")
    settings = Settings(_env_file=None, pose_weights="does/not/exist.pt")
    _, result = write_slogan(Image.new("RGB", (1000, 800), fx.WALL), "RTFM", plan=plan, settings=settings, wearer=WEARER)
    assert result.method == "fixed-box"
    assert result.box == box


def test_fonts_are_drawn_from_many_threads():
    from concurrent.futures import ThreadPoolExecutor

    image = fx.lab()
    fx.milo(image, 512)
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: write_slogan(image, "RTFM", settings=NO_POSE)[0].tobytes(), range(8)))
    assert len(set(outs)) == 1


@pytest.mark.parametrize(
    ("slogan", "angle"),
    [("PEBKAC", 0.0), ("It's Not a Bug It's a Feature", -12.0), (LONG, 8.0)],
)
def test_written_slogan_reads_back(ocr, slogan, angle):
    image = fx.lab()
    fx.milo(image, 512, scale=1.3, angle=angle)
    done = compose(image, slogan, settings=NO_POSE)
    assert done.result.method == "panel"
    assert done.result.angle == pytest.approx(angle, abs=0.8)
    assert ocr(done.image, done.result, slogan)


def test_long_slogans_wrap_on_up_to_four_lines():
    layout = text_mod.fit("sudo make me a sandwich right now please", 140, 160, min_size=10)
    assert len(layout.lines) == 4
    assert " ".join(layout.lines) == "sudo make me a sandwich right now please"
    assert text_mod.fit(LONG, 300, 200, min_size=8).lines != text_mod.fit(LONG, 900, 60, min_size=8).lines


def test_the_condensed_face_is_tried_before_giving_up(monkeypatch):
    text, width, height = "Works On My Machine", 92, 55
    layout = text_mod.fit(text, width, height, min_size=12)
    assert layout.face == "condensed"
    assert layout.font_size >= 12
    w, h = text_mod.measure(layout)
    assert w <= width * (1 - 2 * text_mod.MARGIN_X)
    assert h <= height * (1 - 2 * text_mod.MARGIN_Y)
    monkeypatch.setattr(text_mod, "FACE_ORDER", ("bold",))
    with pytest.raises(text_mod.DoesNotFit):
        text_mod.fit(text, width, height, min_size=12)


def test_bold_is_kept_when_it_is_readable():
    assert text_mod.fit("Works On My Machine", 300, 200, min_size=12).face == "bold"


def test_does_not_fit_is_an_input_error_that_says_how_short():
    with pytest.raises(InputError, match=r"shorten it to about \d+ characters"):
        text_mod.fit(LONG, 60, 30, min_size=12)
    assert issubclass(text_mod.DoesNotFit, InputError)


def test_both_faces_draw_the_same_characters():
    sample = "Ça marche — 100 €, Straße ½ ?!"
    for char in sample:
        if not char.isspace():
            masks = [text_mod.font(32, face).getmask(char) for face in text_mod.FACES]
            assert all(m.size[0] > 0 for m in masks), char
