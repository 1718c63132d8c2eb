"""Any Pillow picture as 8-bit RGB or RGBA: what the detectors read and the text is drawn on.

Pillow's own conversions clip 16-bit and 32-bit greys to white and cannot convert some
modes at all (La); here every mode either converts with its values scaled into 0–255 or
gives one line that says what to do.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from core.errors import InputError

WIDE_GREY = ("I", "I;16", "I;16L", "I;16B", "I;16N", "F")
WITH_ALPHA = ("LA", "La", "PA", "RGBa", "RGBA")
FLATTEN_ONTO = (255, 255, 255)  # transparent areas are read as white paper


def as_rgb(image: Image.Image) -> Image.Image:
    """`image` as RGB, or RGBA when it has transparency; the input is not changed (the same
    object is returned when it already is RGB or RGBA)."""
    if image.mode in ("RGB", "RGBA"):
        return image
    try:
        if image.mode in WIDE_GREY:
            return Image.fromarray(_grey_to_8bit(np.asarray(image))).convert("RGB")
        if image.mode == "La":  # premultiplied: Pillow converts it only via LA
            return image.convert("LA").convert("RGBA")
        if image.mode in WITH_ALPHA or (image.mode in ("P", "L", "RGB") and "transparency" in image.info):
            return image.convert("RGBA")
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise InputError(
            f"pictures in Pillow mode {image.mode} cannot be read here ({exc}); save it as an RGB PNG or JPEG"
        ) from None


def _grey_to_8bit(values: np.ndarray) -> np.ndarray:
    """16/32-bit or float greys scaled into 0–255: by the type's range when the values
    use it, by their own maximum otherwise (a float picture in 0..1)."""
    values = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(values.min(initial=0.0)), float(values.max(initial=0.0))
    if high <= 1.0 and low >= 0.0:
        top = 1.0
    elif high <= 255.0 and low >= 0.0:
        top = 255.0
    elif high <= 65535.0 and low >= 0.0:
        top = 65535.0
    else:
        values = values - low
        top = max(high - low, 1.0)
    return np.clip(values * (255.0 / top), 0, 255).round().astype(np.uint8)


def opaque(image: Image.Image) -> Image.Image:
    """An RGB or RGBA picture as the detectors should see it: RGBA with any transparency
    is flattened onto white; anything else is returned as it is."""
    if image.mode != "RGBA" or image.getchannel("A").getextrema()[0] == 255:
        return image
    page = Image.new("RGBA", image.size, (*FLATTEN_ONTO, 255))
    return Image.alpha_composite(page, image).convert("RGB")
