"""`cartoon shirt` as a user runs it: JSON on stdout, one-line errors with exit 2, the
input never modified, and ultralytics never imported when the panel is found."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import cartoon
from agent.state import ScenePlan
from tests.compositor import fixtures as fx

ROOT = Path(__file__).resolve().parent.parent.parent
RUN_MAIN = (
    "import sys, cartoon; rc = cartoon.main(sys.argv[1:]); "
    "sys.stderr.write('ultralytics imported: %s\\n' % ('ultralytics' in sys.modules)); sys.exit(rc)"
)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_")}
    return subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *args], capture_output=True, text=True, cwd=ROOT,
        env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def scene(tmp_path) -> Path:
    image = fx.lab()
    fx.milo(image, 512, angle=6)
    path = tmp_path / "scene.png"
    image.save(path)
    return path


def test_json_result_and_the_input_kept(scene, tmp_path):
    before = digest(scene)
    out = tmp_path / "out.png"
    result = run("shirt", str(scene), "--text", "PEBKAC", "-o", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    data = json.loads(result.stdout)
    assert data["method"] == "panel"
    assert abs(data["angle"] - 6) < 0.8
    assert {"box", "ms", "font_size", "lines", "stages", "detect_ms", "draw_ms"} <= data.keys()
    assert Image.open(out).size == (1024, 1024)
    assert digest(scene) == before
    assert "ultralytics imported: False" in result.stderr


def test_missing_pose_weights_warn_and_use_the_fixed_box(tmp_path):
    blank = tmp_path / "wall.jpg"
    fx.lab().save(blank)
    missing = tmp_path / "none" / "yolov8n-pose.pt"
    result = run("shirt", str(blank), "--text", "RTFM", "-o", str(tmp_path / "o.png"), "--json",
                 env={"CARTOON_POSE_WEIGHTS": str(missing)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "fixed-box"
    assert "pose stage skipped" in result.stderr


def test_bad_input_is_one_line_and_exit_2_in_a_real_process(tmp_path):
    not_image = tmp_path / "notes.png"
    not_image.write_text("not a picture")
    result = run("shirt", str(not_image), "--text", "RTFM", "-o", str(tmp_path / "o.png"), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if not line.startswith("ultralytics")]
    assert errors == [f"cartoon: error: {not_image}: not a picture Pillow can read; give a PNG, JPEG or WebP file"]


def _cases(tmp_path: Path, scene: Path) -> dict[str, tuple[list[str], str]]:
    truncated = tmp_path / "truncated.png"
    data = scene.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    huge = tmp_path / "huge.png"
    Image.new("1", (8000, 5100)).save(huge)  # 40.8 megapixels, a small file
    out = str(tmp_path / "out.png")
    return {
        "truncated": ([str(truncated), "--text", "RTFM", "-o", out], "truncated or damaged"),
        "over 40 MP": ([str(huge), "--text", "RTFM", "-o", out], "scale it below 40 megapixels"),
        "empty text": ([str(scene), "--text", "  ", "-o", out], "the slogan is empty"),
        "too long": ([str(scene), "--text", "x" * 60, "-o", out], "at most 48"),
        "no folder": ([str(scene), "--text", "RTFM", "-o", str(tmp_path / "nope" / "o.png")], "does not exist"),
        "onto input": ([str(scene), "--text", "RTFM", "-o", str(scene)], "is the input picture"),
        "bad type": ([str(scene), "--text", "RTFM", "-o", str(tmp_path / "o.docx")], "end it in .png"),
        "missing": ([str(tmp_path / "gone.png"), "--text", "RTFM", "-o", out], "not found"),
        "bad plan": ([str(scene), "--plan", str(scene), "-o", out], "not a ScenePlan"),
        "plan folder": ([str(scene), "--plan", str(tmp_path), "-o", out], "cannot read it"),
    }


@pytest.mark.parametrize(
    "case", ["truncated", "over 40 MP", "empty text", "too long", "no folder", "onto input", "bad type",
             "missing", "bad plan", "plan folder"],
)
def test_bad_input(case, scene, tmp_path, capsys):
    args, message = _cases(tmp_path, scene)[case]
    before = digest(scene)
    assert cartoon.main(["shirt", *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert message in captured.err
    assert digest(scene) == before
    assert not (tmp_path / "out.png").exists()


def test_plan_file_says_where_milo_stands(tmp_path, capsys):
    image = fx.lab()
    fx.milo(image, 260, scale=0.7)
    right = fx.milo(image, 760, scale=0.7)
    path = tmp_path / "two.png"
    image.save(path)
    plan = ScenePlan(characters=["james", "milo"], plate="east", prompt="p", source="rules", slogan="RTFM")
    (tmp_path / "plan.json").write_text(plan.model_dump_json())
    out = tmp_path / "two.jpg"
    assert cartoon.main(["shirt", str(path), "--plan", str(tmp_path / "plan.json"), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["lines"] == ["RTFM"]
    assert all(abs(a - b) <= 4 for a, b in zip(data["box"], right.panel_box, strict=True))
    assert Image.open(out).format == "JPEG"


def test_a_slogan_that_does_not_fit_is_exit_2_and_writes_nothing(tmp_path, capsys):
    image = fx.lab()
    fx.milo(image, 512, scale=0.45)
    path = tmp_path / "far.png"
    image.save(path)
    out = tmp_path / "out.png"
    code = cartoon.main(["shirt", str(path), "--text", "Have you tried turning it off and on again?",
                         "-o", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert "shorten it to about" in captured.err
    assert not out.exists()


def test_json_says_how_sure_it_is(tmp_path, capsys):
    blank = tmp_path / "wall.png"
    fx.lab().save(blank)
    assert cartoon.main(["shirt", str(blank), "--text", "RTFM", "-o", str(tmp_path / "o.png"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["confidence"] == "low"
    assert "not found" in data["reason"]
    assert cartoon.main(["shirt", str(blank), "--text", "RTFM", "-o", str(tmp_path / "p.png")]) == 0
    assert "low confidence" in capsys.readouterr().out


@pytest.mark.parametrize("kind", ["gif", "cmyk", "16-bit"])
def test_odd_picture_files(kind, tmp_path, capsys):
    image = fx.lab((512, 512))
    fx.milo(image, 256, scale=0.5)
    path = tmp_path / f"in.{'gif' if kind == 'gif' else 'jpg' if kind == 'cmyk' else 'png'}"
    if kind == "gif":
        image.save(path, save_all=True, append_images=[Image.new("RGB", (512, 512), "red")])
    elif kind == "cmyk":
        image.convert("CMYK").save(path, "JPEG", quality=90)
    else:
        import numpy as np

        Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257).save(path)
    assert cartoon.main(["shirt", str(path), "--text", "RTFM", "-o", str(tmp_path / "o.png"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["box"]
