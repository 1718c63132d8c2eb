"""`cartoon prep`: turn a folder of photos into a training set of 1024² squares.

Each readable image is EXIF-rotated, checked for size, compared with the images already
kept (perceptual hash, so resized or re-encoded copies count as duplicates), cropped to a
square around its subject (`characters.crop`) and written as PNG. The source folder is
only read. Duplicates keep the copy with the most pixels.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from characters.crop import subject_square
from core.errors import InputError

log = logging.getLogger(__name__)

HIDDEN_OR_SIDECAR = {".txt", ".json", ".toml", ".md", ".ds_store"}


@dataclass
class Candidate:
    """A readable photo; its pixels are not kept (a folder of 12 MP photos would fill RAM)."""

    path: Path
    size: tuple[int, int]
    digest: str
    phash: Any  # imagehash.ImageHash

    @property
    def pixels(self) -> int:
        return self.size[0] * self.size[1]


@dataclass
class PrepReport:
    source: str
    out: str
    kept: list[str] = field(default_factory=list)
    crops: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "out": self.out,
            "kept": self.kept,
            "crops": self.crops,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }


def prep_folder(
    source: Path,
    out: Path,
    *,
    size: int = 1024,
    min_size: int = 512,
    hash_threshold: int = 6,
) -> PrepReport:
    """Prepare every image under `source` into `out`; returns what was kept and why not."""
    import imagehash  # optional extra ([train]); imported here so the core stays small

    if not source.is_dir():
        raise InputError(f"{source}: not a folder; give the folder that holds the photos")
    if out.resolve() == source.resolve() or source.resolve() in out.resolve().parents:
        raise InputError(f"--out {out}: is inside the source folder; the source is never modified, write elsewhere")
    files = sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith("."))
    files = [p for p in files if p.suffix.lower() not in HIDDEN_OR_SIDECAR]
    if not files:
        raise InputError(f"{source}: no files found; put the photos (jpg, png, webp, …) in it")

    report = PrepReport(source=str(source), out=str(out))
    candidates: list[Candidate] = []
    for path in files:
        image, reason = _open(path, min_size)
        if image is None:
            report.rejected.append({"file": str(path), "reason": reason})
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        candidates.append(Candidate(path, image.size, digest, imagehash.phash(image)))
        image.close()

    # Largest first, so a duplicate always points at the best copy we keep.
    candidates.sort(key=lambda c: (-c.pixels, str(c.path)))
    kept: list[Candidate] = []
    for cand in candidates:
        match = _duplicate_of(cand, kept, hash_threshold)
        if match is not None:
            original, distance = match
            report.duplicates.append({"file": str(cand.path), "duplicate_of": str(original.path), "distance": distance})
        else:
            kept.append(cand)

    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for cand in sorted(kept, key=lambda c: str(c.path)):
        image, _ = _open(cand.path, min_size)
        if image is None:  # changed on disk since the first read
            report.rejected.append({"file": str(cand.path), "reason": "unreadable on the second read"})
            continue
        box = subject_square(image)
        square = image.crop(box).resize((size, size), Image.Resampling.LANCZOS)
        target = out / _unique_name(cand.path, source, used)
        square.save(target, format="PNG")
        report.kept.append(str(target))
        report.crops.append({"file": str(cand.path), "output": str(target), "box": list(box)})
    log.info("prep: %d kept, %d duplicates, %d rejected", len(report.kept), len(report.duplicates), len(report.rejected))
    return report


def _open(path: Path, min_size: int) -> tuple[Image.Image | None, str]:
    """The upright RGB image, or None and the reason it is rejected."""
    try:
        with Image.open(path) as raw:
            raw.load()  # decode now: a truncated file fails here, not later
            image = ImageOps.exif_transpose(raw).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        return None, f"unreadable: not an image Pillow can decode ({type(exc).__name__})"
    short = min(image.size)
    if short < min_size:
        return None, f"too small: {image.width}x{image.height}, the short side must be at least {min_size} px"
    return image, ""


def _duplicate_of(cand: Candidate, kept: list[Candidate], threshold: int) -> tuple[Candidate, int] | None:
    for other in kept:
        if cand.digest == other.digest:
            return other, 0
        distance = int(cand.phash - other.phash)
        if distance <= threshold:
            return other, distance
    return None


def _unique_name(path: Path, source: Path, used: set[str]) -> str:
    """`sub/IMG_1.JPG` → `sub_IMG_1.png`, with a counter when two sources map to one name."""
    stem = "_".join(path.relative_to(source).with_suffix("").parts)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "image"
    name, n = f"{stem}.png", 1
    while name.lower() in used:
        n += 1
        name = f"{stem}-{n}.png"
    used.add(name.lower())
    return name
