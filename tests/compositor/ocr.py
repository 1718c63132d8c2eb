"""Reading a written slogan back with tesseract, the way a reader would see it."""

from __future__ import annotations

import re

import numpy as np
from PIL import Image
from scipy import ndimage

from render.types import CompositorResult


def normalise(text: str) -> str:
    """Upper case letters, digits and '?' only, single spaces."""
    return " ".join(re.sub(r"[^A-Z0-9?]+", " ", text.upper()).split())


def letters(text: str) -> str:
    """What OCR is compared on: `normalise` without the spaces (tesseract sometimes
    joins a line's last short word to the one before: "NOTA" for "Not a"), and with O
    and 0 as one letter (they differ by a few pixels at 12 px in any sans font)."""
    return normalise(text).replace(" ", "").replace("O", "0")


def _letters_only(image: Image.Image, result: CompositorResult) -> Image.Image:
    """The fitted area with a little margin, keeping the dark shapes that do not touch
    its edge (the letters; not the suit or the piping round the panel) on white paper,
    turned upright."""
    x0, y0, x1, y1 = result.box
    pad = 4
    grey = np.asarray(image.convert("L").crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad)))
    labels, count = ndimage.label(grey < 128)
    size = result.font_size or 20
    # letters are not specks of noise (JPEG, a renderer's grain on a dim panel)
    keep = np.bincount(labels.ravel(), minlength=count + 1) >= max(3, 0.03 * size * size)
    keep[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = False
    keep[0] = False
    letters_at = ndimage.binary_dilation(keep[labels], iterations=1)  # with their soft edges
    crop = Image.fromarray(np.where(letters_at, grey, 255).astype(np.uint8))
    if result.angle:
        crop = crop.rotate(-result.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return crop


def _halo_enclosed(image: Image.Image, result: CompositorResult) -> Image.Image:
    """The fitted area turned upright, keeping what the white halo (or a white panel or
    patch) encloses: black text on white, the way a reader sees it on the suit."""
    x0, y0, x1, y1 = result.box
    pad = 6
    crop = image.convert("RGB").crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    if result.angle:
        crop = crop.rotate(-result.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    grey = np.asarray(crop.convert("L"))
    enclosed = ndimage.binary_fill_holes(grey > 200)
    return Image.fromarray(np.where(enclosed, grey, 255).astype(np.uint8))


def read_back(image: Image.Image, result: CompositorResult, how: int = 0) -> str:
    """What tesseract reads in the fitted area, after one of two ways of cleaning it
    (`how`: 0 the letters alone, 1 what the halo encloses), enlarged to ~60 px letters."""
    import pytesseract

    crop = (_letters_only, _halo_enclosed)[how](image, result)
    scale = max(1, round(60 / max(result.font_size or 60, 1)))
    if scale > 1:
        crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    return normalise(pytesseract.image_to_string(crop, config="--psm 6"))


def reads_back(image: Image.Image, result: CompositorResult, slogan: str) -> bool:
    """Whether a reader gets the slogan back: either way of cleaning the crop will do
    (each fails now and then on its own: specks of a lit panel, the suit round a patch)."""
    return any(letters(read_back(image, result, how)) == letters(slogan) for how in (0, 1))
