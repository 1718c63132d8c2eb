"""`cartoon prep` on photos the test draws: duplicates, a corrupt file, a tiny one,
an EXIF-rotated one and an off-centre subject; the CLI's JSON report and exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from characters.crop import subject_square
from characters.prep import prep_folder
from core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def photo(width: int, height: int, seed: int, subject_x: float = 0.5) -> Image.Image:
    """A plain wall with a detailed, coloured 'person' (head + body) centred at subject_x."""
    rng = np.random.default_rng(seed)
    # A soft, seed-specific light pattern on the wall, so different photos hash apart.
    blotches = Image.fromarray(rng.integers(150, 230, size=(4, 6, 3), dtype=np.uint8)).resize((width, height), Image.Resampling.BICUBIC)
    image = Image.fromarray(np.asarray(blotches))
    draw = ImageDraw.Draw(image)
    cx, s = int(width * subject_x), min(width, height)
    colour = tuple(int(c) for c in rng.integers(0, 160, size=3))
    draw.ellipse([cx - s // 8, int(height * 0.15), cx + s // 8, int(height * 0.15) + s // 4], fill=colour)
    draw.rectangle([cx - s // 5, int(height * 0.15) + s // 4, cx + s // 5, height - 1], fill=colour[::-1])
    for i in range(0, s // 5, 6):  # stripes: edge energy on the subject only
        draw.line([cx - s // 5, int(height * 0.5) + i, cx + s // 5, int(height * 0.5) + i], fill=(255, 255, 255), width=2)
    return image


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "photos"
    (src / "sub").mkdir(parents=True)
    photo(1200, 800, seed=1).save(src / "a.png")
    photo(1200, 800, seed=1).resize((900, 600)).save(src / "a_small.png")  # resized duplicate
    photo(1200, 800, seed=1).save(src / "sub" / "a_copy.jpg", quality=80)  # re-encoded duplicate
    (src / "a_exact.png").write_bytes((src / "a.png").read_bytes())  # exact duplicate
    photo(900, 1300, seed=2).save(src / "b.jpg", quality=92)
    photo(300, 300, seed=3).save(src / "tiny.png")
    (src / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    buf = (src / "a.png").read_bytes()
    (src / "truncated.png").write_bytes(buf[: len(buf) // 2])
    # Stored sideways (1000 wide, 700 tall) with EXIF orientation 6: upright it is 700×1000.
    upright = photo(700, 1000, seed=4)
    exif = Image.Exif()
    exif[0x0112] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(src / "rotated.jpg", exif=exif, quality=95)
    photo(1600, 900, seed=5, subject_x=0.82).save(src / "offcentre.png")
    (src / "notes.txt").write_text("not an image, ignored")
    return src


def digest_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_prep_keeps_dedupes_and_rejects(source: Path, tmp_path: Path) -> None:
    before = digest_tree(source)
    out = tmp_path / "dataset"
    report = prep_folder(source, out, size=256)
    assert digest_tree(source) == before  # source never modified

    kept = sorted(Path(p).name for p in report.kept)
    assert kept == ["a.png", "b.png", "offcentre.png", "rotated.png"]
    for path in report.kept:
        with Image.open(path) as img:
            assert img.size == (256, 256)
    dups = {Path(d["file"]).name: Path(d["duplicate_of"]).name for d in report.duplicates}
    assert dups == {"a_small.png": "a.png", "a_copy.jpg": "a.png", "a_exact.png": "a.png"}
    rejected = {Path(r["file"]).name: r["reason"] for r in report.rejected}
    assert set(rejected) == {"tiny.png", "broken.jpg", "truncated.png"}
    assert rejected["tiny.png"].startswith("too small: 300x300")
    assert rejected["broken.jpg"].startswith("unreadable")
    assert rejected["truncated.png"].startswith("unreadable")

    crops = {Path(c["file"]).name: c["box"] for c in report.crops}
    # EXIF applied: upright the photo is 700 wide, 1000 tall, so the square is 700 px.
    x0, y0, x1, y1 = crops["rotated.jpg"]
    assert (x1 - x0, y1 - y0) == (700, 700)
    # The off-centre subject (x 1132–1492 of 1600) stays inside; the centre cut (350–1250) would lose it.
    x0, _, x1, _ = crops["offcentre.png"]
    assert x0 <= 1132
    assert x1 >= 1492


def test_threshold_zero_keeps_near_duplicates(source: Path, tmp_path: Path) -> None:
    report = prep_folder(source, tmp_path / "out", size=64, hash_threshold=0)
    dup_names = {Path(d["file"]).name for d in report.duplicates}
    assert "a_exact.png" in dup_names  # byte-identical is always a duplicate
    assert len(report.kept) > 4


def test_centre_when_nothing_stands_out() -> None:
    plain = Image.new("RGB", (1000, 600), (120, 120, 120))
    assert subject_square(plain) == (200, 0, 800, 600)


def test_bad_source_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        prep_folder(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no files found"):
        prep_folder(tmp_path / "empty", tmp_path / "out")
    with pytest.raises(InputError, match="inside the source"):
        prep_folder(tmp_path / "empty", tmp_path / "empty" / "out")


def test_cli_json_report(source: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CARTOON_PREP_SIZE": "128"}
    out = tmp_path / "cli"
    proc = subprocess.run(
        [sys.executable, "cartoon.py", "prep", str(source), "--character", "james", "--out", str(out), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert set(report) >= {"kept", "duplicates", "rejected"}
    assert len(report["kept"]) == 4
    assert all(Path(p).is_file() for p in report["kept"])
    bad = subprocess.run(
        [sys.executable, "cartoon.py", "prep", str(source), "--character", "nobody", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1
    assert "unknown character 'nobody'" in bad.stderr
