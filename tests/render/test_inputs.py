"""The Kontext input: plate + references stitched like ComfyUI's ImageStitch."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import FaultError, InputError
from core.paths import CHARACTERS_DIR
from core.settings import Settings
from render.draw.figures import draw_reference
from render.inputs import kontext_input, load_plate, stitch
from tests.render.helpers import make_plan


def test_stitch_scales_each_image_to_the_first_ones_height() -> None:
    first = Image.new("RGB", (100, 200), (255, 0, 0))
    second = Image.new("RGB", (50, 50), (0, 255, 0))
    third = Image.new("RGB", (30, 200), (0, 0, 255))
    out = stitch(first, second, third)
    assert out.size == (100 + 200 + 30, 200)
    pixels = np.asarray(out)
    assert tuple(pixels[100, 50]) == (255, 0, 0)
    assert tuple(pixels[100, 200]) == (0, 255, 0)
    assert tuple(pixels[100, 320]) == (0, 0, 255)
    assert stitch(first).size == first.size


def test_kontext_input_is_plate_then_references_in_plan_order(settings: Settings) -> None:
    image = kontext_input(make_plan(["james", "milo"], "north"), settings, size=(512, 512))
    ref_width = round(416 * 512 / 576)
    assert image.size == (512 + 2 * ref_width, 512)
    # James's navy in the first reference slot, Milo's charcoal in the second
    james = np.asarray(image.crop((512, 0, 512 + ref_width, 512))).astype(int)
    milo = np.asarray(image.crop((512 + ref_width, 0, image.width, 512))).astype(int)
    navy = lambda px: (np.abs(px - (34, 48, 96)).max(axis=-1) < 12).mean()  # noqa: E731
    assert navy(james) > 0.05
    assert navy(milo) == 0


def test_committed_references_are_the_stand_ins() -> None:
    # The repo ships them so a fresh clone works; they must match the drawing code.
    for character in ("milo", "james"):
        path = CHARACTERS_DIR / character / "references" / f"{character}.png"
        assert np.array_equal(np.asarray(Image.open(path).convert("RGB")), np.asarray(draw_reference(character)))


def test_missing_plate_is_drawn_and_a_file_is_used(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)
    drawn = load_plate(settings, "south", (256, 256))
    assert drawn.size == (256, 256)
    (tmp_path / "plates").mkdir()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(tmp_path / "plates" / "south.png")
    assert load_plate(settings, "south", (128, 128)).getpixel((5, 5)) == (1, 2, 3)
    (tmp_path / "plates" / "south.png").write_bytes(b"not a png")
    with pytest.raises(InputError, match="south.png: plate is not a readable image"):
        load_plate(settings, "south")


def test_missing_reference_is_a_one_line_fault(tmp_path: Path) -> None:
    shutil.copytree(CHARACTERS_DIR / "milo", tmp_path / "milo", ignore=shutil.ignore_patterns("references"))
    settings = Settings(_env_file=None, characters_dir=tmp_path)
    with pytest.raises(FaultError, match=r"milo\.png: reference image not found; add it") as info:
        kontext_input(make_plan(["milo"]), settings, size=(128, 128))
    assert "\n" not in str(info.value)


def test_unreadable_image_is_an_input_error_even_after_ultralytics_patched_pillow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    # put Pillow's own Image.open back afterwards: the patch would leak into later tests
    monkeypatch.setattr(Image, "open", Image.open)
    import ultralytics.utils.patches  # noqa: F401 - patches Image.open (HEIF fallback)

    Image.open = ultralytics.utils.patches.image_open  # as after a first import, whatever ran before

    from render.inputs import open_image

    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png at all")
    with pytest.raises(InputError, match="bad.png: photo is not a readable image"):
        open_image(bad, "photo")
