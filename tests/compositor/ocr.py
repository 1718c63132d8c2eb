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


def read_back(image: Image.Image, result: CompositorResult) -> str:
    """OCR the fitted area: crop it, turn it upright, enlarge it, ask tesseract."""
    import pytesseract

    x0, y0, x1, y1 = result.box
    pad = 6
    crop = image.convert("RGB").crop((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
    if result.angle:
        crop = crop.rotate(-result.angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    # Keep only what the white halo (or the white panel) encloses: black text on white,
    # the way a reader sees it against the dark suit.
    grey = np.asarray(crop.convert("L"))
    enclosed = ndimage.binary_fill_holes(grey > 200)
    crop = Image.fromarray(np.where(enclosed, grey, 255).astype(np.uint8))
    scale = max(1, round(60 / max(result.font_size or 60, 1)))
    if scale > 1:
        crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    return normalise(pytesseract.image_to_string(crop, config="--psm 6"))
