"""`cartoon scene` and `cartoon plates`: end to end on preview (a fresh process, the
slogan read back by OCR), and one-line errors with the right exit codes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import cartoon

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CARTOON_") and k != "OPENAI_API_KEY"}
    return subprocess.run([sys.executable, "cartoon.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, timeout=120)


def test_scene_on_preview_writes_a_1024_png_whose_slogan_reads_back(tmp_path: Path) -> None:
    import pytesseract

    out = tmp_path / "scene.png"
    done = run_cli("scene", "Milo debugging at 2 AM", "--shirt", "PEBKAC", "--seed", "3", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # exactly one JSON object on stdout
    assert set(result) >= {"plan", "backend", "seed", "image", "clean_image", "compositor", "timings"}
    assert result["backend"] == "preview"
    assert result["seed"] == 3
    assert result["plan"]["slogan"] == "PEBKAC"
    assert set(result["compositor"]) >= {"method", "box", "angle"}
    assert result["compositor"]["method"] == "panel"
    assert set(result["timings"]) >= {"plan_ms", "render_ms", "composite_ms"}
    assert result["image"] == str(out)
    assert Path(result["clean_image"]) == tmp_path / "scene.clean.png"
    assert "preview render" in done.stderr  # tqdm on stderr

    image = Image.open(out)
    assert image.size == (1024, 1024)
    x0, y0, x1, y1 = result["compositor"]["box"]
    chest = image.crop((x0, y0, x1, y1)).convert("L")
    chest = chest.resize((chest.width * 3, chest.height * 3), Image.Resampling.LANCZOS)
    assert "PEBKAC" in pytesseract.image_to_string(chest, config="--psm 7").replace(" ", "")
    clean = Image.open(result["clean_image"]).crop((x0, y0, x1, y1)).convert("L")
    assert "PEBKAC" not in pytesseract.image_to_string(clean.resize((clean.width * 3, clean.height * 3)), config="--psm 7")


def main_exit(capsys, *args: str) -> tuple[int, str, str]:
    code = cartoon.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_same_seed_same_picture_and_size_snaps(capsys, tmp_path: Path) -> None:
    args = ("scene", "James at the whiteboard", "--seed", "9", "--size", "1200x800", "--json")
    code, out_a, _ = main_exit(capsys, *args, "-o", str(tmp_path / "a.png"))
    code_b, out_b, _ = main_exit(capsys, *args, "-o", str(tmp_path / "b.png"))
    assert code == code_b == 0
    a, b = json.loads(out_a), json.loads(out_b)
    assert (a["width"], a["height"]) == (1248, 832)  # the nearest Kontext aspect ratio
    assert np.array_equal(np.asarray(Image.open(a["image"])), np.asarray(Image.open(b["image"])))


@pytest.mark.parametrize(("args", "message"), [
    (("scene", "Milo", "--backend", "dalle"), "unknown backend 'dalle'; use one of: preview, kontext, comfyui, openai"),
    (("scene", "Milo", "--size", "big"), "--size 'big': give WIDTHxHEIGHT"),
    (("scene", "   "), 'give a scene, e.g. cartoon scene "Milo debugging at 2 AM"'),
    (("scene", "Milo", "-o", "scene.jpg"), "-o scene.jpg: give a .png file name"),
    (("scene", "Milo", "--steps", "0"), "--steps 0: give 1 to 200"),
    (("scene", "Milo", "--shirt", "x" * 60), "--shirt: shirt is 60 characters"),
    (("scene", "Milo", "--as", "bob"), "bob"),
    (("plates", "--backend", "openai"), "--backend openai cartoonifies photos: give --photos DIR"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, args: tuple[str, ...], message: str) -> None:
    code, out, err = main_exit(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err, err


def test_unreachable_comfyui_is_a_fault_exit_1(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = run_cli("scene", "Milo at the rack", "--backend", "comfyui", "-o", str(tmp_path / "x.png"),
                   env={"CARTOON_COMFYUI_URL": f"http://127.0.0.1:{port}"})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("cartoon: error: ComfyUI at")
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert not list(tmp_path.iterdir())


def test_plates_preview_writes_the_four_walls(capsys, tmp_path: Path) -> None:
    code, out, _ = main_exit(capsys, "plates", "--backend", "preview", "--out", str(tmp_path), "--json")
    assert code == 0
    written = json.loads(out)["plates"]
    assert sorted(written) == ["east", "north", "south", "west"]
    sizes = {Image.open(path).size for path in written.values()}
    assert sizes == {(1024, 1024)}


def test_without_o_the_scene_goes_to_the_output_folder(capsys, monkeypatch, tmp_path: Path) -> None:
    from core.settings import get_settings

    monkeypatch.setenv("CARTOON_OUTPUT_DIR", str(tmp_path / "out"))
    get_settings.cache_clear()
    try:
        code, out, _ = main_exit(capsys, "scene", "an empty lab at night", "--seed", "4")
    finally:
        get_settings.cache_clear()
    assert code == 0
    assert out.startswith(str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["east-empty-4.clean.png", "east-empty-4.png"]


def test_scene_whose_slogan_cannot_be_written_still_gives_the_picture(tmp_path: Path) -> None:
    """A render is never lost to its slogan: exit 0, the clean picture, compositor
    skipped with the reason, and one warning line on stderr."""
    out = tmp_path / "scene.png"
    slogan = "RTFM \U0001f99d"  # the raccoon emoji: the shirt font has no glyph for it
    done = run_cli("scene", "Milo at the desk", "--shirt", slogan, "--seed", "4", "-o", str(out), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    compositor = result["compositor"]
    assert compositor["method"] == "skipped"
    assert "cannot draw" in compositor["reason"]
    assert compositor["lines"] == []
    assert np.array_equal(np.asarray(Image.open(out)), np.asarray(Image.open(result["clean_image"])))
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1
    assert "not written" in warnings[0]
    plain = run_cli("scene", "Milo at the desk", "--shirt", slogan, "--seed", "4", "-o", str(tmp_path / "plain.png"))
    assert plain.returncode == 0
    assert "not written" in plain.stdout
