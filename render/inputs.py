"""The Kontext input image: the plate of the plan's wall with the present characters'
reference images stitched on its right, the way ComfyUI's ImageStitch node does it
(direction "right", match_image_size: each reference is scaled to the plate's height,
keeping its aspect ratio; no spacing). The kontext, comfyui and openai backends read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageStat, UnidentifiedImageError

from core.errors import FaultError, InputError
from render.resolutions import DEFAULT_SIZE

if TYPE_CHECKING:
    from agent.state import ScenePlan
    from core.settings import Settings


def plate_path(settings: Settings, wall: str) -> Path:
    return Path(settings.data_dir) / "plates" / f"{wall}.png"


def open_image(path: Path, what: str) -> Image.Image:
    """An RGB image from disk, or a one-line error that names the file and the fix."""
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except FileNotFoundError:
        raise FaultError(f"{path}: {what} not found; {_HOW_TO_MAKE.get(what, 'add the file')}") from None
    except (UnidentifiedImageError, OSError, ImportError) as exc:
        # ImportError: once ultralytics is imported it patches Image.open to try a HEIF
        # plugin on unreadable files, and that import fails when pi_heif is not installed.
        raise InputError(f"{path}: {what} is not a readable image ({exc.__class__.__name__}); replace it") from None


_HOW_TO_MAKE = {
    "reference image": "add it, or fix `references` in the character's character.toml",
    "plate": "run `cartoon plates --backend preview`",
}


def load_plate(settings: Settings, wall: str, size: tuple[int, int] | None = None) -> Image.Image:
    """`data/plates/<wall>.png`, or the preview drawing of that wall when the file is
    missing; resized to `size` (width, height) when given."""
    path = plate_path(settings, wall)
    if path.exists():
        plate = open_image(path, "plate")
    else:
        from render.draw.plates import draw_plate

        plate = draw_plate(wall, size or DEFAULT_SIZE, seed=0)
    if size and plate.size != tuple(size):
        plate = plate.resize(size, Image.Resampling.LANCZOS)
    return plate


def load_references(settings: Settings, characters: list[str]) -> list[Image.Image]:
    """The first reference image of each character, in plan order."""
    from characters.sheet import load_characters

    sheets = load_characters(Path(settings.characters_dir))
    images = []
    for character_id in characters:
        sheet = sheets.get(character_id)
        if sheet is None:
            raise InputError(f"unknown character '{character_id}'; use one of: {', '.join(sheets)}")
        if not sheet.reference_paths:
            raise FaultError(f"character '{character_id}' has no reference image; add `references` to its character.toml")
        images.append(open_image(sheet.reference_paths[0], "reference image"))
    return images


def stitch(first: Image.Image, *others: Image.Image) -> Image.Image:
    """ImageStitch(direction="right", match_image_size=True, spacing_width=0), chained."""
    height = first.height
    scaled = [first] + [
        image if image.height == height
        else image.resize((max(1, round(image.width * height / image.height)), height), Image.Resampling.LANCZOS)
        for image in others
    ]
    out = Image.new("RGB", (sum(image.width for image in scaled), height))
    x = 0
    for image in scaled:
        out.paste(image.convert("RGB"), (x, 0))
        x += image.width
    return out


def kontext_input(plan: ScenePlan, settings: Settings, size: tuple[int, int] | None = None) -> Image.Image:
    """The plate (at `size`) with the plan's characters' references on its right."""
    return stitch(load_plate(settings, plan.plate, size), *load_references(settings, plan.characters))


def build_input_image(plan: ScenePlan, settings: Settings, size: tuple[int, int] | None = None) -> Image.Image:
    """The name the kontext backend calls; the same as `kontext_input`."""
    return kontext_input(plan, settings, size)


def letterbox(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image` scaled to fit width×height, centred on a canvas of its mean colour: every cast
    (plate + one or two references, or a photo) becomes the same shape for a compiled graph."""
    image = image.convert("RGB")
    scale = min(width / image.width, height / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    fill = tuple(round(c) for c in ImageStat.Stat(image).mean)
    canvas = Image.new("RGB", (width, height), fill)  # type: ignore[arg-type]
    canvas.paste(image.resize(size, Image.Resampling.LANCZOS), ((width - size[0]) // 2, (height - size[1]) // 2))
    return canvas
