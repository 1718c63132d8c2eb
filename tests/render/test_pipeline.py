"""ScenePipeline on the preview backend: both PNGs written, the slogan only on the chest,
re-slogans from the kept clean render, and one-line errors for bad output paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import CartoonError, InputError
from core.settings import Settings
from render.backends.base import RenderOptions, get_backend
from render.pipeline import ScenePipeline
from tests.render.helpers import make_plan

OPTIONS = RenderOptions(width=512, height=512)


@pytest.fixture(scope="module")
def pipeline(settings: Settings) -> ScenePipeline:
    return ScenePipeline(settings, get_backend("preview", settings))


def pixels(path: str | Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def test_render_writes_clean_and_finished_pngs(pipeline: ScenePipeline, tmp_path: Path) -> None:
    plan = make_plan(["james", "milo"], "west", slogan="RTFM", seed=11)
    result = pipeline.render(plan, options=OPTIONS, out_dir=tmp_path, stem="scene")
    assert result.image == str(tmp_path / "scene.png")
    assert result.clean_image == str(tmp_path / "scene.clean.png")
    assert (result.backend, result.seed, result.width, result.height) == ("preview", 11, 512, 512)
    assert result.compositor is not None
    assert result.compositor.method == "panel"
    assert set(result.timings) >= {"render_ms", "composite_ms", "save_ms"}
    clean, image = pixels(result.clean_image), pixels(result.image)
    changed = np.argwhere(np.abs(clean - image).max(axis=-1) > 0)
    assert len(changed) > 100, "no slogan was written"
    x0, y0, x1, y1 = result.compositor.box
    # every changed pixel is inside the compositor's box, which is on Milo (right half)
    assert changed[:, 1].min() >= x0 - 2
    assert changed[:, 1].max() <= x1 + 2
    assert changed[:, 0].min() >= y0 - 2
    assert changed[:, 0].max() <= y1 + 2
    assert x0 > 256
    assert not list(tmp_path.glob(".*")), "temporary files left behind"


def test_no_slogan_means_no_compositor(pipeline: ScenePipeline, tmp_path: Path) -> None:
    result = pipeline.render(make_plan(["james"], "south", slogan=None), options=OPTIONS, out_dir=tmp_path)
    assert result.compositor is None
    assert Path(result.image).name == "south-james-1.png"
    assert np.array_equal(pixels(result.image), pixels(result.clean_image))


def test_reslogan_writes_a_new_slogan_on_the_kept_clean_render(pipeline: ScenePipeline, tmp_path: Path) -> None:
    plan = make_plan(["milo"], "north", slogan="PEBKAC")
    first = pipeline.render(plan, options=OPTIONS, out_dir=tmp_path, stem="a")
    out = tmp_path / "b.png"
    compositor = pipeline.reslogan(Path(first.clean_image), plan, "IT WAS DNS", out)
    assert compositor.method == "panel"
    assert compositor.lines != first.compositor.lines
    assert not np.array_equal(pixels(out), pixels(first.image))
    with pytest.raises(InputError):
        pipeline.reslogan(Path(first.clean_image), plan, "", tmp_path / "c.png")
    with pytest.raises(CartoonError, match="clean render not found"):
        pipeline.reslogan(tmp_path / "missing.png", plan, "RTFM", tmp_path / "d.png")


def test_bad_output_places_are_one_line_input_errors(pipeline: ScenePipeline, tmp_path: Path) -> None:
    plan = make_plan(["milo"])
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(InputError, match="cannot write there") as info:
        pipeline.render(plan, options=OPTIONS, out_dir=blocker / "sub")
    assert "\n" not in str(info.value)
    with pytest.raises(InputError, match="without folders"):
        pipeline.render(plan, options=OPTIONS, out_dir=tmp_path, stem="../escape")


def test_a_slogan_that_does_not_fit_finishes_with_the_clean_render(
    pipeline: ScenePipeline, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plan = make_plan(["milo"], "east", slogan="Have You Tried Turning It Off And On Again", seed=2)
    with caplog.at_level("WARNING", logger="render.pipeline"):
        result = pipeline.render(plan, options=RenderOptions(width=256, height=256), out_dir=tmp_path, stem="small")
    assert result.compositor is not None
    assert result.compositor.method == "skipped"
    assert result.compositor.reason is not None
    assert "shorten it" in result.compositor.reason
    assert result.compositor.lines == []
    # the finished picture is the clean render, both kept
    assert (pixels(result.image) == pixels(result.clean_image)).all()
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "not written" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()


def test_a_slogan_the_font_cannot_draw_finishes_with_the_clean_render(pipeline: ScenePipeline, tmp_path: Path) -> None:
    plan = make_plan(["milo"], "west", slogan="RTFM 🦝", seed=3)
    result = pipeline.render(plan, options=OPTIONS, out_dir=tmp_path)
    assert result.compositor is not None
    assert result.compositor.method == "skipped"
    assert "cannot draw" in (result.compositor.reason or "")
    assert (pixels(result.image) == pixels(result.clean_image)).all()


def test_reslogan_refuses_a_slogan_that_does_not_fit(pipeline: ScenePipeline, tmp_path: Path) -> None:
    plan = make_plan(["milo"], "east", slogan="RTFM", seed=2)
    first = pipeline.render(plan, options=OPTIONS, out_dir=tmp_path, stem="r")
    assert first.compositor is not None
    assert first.compositor.method == "panel"
    before = Path(first.image).read_bytes()
    out = tmp_path / "new.png"
    with pytest.raises(InputError, match="shorten it"):
        pipeline.reslogan(Path(first.clean_image), plan, "Have You Tried Turning It Off And On Again", out)
    assert not out.exists()
    assert Path(first.image).read_bytes() == before
